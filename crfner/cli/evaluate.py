"""``crfner evaluate``: strict entity-level scores of a model on a corpus, or of a predictions file."""

from __future__ import annotations

import sys
from pathlib import Path

from .annotated import add_annotated, check_annotated, read_annotated_corpus
from .common import (add_common, add_model_gazetteers, check_output, corpus, load_model, note_type_mismatch, splitter_for,
                     usage, write_json)


def add_parser(verbs) -> None:
    p = verbs.add_parser("evaluate", help="strict entity-level scores of a model on a corpus, or of a predictions file",
                         description="Score MODEL on CORPUS, or score a predictions file (token ... gold predicted).")
    p.add_argument("model", nargs="?", help="model directory")
    p.add_argument("corpus", nargs="?", help="a registered corpus, a CoNLL file or a folder of splits; with "
                                             "--input-format, annotated documents you hold, scored by character offsets")
    p.add_argument("--split", default="test", help="split to score (default test; ignored for a file)")
    p.add_argument("--predictions", help="score this CoNLL file: gold tags in the second-to-last column, predictions in the last")
    p.add_argument("--json", help="also write the scores to this JSON file")
    add_model_gazetteers(p)
    add_annotated(p)
    p.add_argument("--type-map", action="append", metavar="MODEL_TYPE=TYPE",
                   help="with --input-format: score the model's MODEL_TYPE entities as the documents' TYPE (repeatable; "
                        "several may map to one); the model's other types are then not scored, e.g. a MACCROBAT model on "
                        "i2b2 concepts: Disease_disorder=problem Sign_symptom=problem Medication=treatment")
    add_common(p)
    p.set_defaults(run=run)


def run(args) -> int:
    from .. import evaluate
    from ..corpora.conll import read_predictions
    from ..corpora.registry import REGISTRY

    check_annotated(args, split_given=args.split not in (None, "test"))
    if args.type_map and not args.input_format:
        raise usage("--type-map goes with --input-format (annotated documents you hold)")
    _check_json_is_not_the_input(args)
    if args.input_format:
        if args.predictions or not (args.model and args.corpus):
            raise usage("--input-format scores MODEL on CORPUS: give both, and no --predictions")
        return _documents(args)
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
        # a file is scored whole, whatever --split says; a registered corpus (whatever file shares its name) or a
        # folder has splits
        whole = Path(args.corpus).is_file() and args.corpus not in REGISTRY
        label = args.corpus if whole else f"{args.corpus} {args.split or ''}".strip()
    scores = evaluate(gold, pred)
    print(f"{label}: strict micro-F1 {scores.f1:.4f}")
    print(scores)
    if args.json:
        write_json(args.json, {"data": label, "model": args.model, **scores.to_dict()})
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


def _check_json_is_not_the_input(args) -> None:
    """--json naming the predictions file or the corpus file would write the scores over what was scored."""
    if not args.json:
        return
    files = [(what, given) for what, given in (("the --predictions file", args.predictions), ("the corpus file", args.corpus))
             if given and Path(given).is_file()]  # a registered corpus name is no file
    check_output("--json", args.json, args.model, files, writes="the scores")


def _documents(args) -> int:
    """Tag annotated documents' text with MODEL (the same splitter) and score the entities
    against their mentions by character offsets: strict and overlapping, micro and per type."""
    from dataclasses import replace

    from ..evaluation.documents import evaluate_documents
    from ..schemes import entity_types
    from ..tagging.annotate import tag_documents

    tagger = load_model(args)
    args.splitter = splitter_for(args)
    tagged_types = set(entity_types(tagger.classes_))
    mapping = _type_map(args.type_map, tagged_types)
    gold, _, _, _ = read_annotated_corpus(args, sentences=False)  # tagging cuts the text itself
    gold_types = {m.type for d in gold for m in d.mentions}
    scored_types = set(mapping.values()) if mapping else tagged_types
    note_type_mismatch(scored_types, gold_types)  # a model of other types scores nothing on them: say so before the zeros
    predicted = tag_documents(tagger, [replace(d, mentions=[]) for d in gold], splitter=args.splitter)
    if mapping:
        predicted = [replace(d, mentions=[replace(m, type=mapping[m.type]) for m in d.mentions if m.type in mapping])
                     for d in predicted]
    scores = evaluate_documents(gold, predicted)
    label = f"{args.corpus} ({args.input_format}, {args.splitter} splitter)"
    strict, overlap = scores["strict"], scores["overlap"]
    print(f"{label}: strict micro-F1 {strict['f1']:.4f} (precision {strict['precision']:.4f}, recall {strict['recall']:.4f}); "
          f"overlapping {overlap['f1']:.4f}")
    print(f"{'type':<28} {'precision':>9} {'recall':>9} {'f1':>9} {'support':>9}")
    for etype, row in sorted(strict["per_type"].items()):
        print(f"{etype:<28} {row['precision']:>9.4f} {row['recall']:>9.4f} {row['f1']:>9.4f} {row['support']:>9}")
    if args.json:
        write_json(args.json, {"data": label, "model": args.model, **scores})
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


def _type_map(pairs: list[str] | None, tagged_types: set[str]) -> dict[str, str]:
    """``--type-map MODEL_TYPE=TYPE`` pairs as a dict; a type the model does not tag is a usage error."""
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        source, sep, target = pair.partition("=")
        if not sep or not source or not target:
            raise usage(f"--type-map takes MODEL_TYPE=TYPE, not {pair!r}")
        if source not in tagged_types:
            raise usage(f"--type-map {pair}: the model tags no {source!r} (it tags {', '.join(sorted(tagged_types))})")
        mapping[source] = target
    return mapping
