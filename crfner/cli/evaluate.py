"""``crfner evaluate``: strict entity-level scores of a model on a corpus, or of a predictions file."""

from __future__ import annotations

import sys

from .common import add_common, add_model_gazetteers, corpus, load_model, usage, write_json


def add_parser(verbs) -> None:
    p = verbs.add_parser("evaluate", help="strict entity-level scores of a model on a corpus, or of a predictions file",
                         description="Score MODEL on CORPUS, or score a predictions file (token ... gold predicted).")
    p.add_argument("model", nargs="?", help="model directory")
    p.add_argument("corpus", nargs="?", help="a registered corpus, a CoNLL file or a folder of splits")
    p.add_argument("--split", default="test", help="split to score (default test; ignored for a file)")
    p.add_argument("--predictions", help="score this CoNLL file: gold tags in the second-to-last column, predictions in the last")
    p.add_argument("--json", help="also write the scores to this JSON file")
    add_model_gazetteers(p)
    add_common(p)
    p.set_defaults(run=run)


def run(args) -> int:
    from .. import evaluate
    from ..corpora.conll import read_predictions

    if args.predictions:
        if args.model or args.corpus:
            raise usage("give either --predictions FILE or MODEL CORPUS, not both")
        _, gold, pred = read_predictions(args.predictions)
        label = args.predictions
    else:
        if not (args.model and args.corpus):
            raise usage("give MODEL and CORPUS (or --predictions FILE)")
        tagger = load_model(args)
        X, gold, documents = corpus(args.corpus, args.split, args.data_dir)
        pred = tagger.predict(X, documents=documents)
        label = f"{args.corpus} {args.split or ''}".strip()
    scores = evaluate(gold, pred)
    print(f"{label}: strict micro-F1 {scores.f1:.4f}")
    print(scores)
    if args.json:
        write_json(args.json, {"data": label, "model": args.model, **scores.to_dict()})
        print(f"wrote {args.json}", file=sys.stderr)
    return 0
