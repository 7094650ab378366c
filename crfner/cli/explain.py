"""``crfner explain``: the entities a model finds in raw text and, at each of their tokens, the
features and transitions that made its label win, as text, JSON or an HTML page."""

from __future__ import annotations

import sys

from .common import (add_common, add_model_gazetteers, add_negation, check_output, load_model, negation_option, splitter_for,
                     usage)
from .stdin import standard_input_as
from .tag import SPLITTERS


def add_parser(verbs) -> None:
    p = verbs.add_parser("explain", help="explain the entities a model finds in raw text, from its weights",
                         description="Tag raw text with MODEL and show, for each token of each entity, the "
                                     "features and transitions that make its label beat the best other label "
                                     "(they add up to the score margin exactly).")
    p.add_argument("model", help="model directory")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--text", help="the raw text to explain")
    source.add_argument("--input", metavar="FILE", help="a text file to explain (- for standard input), as one "
                                                         "document, read as `crfner tag --input-format text` reads it")
    p.add_argument("--encoding", metavar="ENCODING", help="--input's encoding, e.g. cp1252 (default: utf-8)")
    p.add_argument("--unescape", action="store_true", help="--input: read escaped line breaks (\\n as two characters) "
                                                           "as line breaks, as crfner tag --unescape does")
    p.add_argument("--splitter", choices=SPLITTERS,
                   help="how raw text is cut into sentences, as for `crfner tag`: abstract or notes (default: the "
                        "splitter the model records, as for crfner tag, else abstract)")
    add_negation(p, "say also whether the text negates each entity, and by which cue (crfner.assertion), as "
                    "crfner tag --negation does")
    p.add_argument("--sections", action="store_true",
                   help="say also which known section of the note each entity falls under (the last heading before "
                        "it that names one, as written), as crfner tag --sections does")
    p.add_argument("--hypothetical", action="store_true",
                   help="say also which entities the text names only as a condition or a warning (\"return if fever "
                        "persists\"), and by which cue (crfner.assertion), as crfner tag --hypothetical does")
    p.add_argument("--family", action="store_true",
                   help="say also which entities the text attributes to a relative (\"her brother has hypertrophic "
                        "cardiomyopathy\"), and by which cue (crfner.assertion), as crfner tag --family does")
    p.add_argument("--uncertainty", action="store_true",
                   help="say also which entities the text names as possible (\"admit to r/o MI\"), and by which cue "
                        "(crfner.assertion), as crfner tag --uncertainty does")
    p.add_argument("--top", type=int, default=10, help="features shown for and against per token (default 10)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--html", metavar="OUT.html",
                   help="write a self-contained HTML page (written atomically); then stdout has only --json's output")
    add_model_gazetteers(p)
    add_common(p, jobs=False)
    p.set_defaults(run=run, n_jobs=1)


def _read_text(path: str, encoding: str | None, unescape: bool = False) -> str:
    """``--input``'s text, read as ``crfner tag`` reads a note, so offsets agree (CR LF is one character)."""
    from pathlib import Path

    from ..tagging.inputs import read_documents

    def read(source: str) -> str:
        return next(iter(read_documents(source, "text", "utf-8" if encoding is None else encoding, unescape))).text

    if path == "-":
        with standard_input_as("stdin.txt") as source:
            return read(source)
    if Path(path).is_dir():
        raise usage(f"--input is one text file, not a folder ({path}); `crfner tag --input-format text` tags a folder")
    return read(path)


def run(args) -> int:
    import json

    from ..explanations import explain
    from ..explanations.html import write_html

    if args.text is None and args.input is None:
        raise usage("give the text to explain with --text TEXT or --input FILE")
    if args.top < 1:
        raise usage(f"--top must be at least 1, not {args.top}")
    if (args.encoding is not None or args.unescape) and args.input is None:
        raise usage(f"{'--encoding' if args.encoding is not None else '--unescape'} applies to --input FILE")
    if args.html is not None and not args.html:
        raise usage("--html needs the file to write the page to")
    check_output("--html", args.html, args.model, [("the input", args.input)], writes="the page")
    text = args.text if args.text is not None else _read_text(args.input, args.encoding, args.unescape)
    negation = negation_option(args)
    explanation = explain(load_model(args), text, top=args.top, splitter=splitter_for(args), negation=negation,
                          sections=args.sections, hypothetical=args.hypothetical, family=args.family,
                          uncertainty=args.uncertainty)
    if args.json:
        print(json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False))
    elif not args.html:
        print(explanation)
    if args.html:
        write_html(explanation, args.html)
        print(f"wrote the explanation of {len(explanation.entities)} entities to {args.html}", file=sys.stderr)
    return 0
