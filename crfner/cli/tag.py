"""``crfner tag``: tag tokens (CoNLL, sentences) or raw-text documents with a model."""

from __future__ import annotations

import sys

from .common import add_common, add_model_gazetteers, load_model, progress, usage

DOCUMENT_FORMATS = ("jsonl", "pubtator", "text")


def add_parser(verbs) -> None:
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
    add_model_gazetteers(p)
    add_common(p)
    p.set_defaults(run=run)


def run(args) -> int:
    import dataclasses
    import json

    if args.text is not None:
        tagger = load_model(args)
        for entity in tagger.tag_text(args.text):
            print(json.dumps(dataclasses.asdict(entity), ensure_ascii=False))
        return 0
    documents = args.input_format in DOCUMENT_FORMATS
    args.output_format = args.output_format or ("jsonl" if documents else "conll")
    if documents:
        return _tag_documents(args)
    if args.output_format not in ("conll", "json"):
        raise usage(f"token input is written as --output-format conll or json, not {args.output_format}")
    if args.backend != "loky" or args.scheduler:
        raise usage("--backend and --scheduler apply to document input (--input-format jsonl, pubtator or text)")
    return _tag_tokens(args)


def _tag_tokens(args) -> int:
    """Token input (CoNLL or one sentence a line) in, a tag per token out, gold tags kept beside."""
    import json
    from pathlib import Path

    from ..atomic import atomic_open
    from ..corpora.conll import format_conll, read_conll_document_ids, read_sentences, read_tokens
    from ..schemes import tags_to_spans

    tagger = load_model(args)
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
    from ..tagging.batch import tag_files

    if args.input == "-":
        raise usage("document input must be a file or folder, not standard input")
    if args.output in (None, "-"):
        raise usage("document input needs -o/--output (written as it goes, resumable)")
    if args.output_format not in ("jsonl", "pubtator"):
        raise usage("document input is written as --output-format jsonl or pubtator")
    if args.allow_gazetteer_change or args.gazetteer:
        raise usage("--gazetteer and --allow-gazetteer-change are not supported with document input")
    done = tag_files(args.model, args.input, args.output, input_format=args.input_format,
                     output_format=args.output_format, n_jobs=args.n_jobs, backend=args.backend,
                     scheduler=args.scheduler, chunk_size=args.chunk_size, resume=not args.restart,
                     progress=progress(args))
    resumed = f" ({done['resumed']} from an earlier, interrupted run)" if done["resumed"] else ""
    print(f"tagged {done['documents']} documents into {done['output']}{resumed}", file=sys.stderr)
    return 0
