"""``crfner tune``: grid search on the devel split, then the best candidate trained on train+devel."""

from __future__ import annotations

import sys

from .annotated import add_annotated, check_annotated, read_annotated_corpus
from .common import (add_common, add_gazetteer, check_new_folder, corpus, evaluate_on, evaluation_splits, gazetteer_args,
                     progress, record_splitter, usage, write_json)


def add_parser(verbs) -> None:
    p = verbs.add_parser("tune", help="search c1/c2 (and feature sets) on devel, then train the best on train+devel",
                         description="Grid search on the devel split (scikit-learn ParameterGrid and PredefinedSplit, "
                                     "candidates in parallel with joblib), then a final model on train+devel.")
    p.add_argument("corpus", help="a registered corpus or a folder of splits; with --input-format, a folder of annotated "
                                  "documents you hold, in one subfolder (or file) per split, named by --train-split "
                                  "and --dev-split")
    p.add_argument("--out", required=True, help="model directory for the final model")
    p.add_argument("--features", nargs="+", default=["tutorial"],
                   help="feature set(s) to try (default tutorial, as for train; the recommended set is biomedical)")
    p.add_argument("--c1", type=float, nargs="+", help="L1 values to try (default: the feature set's)")
    p.add_argument("--c2", type=float, nargs="+", help="L2 values to try (default: the feature set's)")
    p.add_argument("--max-iterations", type=int, nargs="+", help="iteration counts to try (default: the feature set's)")
    p.add_argument("--train-split", default="train")
    p.add_argument("--dev-split", default="devel")
    add_gazetteer(p, "an extra term list; repeatable")
    p.add_argument("--evaluate-on", action="append", metavar="SPLIT", help="score the final model on SPLIT (repeatable)")
    p.add_argument("--json", help="write every candidate's devel score and the final figures to this JSON file")
    p.add_argument("--force", action="store_true", help="replace an existing model directory")
    add_annotated(p)
    add_common(p)
    p.set_defaults(run=run)


def run(args) -> int:
    from .. import CRFTagger
    from ..crf.tuning import tune
    from ..featurize.featureset import load_feature_set

    for features in args.features:
        load_feature_set(features)
    check_new_folder(args.out, args.force)
    check_annotated(args, split_given=False)
    if args.input_format and args.evaluate_on:
        raise usage("--evaluate-on reads a registered corpus's split; score the final model with crfner evaluate MODEL "
                    "FOLDER --input-format ...")
    if args.input_format:
        X, y, documents = _annotated_split(args, args.train_split)
        Xd, yd, documents_dev = _annotated_split(args, args.dev_split)
    else:
        X, y, documents = corpus(args.corpus, args.train_split, args.data_dir)
        Xd, yd, documents_dev = corpus(args.corpus, args.dev_split, args.data_dir)
    held_out = evaluation_splits(args)
    grid = {"features": args.features}
    for name in ("c1", "c2", "max_iterations"):
        values = getattr(args, name)
        if values:
            grid[name] = values
    shown = progress(args)  # each candidate's own bars only when they run one at a time, in this process
    base = CRFTagger(gazetteers=gazetteer_args(args.gazetteer), data_dir=args.data_dir, n_jobs=1,
                     verbose=shown and args.n_jobs == 1)
    size = 1
    for values in grid.values():
        size *= len(values)
    print(f"tuning {', '.join(args.features)} on {args.corpus} {args.train_split} -> {args.dev_split}: {size} candidates, "
          f"{args.n_jobs} parallel, then the best trained on {args.train_split}+{args.dev_split}", file=sys.stderr)
    result = tune(base, grid, X, y, Xd, yd, n_jobs=args.n_jobs, progress=shown,
                  corpus=f"{args.corpus}:{args.train_split}+{args.dev_split}",
                  documents_train=documents, documents_dev=documents_dev)
    print(f"{'devel F1':>8}  {'seconds':>7}  parameters")
    for candidate in result.candidates:
        print(f"{candidate['f1']:8.4f}  {candidate['seconds']:7.1f}  {candidate['params']}")
    print(f"best: {result.best_params} (devel strict micro-F1 {result.best_score:.4f}); final model trained on "
          f"{args.train_split}+{args.dev_split}")
    final = result.final
    record_splitter(final, args)  # crfner tag's default for this model
    evaluate_on(final, args, held_out)
    final.save(args.out, overwrite=args.force)
    if args.json:
        write_json(args.json, {"corpus": args.corpus, "grid": grid, "best_params": result.best_params,
                               "best_devel_f1": result.best_score, "candidates": result.candidates,
                               "metrics": final.metrics_})
    print(f"saved {args.out}", file=sys.stderr)
    return 0


def _annotated_split(args, split: str):
    """``(X, y, document ids)`` of ``CORPUS/SPLIT`` read as ``--input-format`` (a subfolder, or a
    file named so with any extension: ``train.jsonl``)."""
    from pathlib import Path

    folder = Path(args.corpus)
    found = [folder / split] if (folder / split).exists() else sorted(folder.glob(f"{split}.*"))
    if len(found) != 1:
        raise usage(f"{folder}: no {split} split (a subfolder or file named {split}, for --train-split and --dev-split)"
                    if not found else f"{folder}: {len(found)} files named {split}.*; keep one")
    _, X, y, documents = read_annotated_corpus(args, str(found[0]))
    return X, y, documents
