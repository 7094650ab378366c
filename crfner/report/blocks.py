"""The report's content as data: headings, paragraphs, tables, figures and sections.

The section modules build these blocks from results.json; markdown.py and html.py only lay
them out, so the two renderings can never disagree on a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Code:
    """Inline code (a command, a commit hash)."""

    text: str


@dataclass
class Link:
    """An inline link; renderers drop the link (keep the text) unless ``href`` is http(s)."""

    text: str
    href: str


Inline = str | Code | Link


@dataclass
class Paragraph:
    """Running text; ``note`` paragraphs are asides (skipped runs, missing data)."""

    parts: list[Inline]
    note: bool = False


@dataclass
class Heading:
    """A sub-heading inside a section (level 3 or 4; sections themselves are level 2)."""

    text: str
    level: int = 3


@dataclass
class Cell:
    """One table cell: plain text, right-aligned when ``numeric``."""

    text: str
    numeric: bool = False
    bold: bool = False
    href: str | None = None


@dataclass
class Table:
    """A captioned table; ``row_classes`` tags rows for styling (e.g. "reported")."""

    header: list[str]
    rows: list[list[Cell]]
    caption: str = ""
    row_classes: list[str] = field(default_factory=list)

    def numeric_columns(self) -> list[bool]:
        """Columns whose filled cells are all numeric: right-aligned in both renderings."""
        flags = []
        for column in range(len(self.header)):
            cells = [row[column] for row in self.rows if column < len(row) and row[column].text]
            flags.append(bool(cells) and all(cell.numeric for cell in cells))
        return flags


@dataclass
class Figure:
    """A plot: PNG bytes, or None with the one-line reason it was skipped."""

    name: str
    alt: str
    caption: str
    png: bytes | None
    missing: str = ""


@dataclass
class Raw:
    """A block already rendered in both formats (the highlighted example sentences)."""

    markdown: str
    html: str


Block = Paragraph | Heading | Table | Figure | Raw


@dataclass
class Section:
    """A top-level section: its ``id`` is the HTML anchor, ``title`` the heading in both formats."""

    id: str
    title: str
    blocks: list[Block]


@dataclass
class Report:
    """The whole document: title, the opening paragraph, the sections in order."""

    title: str
    intro: list[Paragraph]
    sections: list[Section]
