"""What the notes splitter costs on prose that notes hard-wrap: clinical case reports tagged as
written and hard-wrapped at a fixed width, with the abstract and the notes splitter.

Notes are often stored hard-wrapped (a line break every 60 to 80 characters, inside
sentences), and the notes splitter must join those lines again while still ending a statement
at a line break that means one. MACCROBAT's and PHEE's test documents are prose with gold
mentions; each is wrapped greedily at WIDTH characters by turning the space before each line's
overflowing word into a line break, so the text keeps its length and the gold offsets stay
valid. For each corpus, splitter and width: strict and overlap micro-F1 of a saved model's
entities against the gold mentions (by character offsets), how many sentences tagging reads,
and how many gold mentions no single sentence holds (cut by a sentence break, or holding a
token tagging leaves out): those no splitter rule can let the model find.

    crfner train maccrobat --features clinical --out /tmp/m/maccrobat-clinical --data-dir ../shared/data
    crfner train phee --features clinical --out /tmp/m/phee-clinical --data-dir ../shared/data
    python benchmarks/wrapped_notes.py --data-dir ../shared/data --model maccrobat=/tmp/m/maccrobat-clinical \\
        --model phee=/tmp/m/phee-clinical --out benchmarks/results/wrapped_notes.json

``--code NAME`` labels the rows (default: the checkout's commit); run with ``PYTHONPATH`` set to
another checkout to measure its splitter on the same models, and ``--append`` to add its rows.
``--case lower`` lower-cases the documents first (character by character, so the offsets stay
valid), as some notes are written; ``--paragraph`` reads each document's line breaks as spaces
first (MACCROBAT's reports hold a sentence a line, so that the splitter must find the sentences
in running prose); ``--width 0`` (repeatable) keeps only the text as written.

    python benchmarks/wrapped_notes.py --case lower --paragraph --width 0 --model maccrobat=/tmp/m/maccrobat-clinical \\
        --model phee=/tmp/m/phee-clinical --data-dir ../shared/data --out benchmarks/results/lower_case_notes.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from bisect import bisect_right
from pathlib import Path

import crfner
from crfner.atomic import atomic_open
from crfner.benchmark.machine import git_state
from crfner.corpora.clinical import split_documents
from crfner.corpora.documents import Document
from crfner.evaluation.documents import evaluate_documents
from crfner.tagging.annotate import tag_documents, tagged_split

WIDTHS = (None, 80, 70, 60, 50)


def wrap(text: str, width: int) -> str:
    """``text`` with each of its lines hard-wrapped at ``width`` characters: the space before a
    word that would overflow the line becomes a line break (same length, same offsets); a word
    longer than the width stays whole on a line of its own."""
    out = list(text)
    line_start = 0
    last_space = None
    for i, char in enumerate(text):
        if char == "\n":
            line_start, last_space = i + 1, None
            continue
        if i - line_start >= width and last_space is not None and char != " ":
            out[last_space] = "\n"
            line_start, last_space = last_space + 1, None
        if char == " ":
            last_space = i
    return "".join(out)


def lower_case(text: str) -> str:
    """``text`` in lower case, each character on its own (one that lower-cases to several, "İ", kept),
    so that offsets into it stay those of the text."""
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


def unheld_mentions(document: Document, splitter: str) -> tuple[int, int]:
    """``(sentences, gold mentions)``: how many sentences tagging reads, and how many gold
    mentions no single one of them holds whole."""
    split, _ = tagged_split(document.text, document.passages, splitter=splitter)
    starts = [s[0].start for s in split]
    unheld = 0
    for mention in document.mentions:
        k = bisect_right(starts, mention.start) - 1
        sentence = split[k] if k >= 0 else []
        inside = [t for t in sentence if mention.start < t.end and t.start < mention.end]
        covered = sum(t.end - t.start for t in inside)
        letters = sum(not c.isspace() for c in document.text[mention.start:mention.end])
        if covered < letters:
            unheld += 1
    return len(split), unheld


def run(corpus: str, model_dir: str, args) -> list[dict]:
    gold = split_documents(corpus, "test", data_dir=args.data_dir)
    tagger = crfner.CRFTagger.load(model_dir, data_dir=args.data_dir)
    rows = []
    if args.paragraph:
        gold = [Document(d.id, "".join(" " if c in "\r\n" else c for c in d.text), d.mentions, d.passages) for d in gold]
    if args.case == "lower":
        gold = [Document(d.id, lower_case(d.text), d.mentions, d.passages) for d in gold]
    for width in args.widths:
        documents = gold if width is None else [Document(d.id, wrap(d.text, width), d.mentions, d.passages) for d in gold]
        for splitter in ("abstract", "notes"):
            started = time.perf_counter()
            predicted = tag_documents(tagger, documents, splitter=splitter)
            seconds = time.perf_counter() - started
            scores = evaluate_documents(documents, predicted)
            counts = [unheld_mentions(d, splitter) for d in documents]
            rows.append({
                "corpus": corpus, "code": args.code, "splitter": splitter, "width": width, "case": args.case,
                "paragraph": args.paragraph,
                "documents": len(documents),
                "line_breaks": sum(d.text.count("\n") for d in documents),
                "strict_f1": round(scores["strict"]["f1"], 4),
                "strict_precision": round(scores["strict"]["precision"], 4),
                "strict_recall": round(scores["strict"]["recall"], 4),
                "overlap_f1": round(scores["overlap"]["f1"], 4),
                "gold_mentions": scores["strict"]["support"],
                "sentences": sum(n for n, _ in counts),
                "mentions_no_sentence_holds": sum(u for _, u in counts),
                "seconds": round(seconds, 2),
                "model": model_dir,
            })
            row = rows[-1]
            print(f"{corpus:10} {args.code:9} {splitter:8} width {width or '-':>3}: strict F1 {row['strict_f1']:.4f}, "
                  f"{row['sentences']} sentences, {row['mentions_no_sentence_holds']} of {row['gold_mentions']} mentions "
                  "held by no sentence", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    from corpus_models import add_corpus_models, corpus_models

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_corpus_models(parser)
    parser.add_argument("--code", help="label of the splitter's code in the rows (default: its git commit)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--append", action="store_true", help="add the rows to those already in --out")
    parser.add_argument("--case", choices=("as written", "lower"), default="as written", help="lower-case the documents first")
    parser.add_argument("--paragraph", action="store_true", help="read each document's line breaks as spaces first")
    parser.add_argument("--width", type=int, action="append", help="a width to wrap at, 0 for none (repeatable; default: "
                        + ", ".join(str(w or 0) for w in WIDTHS) + ")")
    args = parser.parse_args(argv)
    args.widths = [w or None for w in args.width] if args.width else list(WIDTHS)
    args.code = args.code or (git_state()["commit"] or "unknown")[:7]
    rows = []
    if args.append and Path(args.out).exists():
        rows = json.loads(Path(args.out).read_text(encoding="utf-8"))["rows"]
    command = "python " + " ".join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])])
    for corpus, model_dir in corpus_models(args):
        for row in run(corpus, model_dir, args):
            rows.append({**row, "command": command})
    with atomic_open(args.out, "w") as handle:
        json.dump({"rows": rows}, handle, indent=1)
        handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
