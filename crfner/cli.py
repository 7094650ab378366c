"""The ``crfner`` command line: one verb per job, each a thin layer over the Python API."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

EXIT_USAGE = 2
DOCUMENT_FORMATS = ("jsonl", "pubtator", "text")
DEFAULT_BENCHMARK = Path(__file__).parent / "benchmark" / "default.toml"


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit status 2."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _progress(args) -> bool:
    return not args.quiet and sys.stderr.isatty()


def _gazetteer_args(pairs: list[str] | None) -> dict[str, str] | None:
    """``--gazetteer NAME=PATH`` (or just PATH, named by its stem) into {name: path}."""
    if not pairs:
        return None
    named = {}
    for pair in pairs:
        name, sep, path = pair.partition("=")
        if not sep:
            name, path = Path(pair).stem, pair
        named[name] = path
    return named


def _load_model(args):
    from . import CRFTagger

    tagger = CRFTagger.load(
        args.model,
        gazetteers=_gazetteer_args(args.gazetteer),
        allow_gazetteer_change=args.allow_gazetteer_change,
        data_dir=getattr(args, "data_dir", None),
    )
    tagger.n_jobs, tagger.verbose = args.n_jobs, _progress(args)
    return tagger


def _write_json(path: str, payload: dict) -> None:
    from .atomic import atomic_open

    with atomic_open(path) as handle:
        json.dump(payload, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def _corpus(name, split, data_dir) -> tuple[list, list, list | None]:
    """Sentences, tags and each sentence's document id (None where the corpus keeps no
    document boundaries), so document-level features see whole documents."""
    from . import load_corpus
    from .corpora.registry import load_document_ids

    X, y = load_corpus(name, split, data_dir=data_dir)
    return X, y, load_document_ids(name, split, data_dir=data_dir)


def _evaluate_on(tagger, args) -> None:
    """Score a freshly trained model on each ``--evaluate-on`` split, print it, keep it in the model."""
    from . import evaluate

    for split in args.evaluate_on or []:
        X, y, documents = _corpus(args.corpus, split, args.data_dir)
        scores = evaluate(y, tagger.predict(X, documents=documents))
        tagger.metrics_[split] = scores.to_dict()
        print(f"\n{args.corpus} {split}: strict micro-F1 {scores.f1:.4f}\n{scores}")


def cmd_corpora(args) -> int:
    from .corpora.registry import describe, resolve_data_dir

    print(f"data dir: {resolve_data_dir(args.data_dir)}")
    for row in describe(args.data_dir):
        print(f"{row['name']:<14} {row['types']:<18} {row['found']}")
    return 0


def cmd_train(args) -> int:
    from . import CRFTagger
    from .featurize.featureset import load_feature_set

    feature_set = load_feature_set(args.features)
    X, y, documents = _corpus(args.corpus, args.split, args.data_dir)
    if Path(args.out).exists() and not args.force:
        raise _usage(f"{args.out} already exists (use --force to replace it)")
    tagger = CRFTagger(
        features=args.features,
        algorithm=args.algorithm,
        c1=args.c1,
        c2=args.c2,
        max_iterations=args.max_iterations,
        all_possible_transitions=args.all_possible_transitions,
        gazetteers=_gazetteer_args(args.gazetteer),
        unlabeled_text=args.unlabeled_text,
        data_dir=args.data_dir,
        n_jobs=args.n_jobs,
        verbose=_progress(args),
    )
    in_documents = f" in {len(set(documents))} documents" if documents is not None else ""
    print(f"training {feature_set.name} CRF on {args.corpus} {args.split or ''}: {len(X)} sentences{in_documents}, "
          f"{sum(map(len, X))} tokens", file=sys.stderr)
    tagger.fit(X, y, documents=documents, corpus=f"{args.corpus}:{args.split}" if args.split else str(args.corpus))
    print(f"trained in {tagger.training_seconds_:.1f} s ({len(tagger.classes_)} labels)", file=sys.stderr)
    _evaluate_on(tagger, args)
    tagger.save(args.out, overwrite=args.force)
    print(f"saved {args.out}", file=sys.stderr)
    return 0


def cmd_evaluate(args) -> int:
    from . import evaluate
    from .corpora.conll import read_predictions

    if args.predictions:
        if args.model or args.corpus:
            raise _usage("give either --predictions FILE or MODEL CORPUS, not both")
        _, gold, pred = read_predictions(args.predictions)
        label = args.predictions
    else:
        if not (args.model and args.corpus):
            raise _usage("give MODEL and CORPUS (or --predictions FILE)")
        tagger = _load_model(args)
        X, gold, documents = _corpus(args.corpus, args.split, args.data_dir)
        pred = tagger.predict(X, documents=documents)
        label = f"{args.corpus} {args.split or ''}".strip()
    scores = evaluate(gold, pred)
    print(f"{label}: strict micro-F1 {scores.f1:.4f}")
    print(scores)
    if args.json:
        _write_json(args.json, {"data": label, "model": args.model, **scores.to_dict()})
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


def cmd_tag(args) -> int:
    from .atomic import atomic_open
    from .corpora.conll import format_conll, read_conll_document_ids, read_sentences, read_tokens
    from .schemes import tags_to_spans

    if args.text is not None:
        tagger = _load_model(args)
        for entity in tagger.tag_text(args.text):
            print(json.dumps(dataclasses.asdict(entity), ensure_ascii=False))
        return 0
    documents = args.input_format in DOCUMENT_FORMATS
    args.output_format = args.output_format or ("jsonl" if documents else "conll")
    if documents:
        return _tag_documents(args)
    if args.output_format not in ("conll", "json"):
        raise _usage(f"token input is written as --output-format conll or json, not {args.output_format}")
    if args.backend != "loky" or args.scheduler:
        raise _usage("--backend and --scheduler apply to document input (--input-format jsonl, pubtator or text)")
    tagger = _load_model(args)
    source = args.input
    if source == "-":
        import tempfile

        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as tmp:
            tmp.write(sys.stdin.read())
        source = tmp.name
    documents = None
    if args.input_format == "sentences":
        X, gold = read_sentences(source), None
    else:
        X, gold = read_tokens(source)
        documents = read_conll_document_ids(source)  # from -DOCSTART- lines, if any
    if args.input == "-":
        Path(source).unlink()
    pred = tagger.predict(X, documents=documents)

    def lines():
        if args.output_format == "conll":
            yield from format_conll(X, *([gold] if gold else []), pred)
            return
        for i, (tokens, tags) in enumerate(zip(X, pred)):
            record = {"tokens": tokens, "tags": tags}
            if gold:
                record["gold"] = gold[i]
            record["entities"] = [
                {"type": s.type, "start": s.start, "end": s.end, "text": " ".join(tokens[s.start : s.end])}
                for s in tags_to_spans(tags)
            ]
            yield json.dumps(record, ensure_ascii=False) + "\n"

    if args.output in (None, "-"):
        sys.stdout.writelines(lines())
    else:
        with atomic_open(args.output) as handle:
            handle.writelines(lines())
        print(f"tagged {len(X)} sentences into {args.output}", file=sys.stderr)
    return 0


def _tag_documents(args) -> int:
    """Raw-text documents in, entities by character offsets out: streamed, parallel, resumable."""
    from .tagging.batch import tag_files

    if args.input == "-":
        raise _usage("document input must be a file or folder, not standard input")
    if args.output in (None, "-"):
        raise _usage("document input needs -o/--output (written as it goes, resumable)")
    if args.output_format not in ("jsonl", "pubtator"):
        raise _usage("document input is written as --output-format jsonl or pubtator")
    if args.allow_gazetteer_change or args.gazetteer:
        raise _usage("--gazetteer and --allow-gazetteer-change are not supported with document input")
    done = tag_files(args.model, args.input, args.output, input_format=args.input_format,
                     output_format=args.output_format, n_jobs=args.n_jobs, backend=args.backend,
                     scheduler=args.scheduler, chunk_size=args.chunk_size, resume=not args.restart,
                     progress=_progress(args))
    resumed = f" ({done['resumed']} from an earlier, interrupted run)" if done["resumed"] else ""
    print(f"tagged {done['documents']} documents into {done['output']}{resumed}", file=sys.stderr)
    return 0


def cmd_tune(args) -> int:
    from . import CRFTagger
    from .featurize.featureset import load_feature_set
    from .crf.tuning import tune

    for features in args.features:
        load_feature_set(features)
    if Path(args.out).exists() and not args.force:
        raise _usage(f"{args.out} already exists (use --force to replace it)")
    X, y, documents = _corpus(args.corpus, args.train_split, args.data_dir)
    Xd, yd, documents_dev = _corpus(args.corpus, args.dev_split, args.data_dir)
    grid = {"features": args.features}
    for name in ("c1", "c2", "max_iterations"):
        values = getattr(args, name)
        if values:
            grid[name] = values
    base = CRFTagger(gazetteers=_gazetteer_args(args.gazetteer), data_dir=args.data_dir, n_jobs=1)
    size = 1
    for values in grid.values():
        size *= len(values)
    print(f"tuning on {args.corpus} {args.train_split} -> {args.dev_split}: {size} candidates, {args.n_jobs} parallel",
          file=sys.stderr)
    result = tune(base, grid, X, y, Xd, yd, n_jobs=args.n_jobs, progress=_progress(args),
                  corpus=f"{args.corpus}:{args.train_split}+{args.dev_split}",
                  documents_train=documents, documents_dev=documents_dev)
    print(f"{'devel F1':>8}  {'seconds':>7}  parameters")
    for candidate in result.candidates:
        print(f"{candidate['f1']:8.4f}  {candidate['seconds']:7.1f}  {candidate['params']}")
    print(f"best: {result.best_params} (devel strict micro-F1 {result.best_score:.4f}); final model trained on "
          f"{args.train_split}+{args.dev_split}")
    final = result.final
    _evaluate_on(final, args)
    final.save(args.out, overwrite=args.force)
    if args.json:
        _write_json(args.json, {"corpus": args.corpus, "grid": grid, "best_params": result.best_params,
                                "best_devel_f1": result.best_score, "candidates": result.candidates,
                                "metrics": final.metrics_})
    print(f"saved {args.out}", file=sys.stderr)
    return 0


def cmd_benchmark(args) -> int:
    from .benchmark import run_benchmark

    import shlex

    command = args.command or "crfner " + shlex.join(args.argv)
    results = run_benchmark(args.config, args.out, data_dir=args.data_dir, use_cache=not args.no_cache,
                            progress=not args.quiet, command=command)
    for run in results["runs"]:
        if run["status"] == "ok":
            print(f"{run['corpus']:<14} {run['system']:<14} F1 {run['strict']['f1']:.4f}"
                  f"{'  (cached)' if run.get('from_cache') else ''}")
        else:
            print(f"{run['corpus']:<14} {run['system']:<14} skipped: {run['note']}")
    for c in results["comparisons"]:
        print(f"{c['corpus']:<14} {c['a']} vs {c['b']}: F1 difference {c['difference']:+.4f}, p = {c['p_value']:.4g}")
    print(f"wrote {Path(args.out) / 'report.md'} and {Path(args.out) / 'report.html'} in {results['seconds']:.1f} s",
          file=sys.stderr)
    return 0


class _UsageError(Exception):
    pass


def _usage(message: str) -> _UsageError:
    return _UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(prog="crfner", description="Biomedical named-entity recognition with a linear-chain CRF.")
    parser.add_argument("--version", action="version", version=f"crfner {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)

    def common(p, data=True, jobs=True):
        if data:
            p.add_argument("--data-dir", help="folder holding the corpora (default: $CRFNER_DATA_DIR, else ../shared/data)")
        if jobs:
            p.add_argument("--n-jobs", type=int, default=1, help="processes for feature extraction (default 1; -1: all cores)")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")

    p = verbs.add_parser("corpora", help="list the registered corpora and where each was found")
    p.add_argument("--data-dir", help="folder holding the corpora")
    p.set_defaults(run=cmd_corpora)

    p = verbs.add_parser("train", help="train a CRF on a corpus and save the model directory",
                         description="Train a CRF on a corpus split and save it as a model directory.")
    p.add_argument("corpus", help="a registered corpus (bc5cdr, ncbi_disease), a CoNLL file or a folder of splits")
    p.add_argument("--split", default="train", help="split(s) to train on, e.g. train or train+devel (default train; ignored for a file)")
    p.add_argument("--out", required=True, help="model directory to write")
    p.add_argument("--features", default="tutorial", help="feature set: an installed name or a .toml path (default tutorial)")
    p.add_argument("--algorithm", choices=["lbfgs", "l2sgd", "ap", "pa", "arow"], help="training algorithm (default: the feature set's)")
    p.add_argument("--c1", type=float, help="L1 regularisation (default: the feature set's)")
    p.add_argument("--c2", type=float, help="L2 regularisation (default: the feature set's)")
    p.add_argument("--max-iterations", type=int, help="training iterations (default: the feature set's)")
    p.add_argument("--all-possible-transitions", action=argparse.BooleanOptionalAction, default=None,
                   help="learn weights for transitions unseen in training (default: the feature set's)")
    p.add_argument("--gazetteer", action="append", metavar="NAME=PATH", help="an extra term list (TSV: term, identifier); repeatable")
    p.add_argument("--unlabeled-text", metavar="FILE", help="extra text for learning word clusters: one tokenised sentence per line")
    p.add_argument("--evaluate-on", action="append", metavar="SPLIT", help="score the model on SPLIT and store the figures in it (repeatable)")
    p.add_argument("--force", action="store_true", help="replace an existing model directory")
    common(p)
    p.set_defaults(run=cmd_train)

    p = verbs.add_parser("tune", help="search c1/c2 (and feature sets) on devel, then train the best on train+devel",
                         description="Grid search on the devel split (scikit-learn ParameterGrid and PredefinedSplit, "
                                     "candidates in parallel with joblib), then a final model on train+devel.")
    p.add_argument("corpus", help="a registered corpus or a folder of splits")
    p.add_argument("--out", required=True, help="model directory for the final model")
    p.add_argument("--features", nargs="+", default=["biomedical"], help="feature set(s) to try (default biomedical)")
    p.add_argument("--c1", type=float, nargs="+", help="L1 values to try (default: the feature set's)")
    p.add_argument("--c2", type=float, nargs="+", help="L2 values to try (default: the feature set's)")
    p.add_argument("--max-iterations", type=int, nargs="+", help="iteration counts to try (default: the feature set's)")
    p.add_argument("--train-split", default="train")
    p.add_argument("--dev-split", default="devel")
    p.add_argument("--gazetteer", action="append", metavar="NAME=PATH", help="an extra term list; repeatable")
    p.add_argument("--evaluate-on", action="append", metavar="SPLIT", help="score the final model on SPLIT (repeatable)")
    p.add_argument("--json", help="write every candidate's devel score and the final figures to this JSON file")
    p.add_argument("--force", action="store_true", help="replace an existing model directory")
    common(p)
    p.set_defaults(run=cmd_tune)

    p = verbs.add_parser("evaluate", help="strict entity-level scores of a model on a corpus, or of a predictions file",
                         description="Score MODEL on CORPUS, or score a predictions file (token ... gold predicted).")
    p.add_argument("model", nargs="?", help="model directory")
    p.add_argument("corpus", nargs="?", help="a registered corpus, a CoNLL file or a folder of splits")
    p.add_argument("--split", default="test", help="split to score (default test; ignored for a file)")
    p.add_argument("--predictions", help="score this CoNLL file: gold tags in the second-to-last column, predictions in the last")
    p.add_argument("--json", help="also write the scores to this JSON file")
    p.add_argument("--gazetteer", action="append", metavar="NAME=PATH", help="where to find a gazetteer the model was trained with")
    p.add_argument("--allow-gazetteer-change", action="store_true", help="run even if a gazetteer differs from the one the model was trained with")
    common(p)
    p.set_defaults(run=cmd_evaluate)

    p = verbs.add_parser("tag", help="tag CoNLL or pre-tokenised text with a model",
                         description="Tag tokens with MODEL. CoNLL input may carry gold tags; they are kept beside the predictions.")
    p.add_argument("model", help="model directory")
    p.add_argument("input", nargs="?", default="-", help="input file (default: standard input)")
    p.add_argument("--text", help="tag this raw text and print one JSON entity per line (start, end, type, text, score)")
    p.add_argument("--input-format", choices=["conll", "sentences", *DOCUMENT_FORMATS], default="conll",
                   help="conll: a token per line (tag column optional); sentences: one whitespace-tokenised sentence "
                        "per line; raw-text documents: jsonl (id, text), pubtator, or text (a .txt file, or a folder "
                        "of them, one document each)")
    p.add_argument("--output-format", choices=["conll", "json", "jsonl", "pubtator"], default=None,
                   help="tokens: conll (token [gold] predicted, default) or json; documents: jsonl (default) or pubtator")
    p.add_argument("--backend", choices=["loky", "threading", "dask"], default="loky",
                   help="documents: joblib backend for --n-jobs; dask sends the work to --scheduler")
    p.add_argument("--scheduler", help="documents: address of a running Dask scheduler (with --backend dask)")
    p.add_argument("--chunk-size", type=int, default=256, help="documents: documents read, tagged and written at a time")
    p.add_argument("--restart", action="store_true", help="documents: start afresh instead of resuming an interrupted run")
    p.add_argument("-o", "--output", help="output file, written atomically (default: standard output)")
    p.add_argument("--gazetteer", action="append", metavar="NAME=PATH", help="where to find a gazetteer the model was trained with")
    p.add_argument("--allow-gazetteer-change", action="store_true", help="run even if a gazetteer differs from the one the model was trained with")
    common(p)
    p.set_defaults(run=cmd_tag)

    p = verbs.add_parser("benchmark", help="run corpora × systems from a config and write the comparison report",
                         description="Run every corpus × system pair of a benchmark config (TOML) with the same splits "
                                     "and scorer; write results.json, predictions, report.md and report.html.")
    p.add_argument("--config", default=str(DEFAULT_BENCHMARK),
                   help="benchmark config file (default: the built-in one, BC5CDR and NCBI Disease × tutorial and biomedical)")
    p.add_argument("--out", default="benchmarks/results/default", help="output folder (default benchmarks/results/default)")
    p.add_argument("--no-cache", action="store_true", help="recompute every run even if a cached result matches")
    p.add_argument("--command", help=argparse.SUPPRESS)
    common(p, jobs=False)
    p.set_defaults(run=cmd_benchmark)
    return parser


def _fix_split(args) -> None:
    """A corpus given as a file has no splits."""
    corpus = getattr(args, "corpus", None)
    if corpus is not None and Path(corpus).is_file() and hasattr(args, "split"):
        args.split = None


def main(argv: list[str] | None = None) -> int:
    from .errors import CrfnerError

    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    args.argv = argv
    if args.verb is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    _fix_split(args)
    try:
        return args.run(args)
    except (CrfnerError, _UsageError) as error:
        print(f"crfner {args.verb}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        print(f"crfner {args.verb}: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"crfner {args.verb}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
