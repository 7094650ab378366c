"""What ``crfner train`` and ``crfner evaluate`` share to read annotated documents a user holds
(``--input-format brat|i2b2|n2c2|pubtator|jsonl``), where CORPUS is otherwise a registered
corpus or a CoNLL file: the options, their checks, and the reading."""

from __future__ import annotations

import sys

from .common import usage

#: As :data:`crfner.corpora.annotated.ANNOTATED_FORMATS` (written out, so that ``--help`` imports no corpus reader).
FORMATS = ("brat", "i2b2", "n2c2", "pubtator", "jsonl")


def add_annotated(p) -> None:
    """``--input-format``, ``--splitter``, ``--types`` and ``--policy``."""
    p.add_argument("--input-format", choices=FORMATS,
                   help="CORPUS is annotated documents in this format: a BRAT folder (.txt and .ann), i2b2 2010 "
                        "concept records (.txt and .con), an n2c2 2018 track 2 folder, a PubTator file, or crfner's "
                        "JSON Lines with entities")
    p.add_argument("--splitter", choices=("abstract", "notes"),
                   help="with --input-format: cut the documents' sentences as tagging with this splitter does "
                        "(default abstract; notes for clinical notes); the model records it, and crfner tag cuts raw text so")
    p.add_argument("--types", metavar="TYPE,...", help="with --input-format: the entity types to keep (default: all)")
    p.add_argument("--policy", metavar="NESTING[:DISCONTINUOUS]",
                   help="with --input-format: how nested, overlapping and discontinuous annotations become one flat "
                        "layer (default innermost:first)")


def check_annotated(args, split_given: bool) -> None:
    """One-line usage errors for the options that go only with, or never with, ``--input-format``."""
    if args.input_format is None:
        extra = [name for name in ("splitter", "types", "policy") if getattr(args, name) is not None]
        if extra:
            raise usage(f"--{extra[0]} goes with --input-format (annotated documents you hold)")
        return
    if split_given:
        raise usage("--input-format reads CORPUS whole: it has no splits (give the folder or file of one split)")


def read_annotated_corpus(args, path: str | None = None, sentences: bool = True):
    """``(documents, X, y, document ids)`` of ``path`` (default ``args.corpus``) read as
    ``args.input_format``, with a line on stderr saying how many annotations were kept and why
    others were not; without ``sentences`` (to score, which tags the text anew) X, y and the ids
    are None, and the count is of the flat layer's mentions."""
    from collections import Counter

    from ..corpora.annotated import annotated_sentences, read_annotated
    from ..corpora.flatten import LOSSES

    path = args.corpus if path is None else path
    stats: Counter = Counter()
    documents = read_annotated(path, args.input_format, args.types, args.policy, stats)
    X = y = ids = None
    if sentences:
        X, y, ids = annotated_sentences(documents, args.splitter or "abstract", stats)
        counted = f"{len(X)} sentences; {stats['kept']} of {stats['annotations']} annotations tagged"
    else:
        counted = f"{sum(len(d.mentions) for d in documents)} of {stats['annotations']} annotations kept"
    lost = ", ".join(f"{stats[k]} {k.replace('_', ' ')}" for k in LOSSES if stats[k])
    print(f"{path}: {len(documents)} documents, {counted}{f' (not: {lost})' if lost else ''}", file=sys.stderr)
    return documents, X, y, ids
