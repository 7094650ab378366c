"""How each line of a clinical note reads, for the notes splitter (:mod:`crfner.text.notes`,
whose docstring gives the rules): a heading, list items, a rule line or text, and whether it
carries on the line before. The splitter cuts sentences within the spans found here."""

from __future__ import annotations

import re
from typing import NamedTuple, Sequence

from .list_items import ENDS_STATEMENT, item_starts, marker_end, opens_with_marker
from .note_values import stamp_end
from .section_names import COLUMN_GAP, SOAP_HEADINGS, is_section_name, normal_name
from .splitter import LINE_BREAK, PAGE_BREAK, clip_passages
from .tokenizer import SEPARATOR

__all__ = ["heading_name_span", "is_heading_line", "line_units"]

# A rule line, layout that says nothing: two or more of "-", "=", "_", "*", "~", dashes and box lines, with a
# table's "|", "+" and ":" ("--" alone parts a note as "-----" does; "\u2014\u2014", "|---|:--:|", "+----+----+").
_RULE = re.compile(r"[\s|+:]*(?:[-=_*~\u2013\u2014\u2015\u2500\u2550][\s|+:]*){2,}")
# A heading in Markdown: bold ("**Assessment:**", "__Plan__:") or after "#" ("## Plan"), the
# latter only when it names a known section, since "# HTN" is an item of a problem list.
_BOLD_HEADING = re.compile(r"(\*\*|__)[^\S\r\n]*([^*_:\s][^*_:\r\n]{0,59}?)[^\S\r\n]*(:)?[^\S\r\n]*\1([^\S\r\n]*:)?")
_HEAD_DASH = re.compile(r"([A-Za-z][^:\r\n]{0,59}?)[^\S\r\n]+(?:-{1,3}|[\u2013\u2014])(?=[^\S\r\n])")
# What ends a heading after its name: a colon, or the dash of "HPI -- 58M".
_TRAILERS = (":", "---", "--", "-", "\u2013", "\u2014")
_HASH_HEADING = re.compile(r"#{1,6}[^\S\r\n]+([^#:\n]{1,60}?)[^\S\r\n]*:?")
# A SOAP heading inside a line, after a statement ends, in a note written on one line
# ("S: 45 yo F c/o headache. O: BP 150/95. A: tension headache. P: ibuprofen"); "P: 88" is a pulse.
_SOAP_INLINE = re.compile(r"(?<=[.?!;])[^\S\r\n]+([SOA]|A/P|A&P|P(?![^\S\r\n]*:[^\S\r\n]*\d))[^\S\r\n]*:(?=\s)")
_SPACES = re.compile(rf"{SEPARATOR.pattern}*")
_HEAD_COLON = re.compile(r"([^:\s][^:]{0,59}?)\s*:")
# A line opening with a short label and a colon ("ekg: afib", "O2 sat: 92%") states something new.
_LABEL = re.compile(r"[A-Za-z][\w/&'-]*(?: [\w/&'-]+){0,2}:(?=\s|$)")
# The narrowest width notes are wrapped at (most wrap at 60 to 80 characters): a line that the
# next line's first word would have fitted on within it ended where its writer ended it
# ("aspirin 81 mg daily\nmetoprolol 25 mg bid"); one it would not have fitted on may be wrapped.
_WRAPPED = 40
# A line that the next word, capitalised, would not have fitted on, within the passage's longest
# line nor 70 characters (the common widths of wrapped notes), was wrapped there: hard-wrapped
# prose ("the distal\nLAD", "amyloid\nA"); other lines end where their writer ended them ("Pt
# stable\nLisinopril held"), list items among them up to some 60 characters.
_FULL = 70
# Words set apart by three spaces or a tab: a table's columns ("Lisinopril   10 mg   PO"). Two
# such rows in a row are each a row of their own, however wide; wrapping never opens such gaps.
_COLUMN_GAP = re.compile(rf"\S{COLUMN_GAP}\S")
#: Titles before a name: a line ending in one with its full stop carries on (``Dr.`` over ``Patel``),
#: and in a note an initial after one ends no sentence (``Dr. A. Patel``; :mod:`crfner.text.notes`).
TITLES = frozenset("dr drs mr mrs ms prof".split())
_TITLES = tuple(f"{title}." for title in sorted(TITLES))
_CONTINUERS = frozenset(
    "a an and as at but by for from in into of on or per than the to via w/ with without".split()
)
_SMALL_WORDS = frozenset("a an and at by for in of on or the to with &".split())
# A row of an unmarked medication list: a line with a dose that ends in its frequency or a drug's status,
# over one that opens with a drug's name, a word or two and a number ("metoprolol succinate 50 mg daily"
# over "atorvastatin 40 mg nightly", "25 mg daily - not taking" over "apixaban 5 mg BID"), however long
# that name; wrapped prose seldom breaks there ("in a daily" over "dose of 400 mg", "81 mg daily" over "for 3 years").
_DOSE_ROW_END = re.compile(r"\d\s*(?:mg|mcg|g|ml|units?|iu|meq|tabs?|tablets?|caps?|capsules?|puffs?|drops?)\b.*"
                           r"\b(?:daily|bid|tid|qid|qd|qod|qhs|hs|qam|qpm|prn|nightly|weekly|monthly|q\d+(?:-\d+)?h"
                           r"|held|stopped|discontinued|not taking)\)?\.?$")
