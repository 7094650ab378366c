"""More levers for the `clinical` set, each against version 2 (``--base v2``, the default) or
version 3 (``--base v3``, benchmarks/configs/clinical-v3.toml) on MACCROBAT or PHEE devel (train -> devel,
strict micro-F1): what issue 13's second look tried before settling on truecasing, none of which
beat version 2 on the text as written, and what its third look tried on version 3.

- `all_types`: train on every annotated type (41 in MACCROBAT, 21 in PHEE), drop the types
  outside the default selection from the output.
- `o_bias`: one fit, then the O label's score lowered by b at every token before Viterbi
  (a recall/precision trade in the manner of Minkov et al. 2006), swept over b.
- `case_augmented`: train also on lower- and upper-cased copies of every sentence (scored as
  written and on both one-case copies; what truecasing was chosen over).
- declaration changes: `window3` (+-3), `clusters_in_window` (clu32 and clu512 beside clu128),
  `clusters1024` (a fourth granularity), `iterations300`, `conjunctions4` ([-2,-1] .. [1,2]),
  `clusters_v3` (clusters from the biomedical sentences and term lists, as biomedical v3),
  `conjunctions4_iterations300` (both).
- `iobes`: train on IOBES tags (S- for one-token entities, E- for last tokens; Ratinov & Roth
  2009 found the richer scheme better than BIO for NER), decode, and convert back to IOB2.

Each row carries a paired approximate-randomisation test over documents against the same
base's `baseline` row of the run (``p_value_vs_baseline``), when the baseline ran in it.

    python benchmarks/clinical_levers.py --data-dir ../shared/data --corpus maccrobat \\
        --out benchmarks/results/clinical_levers.json
    python benchmarks/clinical_levers.py --data-dir ../shared/data --corpus phee --base v3 \\
        --levers baseline iobes conjunctions4 conjunctions4_iterations300 --out benchmarks/results/clinical_levers.json
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
BASES = {"v2": os.path.join(HERE, "configs", "clinical-v2.toml"), "v3": os.path.join(HERE, "configs", "clinical-v3.toml")}
BIASES = [0.25, 0.5, 0.75, 1.0, 1.5, 2.0]


def _change(section: str, **values):
    return lambda spec: spec.setdefault(section, {}).update(copy.deepcopy(values))


DECLARATIONS = {
    "window3": _change("context", offsets=[-3, -2, -1, 1, 2, 3]),
    "clusters_in_window": _change("context", features=["norm", "shape_short", "suf3", "gaz:*", "clu128", "clu32", "clu512"]),
    "clusters1024": _change("clusters", granularities=[32, 128, 512, 1024]),
    "iterations300": _change("training", max_iterations=300),
    "conjunctions4": _change("context", conjunctions=[[-2, -1], [-1, 0], [0, 1], [1, 2]]),
    "clusters_v3": _change("clusters", unlabeled_text=["biomedical_sentences"], gazetteer_text=True),
}
DECLARATIONS["conjunctions4_iterations300"] = lambda spec: (DECLARATIONS["conjunctions4"](spec),
                                                            DECLARATIONS["iterations300"](spec))
LEVERS = ["baseline", "all_types", "o_bias", "case_augmented", "iobes", *DECLARATIONS]


def declared(base: str = "v2", change=None) -> dict:
    """The base version's declaration, changed by ``change``."""
    from crfner.featurize.featureset import load_feature_set

    spec = copy.deepcopy(load_feature_set(BASES[base]).to_dict())
    if change:
        change(spec)
    return spec


def only(predicted, keep) -> list[list[str]]:
    """Tags of types outside ``keep`` turned to O (an I- left without its B- starts the entity)."""
    out = []
    for tags in predicted:
        kept, previous = [], "O"
        for tag in tags:
            tag = tag if tag == "O" or tag[2:] in keep else "O"
            if tag.startswith("I-") and previous[2:] != tag[2:]:
                tag = "B-" + tag[2:]
            kept.append(tag)
            previous = tag
        out.append(kept)
    return out


def scored(gold, predicted) -> dict:
    import crfner

    s = crfner.evaluate(gold, predicted)
    return {"f1": round(s.f1, 4), "precision": round(s.precision, 4), "recall": round(s.recall, 4)}


