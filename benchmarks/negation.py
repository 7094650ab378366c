"""How well crfner's negation rules (``crfner.assertion.negations``) find the entities that
MACCROBAT2020's annotators marked ``POLARITY NEG`` (a sign absent, a drug stopped, a procedure
not done): precision, recall and F1 of "negated", with 95% bootstrap intervals over documents.

The rules were written against the train split and their three reaches (``window``,
``post_window``, ``item``) chosen on train and devel together: devel alone holds 79 negations,
too few to tell the settings apart (its grid, reported, spans a few entities). Test is
reported once.
Each split is scored on the gold entities of the event types that carry polarity (Sign_symptom,
Disease_disorder, Medication, Therapeutic_procedure, Diagnostic_procedure, Activity,
Clinical_event), per type too, against two baselines: no entity negated, and the four commonest
cues alone (``no``, ``not``, ``without``, ``denies``); and limited to the types (``types=``)
chosen on train and devel: left out one at a time while F1 rises. With ``--model``, the entities a MACCROBAT
model finds in the test documents are scored too, those that match a gold entity exactly, and
the time negation takes is set beside the time tagging them took, in the same run, with each
splitter (the scores are of the entities found with ``abstract``, the splitter that cut the
corpus's sentences; a model trained on MACCROBAT now records ``notes`` for raw text).

    python benchmarks/negation.py --data-dir ../shared/data --model /tmp/m/maccrobat-clinical \\
        --out benchmarks/results/negation_maccrobat.json

With ``--i2b2 FOLDER`` it scores the same rules instead on i2b2 2010 assertions you hold
(``.txt`` and ``.ast``; a problem asserted ``absent`` is negated), choosing nothing:

    python benchmarks/negation.py --i2b2 I2B2_TEST_FOLDER --out i2b2_negation.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections import Counter

import numpy as np

from crfner.assertion import RULES, negations
from crfner.atomic import atomic_open
from crfner.corpora.polarity import maccrobat_polarity

EVENTS = ("Sign_symptom", "Disease_disorder", "Medication", "Therapeutic_procedure", "Diagnostic_procedure", "Activity",
          "Clinical_event")
GRID = {"window": (3, 4, 5, 6, 8, 12), "post_window": (0, 2, 4), "item": (0, 2, 3, 4)}
CHOSEN = {"window": 4, "post_window": 0, "item": 2}
FEW_CUES = {**RULES, "before": frozenset({("no",), ("not",), ("without",), ("denies",)}), "after": frozenset(),
            "pseudo": frozenset(), "minus_signs": frozenset()}


def counts(documents, reaches: dict, rules=None, types=None) -> np.ndarray:
    """``(true positives, false positives, false negatives)`` of "negated" per document, and per type."""
    rows, by_type = [], {}
    for document in documents:
        found = negations(document.text, document.entities, passages=document.passages, rules=rules, types=types, **reaches)
        row = [0, 0, 0]
        for entity, negation in zip(document.entities, found):
            k = 0 if negation.negated and entity.negated else 1 if negation.negated else 2 if entity.negated else None
            if k is not None:
                row[k] += 1
                by_type.setdefault(entity.type, [0, 0, 0])[k] += 1
        rows.append(row)
    return np.array(rows), by_type


def prf(tp: float, fp: float, fn: float) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
            "tp": int(tp), "fp": int(fp), "fn": int(fn)}


def scored(rows: np.ndarray, by_type: dict, resamples: int = 1000) -> dict:
    out = prf(*rows.sum(axis=0))
    rng = np.random.default_rng(0)
    f1s = []
    for _ in range(resamples):
        tp, fp, fn = rows[rng.integers(0, len(rows), len(rows))].sum(axis=0)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    out["f1_95ci"] = [round(float(np.percentile(f1s, 2.5)), 4), round(float(np.percentile(f1s, 97.5)), 4)]
    out["per_type"] = {t: prf(*c) for t, c in sorted(by_type.items())}
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--model", metavar="DIR", help="a saved MACCROBAT model, whose test entities are scored too")
    parser.add_argument("--i2b2", metavar="FOLDER", help="instead, score the rules on the i2b2 2010 records of FOLDER "
                        "(.txt with .ast: absent is negated), as written, with the MACCROBAT choice of reaches and types")
    parser.add_argument("--out", help="write the results here as JSON")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    command = "python benchmarks/negation.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.i2b2:
        return write(i2b2_scores(args.i2b2, command), args.out, started)
    splits = {s: maccrobat_polarity(s, args.data_dir, types=EVENTS) for s in ("train", "devel", "test")}
    result = {"command": command,
              "corpus": "MACCROBAT2020, POLARITY NEG on the gold entities of " + ", ".join(EVENTS),
              "chosen": CHOSEN, "chosen_on": "F1 on train and devel together (train_devel_grid)", "train_devel_grid": [],
              "devel_grid": []}
    for values in itertools.product(*GRID.values()):
        reaches = dict(zip(GRID, values))
        devel, train = (counts(splits[s], reaches)[0].sum(axis=0) for s in ("devel", "train"))
        result["devel_grid"].append({**reaches, **prf(*devel)})
        result["train_devel_grid"].append({**reaches, **prf(*(devel + train))})
    # The types worth negating (crfner tag --negation-types): left out one at a time, each time
    # the type whose leaving out most raises F1 on train and devel together, while one does.
    pooled = splits["train"] + splits["devel"]
    types, steps = list(EVENTS), []
    best = prf(*counts(pooled, CHOSEN)[0].sum(axis=0))["f1"]
    while len(types) > 1:
        f1, dropped = max((prf(*counts(pooled, CHOSEN, types=[t for t in types if t != d])[0].sum(axis=0))["f1"], d)
                          for d in types)
        if f1 <= best:
            break
        best = f1
        types.remove(dropped)
        steps.append({"left_out": dropped, "train_devel_f1": f1})
    types = tuple(types)
    result["types"] = {"chosen": list(types), "rule": "types left out one at a time while F1 on train and devel "
                       "together rises", "steps": steps}
    for split, documents in splits.items():
        entities = [e for d in documents for e in d.entities]
        result[split] = {"documents": len(documents), "entities": len(entities), "negated": sum(e.negated for e in entities),
                         "rules": scored(*counts(documents, CHOSEN)),
                         "rules_chosen_types": scored(*counts(documents, CHOSEN, types=types)),
                         "few_cues": scored(*counts(documents, CHOSEN, FEW_CUES)),
                         "none_negated": prf(0, 0, sum(e.negated for e in entities))}
        print(f"{split}: rules {result[split]['rules']['f1']:.4f} {result[split]['rules']['f1_95ci']}, "
              f"chosen types {result[split]['rules_chosen_types']['f1']:.4f} {result[split]['rules_chosen_types']['f1_95ci']}, "
              f"few cues {result[split]['few_cues']['f1']:.4f}", file=sys.stderr)
    if args.model:
        result["model_entities"] = tagged_entities(args.model, splits["test"], types)
    return write(result, args.out, started)


def write(result: dict, out: str | None, started: float) -> int:
    result["seconds"] = round(time.perf_counter() - started, 1)
    if out:
        with atomic_open(out, "w") as handle:
            handle.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    else:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def i2b2_scores(folder: str, command: str) -> dict:
    """The rules on i2b2 2010 assertions (each record's lines read as its sentences): every
    problem asserted ``absent`` is negated, any other assertion not. No choice is made here:
    the reaches are MACCROBAT's, and i2b2's one concept type is negated."""
    from crfner.corpora.i2b2_assertions import read_i2b2_assertions

    documents = list(read_i2b2_assertions(folder))
    entities = [e for d in documents for e in d.entities]
    result = {"command": command, "corpus": f"i2b2 2010 assertions in {folder}: absent is negated",
              "documents": len(documents), "entities": len(entities), "negated": sum(e.negated for e in entities),
              "assertions": dict(sorted(Counter(e.assertion for e in entities).items())),
              "rules": scored(*counts(documents, CHOSEN)), "few_cues": scored(*counts(documents, CHOSEN, FEW_CUES)),
              "none_negated": prf(0, 0, sum(e.negated for e in entities))}
    print(f"i2b2: rules {result['rules']['f1']:.4f} {result['rules']['f1_95ci']}, few cues {result['few_cues']['f1']:.4f}",
          file=sys.stderr)
    return result


def tagged_entities(model_dir: str, documents, types) -> dict:
    """The test entities a saved model finds that match a gold entity exactly, scored as above."""
    from dataclasses import replace

    from crfner import CRFTagger
    from crfner.corpora.documents import Document
    from crfner.tagging.annotate import tag_documents

    tagger = CRFTagger.load(model_dir)
    for splitter in ("notes", "abstract"):  # a first pass, untimed: what is loaded or compiled on first use
        for document in tag_documents(tagger, [Document(documents[0].id, documents[0].text)], splitter=splitter):
            negations(document.text, document.mentions, splitter=splitter)
    cost, tagged_by = {}, {}
    for splitter in ("notes", "abstract"):
        started = time.perf_counter()
        tagged_by[splitter] = tag_documents(tagger, [Document(d.id, d.text) for d in documents], splitter=splitter)
        tagging = time.perf_counter() - started
        started = time.perf_counter()
        for document in tagged_by[splitter]:
            negations(document.text, document.mentions, splitter=splitter)
        negating = time.perf_counter() - started
        cost[splitter] = {"tagging_seconds": round(tagging, 3), "negation_seconds": round(negating, 3),
                          "negation_over_tagging": round(negating / tagging, 4)}
    tagged = tagged_by["abstract"]  # the splitter that cut the corpus's sentences: its entities are scored
    matched = []
    for gold, found in zip(documents, tagged):
        spans = {(m.start, m.end, m.type) for m in found.mentions}
        matched.append(replace(gold, entities=tuple(e for e in gold.entities if (e.start, e.end, e.type) in spans)))
    entities = [e for d in matched for e in d.entities]
    return {"model": model_dir, "matched_entities": len(entities), "negated": sum(e.negated for e in entities),
            "rules": scored(*counts(matched, CHOSEN)), "rules_chosen_types": scored(*counts(matched, CHOSEN, types=types)),
            "tagged_entities": sum(len(d.mentions) for d in tagged),
            **cost["abstract"], "with_notes_splitter": cost["notes"]}


if __name__ == "__main__":
    raise SystemExit(main())