_DRUG_START = re.compile(r"([a-z][\w-]*)(?: ([a-z][\w-]*))? \d")
_NO_DRUG = _CONTINUERS | frozenset("after before during over within until since then about approximately".split())


class _Piece(NamedTuple):
    start: int
    end: int
    kind: str  # "heading", "item", "rule" or "text"


def heading_name_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of a heading's name: without its colon, Markdown's ``**`` or ``__`` and ``#``."""
    content = text[start:end].rstrip()
    bold = _BOLD_HEADING.match(content)
    if bold:
        return start + bold.start(2), start + bold.end(2)
    hashed = _HASH_HEADING.fullmatch(content)
    if hashed:
        return start + hashed.start(1), start + hashed.end(1)
    for trailer in _TRAILERS:
        if content.endswith(trailer):
            return start, start + len(content[: -len(trailer)].rstrip())
    return start, start + len(content)


def line_units(text: str, passages: Sequence[tuple[int, int]] | None) -> list[tuple[int, int, str]]:
    """Character spans that no sentence may cross, with their kind (``heading``, ``item``,
    ``rule`` or ``text``), in order: headings, list items, rule lines and runs of lines that
    continue each other."""
    units: list[tuple[int, int, str]] = []
    for start, end in clip_passages(passages, len(text)):
        last: tuple[int, int, str] | None = None  # the previous line's last piece
        last_line = ""
        gap_breaks = 0
        last_column = 0  # where the previous line's text starts, after its marker or label
        last_row = False  # whether the previous line is a table's row
        lines = list(_lines(text, start, end))
        rows = [_COLUMN_GAP.search(text, a, b) is not None for a, b, _, _ in lines]
        # the wrap width, from prose: a form's row ("Admission Date:  [**...**]     Discharge Date:")
        # may run wider than the note's wrapped lines
        widest = max((b - a for (a, b, _, _), row in zip(lines, rows) if not row), default=0)
        for (line_start, line_end, breaks_before, indent), row in zip(lines, rows):
            pieces = _pieces(text, line_start, line_end)
            if not pieces:
                continue
            gap_breaks = breaks_before
            first = pieces[0]
            content = text[line_start:line_end]
            if (last is not None and gap_breaks == 1 and not (row and last_row)
                    and _continues(last, last_line, first, content, widest, deeper=indent > last_column)):
                units[-1] = (units[-1][0], first.end, units[-1][2])
                pieces = pieces[1:]
            units.extend((p.start, p.end, p.kind) for p in pieces)
            last, last_line, last_column = units[-1], content, _text_column(text, line_start, line_end, indent)
            last_row = row
    return units


def _text_column(text: str, start: int, end: int, indent: int) -> int:
    """The column where the line ``text[start:end]``, indented by ``indent``, has its text: after
    its list marker or label and the spaces after them. A wrapped line is mostly indented no
    deeper (a hanging indent aligns with it); a deeper one continues only as a capital does, from
    a line it would not have fitted on within 70 characters ("CHANGE how you take these
    medications" over an indented "metoprolol succinate 50 mg tablet" is no wrap)."""
    opening = marker_end(text, start, end)
    if opening is None:
        label = _LABEL.match(text, start, end)
        opening = start if label is None else label.end()
    while opening < end and text[opening] in " \t":
        opening += 1
    return indent + len(text[start:opening].expandtabs(8)) if opening < end else indent


