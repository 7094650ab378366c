"""The report's content as data: headings, paragraphs, tables and figures, built from results.json.

Pure functions of the results dict. markdown.py and html.py only lay these blocks out, so the two
renderings can never disagree on a number. Anything missing renders as "not measured" or "—".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

DASH = "—"
NOT_MEASURED = "not measured"
PUBLISHED_CAPTION = (
    "Reported in the literature, not measured here; different training regimes and, "
    "for per-type rows, single-type models."
)
PARTIAL_SCHEMES = ("strict", "exact", "partial", "type")
ERROR_CATEGORIES = (
    ("correct", "Correct"),
    ("type_error", "Type error"),
    ("boundary_error", "Boundary error"),
    ("boundary_and_type_error", "Boundary and type error"),
    ("missed", "Missed"),
    ("spurious", "Spurious"),
)
TOP = 10  # rows of each "most frequent errors" table


# ---------------------------------------------------------------------------------------------
# The blocks


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


# ---------------------------------------------------------------------------------------------
# Formatting and look-ups


def as_number(value: Any) -> float | None:
    """A finite float, or None for missing, null, NaN or non-numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def fmt(value: Any, digits: int = 4) -> str:
    """A score with ``digits`` decimals; "—" when missing."""
    number = as_number(value)
    return DASH if number is None else f"{number:.{digits}f}"


def fmt_count(value: Any) -> str:
    """A whole number with thousands separators; other numbers as given; "—" when missing."""
    number = as_number(value)
    if number is None:
        return DASH
    return f"{int(number):,}" if number == int(number) else f"{number:,.1f}"


def fmt_interval(value: Any, interval: Any) -> str:
    """``0.8697 [0.8631, 0.8760]``; the value alone when no interval was measured."""
    text = fmt(value)
    if text != DASH and isinstance(interval, (list, tuple)) and len(interval) == 2:
        low, high = (as_number(bound) for bound in interval)
        if low is not None and high is not None:
            text += f" [{low:.4f}, {high:.4f}]"
    return text


def fmt_p(p_value: Any, resamples: Any) -> str:
    """A p-value; at the smallest a resampling test can give, 1/(resamples+1), an upper bound ``< 0.0001``."""
    p = as_number(p_value)
    if p is None:
        return DASH
    r = as_number(resamples)
    if r is not None and r > 0:
        smallest = 1.0 / (r + 1.0)
        if p <= smallest * (1 + 1e-9):
            bound = 10.0 ** math.ceil(math.log10(smallest) - 1e-12)
            decimals = max(0, -round(math.log10(bound)))
            sign = "<" if smallest < bound * (1 - 1e-9) else "≤"
            return f"{sign} {bound:.{decimals}f}"
    return f"{p:.4f}" if p >= 1e-4 else f"{p:.1e}"


def fmt_fraction(fraction: Any) -> str:
    """A training-data fraction as a percentage: 0.25 → ``25%``."""
    number = as_number(fraction)
    return DASH if number is None else f"{number * 100:g}%"


def dig(data: Any, *keys: Any) -> Any:
    """``data[k1][k2]...``, or None where any level is missing or null."""
    for key in keys:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and -len(data) <= key < len(data):
            data = data[key]
        else:
            return None
    return data


def runs(results: dict) -> list[dict]:
    """The runs, in the runner's order (missing or malformed entries dropped)."""
    return [run for run in results.get("runs") or [] if isinstance(run, dict)]


def is_ok(run: dict) -> bool:
    return run.get("status") == "ok"


def corpus_names(results: dict) -> list[str]:
    """Corpora in the order of ``results["corpora"]``, then any only named by a run."""
    names = list(results.get("corpora") or {})
    for run in runs(results):
        if run.get("corpus") not in names and run.get("corpus") is not None:
            names.append(run["corpus"])
    return names


def runs_of(results: dict, corpus: str, ok_only: bool = False) -> list[dict]:
    return [run for run in runs(results) if run.get("corpus") == corpus and (is_ok(run) or not ok_only)]


