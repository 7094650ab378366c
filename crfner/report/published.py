"""The Published results section: F1 scores from the literature, exactly as results.json holds
them, each row marked as reported rather than measured here.
"""

from __future__ import annotations

from .blocks import Block, Cell, Paragraph, Table
from .formatting import DASH, as_number, number_cell, text_or_dash

PUBLISHED_CAPTION = (
    "Reported in the literature, not measured here; different training regimes and, "
    "for per-type rows, single-type models."
)


def published_blocks(results: dict) -> list[Block]:
    """Literature results exactly as results.json holds them, each marked as reported, not measured."""
    published = [p for p in results.get("published") or [] if isinstance(p, dict)]
    if not published:
        return [Paragraph(["No literature results in these results."], note=True)]
    header = ["Corpus", "System", "Entity type", "F1", "Status", "Source", "Note"]
    rows = []
    for p in published:
        f1 = p.get("f1")
        rows.append([
            Cell(text_or_dash(p.get("corpus"))), Cell(text_or_dash(p.get("system"))),
            Cell(text_or_dash(p.get("entity_type") or "all types")),
            number_cell(str(f1) if as_number(f1) is not None else DASH),  # as published: no rounding, no padding
            Cell("reported, not measured"),
            Cell(text_or_dash(p.get("citation") or p.get("url")), href=p.get("url") or None),
            Cell(text_or_dash(p.get("note"))),
        ])
    return [Table(header, rows, PUBLISHED_CAPTION, row_classes=["reported"] * len(rows))]
