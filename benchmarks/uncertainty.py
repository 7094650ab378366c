"""How well crfner's uncertainty rules (``crfner.assertion.uncertainties``) find the entities that
MACCROBAT2020's annotators marked uncertain: precision, recall and F1 of "uncertain", with 95%
bootstrap intervals over documents, against two golds: ``POLARITY UNCERTAIN`` alone, and any of
``UNCERTAIN``, ``MAYBE_POS`` and ``MAYBE_NEG`` (the annotators' hedges are spread over the three:
"suspicion of CNS metastases" is ``MAYBE_POS`` in one report, "suspicion of pulmonary embolism"
``UNCERTAIN`` in another). Neither is a clean gold for hedging: ``UNCERTAIN`` also marks planned
procedures ("scheduled for debulking surgery") and what a prophylaxis prevents, and many hedged
findings carry no mark ("treated for a presumed urinary tract infection"). So ``--judge FILE``
also writes the rules' marks on train that neither gold has, for reading by hand.

The cues were written against the train split and the reaches chosen there (``train_grid``);
devel was read once as a check, test is reported once. Each split is scored on the gold entities of the event types that carry polarity.

    python benchmarks/uncertainty.py --data-dir ../shared/data --out benchmarks/results/uncertainty_maccrobat.json \\
        --judge /tmp/uncertainty_unmarked.tsv
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

import numpy as np

from assertion_marks import write_for_reading
from negation import EVENTS, prf, scored, write  # the negation benchmark's scoring: the same units and intervals

from crfner.assertion import UNCERTAINTY_RULES_VERSION, uncertainties
from crfner.corpora.polarity import maccrobat_polarity

GRID = {"window": (1, 2, 3, 4, 6), "item": (0, 2)}
GOLDS = {"uncertain": frozenset({"UNCERTAIN"}), "any_hedge": frozenset({"UNCERTAIN", "MAYBE_POS", "MAYBE_NEG"})}


def counts(documents, gold: frozenset, reaches: dict | None = None) -> tuple[np.ndarray, dict, list[dict]]:
    """``(true positives, false positives, false negatives)`` per document, per type, and the
    marks the gold does not have, with the text around them."""
    rows, by_type, unmarked = [], {}, []
    for document in documents:
        row = [0, 0, 0]
        for entity, found in zip(document.entities, uncertainties(document.text, document.entities, **(reaches or {}))):
            marked = entity.polarity in gold
            k = 0 if found.uncertain and marked else 1 if found.uncertain else 2 if marked else None
            if k is None:
                continue
            row[k] += 1
            by_type.setdefault(entity.type, [0, 0, 0])[k] += 1
            if k == 1:
                a, b = min(found.cue_start, entity.start), max(found.cue_end, entity.end)
                unmarked.append({"document": document.id, "type": entity.type, "polarity": entity.polarity or "affirmed",
                                 "cue": found.cue, "entity": document.text[entity.start:entity.end],
                                 "context": document.text[max(0, a - 60):b + 40].replace("\n", " ").replace("\t", " ")})
        rows.append(row)
    return np.array(rows), by_type, unmarked


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--out", help="write the results here as JSON")
    parser.add_argument("--judge", help="write the rules' marks on train that no gold hedge has here (TSV), to read by hand")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = {"command": "python benchmarks/uncertainty.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "rules_version": UNCERTAINTY_RULES_VERSION,
              "corpus": "MACCROBAT2020, POLARITY on the gold entities of " + ", ".join(EVENTS)}
    train = maccrobat_polarity("train", args.data_dir, types=EVENTS)
    # the reaches, on train: the narrowest of those that score alike is uncertainties' default
    result["train_grid"] = [{"window": window, "item": item, **prf(*counts(train, GOLDS["any_hedge"], {"window": window,
                                                                                                       "item": item})[0].sum(axis=0))}
                            for window in GRID["window"] for item in GRID["item"]]
    for split in ("train", "devel", "test"):
        documents = train if split == "train" else maccrobat_polarity(split, args.data_dir, types=EVENTS)
        result[split] = {"documents": len(documents), "entities": sum(len(d.entities) for d in documents)}
        for name, gold in GOLDS.items():
            rows, by_type, unmarked = counts(documents, gold)
            result[split][name] = {"gold": int(rows[:, [0, 2]].sum()), **scored(rows, by_type)}
            if split == "train" and name == "any_hedge":
                result["train_unmarked_cues"] = dict(Counter(m["cue"].lower() for m in unmarked).most_common())
                if args.judge:
                    write_for_reading(args.judge, unmarked)
        print(split, {name: (result[split][name]["precision"], result[split][name]["recall"], result[split][name]["f1"])
                      for name in GOLDS}, file=sys.stderr)
    return write(result, args.out, started)


if __name__ == "__main__":
    raise SystemExit(main())
