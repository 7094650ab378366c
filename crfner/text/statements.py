"""A note's statements as the models read them: the case reports and abstracts they learned from
end every sentence with ``.``, ``?`` or ``!``, a note's lines mostly do not ("Pt stable", "K 4.1"),
so each sentence of the notes splitter that ends otherwise and is no heading is read closed by a
full stop, in tagging and in training on notes alike; the stop is the model's, never an entity's."""

from __future__ import annotations

from collections.abc import Sequence

from .note_lines import is_heading_line
from .section_names import FEATURE_SECTION_NAMES

__all__ = ["FULL_STOP", "full_stopped", "reads_as_heading"]

#: The token added to close a statement.
FULL_STOP = "."
_STOPS = frozenset(".?!")


def reads_as_heading(tokens: Sequence[str]) -> bool:
    """Whether a sentence's tokens read as a heading to the section features (the notes
    splitter's rule on the tokens joined by spaces, with the names the features froze)."""
    return bool(tokens) and is_heading_line(" ".join(tokens), names=FEATURE_SECTION_NAMES)


def full_stopped(token_lists: Sequence[Sequence[str]]) -> list[list[str]]:
    """The token lists with :data:`FULL_STOP` added to each that ends without ``.``, ``?`` or
    ``!`` and is no heading (:func:`reads_as_heading`, so that headings keep their shape)."""
    return [[*tokens, FULL_STOP] if tokens and tokens[-1] not in _STOPS and not reads_as_heading(tokens) else list(tokens)
            for tokens in token_lists]