def _lines(text: str, start: int, end: int):
    """``(start, end, breaks, indent)`` of each non-blank line of ``text[start:end]``, whitespace
    and the tokenizer's other separators (a byte-order mark, a zero-width space) trimmed;
    ``breaks`` counts the line breaks since the last non-blank line (2 for a page break), so 1
    means the lines are adjacent; ``indent`` is the trimmed start's width (:func:`_width`)."""
    breaks = 0
    position = start
    for match in [*LINE_BREAK.finditer(text, start, end), None]:
        line_end = match.start() if match else end
        left, right = position, line_end
        while left < right and SEPARATOR.match(text, left):
            left += 1
        while right > left and SEPARATOR.match(text, right - 1):
            right -= 1
        if left < right:
            yield left, right, breaks, _width(text[position:left])
            breaks = 0
        if match:
            breaks += 2 if PAGE_BREAK.match(match.group()) else 1
            position = match.end()


def _width(blank: str) -> int:
    """How wide the white space before a line's text shows: spaces, and tabs to 8 columns; a
    zero-width space or a byte-order mark takes none."""
    return len("".join(c for c in blank if c in " \t").expandtabs(8))


def _pieces(text: str, start: int, end: int) -> list[_Piece]:
    """A line cut into its heading, its list items and its other text."""
    content = text[start:end]
    if _RULE.fullmatch(content):
        return [_Piece(start, end, "rule")]
    stamp = stamp_end(text, start, end)
    if stamp is not None:
        rest = _pieces(text, _SPACES.match(text, stamp, end).end(), end)
        return [_Piece(start, stamp, "item"), *rest]
    hashed = _HASH_HEADING.fullmatch(content)
    if is_heading_line(content) or (hashed and is_section_name(hashed.group(1))):
        return [_Piece(start, end, "heading")]
    head_end = _opening_heading(content)
    if head_end is None:
        return _item_pieces(text, start, end)
    soap = _is_soap(content[:head_end])  # then each SOAP heading after a statement opens a section too
    pieces: list[_Piece] = []
    while True:
        pieces.append(_Piece(start, start + head_end, "heading"))
        start = _SPACES.match(text, start + head_end, end).end()
        if start >= end:
            return pieces
        following = _SOAP_INLINE.search(text, start, end) if soap else None
        stop = following.start(1) if following else end
        pieces.extend(_item_pieces(text, start, stop))
        if following is None:
            return pieces
        start, head_end = stop, following.end() - stop


def _item_pieces(text: str, start: int, end: int) -> list[_Piece]:
    """``text[start:end]`` cut into its list items (and the text before the first, if any)."""
    cuts = item_starts(text, start, end)
    opens_item = bool(cuts) and cuts[0] == start
    bounds = sorted({start, *cuts})
    return [_Piece(a, a + len(text[a:b].rstrip()), "item" if index or opens_item else "text")
            for index, (a, b) in enumerate(zip(bounds, [*bounds[1:], end]))]


def _is_soap(heading: str) -> bool:
    """Whether a heading opening a line (colon included) is a SOAP one (``S:``, ``A/P:``)."""
    name = normal_name(heading.rstrip(": \t"))
    return name in ("s", "o", "a", "p", "a/p", "a&p")


def _opening_heading(content: str) -> int | None:
    """Where a heading that opens a line with text after it ends: a name and a colon
    (``ALLERGIES: NKDA``), a bold name (``**Assessment:** ulcer``) or a known name and a spaced
    dash (``HPI -- 58M w/ pain``, ``Chief complaint - chest pain``); None if none does."""
    bold = _BOLD_HEADING.match(content)
    if bold and (bold.group(3) or bold.group(4) or bold.end() == len(content)) and _is_bold_name(bold.group(2), content[bold.end():]):
        return bold.end()
    head = _HEAD_COLON.match(content)
    if head and _is_heading_name(head.group(1), content[head.end():]):
        return head.end()
    return _dash_heading_end(content)


def _dash_heading_end(content: str) -> int | None:
    """Where a known section name and a spaced dash opening a line end (``PLAN - ICU``), or None."""
    dashed = _HEAD_DASH.match(content)
    return dashed.end() if dashed and is_section_name(dashed.group(1)) else None


