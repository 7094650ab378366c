"""The Errors section: per corpus, how many entities each system got right or wrong in each way,
then each system's most frequent misses, spurious predictions, boundary errors and type confusions.
"""

from __future__ import annotations

from .blocks import Block, Cell, Heading, Paragraph, Table
from .formatting import blank_row, fmt_count, number_cell, text_or_dash
from .results import corpus_names, dig, runs_of, system_of

ERROR_CATEGORIES = (
    ("correct", "Correct"),
    ("type_error", "Type error"),
    ("boundary_error", "Boundary error"),
    ("boundary_and_type_error", "Boundary and type error"),
    ("missed", "Missed"),
    ("spurious", "Spurious"),
)
TOP = 10  # rows of each "most frequent errors" table


def error_blocks(results: dict) -> list[Block]:
    """Per corpus: error categories of every system; then each system's frequent errors and confusions."""
    text = ("Each gold entity falls in one category: correct (a prediction with its span and type), type error "
            "(its span, another type), boundary error (no exact match, an overlapping prediction of its type), "
            "boundary and type error (only overlapping predictions of other types) or missed (no overlapping "
            "prediction); a prediction overlapping no gold entity is spurious.")
    blocks: list[Block] = [Paragraph([text])]
    for corpus in corpus_names(results):
        scored = runs_of(results, corpus, ok_only=True)
        if not scored:
            continue
        header = ["System", *[label for _, label in ERROR_CATEGORIES]]
        rows = []
        for run in scored:
            categories = dig(run, "errors", "categories")
            if not isinstance(categories, dict):
                rows.append(blank_row([system_of(run)], len(header)))
            else:
                counts = [number_cell(fmt_count(categories.get(key))) for key, _ in ERROR_CATEGORIES]
                rows.append([Cell(system_of(run)), *counts])
        blocks += [Heading(corpus), Table(header, rows, f"{corpus}: entities by error category.")]
        for run in scored:
            if isinstance(run.get("errors"), dict):
                blocks += _run_error_blocks(corpus, system_of(run), run["errors"])
    return blocks


def _run_error_blocks(corpus: str, system: str, errors: dict) -> list[Block]:
    """One system's most frequent misses, spurious predictions and boundary errors, and its type confusion."""
    blocks: list[Block] = [Heading(f"{corpus}: {system}", level=4)]
    for key, what in (("missed", "missed"), ("spurious", "spurious (predicted, overlapping no gold entity)")):
        items = [i for i in errors.get(key) or [] if isinstance(i, dict)][:TOP]
        if items:
            rows = [[Cell(text_or_dash(i.get("text"))), Cell(text_or_dash(i.get("type"))),
                     number_cell(fmt_count(i.get("count")))] for i in items]
            blocks.append(Table(["Text", "Type", "Count"], rows, f"Most often {what}."))
    items = [i for i in errors.get("boundary_errors") or [] if isinstance(i, dict)][:TOP]
    if items:
        rows = [[Cell(text_or_dash(i.get("gold"))), Cell(text_or_dash(i.get("predicted"))),
                 Cell(text_or_dash(i.get("type"))), number_cell(fmt_count(i.get("count")))] for i in items]
        blocks.append(Table(["Gold", "Predicted", "Type", "Count"], rows, "Most frequent boundary errors."))
    labels = dig(errors, "confusion", "labels") or []
    matrix = dig(errors, "confusion", "matrix") or []
    if labels and len(matrix) == len(labels):
        rows = [[Cell(str(label)), *[Cell(fmt_count(v), numeric=True, bold=i == j and label != "(none)")
                                       for j, v in enumerate(row)]]
                for i, (label, row) in enumerate(zip(labels, matrix))]
        blocks.append(Table(["Gold \\ predicted", *map(str, labels)], rows,
                            "Type confusion: rows gold type, columns the type of the matching prediction "
                            "(exact span, else most overlap); row \"(none)\" counts spurious predictions."))
    if len(blocks) == 1:
        blocks.append(Paragraph(["No errors recorded."], note=True))
    return blocks
