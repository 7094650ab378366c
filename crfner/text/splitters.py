"""The sentence splitters by name, for every stage that reads raw text (tagging, negation): one
table and one check, so that each names and refuses a splitter the same way."""

from __future__ import annotations

from typing import Sequence

from ..errors import ParameterError
from .notes import note_sentences
from .splitter import sentences
from .tokenizer import Token

__all__ = ["SPLITTERS", "check_splitter", "split_text"]

#: Sentence splitters by name: ``abstract`` (:func:`crfner.text.sentences`, the default: the
#: corpora's own) and ``notes`` (:func:`crfner.text.note_sentences`: headings, list items and
#: line breaks end sentences). Both give :func:`crfner.text.tokenize`'s tokens.
SPLITTERS = {"abstract": sentences, "notes": note_sentences}


def check_splitter(splitter) -> None:
    """Raise :class:`~crfner.errors.ParameterError` (a ValueError, and crfner's own one-line
    error) unless ``splitter`` names one of :data:`SPLITTERS`."""
    if not isinstance(splitter, str) or splitter not in SPLITTERS:
        raise ParameterError(f"unknown splitter {splitter!r}: splitter must be one of {', '.join(SPLITTERS)}")


def split_text(text: str, passages: Sequence[tuple[int, int]] | None = None, splitter: str = "abstract") -> list[list[Token]]:
    """``text`` as sentences of tokens, cut by the splitter named ``splitter`` (:data:`SPLITTERS`)."""
    check_splitter(splitter)
    return SPLITTERS[splitter](text, passages)
