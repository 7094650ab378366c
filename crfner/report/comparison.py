"""The Comparison and Significance sections: each corpus's strict P/R/F1 table of the scored
systems (with intervals, the best F1 in bold), the runs not scored, and the paired tests.
"""

from __future__ import annotations

from .blocks import Block, Cell, Heading, Paragraph, Table
from .formatting import (DASH, as_number, blank_row, fmt, fmt_count, fmt_interval, fmt_p, fmt_signed_interval, number_cell,
                         text_or_dash)
from .results import corpus_names, corpus_types, dig, is_ok, runs_of, system_of


def _ci_level(scored: list[dict]) -> str:
    """``95% CI`` from the runs' intervals (the level the runner used), or "" when none has one."""
    for run in scored:
        level = as_number(dig(run, "ci", "level"))
        if level is not None:
            return f"{level * 100:g}% CI"
    return ""


def comparison_table(results: dict, corpus: str) -> Table | None:
    """One row per scored system: P, R, F1 with CI, macro F1, per-type F1; the best F1 in bold."""
    scored = runs_of(results, corpus, ok_only=True)
    if not scored:
        return None
    types = corpus_types(results, corpus)
    ci = _ci_level(scored)
    suffix = f" ({ci})" if ci else ""
    header = ["System", f"P{suffix}", f"R{suffix}", f"F1{suffix}", f"Macro F1{suffix}", *[f"F1 {t}" for t in types]]
    f1s = [as_number(dig(run, "strict", "f1")) for run in scored]
    best = max((f for f in f1s if f is not None), default=None)
    rows = []
    for run, f1 in zip(scored, f1s):
        strict, interval = run.get("strict") or {}, run.get("ci") or {}
        if not strict:
            rows.append(blank_row([system_of(run)], len(header)))
            continue
        rows.append([
            Cell(system_of(run)),
            number_cell(fmt_interval(strict.get("precision"), interval.get("precision"))),
            number_cell(fmt_interval(strict.get("recall"), interval.get("recall"))),
            Cell(fmt_interval(f1, interval.get("f1")), numeric=True, bold=f1 is not None and f1 == best),
            number_cell(fmt_interval(strict.get("macro_f1"), interval.get("macro_f1"))),
            *[number_cell(fmt(dig(strict, "per_type", t, "f1"))) for t in types],
        ])
    resamples = next((dig(run, "ci", "resamples") for run in scored if dig(run, "ci", "resamples")), None)
    caption = (f"{corpus}: strict entity-level precision, recall and F1 (exact boundaries and type; micro "
               f"averages, conlleval-compatible) on the {dig(results, 'config', 'test_split') or 'test'} split")
    if ci:
        unit = next((dig(run, "ci", "unit") for run in scored if dig(run, "ci", "unit")), None) or "sentence"
        caption += f"; in brackets the {ci} from {resamples or '?'} bootstrap resamples of test {unit}s"
    return Table(header, rows, caption + ". Bold: best F1.")


def not_run_notes(results: dict, corpus: str) -> list[Paragraph]:
    """One line per run of the corpus that was skipped or failed, with the runner's note."""
    notes = []
    for run in runs_of(results, corpus):
        if not is_ok(run):
            note = run.get("note") or "no reason given"
            notes.append(Paragraph([f"Not run: {run.get('system')} ({run.get('status') or 'unknown status'}): {note}"],
                                   note=True))
    return notes


def comparison_blocks(results: dict) -> list[Block]:
    """The Comparison section: per corpus, its table (or a note that nothing was scored) and the runs not run."""
    blocks: list[Block] = []
    for corpus in corpus_names(results):
        blocks.append(Heading(corpus))
        table = comparison_table(results, corpus)
        blocks.append(table if table else Paragraph([f"No system was scored on {corpus}."], note=True))
        blocks += not_run_notes(results, corpus)
    return blocks or [Paragraph(["No runs in these results."], note=True)]


# ---------------------------------------------------------------------------------------------
# The Significance section


def significance_blocks(results: dict) -> list[Block]:
    """Paired tests between systems: F1 of each, the difference with its bootstrap interval, its p-value, and the
    smallest difference the test set could detect."""
    comparisons = [c for c in results.get("comparisons") or [] if isinstance(c, dict)]
    if not comparisons:
        return [Paragraph(["No paired significance tests in these results."], note=True)]
    spreads = [c.get("bootstrap") if isinstance(c.get("bootstrap"), dict) else {} for c in comparisons]
    level = next((as_number(s.get("level")) for s in spreads if as_number(s.get("level")) is not None), None)
    power = next((as_number(s.get("power")) for s in spreads if as_number(s.get("power")) is not None), None)
    interval_header = f"{level * 100:g}% CI of A − B" if level is not None else "CI of A − B"
    detectable_header = f"Detectable ({power * 100:g}% power)" if power is not None else "Detectable"
    header = ["Corpus", "System A", "System B", "F1 A", "F1 B", "Difference (A − B)", interval_header, "p",
              detectable_header, "Test"]
    rows = []
    for c, spread in zip(comparisons, spreads):
        difference = as_number(c.get("difference"))
        method = c.get("method") or "?"
        resamples = c.get("resamples")
        rows.append([
            Cell(text_or_dash(c.get("corpus"))), Cell(text_or_dash(c.get("a"))), Cell(text_or_dash(c.get("b"))),
            number_cell(fmt(c.get("f1_a"))), number_cell(fmt(c.get("f1_b"))),
            number_cell(DASH if difference is None else f"{difference:+.4f}"),
            number_cell(fmt_signed_interval(spread.get("interval"))),
            number_cell(fmt_p(c.get("p_value"), resamples)),
            number_cell(fmt(spread.get("detectable"))),
            Cell(f"{method}, {fmt_count(resamples)} resamples, {fmt_count(c.get('units'))} "
                 f"{str(c['unit']) + ' ' if c.get('unit') else ''}units"),
        ])
    methods = sorted({str(c.get("method") or "?") for c in comparisons})
    units = sorted({f"{c['unit']}s" for c in comparisons if c.get("unit")}) or ["sentences"]
    text = (f"Paired {' / '.join(methods)} test{'s' if len(methods) > 1 else ''} of the difference in strict "
            f"micro F1 between two systems on the same test {' or '.join(units)} (the units resampled). A resampling test with R "
            f"resamples cannot give p below 1/(R+1); such p-values are shown as an upper bound (e.g. \"< 0.0001\").")
    blocks: list[Block] = [Paragraph([text])]
    if any(spreads):
        resampled = next((s.get("resamples") for s in spreads if s.get("resamples")), None)
        threshold = "α" if level is None else f"{1 - level:.2g}"
        alpha = "α" if level is None else f"α = {threshold}"
        blocks.append(Paragraph([(
            f"The interval of the difference is a paired percentile bootstrap ({fmt_count(resampled)} resamples of the "
            f"same units for both systems). Detectable: the smallest true difference a two-sided test at {alpha} on these "
            f"units would find with {'that' if power is None else f'{power * 100:g}%'} power, (z(1 − α/2) + z(power)) × "
            "the bootstrap standard error of the difference, a normal approximation (Card et al., EMNLP 2020). A difference "
            "below it that is not significant says the test set is too small to tell, not that the systems are equal; "
            f"\"—\" where no spread could be measured. Read significance from p: over few units the interval can leave "
            f"out 0 where p is above {threshold}, as the bootstrap measures the spread around the observed difference and the "
            "test under the hypothesis of none.")]))
    return [*blocks, Table(header, rows)]