def system_names(results: dict) -> list[str]:
    """Systems in order of first appearance in the config, then in the runs (fixes colours too)."""
    names = [s.get("name") for s in dig(results, "config", "systems") or [] if isinstance(s, dict)]
    names = [name for name in names if name is not None]
    for run in runs(results):
        if run.get("system") not in names and run.get("system") is not None:
            names.append(run["system"])
    return names


def corpus_types(results: dict, corpus: str) -> list[str]:
    """The corpus's entity types as results.json declares them, else those the runs scored."""
    declared = dig(results, "corpora", corpus, "types")
    if declared:
        return [str(t) for t in declared]
    found: list[str] = []
    for run in runs_of(results, corpus, ok_only=True):
        for name in dig(run, "strict", "per_type") or {}:
            if name not in found:
                found.append(name)
    return sorted(found)


def all_types(results: dict) -> list[str]:
    """Every entity type of every corpus, sorted: the index fixes each type's colour."""
    return sorted({t for corpus in corpus_names(results) for t in corpus_types(results, corpus)})


def _ci_level(scored: list[dict]) -> str:
    """``95% CI`` from the runs' intervals (the level the runner used), or "" when none has one."""
    for run in scored:
        level = as_number(dig(run, "ci", "level"))
        if level is not None:
            return f"{level * 100:g}% CI"
    return ""


def _text(value: Any) -> str:
    return DASH if value is None or value == "" else str(value)


def _n(text: str) -> Cell:
    return Cell(text, numeric=True)


def _blank_row(first: Sequence[str], width: int, message: str = NOT_MEASURED) -> list[Cell]:
    """A row naming a run whose figures were not measured: the message, then empty cells."""
    cells = [Cell(text) for text in first] + [Cell(message)]
    return cells + [Cell("") for _ in range(width - len(cells))]


# ---------------------------------------------------------------------------------------------
# 1. Title and the opening paragraph


def title(results: dict) -> str:
    name = dig(results, "config", "name")
    return f"crfner benchmark: {name}" if name else "crfner benchmark"


def intro(results: dict) -> list[Paragraph]:
    """What was run, by which command, when, at which commit, how long it took."""
    config = results.get("config") or {}
    all_runs = runs(results)
    ok = sum(is_ok(run) for run in all_runs)
    parts: list[Inline] = [
        (f"This report covers {ok} scored run{'s' if ok != 1 else ''} ({len(all_runs) - ok} not run) of "
         f"{len(system_names(results))} systems on {len(corpus_names(results))} corpora")
    ]
    if config.get("name"):
        parts += [", benchmark configuration ", Code(str(config["name"]))]
    parts += [
        (f", trained on the {config.get('train_split') or '?'} split and scored on the "
         f"{config.get('test_split') or '?'} split. Command: "),
        Code(str(results.get("command") or "?")),
        f". Started {_text(results.get('started'))}, finished {_text(results.get('finished'))}",
    ]
    seconds = as_number(results.get("seconds"))
    parts.append(f", {seconds:,.1f} s in total" if seconds is not None else "")
    commit = dig(results, "git", "commit")
    if commit:
        dirty = dig(results, "git", "dirty")
        parts += ["; git commit ", Code(str(commit)[:12]), " (uncommitted changes)" if dirty else " (clean tree)"]
    else:
        parts.append("; git commit unknown")
    version = dig(results, "packages", "crfner")
    parts.append(f"; crfner {version}." if version else ".")
    return [Paragraph(parts)]


# ---------------------------------------------------------------------------------------------
# 2. Setup


