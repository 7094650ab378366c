"""A check that a saved model is featurized as it was trained: a fixed probe document is
featurized when the model is saved and again when it is loaded, and the two digests compared.

A model stores its feature set's declaration, its learned tables and its term lists' checksums,
but not the code behind a family: a pattern, a built-in table such as :data:`.shorthand.SHORTHAND`,
the order a window is read in. A crfner whose code computes other features for the same tokens
would tag with weights trained on different features, with nothing to say so. The probe holds
what each family reads (doses, units, routes, slash shorthand, abbreviations defined and
undefined, a heading, a sentence in capitals and one in lower case, Greek letters, formulas,
gazetteer terms), and only the attributes the model has weights for enter the digest, each
token's sorted: features no weight sees, or their order, change no tag.

Raw text's splitter and tokenizer are not probed: a model tags token lists, and its scores were
measured on token lists.
"""

from __future__ import annotations

import hashlib

__all__ = ["PROBES", "CURRENT", "probe_digest"]

#: Probe documents by version: a version is never edited once released (models store its number);
#: a new probe is a new version.
PROBES: dict[int, tuple[tuple[str, ...], ...]] = {
    1: tuple(tuple(sentence.split(" ")) for sentence in (
        "HISTORY OF PRESENT ILLNESS :",
        "A 67 y / o woman w / HTN , DM2 and CKD stage III , s / p CABG , c / o SOB and n / v x3 days .",
        "She was given non-steroidal anti-inflammatory drugs ( NSAIDs ) for knee pain ; NSAIDs were stopped .",
        "Cisplatin-induced nephrotoxicity and acetaminophen hepatotoxicity were ruled out .",
        "MEDICATIONS :",
        "1 . Metformin 500mg PO b.i.d. ; 2 . lisinopril 10 mg p.o. q.d. ; heparin 5000 U SC q8h ; 0.5 mg / kg IV .",
        "PT WITH HTN AND COPD ON ALBUTEROL 2 PUFFS Q4H PRN , NEG FOR FEVER .",
        "pt denies chest pain , hx of mi , bp 120 / 80 mmHg , hgb 9.8 g/dL , TNF-α and IL-2 elevated .",
        "Parkinson's disease , breast cancer and NaHCO3 , CO2 ; type II diabetes mellitus ; 45-year-old man .",
        ("Transthoracic echocardiography , computed tomography of the liver and a renal biopsy preceded chemotherapy "
         "and cholecystectomy ; serum interleukin 2 ( IL - 2 ) rose , and IL - 2 fell after surgery ."),
        ("Chronic kidney disease ( CKD ) , magnetic resonance imaging ( MRI ) , coronary artery bypass grafting "
         "( CABG ) , the left ventricle ( LV ) and calcium channel blockers ( CCBs ) ; CKD , MRI , CABG , LV , CCBs ."),
        "Then Echocardiography , Liver , Cholecystectomy , Biopsy .",
    )),
}
CURRENT = max(PROBES)


def probe_digest(featurizer, version: int = CURRENT) -> str:
    """SHA-256 over the probe's CRFsuite attributes as ``featurizer`` computes them, read as one
    document; each token's attributes sorted. KeyError for a probe version this crfner lacks."""
    sentences = [list(s) for s in PROBES[version]]
    digest = hashlib.sha256()
    for tokens in featurizer.document_attributes(sentences):
        for attributes in tokens:
            digest.update(b"\x1e".join(sorted(attributes)) + b"\x1d")
        digest.update(b"\x1c")
    return digest.hexdigest()
