"""Section context for notes: every token of a document learns the section heading it falls
under (``section=medications`` under ``DISCHARGE MEDICATIONS:``), and a heading's own tokens
say so (``heading``). A sentence is a heading by the notes splitter's rule
(:func:`crfner.text.statements.reads_as_heading`: the tokens joined by spaces), as the notes
splitter makes each heading a sentence of its own; needs the document's sentences in order
(``documents=``), like the abbreviation family.

Heading names are folded to the splitter's known names as the features froze them
(:data:`crfner.text.section_names.FEATURE_SECTION_NAMES`, spaces and case ignored), so that
``Discharge Medications`` and ``DISCHARGE MEDICATIONS :`` give one value; any other heading
gives ``section=other``, and a saved model's features do not change when the splitter learns
a name.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..text.section_names import FEATURE_SECTION_NAMES
from ..text.statements import reads_as_heading

Pairs = list[tuple[str, object]]
_KNOWN = {"".join(name.split()): name.replace(" ", "_") for name in FEATURE_SECTION_NAMES}


def section_name(tokens: Sequence[str]) -> str:
    """The feature value of a heading's tokens: its known name (``history_of_present_illness``) or ``other``."""
    words = [t for t in tokens if t != ":"]
    return _KNOWN.get("".join(words).lower(), "other")


def section_features(sentences: Sequence[Sequence[str]]) -> list[list[Pairs]]:
    """For one document's sentences in order, per token: ``heading`` on a heading's tokens,
    ``section=NAME`` on the tokens below the last heading, nothing above the first."""
    out: list[list[Pairs]] = []
    current = None
    for tokens in sentences:
        if reads_as_heading(tokens):
            current = section_name(tokens)
            out.append([[("heading", 1.0), ("section", current)] for _ in tokens])
        elif current is None:
            out.append([[] for _ in tokens])
        else:
            out.append([[("section", current)] for _ in tokens])
    return out
