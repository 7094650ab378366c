"""``crfner train``: train a CRF on a corpus split and save it as a model directory."""

from __future__ import annotations

import argparse
import sys

from .annotated import add_annotated, check_annotated, read_annotated_corpus
from .common import (add_common, add_gazetteer, check_new_folder, corpus, evaluate_on, evaluation_splits, gazetteer_args,
                     progress, record_splitter)


def add_parser(verbs) -> None:
    p = verbs.add_parser("train", help="train a CRF on a corpus and save the model directory",
                         description="Train a CRF on a corpus split and save it as a model directory.")
    p.add_argument("corpus", help="a registered corpus (bc5cdr, ncbi_disease), a CoNLL file or a folder of splits; "
                                  "with --input-format, annotated documents you hold")
    p.add_argument("--split", default="train", help="split(s) to train on, e.g. train or train+devel (default train; ignored for a file)")
    p.add_argument("--out", required=True, help="model directory to write")
    p.add_argument("--features", default="tutorial", help="feature set: an installed name or a .toml path (default tutorial)")
    p.add_argument("--algorithm", choices=["lbfgs", "l2sgd", "ap", "pa", "arow"], help="training algorithm (default: the feature set's)")
    p.add_argument("--c1", type=float, help="L1 regularisation (default: the feature set's)")
    p.add_argument("--c2", type=float, help="L2 regularisation (default: the feature set's)")
    p.add_argument("--max-iterations", type=int, help="training iterations (default: the feature set's)")
    p.add_argument("--all-possible-transitions", action=argparse.BooleanOptionalAction, default=None,
                   help="learn weights for transitions unseen in training (default: the feature set's)")
    add_gazetteer(p, "an extra term list (TSV: term, identifier); repeatable")
    p.add_argument("--unlabeled-text", metavar="FILE", help="extra text for learning word clusters: one tokenised sentence per line")
    p.add_argument("--evaluate-on", action="append", metavar="SPLIT", help="score the model on SPLIT and store the figures in it (repeatable)")
    p.add_argument("--force", action="store_true", help="replace an existing model directory")
    add_annotated(p)
    add_common(p)
    p.set_defaults(run=run)


def run(args) -> int:
    from .. import CRFTagger
    from ..featurize.featureset import load_feature_set

    feature_set = load_feature_set(args.features)
    tagger = CRFTagger(
        features=args.features,
        algorithm=args.algorithm,
        c1=args.c1,
        c2=args.c2,
        max_iterations=args.max_iterations,
        all_possible_transitions=args.all_possible_transitions,
        gazetteers=gazetteer_args(args.gazetteer),
        unlabeled_text=args.unlabeled_text,
        data_dir=args.data_dir,
        n_jobs=args.n_jobs,
        verbose=progress(args),
    )
    tagger.resolved_training_params(feature_set)  # --c1 -5, --c2 inf, --max-iterations 0: one line, before any work
    check_annotated(args, split_given=args.split not in (None, "train") or bool(args.evaluate_on))
    check_new_folder(args.out, args.force)
    if args.input_format:
        _, X, y, documents = read_annotated_corpus(args)
        split, name = "", f"{args.corpus} ({args.input_format}, {args.splitter or 'abstract'} splitter)"
    else:
        split = args.split
        X, y, documents = corpus(args.corpus, split, args.data_dir)
        name = f"{args.corpus}:{split}" if split else str(args.corpus)
    held_out = evaluation_splits(args)
    in_documents = f" in {len(set(documents))} documents" if documents is not None else ""
    print(f"training {feature_set.name} CRF on {args.corpus}{' ' + split if split else ''}: {len(X)} sentences{in_documents}, "
          f"{sum(map(len, X))} tokens", file=sys.stderr)
    tagger.fit(X, y, documents=documents, corpus=name)
    record_splitter(tagger, args)  # crfner tag's default for this model
    print(f"trained in {tagger.training_seconds_:.1f} s ({len(tagger.classes_)} labels)", file=sys.stderr)
    evaluate_on(tagger, args, held_out)
    tagger.save(args.out, overwrite=args.force)
    print(f"saved {args.out}", file=sys.stderr)
    return 0