def setup_blocks(results: dict) -> list[Block]:
    """Machine, packages, corpora, systems and the configuration, each a small table."""
    blocks: list[Block] = []
    machine = results.get("machine") or {}
    labels = {"cpu": "CPU", "cores": "Cores", "memory_gib": "Memory (GiB)", "platform": "Platform",
              "python": "Python", "gpu": "GPU"}
    rows = [[Cell(label), Cell(_text(machine.get(key)) if key != "gpu" else str(machine.get(key) or "none"))]
            for key, label in labels.items()]
    rows += [[Cell(str(key)), Cell(_text(value))] for key, value in machine.items() if key not in labels]
    blocks += [Heading("Machine"), Table(["Property", "Value"], rows)]

    packages = results.get("packages") or {}
    if packages:
        rows = [[Cell(str(name)), Cell(str(version) if version else "not installed")]
                for name, version in packages.items()]
        blocks += [Heading("Packages"), Table(["Package", "Version"], rows)]

    corpora = results.get("corpora") or {}
    rows = []
    for name in corpus_names(results):
        info = corpora.get(name) or {}
        rows.append([Cell(name), _n(fmt_count(info.get("train_sentences"))), _n(fmt_count(info.get("train_tokens"))),
                     _n(fmt_count(info.get("test_sentences"))), _n(fmt_count(info.get("test_tokens"))),
                     Cell(", ".join(corpus_types(results, name)) or DASH), Cell(_text(info.get("description")))])
    header = ["Corpus", "Train sentences", "Train tokens", "Test sentences", "Test tokens", "Types", "Description"]
    blocks += [Heading("Corpora"), Table(header, rows, f"Train: {dig(results, 'config', 'train_split') or '?'}; "
                                                      f"test: {dig(results, 'config', 'test_split') or '?'}.")]

    declared = {s.get("name"): s for s in dig(results, "config", "systems") or [] if isinstance(s, dict)}
    rows = []
    for name in system_names(results):
        described = next((run.get("description") for run in runs(results)
                          if run.get("system") == name and run.get("description")), None)
        kind = (declared.get(name) or {}).get("type") or next(
            (run.get("type") for run in runs(results) if run.get("system") == name), None)
        extra = ", ".join(f"{k}={v}" for k, v in (declared.get(name) or {}).items() if k not in ("name", "type"))
        rows.append([Cell(name), Cell(_text(kind)), Cell(_text(described or extra))])
    blocks += [Heading("Systems"), Table(["System", "Type", "Description"], rows)]

    config = results.get("config") or {}
    settings = [
        ("Configuration", config.get("name")), ("File", config.get("path")), ("Hash", config.get("hash")),
        ("Training split", config.get("train_split")), ("Test split", config.get("test_split")),
        ("Learning-curve fractions", ", ".join(fmt_fraction(f) for f in config.get("learning_curve") or []) or None),
        ("Bootstrap resamples (CI)", config.get("bootstrap")),
        ("Permutations (significance)", config.get("permutations")), ("Seed", config.get("seed")),
    ]
    rows = [[Cell(label), Cell(_text(value))] for label, value in settings]
    blocks += [Heading("Configuration"), Table(["Setting", "Value"], rows)]
    return blocks


# ---------------------------------------------------------------------------------------------
# 3. Comparison


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
            rows.append(_blank_row([str(run.get("system"))], len(header)))
            continue
        rows.append([
            Cell(str(run.get("system"))),
            _n(fmt_interval(strict.get("precision"), interval.get("precision"))),
            _n(fmt_interval(strict.get("recall"), interval.get("recall"))),
            Cell(fmt_interval(f1, interval.get("f1")), numeric=True, bold=f1 is not None and f1 == best),
            _n(fmt_interval(strict.get("macro_f1"), interval.get("macro_f1"))),
            *[_n(fmt(dig(strict, "per_type", t, "f1"))) for t in types],
        ])
    resamples = next((dig(run, "ci", "resamples") for run in scored if dig(run, "ci", "resamples")), None)
    caption = (f"{corpus}: strict entity-level precision, recall and F1 (exact boundaries and type; micro "
               f"averages, conlleval-compatible) on the {dig(results, 'config', 'test_split') or 'test'} split")
    if ci:
        caption += f"; in brackets the {ci} from {resamples or '?'} bootstrap resamples of test sentences"
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
    blocks: list[Block] = []
    for corpus in corpus_names(results):
        blocks.append(Heading(corpus))
        table = comparison_table(results, corpus)
        blocks.append(table if table else Paragraph([f"No system was scored on {corpus}."], note=True))
        blocks += not_run_notes(results, corpus)
    return blocks or [Paragraph(["No runs in these results."], note=True)]


