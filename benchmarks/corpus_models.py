"""The options the clinical notes benchmarks share: the data folder, and a saved model per
corpus (``--model maccrobat=DIR``, repeatable)."""

from __future__ import annotations


def add_corpus_models(parser, trained: str = ", trained on its train split") -> None:
    """``--data-dir`` and ``--model CORPUS=DIR`` (repeatable, required)."""
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--model", action="append", required=True, metavar="CORPUS=DIR",
                        help=f"a saved model for a corpus (maccrobat, phee){trained}")


def corpus_models(args) -> list[tuple[str, str]]:
    """``(corpus, model directory)`` of each ``--model``."""
    return [(spec.partition("=")[0], spec.partition("=")[2]) for spec in args.model]
