"""The report as GitHub-flavoured Markdown: the blocks of blocks.py laid out, plots linked as PNG files."""

from __future__ import annotations

import re
from urllib.parse import quote

from .blocks import (
    Cell,
    Code,
    Figure,
    Heading,
    Inline,
    Link,
    Paragraph,
    Raw,
    Report,
    Table,
)

# & starts an entity reference (&amp; would show as &), ~ strikethrough (GFM)
_SPECIAL = re.compile(r"([\\`*\[\]<>|&~])")
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")  # intraword _ never starts emphasis
# What would open a block at the start of a line: a heading (## x), a rule (---), a list item (- x);
# the first character is escaped. An ordered list marker (1. x) escapes its punctuation, as a
# backslash before a digit would show.
_BLOCK_START = re.compile(r"^( ?)([#+=-])(?=[#+=\s-]|$)")
_ORDERED_START = re.compile(r"^( ?\d+)([.)])(?=\s|$)")
# Numbers as formatting.py writes them (0.8697 [0.8631, 0.8760], < 0.0001, +0.0100, 1,234, 1.0e-05, 25%, —) are
# shown the same escaped or not, so a numeric cell of nothing else is left unescaped, to keep report.md readable;
# any other text in one (a score as a paper printed it, published.py) is escaped like every other cell.
_NUMBER_TEXT = re.compile(r"[0-9 .,+\-%e<≤\[\]—]*")
# A heading's closing sequence: #s after a space at the end of the line are not part of its text
_CLOSING_HASHES = re.compile(r"(\s)(#+\s*)$")


def escape(text: str) -> str:
    """Text from the data, shown literally: markup characters backslash-escaped, newlines flattened."""
    text = _SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))
    text = _UNDERSCORE.sub(r"\\_", text)
    text = _BLOCK_START.sub(r"\1\\\2", text)
    return _ORDERED_START.sub(r"\1\\\2", text)


def safe_url(href: str | None) -> str | None:
    """An http(s) link with characters that would end a Markdown link percent-encoded; None otherwise."""
    if not href or not re.match(r"https?://", href.strip(), re.IGNORECASE):
        return None
    return quote(href.strip(), safe=":/?#@!$&'*+,;=%~-._")


def _code(text: str) -> str:
    """Inline code, fenced with more backticks than the text holds, and padded with a space on each side
    (which CommonMark strips) where the text starts or ends with a backtick. Empty text is a code span of
    one space, as "``" is no code span at all but two backticks shown as text."""
    text = " ".join(str(text).split())
    if not text:
        return "` `"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def inline(parts: list[Inline]) -> str:
    out = []
    for part in parts:
        if isinstance(part, Code):
            out.append(_code(part.text))
        elif isinstance(part, Link):
            url = safe_url(part.href)
            out.append(f"[{escape(part.text)}]({url})" if url else escape(part.text))
        else:
            out.append(escape(part))
    return "".join(out)


def heading(text: str, level: int) -> str:
    """An ATX heading showing ``text`` whole: a trailing ``#`` run (``C #``) escaped, as it would close the heading."""
    text = _CLOSING_HASHES.sub(r"\1\\\2", escape(text))
    return f"{'#' * level} {text}"


def emphasis(text: str, mark: str = "*") -> str:
    """``text`` (already escaped) in italics, or bold with ``mark="**"``: stripped first, as a delimiter
    next to a space would neither open nor close and show as a literal asterisk; "" when nothing is left."""
    text = text.strip()
    return f"{mark}{text}{mark}" if text else ""


def _cell(cell: Cell) -> str:
    url = safe_url(cell.href)
    # inside a link's text an unescaped bracket of a number ("]") would end or break the link
    text = cell.text if cell.numeric and not url and _NUMBER_TEXT.fullmatch(cell.text) else escape(cell.text)
    if url and text:
        text = f"[{text}]({url})"
    return emphasis(text, "**") if cell.bold else text


def table(block: Table) -> str:
    lines = []
    caption = emphasis(escape(block.caption))
    if caption:
        lines += [caption, ""]
    numeric = block.numeric_columns()
    lines.append("| " + " | ".join(escape(h) for h in block.header) + " |")
    lines.append("| " + " | ".join("---:" if n else "---" for n in numeric) + " |")
    for row in block.rows:
        cells = [_cell(c) for c in row] + [""] * (len(block.header) - len(row))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def figure(block: Figure, files_dir: str) -> str:
    if block.png is None:
        return emphasis(f"{escape(block.caption)}: {escape(block.missing)}.")
    return f"![{escape(block.alt)}]({files_dir}/{block.name}.png)\n\n{emphasis(escape(block.caption))}"


def render(report: Report, files_dir: str = "report_files") -> str:
    """The whole report as one Markdown string; plots referenced as ``files_dir/<name>.png``."""
    parts = [heading(report.title, 1), *(inline(p.parts) for p in report.intro)]
    for section in report.sections:
        parts.append(heading(section.title, 2))
        for block in section.blocks:
            if isinstance(block, Heading):
                parts.append(heading(block.text, block.level))
            elif isinstance(block, Paragraph):
                text = inline(block.parts)
                parts.append(emphasis(text) if block.note else text)
            elif isinstance(block, Table):
                parts.append(table(block))
            elif isinstance(block, Figure):
                parts.append(figure(block, files_dir))
            elif isinstance(block, Raw):
                parts.append(block.markdown)
    return "\n\n".join(part for part in parts if part) + "\n"
