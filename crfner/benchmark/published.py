"""Published results on the registered corpora, for the report's reference table.

Every figure is quoted from the paper cited beside it (test-set F1, as the authors report it),
not measured here; the training regimes differ from ours, and the per-type rows of BC5CDR
come from models trained on one entity type at a time. The clinical corpora have anchors
instead (``ANCHORS``): figures measured on other data or another task, marked as such.
"""

from __future__ import annotations

_BIOBERT = ("Lee et al. 2020, BioBERT: a pre-trained biomedical language representation model for biomedical "
            "text mining, Bioinformatics 36(4):1234-1240 (BioBERT v1.1)", "https://doi.org/10.1093/bioinformatics/btz682")
_PUBMEDBERT = ("Gu et al. 2021, Domain-specific language model pretraining for biomedical natural language "
               "processing, ACM Transactions on Computing for Healthcare 3(1), BLURB results", "https://doi.org/10.1145/3458754")
_SCISPACY = ("Neumann et al. 2019, ScispaCy: fast and robust models for biomedical natural language processing, "
             "BioNLP Workshop, ACL", "https://doi.org/10.18653/v1/W19-5034")
_TAGGERONE = ("Leaman and Lu 2016, TaggerOne: joint named entity recognition and normalization with semi-Markov "
              "models, Bioinformatics 32(18):2839-2846 (abstract)", "https://doi.org/10.1093/bioinformatics/btw343")

PUBLISHED = [
    ("bc5cdr", "BioBERT v1.1", "Chemical", 0.9347, "fine-tuned on the chemical annotations only", _BIOBERT),
    ("bc5cdr", "BioBERT v1.1", "Disease", 0.8715, "fine-tuned on the disease annotations only", _BIOBERT),
    ("bc5cdr", "PubMedBERT", "Chemical", 0.9333, "BLURB BC5-chem", _PUBMEDBERT),
    ("bc5cdr", "PubMedBERT", "Disease", 0.8562, "BLURB BC5-disease", _PUBMEDBERT),
    ("bc5cdr", "scispaCy", "all", 0.8392, "NER model trained on BC5CDR, both types", _SCISPACY),
    ("bc5cdr", "TaggerOne", "Chemical", 0.914, "semi-Markov model, NER f-score", _TAGGERONE),
    ("ncbi_disease", "BioBERT v1.1", "Disease", 0.8971, "", _BIOBERT),
    ("ncbi_disease", "PubMedBERT", "Disease", 0.8782, "BLURB NCBI-disease", _PUBMEDBERT),
    ("ncbi_disease", "scispaCy", "Disease", 0.8165, "", _SCISPACY),
    ("ncbi_disease", "TaggerOne", "Disease", 0.829, "semi-Markov model, NER f-score", _TAGGERONE),
]


# Anchors for the clinical corpora: nothing is published on MACCROBAT or PHEE flattened to IOB2
# as crfner does it, so these are the nearest reported figures, each MEASURED ON OTHER DATA (or,
# for PHEE, another task on the authors' own annotation) with its own protocol. They show the
# range clinical extraction reaches elsewhere; they are not rows to compare a score against.
OTHER_DATA = "measured on other data, not comparable"
_MED7 = ("Kormilitzin et al. 2021, Med7: A transferable clinical natural language processing model for electronic "
         "health records, Artificial Intelligence in Medicine 118:102086",
         "https://doi.org/10.1016/j.artmed.2021.102086")
_N2C2_2018 = ("Henry et al. 2020, 2018 n2c2 shared task on adverse drug events and medication extraction in "
              "electronic health records, JAMIA 27(1):3-12", "https://doi.org/10.1093/jamia/ocz166")
_I2B2_2009 = ("Uzuner et al. 2010, Extracting medication information from clinical text, JAMIA 17(5):514-518",
              "https://doi.org/10.1136/jamia.2010.003947")
_PHEE = ("Sun et al. 2022, PHEE: A Dataset for Pharmacovigilance Event Extraction from Text, EMNLP 2022",
         "https://doi.org/10.18653/v1/2022.emnlp-main.376")
_MEDICATION = ("maccrobat", "phee")  # both annotate drugs with dosage, frequency, duration and route

# (corpora it is an anchor for, system, entity types, score as printed, metric, measured on, protocol, citation)
ANCHORS = [
    (_MEDICATION, "Med7", "7 medication types", "0.893", "strict micro-F1",
     "MIMIC-III discharge summaries",
     "an NER model pre-trained on 2 million MIMIC-III notes, fine-tuned for drug, route, frequency, dosage, "
     "strength, form and duration; lenient micro-F1 0.957 (the strict figure is the preprint's, arXiv:2003.01271v2)",
     _MED7),
    (_MEDICATION, "medaCy CRF (n2c2 2018 track 2)", "9 medication and ADE concepts", "0.750", "strict micro-F1",
     "n2c2 2018 track 2: MIMIC-III discharge summaries",
     "the medaCy team's CRF in the concept extraction task (drug, strength, dosage, duration, frequency, form, "
     "route, reason, ADE); lenient micro-F1 0.871", _N2C2_2018),
    (_MEDICATION, "best i2b2 2009 medication system", "medication fields", "0.857", "exact (horizontal) F1",
     "i2b2 2009 medication challenge: Partners discharge summaries",
     "a hybrid system, the best of 20 teams: medication entries with dose, mode, frequency, duration and reason, "
     "scored as whole entries with exact spans", _I2B2_2009),
    (("phee",), "PHEE best argument extraction", "main arguments", "68.60%", "exact-match F1",
     "PHEE, the authors' split and annotation, event argument extraction (another task)",
     "generative QA extracting each event's subject, treatment and effect given the event; 68.60% "
     "exact match (sub-arguments 76.16%); not entity tagging of crfner's flattened IOB2 types", _PHEE),
]


def published_results(corpora) -> list[dict]:
    """The published rows for the given corpus names, in table order: first the results on these
    corpora (``comparable``: same data), then the anchors measured on other data."""
    wanted = set(corpora)
    rows = [
        {"corpus": corpus, "system": system, "entity_type": etype, "f1": f1, "note": note,
         "citation": citation, "url": url, "source": "reported in the literature, not measured here"}
        for corpus, system, etype, f1, note, (citation, url) in PUBLISHED
        if corpus in wanted
    ]
    for anchor_for, system, etype, printed, metric, data, protocol, (citation, url) in ANCHORS:
        shown_for = [c for c in corpora if c in anchor_for]
        if shown_for:
            f1 = float(printed.rstrip("%")) / (100 if printed.endswith("%") else 1)
            rows.append({"corpus": ", ".join(shown_for), "system": system, "entity_type": etype,
                         "f1": round(f1, 4), "reported": printed, "metric": metric, "measured_on": data,
                         "note": protocol, "citation": citation, "url": url, "comparable": False,
                         "source": f"reported in the literature, {OTHER_DATA}"})
    return rows