# ---------------------------------------------------------------------------------------------
# 4. Significance


def significance_blocks(results: dict) -> list[Block]:
    """Paired tests between systems: F1 of each, the difference and its p-value."""
    comparisons = [c for c in results.get("comparisons") or [] if isinstance(c, dict)]
    if not comparisons:
        return [Paragraph(["No paired significance tests in these results."], note=True)]
    header = ["Corpus", "System A", "System B", "F1 A", "F1 B", "Difference (A − B)", "p", "Test"]
    rows = []
    for c in comparisons:
        difference = as_number(c.get("difference"))
        method = c.get("method") or "?"
        resamples = c.get("resamples")
        rows.append([
            Cell(_text(c.get("corpus"))), Cell(_text(c.get("a"))), Cell(_text(c.get("b"))),
            _n(fmt(c.get("f1_a"))), _n(fmt(c.get("f1_b"))),
            _n(DASH if difference is None else f"{difference:+.4f}"),
            _n(fmt_p(c.get("p_value"), resamples)),
            Cell(f"{method}, {fmt_count(resamples)} resamples, {fmt_count(c.get('units'))} units"),
        ])
    methods = sorted({str(c.get("method") or "?") for c in comparisons})
    text = (f"Paired {' / '.join(methods)} test{'s' if len(methods) > 1 else ''} of the difference in strict "
            f"micro F1 between two systems on the same test sentences (units). A resampling test with R "
            f"resamples cannot give p below 1/(R+1); such p-values are shown as an upper bound (e.g. \"< 0.0001\").")
    return [Paragraph([text]), Table(header, rows)]


# ---------------------------------------------------------------------------------------------
# 5. Partial matches


def partial_table(results: dict, corpus: str) -> Table | None:
    scored = runs_of(results, corpus, ok_only=True)
    if not scored:
        return None
    header = ["System", "Scheme", "Correct", "Incorrect", "Partial", "Missed", "Spurious", "P", "R", "F1"]
    rows = []
    for run in scored:
        partial = run.get("partial") or {}
        if not any(isinstance(partial.get(s), dict) for s in PARTIAL_SCHEMES):
            rows.append(_blank_row([str(run.get("system"))], len(header)))
            continue
        for scheme in PARTIAL_SCHEMES:
            s = partial.get(scheme) or {}
            rows.append([Cell(str(run.get("system"))), Cell(scheme),
                         *[_n(fmt_count(s.get(k))) for k in ("correct", "incorrect", "partial", "missed", "spurious")],
                         *[_n(fmt(s.get(k))) for k in ("precision", "recall", "f1")]])
    return Table(header, rows, f"{corpus}: all entity types together.")


def partial_blocks(results: dict) -> list[Block]:
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
# 6.-8. Per-type plot, learning curves, speed


def missing_ci_notes(results: dict) -> list[Paragraph]:
    """Runs drawn without error bars because no interval was measured."""
    missing = [f"{run.get('corpus')}/{run.get('system')}" for run in runs(results)
               if is_ok(run) and dig(run, "strict", "per_type") and not dig(run, "ci", "per_type")]
    if not missing:
        return []
    return [Paragraph([f"No confidence interval measured (bars drawn without error bars): {', '.join(missing)}."],
                      note=True)]


