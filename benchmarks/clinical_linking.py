"""How many clinical entities get a concept id from the MeSH/MEDIC linker, with type aliases.

A model trained on MACCROBAT or PHEE tags Medication, Disease_disorder, Sign_symptom (PHEE:
Drug, Treat-Disorder, Effect), types the vocabularies here do not name; ``type_aliases`` links
them under the linker's Chemical and Disease, and MACCROBAT's Biological_structure,
Diagnostic_procedure and Therapeutic_procedure under Anatomy and Procedure (MeSH's A and E
branches, ``--vocabulary mesh-anatomy --vocabulary mesh-procedures``, and since 2026-12-05 the names of imaging tests
MeSH lacks, ``--vocabulary clinical-procedures``); since 2026-12-05 a diagnostic procedure no procedure's name
matches is looked up by name under Measure (MeSH's measures of the body, ``--vocabulary mesh-measures``, and
since 2026-12-05 the names of measures MeSH lacks, ``--vocabulary clinical-measures``) and
Chemical, so a test named by what it measures gets that ("creatinine", "oxygen saturation"); and a
medication no chemical's name matches is looked up under Procedure (since 2026-12-05), as MACCROBAT
annotates therapies named by their drugs as medications ("chemotherapy", "general anesthesia"); and
since 2026-12-06 a disease, sign or symptom (PHEE: indication, effect) no disease's name matches is
looked up by name under Infection, organisms as the infections they cause (``--vocabulary
mesh-infections``: "HIV", "MRSA", "Helicobacter pylori"), and since 2026-12-06 after the diseases'
names by MeSH 2024's disease names, which MEDIC lacks in part, filed under a type of their own
(``--vocabulary MeSHDisease=mesh-diseases``: "hair loss", "STEMI", "acute ischemic stroke"); and since
2026-12-07 a medication or drug no MeSH name matches is looked up by name in the data folder's chemical
list, whose ChEBI and DrugBank names name drugs MeSH's descriptors lack (``--vocabulary
ChemicalName=chemicals``, last in ``Medication=Chemical,Procedure,ChemicalName`` and
``Drug=Chemical,ChemicalName``: "apatinib", "fludarabine", "ziprasidone"). The linker is the
default one (`crfner linker`: MEDIC and MeSH chemicals, BC5CDR train's gold mentions) with those vocabularies and
the aliases (``aliases``), and the
same with the clinical abbreviation inventories (``aliases+senses``: `--senses clinical`, "HTN"
linked as hypertension). For each corpus's test split this script links (a) the gold mentions
and (b) what the declared `clinical` CRF (trained on train) tags in the raw test documents, and
counts per type how many get an id and by which stage, and how long linking takes against
tagging.

Neither corpus gives concept ids, so this measures coverage, not accuracy: the linker's
accuracy is measured on BC5CDR and NCBI Disease (`benchmarks/results/linking.json`), and on a
hand-judged sample of these corpora's links by ``clinical_link_audit.py``. A sample of
linked mentions per type is kept in the results for reading (with the senses, of the links the
senses made).

    python benchmarks/clinical_linking.py --data-dir ../shared/data --out benchmarks/results/clinical_linking.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ALIASES = {
    "maccrobat": {"Medication": ["Chemical", "Procedure", "ChemicalName"], "Disease_disorder": ["Disease", "MeSHDisease", "Infection"],
                  "Sign_symptom": ["Disease", "MeSHDisease", "Infection"],
                  "Biological_structure": ["Anatomy", "CellsFluids"], "Diagnostic_procedure": ["Procedure", "Measure", "Chemical"],
                  "Therapeutic_procedure": "Procedure"},
    "phee": {"Drug": ["Chemical", "ChemicalName"], "Treat-Disorder": ["Disease", "MeSHDisease", "Infection"], "Effect": ["Disease", "MeSHDisease", "Infection"]},
}
#: The linker's vocabularies: the default two, MeSH's anatomy and procedures for the types
#: aliased under them (each type is linked only to its own vocabulary's concepts), and the
#: names of imaging tests MeSH lacks (since 2026-12-05), and MeSH's measures of the body, under
#: which, then under Chemical, a diagnostic procedure no procedure's name matches is looked up by
#: name (since 2026-12-05: "creatinine", "oxygen saturation"), and the names of measures and signs
#: MeSH or MEDIC lack (since 2026-12-05: "ejection fraction", "platelets"; "murmur", "dilated"), and
#: of body structures MeSH names with other words (since 2026-12-05: "LAD", "mitral"), and organisms
#: as the infections they cause, looked up by name after the diseases (since 2026-12-06: "HIV"), and
#: MeSH 2024's disease names under a type of their own, looked up by name after MEDIC's (since 2026-12-06),
#: and the data folder's chemical list (ChEBI and DrugBank names beside MeSH's) under a type of its own,
#: looked up by name last for a medication or drug (since 2026-12-07: "apatinib", "fludarabine").
VOCABULARIES = ("medic", "mesh", "mesh-anatomy", "mesh-cells-fluids", "mesh-procedures", "clinical-procedures", "mesh-measures", "clinical-measures",
                "clinical-signs", "clinical-anatomy", "mesh-infections", "MeSHDisease=mesh-diseases", "ChemicalName=chemicals")
SAMPLE = 12
COMMONEST = 10


def clinical_linker(corpus: str, data_dir: str, senses=("clinical",), vocabularies=VOCABULARIES, **params):
    """The linker this script measures for ``corpus``: :data:`VOCABULARIES`, the corpus's
    :data:`ALIASES` and the abbreviation ``senses`` (what the audit and broader_concepts.py use);
    ``params`` pass to the :class:`~crfner.link.Linker` (``heads=True`` in clinical_heads.py)."""
    from crfner.link.build import build_linker

    return build_linker(data_dir=data_dir, type_aliases=ALIASES[corpus], senses=senses, vocabularies=vocabularies, **params)


def coverage(linker, documents, aliases: dict, stage: str | None = None) -> dict:
    """Per aliased type: mentions, how many got an id, by which stage, a sample (of the links
    ``stage`` made, when given), its commonest ids and its commonest mentions left without one."""
    counts: dict[str, Counter] = defaultdict(Counter)
    ids: dict[str, Counter] = defaultdict(Counter)
    unlinked: dict[str, Counter] = defaultdict(Counter)
    samples: dict[str, list] = defaultdict(list)
    started = time.perf_counter()
    links = linker.link_batch([(d.text, [(m.start, m.end, m.type) for m in d.mentions]) for d in documents])
    seconds = time.perf_counter() - started
    for document, found in zip(documents, links):
        for mention, link in zip(document.mentions, found):
            if mention.type not in aliases:
                continue
            counts[mention.type]["mentions"] += 1
            counts[mention.type][link.method] += 1
            if not link.identifiers:
                unlinked[mention.type][mention.text.lower()] += 1
            else:
                counts[mention.type]["linked"] += 1
                ids[mention.type][link.identifier] += 1
                wanted = stage is None or link.method == stage
                if wanted and len(samples[mention.type]) < SAMPLE and all(s[0] != mention.text for s in samples[mention.type]):
                    samples[mention.type].append([mention.text, link.identifier, round(link.score, 2)])
    out = {}
    for etype in aliases:
        c = counts[etype]
        out[etype] = {"mentions": c["mentions"], "linked": c["linked"],
                      "share_linked": round(c["linked"] / c["mentions"], 4) if c["mentions"] else None,
                      "by_stage": {k: v for k, v in sorted(c.items()) if k not in ("mentions", "linked")},
                      "sample": samples[etype], "commonest_ids": ids[etype].most_common(COMMONEST),
                      "commonest_unlinked": unlinked[etype].most_common(COMMONEST)}
    return {"per_type": out, "link_seconds": round(seconds, 4)}


def measure(corpus: str, data_dir: str) -> dict:
    import crfner
    from crfner.corpora.clinical import split_documents
    from crfner.tagging.annotate import tag_documents

    aliases = ALIASES[corpus]
    linkers, build_seconds = {}, {}
    for name, senses in (("aliases", ()), ("aliases+senses", ("clinical",))):
        started = time.perf_counter()
        linkers[name] = clinical_linker(corpus, data_dir, senses)
        build_seconds[name] = round(time.perf_counter() - started, 1)
    gold = split_documents(corpus, "test", data_dir)
    X, y = crfner.load_corpus(corpus, "train", data_dir=data_dir)
    tagger = crfner.CRFTagger(features="clinical", data_dir=data_dir)
    tagger.fit(X, y, documents=crfner.load_document_ids(corpus, "train", data_dir=data_dir))
    started = time.perf_counter()
    tagged = tag_documents(tagger, gold)
    tag_seconds = time.perf_counter() - started
    row = {"corpus": corpus, "split": "test", "documents": len(gold), "type_aliases": aliases,
           "linker_build_seconds": build_seconds, "tag_seconds": round(tag_seconds, 4),
           "feature_set": f"{tagger.feature_set_.name} v{tagger.feature_set_.version}"}
    for name, linker in linkers.items():
        stage = "sense" if "senses" in name else None
        row[name] = {"gold": coverage(linker, gold, aliases, stage), "tagged": coverage(linker, tagged, aliases, stage)}
        row[name]["tagged"]["link_over_tag"] = round(row[name]["tagged"]["link_seconds"] / tag_seconds, 3)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpora", nargs="+", default=list(ALIASES), choices=list(ALIASES))
    parser.add_argument("--out", help="JSON file (written atomically); default: a scratch file")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # MACCROBAT's known stray-tab warning
    if not args.out:
        from scratch import fresh_out

        args.out = fresh_out(__file__, "clinical_linking.json")
    from crfner.atomic import atomic_open

    result = {"command": " ".join(["python", "benchmarks/clinical_linking.py", *sys.argv[1:]]),
              "note": __doc__.split("\n\n")[1].replace("\n", " "),
              "rows": [measure(corpus, args.data_dir) for corpus in args.corpora]}
    with atomic_open(args.out) as handle:
        json.dump(result, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    for row in result["rows"]:
        for name in ("aliases", "aliases+senses"):
            for side in ("gold", "tagged"):
                shares = {t: (s["share_linked"], s["mentions"]) for t, s in row[name][side]["per_type"].items()}
                print(row["corpus"], name, side, shares, flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    raise SystemExit(main())
