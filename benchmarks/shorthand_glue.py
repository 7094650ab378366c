"""What keeping slash shorthand runs whole in decoding changes on the clinical corpora.

A model whose feature set reads slash shorthand (``[abbreviations] shorthand``) decodes each run
read as one phrase (``s / p``, ``c / o``, ``w /``) as a unit: an entity takes it whole or leaves it
out (``crfner/crf/decoding.py``'s glue). Before, a note's ``CAD s/p PCI`` gave the entity
``CAD s/``. This tags each split as written and as ``benchmarks/note_copies.py``'s shorthand copy
(phrases outside the entities written as notes write them: ``c/o``, ``s/p``, ``w/``) twice with one
loaded model, runs kept whole and not (``--rounds`` interleaved timed rounds), and records how many sentences hold a run, how many
sentences' tags differ, strict micro-F1 both ways and a paired approximate-randomisation test
over documents.

    python benchmarks/shorthand_glue.py --data-dir ../shared/data --model maccrobat=MODEL --model phee=MODEL \
        --out benchmarks/results/shorthand_glue.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crfner
from corpus_models import corpus_models, write_result
from crfner.evaluation.significance import paired_test
from crfner.featurize.shorthand import glued
from note_copies import write_shorthand


def predictions(model, X, ids, whole: bool):
    """The model's tags, shorthand runs kept whole or not (the model's own switch, set for this
    measurement only: it is not an option users have)."""
    moves = model._glue_moves
    if not whole:
        model._glue_moves = None
    try:
        return model.predict(X, documents=ids)
    finally:
        model._glue_moves = moves


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--model", action="append", required=True, metavar="CORPUS=PATH")
    parser.add_argument("--splits", nargs="+", default=["devel", "test"])
    parser.add_argument("--resamples", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timed rounds of predict, each way")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    rows = []
    for corpus, path in corpus_models(args):
        model = crfner.CRFModel.load(path, data_dir=args.data_dir)
        if model._glue_moves is None:
            parser.error(f"{path}: its feature set reads no slash shorthand, so nothing is kept whole")
        for split in args.splits:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the corpora's known stray tabs, read leniently
                X, y = crfner.load_corpus(corpus, split, data_dir=args.data_dir)
                ids = crfner.load_document_ids(corpus, split, data_dir=args.data_dir)
            copy_X, copy_y, replaced = write_shorthand(X, y)
            for copy, (xs, ys) in (("written", (X, y)), ("shorthand", (copy_X, copy_y))):
                seconds = {True: [], False: []}
                for _ in range(args.rounds):  # interleaved, so that a drift of the machine hits both
                    for keep in (True, False):
                        start = time.perf_counter()
                        tags = predictions(model, xs, ids, keep)
                        seconds[keep].append(time.perf_counter() - start)
                        if keep:
                            whole = tags
                        else:
                            cut = tags
                runs = [glued(tokens) for tokens in xs]  # what the model's featurizer marks, as it reads shorthand
                test = paired_test(ys, whole, cut, groups=ids, n_resamples=args.resamples, seed=0)
                row = {
                    "corpus": corpus, "split": split, "copy": copy, "model": path,
                    "phrases_replaced": replaced if copy == "shorthand" else 0,
                    "sentences": len(xs),
                    "sentences_with_runs": sum(flags is not None for flags in runs),
                    "sentences_changed": sum(a != b for a, b in zip(whole, cut)),
                    "strict_f1_whole": round(crfner.evaluate(ys, whole).f1, 4),
                    "strict_f1_cut": round(crfner.evaluate(ys, cut).f1, 4),
                    "p_value": round(test["p_value"], 4),
                    "predict_seconds_whole_best": round(min(seconds[True]), 4),
                    "predict_seconds_cut_best": round(min(seconds[False]), 4),
                }
                rows.append(row)
                print(json.dumps(row))
    result = {"command": "python benchmarks/shorthand_glue.py " + " ".join(sys.argv[1:] if argv is None else argv),
              "rows": rows}
    write_result(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