def learning_curve_tables(results: dict) -> list[Block]:
    """Per corpus, one row per system: strict F1 at each fraction of the training data."""
    blocks: list[Block] = []
    for corpus in corpus_names(results):
        curves = {str(run.get("system")): [p for p in run.get("learning_curve") or [] if isinstance(p, dict)]
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
            rows.append([Cell(system), *[_n(fmt(dig(by_fraction, f, "f1"))) for f in fractions]])
        sentences = ", ".join(f"{fmt_fraction(f)} = {fmt_count(sizes.get(f))}" for f in fractions)
        caption = f"{corpus}: strict F1 by fraction of the training data (training sentences: {sentences})."
        blocks.append(Table(["System", *[fmt_fraction(f) for f in fractions]], rows, caption))
    return blocks


def speed_table(results: dict) -> Table | None:
    """Cost of each scored run: training time, tagging speed, memory, model size."""
    scored = [run for run in runs(results) if is_ok(run)]
    if not scored:
        return None
    header = ["Corpus", "System", "Device", "Train s", "Train sentences", "Tagging tokens/s", "Tag s",
              "Peak RSS MiB", "Model MiB", "Cached"]
    rows = []
    for run in scored:
        cost = run.get("cost") or {}
        first = [str(run.get("corpus")), str(run.get("system"))]
        if not cost:
            rows.append(_blank_row(first, len(header)))
            continue
        rows.append([Cell(first[0]), Cell(first[1]), Cell(_text(cost.get("device"))),
                     _n(fmt(cost.get("train_seconds"), 1)), _n(fmt_count(cost.get("train_sentences"))),
                     _n(fmt_count(_round(cost.get("tag_tokens_per_second")))), _n(fmt(cost.get("tag_seconds"), 2)),
                     _n(fmt_count(_round(cost.get("peak_rss_mib")))), _n(fmt(cost.get("model_mib"), 1)),
                     Cell("yes" if run.get("from_cache") else "no")])
    caption = ("Training and tagging cost on the machine above (peak resident memory of the process). "
               "Cached: figures carried over from an earlier identical run. \"—\": not measured.")
    return Table(header, rows, caption)


def _round(value: Any) -> Any:
    number = as_number(value)
    return None if number is None else round(number)


def unplotted_speed_notes(results: dict, plotted: Iterable[tuple[str, str]]) -> list[Paragraph]:
    """Scored runs left out of the F1-vs-speed plot because they have no tagging speed."""
    plotted = set(plotted)
    left = [f"{run.get('corpus')}/{run.get('system')}" for run in runs(results)
            if is_ok(run) and (run.get("corpus"), run.get("system")) not in plotted]
    if not left:
        return []
    return [Paragraph([f"Not in the speed plot (no tagging speed measured): {', '.join(left)}."], note=True)]


# ---------------------------------------------------------------------------------------------
# 9. Errors


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
                rows.append(_blank_row([str(run.get("system"))], len(header)))
            else:
                counts = [_n(fmt_count(categories.get(key))) for key, _ in ERROR_CATEGORIES]
                rows.append([Cell(str(run.get("system"))), *counts])
        blocks += [Heading(corpus), Table(header, rows, f"{corpus}: entities by error category.")]
        for run in scored:
            if isinstance(run.get("errors"), dict):
                blocks += _run_error_blocks(corpus, str(run.get("system")), run["errors"])
    return blocks


def _run_error_blocks(corpus: str, system: str, errors: dict) -> list[Block]:
    blocks: list[Block] = [Heading(f"{corpus}: {system}", level=4)]
    for key, what in (("missed", "missed"), ("spurious", "spurious (predicted, overlapping no gold entity)")):
        items = [i for i in errors.get(key) or [] if isinstance(i, dict)][:TOP]
        if items:
            rows = [[Cell(_text(i.get("text"))), Cell(_text(i.get("type"))), _n(fmt_count(i.get("count")))]
                    for i in items]
            blocks.append(Table(["Text", "Type", "Count"], rows, f"Most often {what}."))
    items = [i for i in errors.get("boundary_errors") or [] if isinstance(i, dict)][:TOP]
    if items:
        rows = [[Cell(_text(i.get("gold"))), Cell(_text(i.get("predicted"))), Cell(_text(i.get("type"))),
                 _n(fmt_count(i.get("count")))] for i in items]
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


# ---------------------------------------------------------------------------------------------
# 11. Published results


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
            Cell(_text(p.get("corpus"))), Cell(_text(p.get("system"))),
            Cell(_text(p.get("entity_type") or "all types")),
            _n(str(f1) if as_number(f1) is not None else DASH),  # as published: no rounding, no padding
            Cell("reported, not measured"),
            Cell(_text(p.get("citation") or p.get("url")), href=p.get("url") or None),
            Cell(_text(p.get("note"))),
        ])
    return [Table(header, rows, PUBLISHED_CAPTION, row_classes=["reported"] * len(rows))]