def _is_bold_name(name: str, rest: str) -> bool:
    """Whether a bold name opening a line is a heading: any short name the writer marked so,
    save one before a number (``**BP:** 120/80`` is a value) that names no known section."""
    return len(name.split()) <= 6 and (is_section_name(name) or not rest.lstrip()[:1].isdigit())


def is_heading_line(content: str, names: frozenset[str] | None = None) -> bool:
    """Whether a whole line (whitespace trimmed) is a heading: ``Name:`` alone, or an ALL-CAPS or
    known name; known by :func:`is_section_name`, or, given ``names``, by being one of them (the
    section features pass their frozen set, and are read with the markers and rules of their
    time, which took an ALL-CAPS ``NAME: VALUE`` line, ``PMH: HTN``, for a heading)."""
    if opens_with_marker(content, frozen=names is not None):
        return False
    if content.endswith(":"):
        name = content[:-1].rstrip()
        return ":" not in name and _is_heading_name(name, "", alone=True, names=names)
    if names is None and (":" in content or _dash_heading_end(content) is not None):
        return False  # "PMH: HTN", "PLAN - ICU": a heading and its text, for the caller to cut
    dashed = _HEAD_DASH.match(content + " ") if names is None and content[-1] in "-\u2013\u2014" else None
    if dashed and dashed.end() == len(content) and is_section_name(dashed.group(1)):
        return True  # "Plan -" alone on its line; an ALL-CAPS "ACUTE KIDNEY INJURY -" is read by its shape below
    words = content.split()
    if len(words) > 6 or any(c.isdigit() for c in content) or content[-1] in ".?!,;":
        return False
    if _known(content, names) and content[0].isupper():
        return True
    return _is_capitals(content) and len(words) >= 2


def _is_heading_name(name: str, rest: str, alone: bool = False, names: frozenset[str] | None = None) -> bool:
    """Whether ``name`` before a colon names a section (``rest`` is what follows the colon)."""
    words = name.split()
    if not words or len(words) > 6 or opens_with_marker(name, frozen=names is not None):
        return False
    if _known(name, names):
        return True
    if name in SOAP_HEADINGS:
        return not (name == "P" and rest.lstrip()[:1].isdigit())
    if names is None and words[-1].lower() in _SMALL_WORDS:
        return False  # "Negative for: fever", "Significant for: HTN": a finding's label, read with what it labels
    if any(c.isdigit() for c in name) or (rest.lstrip()[:1].isdigit() and not alone):
        return False  # "BP: 120/80", "Day 2:" are values, not sections
    if _is_capitals(name) and sum(c.isalpha() for c in name) >= 3:
        return True
    titled = all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words) and words[0][0].isupper()
    return titled and (len(words) >= 2 or alone)


def _known(name: str, names: frozenset[str] | None) -> bool:
    return is_section_name(name) if names is None else normal_name(name) in names


def _is_capitals(name: str) -> bool:
    return any(c.isalpha() for c in name) and not any(c.islower() for c in name)


def _continues(last: tuple[int, int, str], last_line: str, first: _Piece, line: str, widest: int,
               deeper: bool = False) -> bool:
    """Whether ``line`` (first piece ``first``) carries on the statement ``last_line`` ended;
    ``widest`` is the length of the passage's longest line of prose; ``deeper``, whether ``line``
    is indented deeper than ``last_line``'s text (:func:`_text_column`). Two rows of a table
    (:data:`_COLUMN_GAP`) never continue each other; the caller knows its rows."""
    if last[2] in ("heading", "rule") or first.kind != "text" or _LABEL.match(line):
        return False
    lowered = last_line.lower()
    if lowered.endswith(ENDS_STATEMENT) and not lowered.endswith(_TITLES):
        return False
    if lowered.endswith(_TITLES):
        return True
    final = lowered.split()[-1]
    if final.endswith(",") or final in _CONTINUERS:
        return True
    drug = _DRUG_START.match(line)
    if drug and not {drug.group(1), drug.group(2)} & _NO_DRUG and _DOSE_ROW_END.search(lowered.rstrip()):
        return False  # a medication list's rows: see _DOSE_ROW_END
    needed = len(last_line) + 1 + len(line.split()[0])  # the line's width had the next word stayed on it
    if (line[0].islower() or line[0] == "(") and not deeper:
        return needed > _WRAPPED
    return needed > max(_FULL, widest)
