"""Line breaks and tabs that a database or CSV export writes escaped, as two characters
(``HPI:\\n67 yo M``): how many a note holds, and the note with them read as what they stand for.
The notes splitter cuts at line breaks, so a note whose breaks are escaped reads as one line."""

from __future__ import annotations

import re

__all__ = ["escaped_line_breaks", "escaped_note_problem", "unescape_text"]

# "\\" is one backslash; any other backslash is text ("C:\notes").
_ESCAPE = re.compile(r"\\(\\|r\\n|[nrt])")
_UNESCAPED = {"\\": "\\", "r\\n": "\n", "n": "\n", "r": "\n", "t": "\t"}


def unescape_text(text: str) -> str:
    """``text`` with the escapes a database or CSV export writes for line breaks and tabs read as
    them: ``\\n``, ``\\r\\n`` and ``\\r`` as a line break, ``\\t`` as a tab, ``\\\\`` as one
    backslash; any other backslash stays."""
    return _ESCAPE.sub(lambda match: _UNESCAPED[match.group(1)], text)


def escaped_line_breaks(text: str) -> int:
    """How many escaped line breaks ``text`` holds when it has no line break of its own (0 when
    it has one): two or more mark a note exported with its breaks escaped."""
    if "\n" in text or "\r" in text:
        return 0
    return sum(_UNESCAPED[match.group(1)] == "\n" for match in _ESCAPE.finditer(text))


def escaped_note_problem(text: str) -> str | None:
    """What is wrong with ``text`` read as written when it is a note exported with its line
    breaks escaped (two or more escaped line breaks, none of its own), for the readers' errors;
    None when it is not one."""
    count = escaped_line_breaks(text)
    if count < 2:
        return None
    return (f"{count} escaped line breaks ('\\n' as two characters) and no line break, as database and CSV "
            "exports write notes; give --unescape to read them as line breaks")
