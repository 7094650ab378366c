"""Scores broken down, for the Partial matches, Per-type F1 and Learning curves sections: lenient
scores under each matching scheme, which per-type bars lack an interval, F1 by training-data size.
"""

from __future__ import annotations

from .blocks import Block, Cell, Heading, Paragraph, Table
from .formatting import as_number, blank_row, fmt, fmt_count, fmt_fraction, number_cell
from .results import corpus_names, corpus_of, dig, is_ok, runs, runs_of, system_of

PARTIAL_SCHEMES = ("strict", "exact", "partial", "type")


def partial_table(results: dict, corpus: str) -> Table | None:
    """Per scored system, counts and P/R/F1 under each scheme; None when no system was scored."""
    scored = runs_of(results, corpus, ok_only=True)
    if not scored:
        return None
    header = ["System", "Scheme", "Correct", "Incorrect", "Partial", "Missed", "Spurious", "P", "R", "F1"]
    rows = []
    for run in scored:
        partial = run.get("partial") or {}
        if not any(isinstance(partial.get(s), dict) for s in PARTIAL_SCHEMES):
            rows.append(blank_row([system_of(run)], len(header)))
            continue
        for scheme in PARTIAL_SCHEMES:
            s = partial.get(scheme) or {}
            rows.append([Cell(system_of(run)), Cell(scheme),
                         *[number_cell(fmt_count(s.get(k)))
                           for k in ("correct", "incorrect", "partial", "missed", "spurious")],
                         *[number_cell(fmt(s.get(k))) for k in ("precision", "recall", "f1")]])
    return Table(header, rows, f"{corpus}: all entity types together.")


def partial_blocks(results: dict) -> list[Block]:
    """The Partial matches section: what the schemes mean, then one table per corpus."""
    text = ("Lenient scores under the four schemes of SemEval-2013 task 9.1, counted as in nervaluate: "
            "strict (exact boundaries and type), exact (exact boundaries, any type), partial (overlapping "
            "boundaries, any type; a partial match counts half) and type (overlapping boundaries, right type).")
    blocks: list[Block] = [Paragraph([text])]
    for corpus in corpus_names(results):
        table = partial_table(results, corpus)
        if table:
            blocks += [Heading(corpus), table]
    return blocks


# ---------------------------------------------------------------------------------------------
# Notes under the per-type plot; the tables under the learning-curve plot


def missing_ci_notes(results: dict) -> list[Paragraph]:
    """Runs drawn without error bars because no interval was measured."""
    missing = [f"{corpus_of(run)}/{run.get('system')}" for run in runs(results) if is_ok(run)
               and corpus_of(run) is not None and dig(run, "strict", "per_type") and not dig(run, "ci", "per_type")]
    if not missing:
        return []
    return [Paragraph([f"No confidence interval measured (bars drawn without error bars): {', '.join(missing)}."],
                      note=True)]


def learning_curve_tables(results: dict) -> list[Block]:
    """Per corpus, one row per system: strict F1 at each fraction of the training data."""
    blocks: list[Block] = []
    for corpus in corpus_names(results):
        curves = {system_of(run): [p for p in run.get("learning_curve") or [] if isinstance(p, dict)]
                  for run in runs_of(results, corpus, ok_only=True)}
        curves = {system: points for system, points in curves.items() if points}
        if not curves:
            continue
        fractions = sorted({f for points in curves.values() for p in points
                            if (f := as_number(p.get("fraction"))) is not None})
        sizes = {}
        for points in curves.values():
            for p in points:
                sizes.setdefault(as_number(p.get("fraction")), p.get("train_sentences"))
        rows = []
        for system, points in curves.items():
            by_fraction = {as_number(p.get("fraction")): p for p in points}
            rows.append([Cell(system), *[number_cell(fmt(dig(by_fraction, f, "f1"))) for f in fractions]])
        sentences = ", ".join(f"{fmt_fraction(f)} = {fmt_count(sizes.get(f))}" for f in fractions)
        caption = f"{corpus}: strict F1 by fraction of the training data (training sentences: {sentences})."
        blocks.append(Table(["System", *[fmt_fraction(f) for f in fractions]], rows, caption))
    return blocks
