"""The Speed and cost section's tables: training time, tagging speed, memory and model size of
each scored run, and which runs the F1-vs-speed plot leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .blocks import Cell, Paragraph, Table
from .formatting import as_number, blank_row, fmt, fmt_count, number_cell, text_or_dash
from .results import corpus_of, is_ok, runs, system_of


def speed_table(results: dict) -> Table | None:
    """Cost of each scored run: training time, tagging speed, memory, model size."""
    scored = [run for run in runs(results) if is_ok(run)]
    if not scored:
        return None
    header = ["Corpus", "System", "Device", "Train s", "Train sentences", "Train peak RSS MiB", "Tagging tokens/s",
              "Tag s", "Peak RSS MiB", "Model MiB", "Cached"]
    rows = []
    for run in scored:
        cost = run.get("cost") or {}
        first = [text_or_dash(corpus_of(run)), system_of(run)]
        if not cost:
            rows.append(blank_row(first, len(header)))
            continue
        rows.append([Cell(first[0]), Cell(first[1]), Cell(text_or_dash(cost.get("device"))),
                     number_cell(fmt(cost.get("train_seconds"), 1)),
                     number_cell(fmt_count(cost.get("train_sentences"))),
                     number_cell(fmt_count(_round(cost.get("train_peak_rss_mib")))),
                     number_cell(fmt_count(_round(cost.get("tag_tokens_per_second")))),
                     number_cell(fmt(cost.get("tag_seconds"), 2)),
                     number_cell(fmt_count(_round(cost.get("peak_rss_mib")))),
                     number_cell(fmt(cost.get("model_mib"), 1)),
                     Cell("yes" if run.get("from_cache") else "no")])
    caption = ("Training and tagging cost on the machine above. Train peak RSS: the training process's peak "
               "resident memory up to the end of training (data loading included); Peak RSS: the same process's "
               "peak over training, reloading and tagging. Cached: figures carried over from an earlier identical "
               "run. \"—\": not measured.")
    return Table(header, rows, caption)


def _round(value: Any) -> Any:
    number = as_number(value)
    return None if number is None else round(number)


def unplotted_speed_notes(results: dict, plotted: Iterable[tuple[str, str]]) -> list[Paragraph]:
    """Scored runs left out of the F1-vs-speed plot because they have no tagging speed (a run without a
    corpus is left out of every plot, and not named here)."""
    plotted = set(plotted)
    left = [f"{corpus_of(run)}/{run.get('system')}" for run in runs(results)
            if is_ok(run) and corpus_of(run) is not None and (corpus_of(run), system_of(run)) not in plotted]
    if not left:
        return []
    return [Paragraph([f"Not in the speed plot (no tagging speed measured): {', '.join(left)}."], note=True)]
