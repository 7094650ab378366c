"""Choose the flattening policy of MACCROBAT and PHEE on devel: for each policy, the
annotations it loses on train and devel, and a tutorial CRF trained on train scored on devel
(strict token-level F1 against devel flattened by the same policy, and by character offsets
against every devel annotation of the selected types, nested ones included, which is the one
figure comparable across policies).

    .venv/bin/python benchmarks/clinical_policies.py --data-dir ../shared/data --out benchmarks/results/clinical_policies.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from dataclasses import replace


def unflattened(name: str, split: str, data_dir: str, types) -> list:
    """The split's documents with all their annotations of ``types`` (discontinuous ones as
    their outer extent), nested and overlapping ones kept."""
    from crfner.corpora.brat import read_brat_document
    from crfner.corpora.clinical import SPECS, _files

    docs = [read_brat_document(p) for p in _files(SPECS[name], split, data_dir)]
    return [replace(d, mentions=[m for m in d.mentions if m.type in set(types)]) for d in docs]


def run(name: str, policy: str, data_dir: str) -> dict:
    import crfner
    from crfner.corpora.clinical import SPECS, losses, split_documents

    X, y = crfner.load_corpus(name, "train", data_dir=data_dir, policy=policy)
    Xd, yd = crfner.load_corpus(name, "devel", data_dir=data_dir, policy=policy)
    start = time.perf_counter()
    tagger = crfner.CRFTagger(features="tutorial").fit(X, y)
    seconds = time.perf_counter() - start
    token_f1 = crfner.evaluate(yd, tagger.predict(Xd)).f1
    devel_docs = split_documents(name, "devel", data_dir, policy=policy)
    predicted = crfner.tag_documents(tagger, devel_docs)
    against_all = crfner.evaluate_documents(unflattened(name, "devel", data_dir, SPECS[name].default_types), predicted)
    against_flat = crfner.evaluate_documents(devel_docs, predicted)
    return {
        "losses": {"train": losses(name, "train", data_dir, policy=policy), "devel": losses(name, "devel", data_dir, policy=policy)},
        "devel_f1_same_policy_tokens": round(token_f1, 4),
        "devel_f1_same_policy_offsets": round(against_flat["strict"]["f1"], 4),
        "devel_f1_all_annotations_offsets": round(against_all["strict"]["f1"], 4),
        "devel_recall_all_annotations_offsets": round(against_all["strict"]["recall"], 4),
        "train_seconds": round(seconds, 1),
    }


def main() -> int:
    from crfner.atomic import atomic_open

    from crfner.corpora.flatten import POLICIES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--out", help="write the figures to this JSON file (default: a new folder in the temporary folder)")
    parser.add_argument("--corpora", default="maccrobat,phee")
    args = parser.parse_args()
    if not args.out:
        from scratch import fresh_out

        args.out = fresh_out(__file__, "clinical_policies.json")
    warnings.simplefilter("ignore")
    results = {"command": " ".join(["python", *sys.argv]), "features": "tutorial", "train": "train", "scored_on": "devel",
               "results": {}}
    for name in args.corpora.split(","):
        results["results"][name] = {}
        for policy in POLICIES:
            results["results"][name][policy] = outcome = run(name, policy, args.data_dir)
            print(name, policy, {k: v for k, v in outcome.items() if k != "losses"}, flush=True)
    from crfner.corpora.clinical import DEFAULT_POLICY

    results["default"] = DEFAULT_POLICY
    results["summary"] = {
        name: {policy: {"devel_lost_in_selected_types": o["losses"]["devel"]["annotations"] - o["losses"]["devel"]["kept"]
                        - o["losses"]["devel"]["unselected_type"],
                        "devel_f1_all_annotations_offsets": o["devel_f1_all_annotations_offsets"]}
               for policy, o in by_policy.items()}
        for name, by_policy in results["results"].items()
    }
    with atomic_open(args.out) as handle:
        json.dump(results, handle, indent=2)
        handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
