"""The Published results section: F1 scores from the literature, exactly as results.json holds
them, each row marked as reported rather than measured here. Rows on the benchmarked corpora
come first; anchors measured on other data (or another task) follow in a table of their own,
marked as not comparable, with the data and metric each was measured with.
"""

from __future__ import annotations

from .blocks import Block, Cell, Paragraph, Table
from .formatting import DASH, as_number, number_cell, text_or_dash

PUBLISHED_CAPTION = (
    "Reported in the literature, not measured here; different training regimes and, "
    "for per-type rows, single-type models."
)
ANCHORS_CAPTION = (
    "Anchors reported in the literature, measured on other data (or another task), not here: each was measured "
    "on the data and with the metric shown, not on the benchmarked corpora as crfner flattens them, so no row "
    "is comparable with a score in this report. They show the range clinical extraction reaches elsewhere."
)
OTHER_DATA_STATUS = "reported, measured on other data: not comparable"


def _is_anchor(row: dict) -> bool:
    return row.get("comparable") is False


def published_blocks(results: dict) -> list[Block]:
    """Literature results exactly as results.json holds them, each marked as reported, not measured."""
    published = [p for p in results.get("published") or [] if isinstance(p, dict)]
    if not published:
        return [Paragraph(["No literature results in these results."], note=True)]
    blocks: list[Block] = []
    same = [p for p in published if not _is_anchor(p)]
    anchors = [p for p in published if _is_anchor(p)]
    if same:
        header = ["Corpus", "System", "Entity type", "F1", "Status", "Source", "Note"]
        rows = []
        for p in same:
            f1 = p.get("f1")
            rows.append([
                Cell(text_or_dash(p.get("corpus"))), Cell(text_or_dash(p.get("system"))),
                Cell(text_or_dash(p.get("entity_type") or "all types")),
                number_cell(str(f1) if as_number(f1) is not None else DASH),  # as published: no rounding, no padding
                Cell("reported, not measured"),
                Cell(text_or_dash(p.get("citation") or p.get("url")), href=p.get("url") or None),
                Cell(text_or_dash(p.get("note"))),
            ])
        blocks.append(Table(header, rows, PUBLISHED_CAPTION, row_classes=["reported"] * len(rows)))
    if anchors:
        header = ["Anchor for", "System", "Entity types", "Score", "Metric", "Measured on", "Status", "Source",
                  "Protocol"]
        rows = []
        for p in anchors:
            score = p.get("reported") or (str(p.get("f1")) if as_number(p.get("f1")) is not None else DASH)
            rows.append([
                Cell(text_or_dash(p.get("corpus"))), Cell(text_or_dash(p.get("system"))),
                Cell(text_or_dash(p.get("entity_type"))),
                number_cell(str(score)),  # as printed in the paper
                Cell(text_or_dash(p.get("metric"))), Cell(text_or_dash(p.get("measured_on"))),
                Cell(OTHER_DATA_STATUS),
                Cell(text_or_dash(p.get("citation") or p.get("url")), href=p.get("url") or None),
                Cell(text_or_dash(p.get("note"))),
            ])
        blocks.append(Table(header, rows, ANCHORS_CAPTION, row_classes=["reported other-data"] * len(rows)))
    return blocks