def run(lever: str, corpus: str, data_dir: str, base: str = "v2") -> tuple[dict, list]:
    """One lever's devel row, and its devel predictions (for the paired test)."""
    import crfner
    from crfner.corpora.clinical_types import MACCROBAT_DEFAULT, MACCROBAT_TYPES, PHEE_DEFAULT, PHEE_TYPES

    options = {"types": MACCROBAT_TYPES if corpus == "maccrobat" else PHEE_TYPES} if lever == "all_types" else {}
    X, y = crfner.load_corpus(corpus, "train", data_dir=data_dir, **options)
    ids = crfner.load_document_ids(corpus, "train", data_dir=data_dir)
    Xe, ye = crfner.load_corpus(corpus, "devel", data_dir=data_dir)
    ide = crfner.load_document_ids(corpus, "devel", data_dir=data_dir)
    if lever == "case_augmented":
        X = X + [[w.lower() for w in s] for s in X] + [[w.upper() for w in s] for s in X]
        y, ids = y * 3, ids + [f"{i}#lower" for i in ids] + [f"{i}#upper" for i in ids]
    if lever == "iobes":
        from crfner.schemes import convert

        y = [convert(tags, "iobes") for tags in y]
    tagger = crfner.CRFTagger(features=declared(base, DECLARATIONS.get(lever)), data_dir=data_dir)
    started = time.perf_counter()
    tagger.fit(X, y, documents=ids)
    row = {"lever": lever, "corpus": corpus, "base": f"clinical {base}",
           "train_seconds": round(time.perf_counter() - started, 1)}
    predicted = tagger.predict(Xe, documents=ide)
    if lever == "iobes":
        predicted = [convert(tags, "iob2") for tags in predicted]
    if lever == "all_types":
        predicted = only(predicted, set(MACCROBAT_DEFAULT if corpus == "maccrobat" else PHEE_DEFAULT))
    row.update(scored(ye, predicted))
    if lever == "case_augmented":
        row["one_case"] = {name: scored(ye, tagger.predict([[f(w) for w in s] for s in Xe], documents=ide))["f1"]
                           for name, f in (("lower", str.lower), ("upper", str.upper))}
    if lever == "o_bias":  # label scores summed from the weights, O lowered, decoded by crfner's Viterbi
        from clinical_cv import lowered_outside

        swept = lowered_outside(tagger, Xe, ide, [0.0, *BIASES])
        assert swept[0.0] == predicted  # the same tags as predict() before any bias
        row["sweep"] = {str(b): scored(ye, swept[b]) for b in BIASES}
    return row, predicted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpus", choices=["maccrobat", "phee"], required=True)
    parser.add_argument("--levers", nargs="+", choices=LEVERS, default=LEVERS)
    parser.add_argument("--base", choices=sorted(BASES), default="v2", help="the version the levers change")
    parser.add_argument("--out", help="JSON file; rows are replaced by (lever, corpus)")
    args = parser.parse_args()
    if not args.out:
        from scratch import fresh_out

        args.out = fresh_out(__file__, "clinical_levers.json")
    from rows import load_rows, put_row

    warnings.simplefilter("ignore")
    results = load_rows(args.out)
    command = " ".join(["python", "benchmarks/clinical_levers.py", *sys.argv[1:]])
    import crfner
    from crfner.evaluation.significance import paired_test

    ye = crfner.load_corpus(args.corpus, "devel", data_dir=args.data_dir)[1]
    ide = crfner.load_document_ids(args.corpus, "devel", data_dir=args.data_dir)
    key = lambda r: (r["lever"], r["corpus"], r.get("base", "clinical v2"))  # rows before --base are v2's
    baseline = None
    for lever in args.levers:
        row, predicted = run(lever, args.corpus, args.data_dir, args.base)
        if lever == "baseline":
            baseline = predicted
        elif baseline is not None:
            test = paired_test(ye, predicted, baseline, groups=ide, n_resamples=10000, seed=0)
            row["p_value_vs_baseline"] = round(test["p_value"], 4)
        row["command"] = command
        put_row(args.out, results, row, key)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    raise SystemExit(main())
