"""The benchmark report: results.json and the predictions files → report.md and a self-contained report.html.

``build_report`` assembles the sections in order from the section modules (overview.py,
comparison.py, score_breakdowns.py, concepts.py when results carry concept scores, speed_and_cost.py,
error_tables.py, published.py: numbers as blocks.py blocks), plots.py (PNGs) and examples.py
(highlighted sentences), then lays the same blocks out twice, so the Markdown and the HTML always agree. matplotlib is imported only when the plots are drawn.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from ..atomic import atomic_open
from ..errors import CrfnerError
from . import examples as ex
from . import html, markdown
from .blocks import Figure, Heading, Paragraph, Raw, Report, Section
from .comparison import comparison_blocks, significance_blocks
from .concepts import concept_blocks, has_concepts
from .error_tables import error_blocks
from .overview import intro, setup_blocks, title
from .published import published_blocks
from .results import all_types, corpus_names, dig, runs
from .score_breakdowns import learning_curve_tables, missing_ci_notes, partial_blocks
from .speed_and_cost import speed_table, unplotted_speed_notes

__all__ = ["FILES_DIR", "FORMAT", "build_document", "build_report"]

FORMAT = "crfner-benchmark/1"
FILES_DIR = "report_files"  # beside report.md: the plots as PNG files, for Markdown viewers


def check_format(results: dict) -> None:
    """Refuse results of another format (a later, incompatible runner) with a one-line message."""
    if not isinstance(results, dict):
        raise CrfnerError("benchmark results must be a JSON object (the contents of results.json)")
    found = results.get("format")
    if found is not None and found != FORMAT:
        raise CrfnerError(f"benchmark results of format {found!r}; this report builder reads {FORMAT!r}")


def _figure(name: str, alt: str, caption: str, figures: dict[str, bytes | None]) -> Figure:
    from .plots import SKIPPED

    return Figure(name, alt, caption, figures.get(name), SKIPPED.get(name, "not drawn"))


def _example_blocks(results: dict, out_dir: Path, limit: int) -> list:
    chosen, notes = ex.pick_examples(results, out_dir, limit)
    text = (f"Up to {limit} test sentences per corpus where the systems disagree with the gold standard or with "
            f"each other, chosen deterministically: sentences of {ex.SHORTEST} to {ex.LONGEST} tokens first, then "
            f"those with the most distinct analyses and the most systems wrong, then the earliest. "
            + ex.NOTATION_NOTE)
    blocks: list = [Paragraph([text])]
    if chosen:
        colours = ex.type_colours(all_types(results) or sorted({s.type for e in chosen for s in e.gold}))
        blocks.append(Raw("", ex.legend_html(colours)))
        for corpus in corpus_names(results):
            mine = [e for e in chosen if e.corpus == corpus]
            if mine:
                blocks.append(Heading(corpus))
                blocks += [Raw(ex.to_markdown(e), ex.to_html(e, colours)) for e in mine]
    else:
        text = "No sentence to show (no readable predictions files, or no disagreement)."
        blocks.append(Paragraph([text], note=True))
    blocks += [Paragraph([f"Left out: {note}."], note=True) for note in notes]
    return blocks


def build_document(results: dict, out_dir: str | Path, figures: dict[str, bytes | None] | None = None,
                   examples_per_corpus: int = ex.PER_CORPUS) -> Report:
    """The report as blocks, sections in their fixed order; ``figures`` (name → PNG) drawn when not given."""
    check_format(results)
    if figures is None:
        from .plots import render_all

        figures = render_all(results)
    from .plots import speed_points

    ci = "95% CI" if any(dig(r, "ci", "per_type") for r in runs(results)) else "no CI measured"
    sections = [
        Section("setup", "Setup", setup_blocks(results)),
        Section("comparison", "Comparison", comparison_blocks(results)),
        Section("significance", "Significance", significance_blocks(results)),
        Section("partial", "Partial matches", partial_blocks(results)),
        Section("per-type", "Per-type F1", [
            _figure("per_type", "Per-type strict F1 with confidence intervals",
                    f"Strict F1 per entity type, one panel per corpus, one bar per system (error bars: {ci}).",
                    figures),
            *missing_ci_notes(results)]),
        *([Section("concepts", "Concept-level scores", concept_blocks(results))] if has_concepts(results) else []),
        Section("learning-curve", "Learning curves", [
            _figure("learning_curve", "Learning curves: strict F1 against the fraction of training data",
                    "Strict F1 on the test split against the fraction of the training data used.", figures),
            *learning_curve_tables(results)]),
        Section("speed", "Speed and cost", [
            *([t] if (t := speed_table(results)) else []),
            _figure("speed", "Strict F1 against tagging speed",
                    "Strict F1 against tagging speed (tokens per second, log scale), one point per corpus and system.",
                    figures),
            *unplotted_speed_notes(results, [(p.corpus, p.system) for p in speed_points(results)])]),
        Section("errors", "Errors", error_blocks(results)),
        Section("examples", "Examples", _example_blocks(results, Path(out_dir), examples_per_corpus)),
        Section("published", "Published results", published_blocks(results)),
    ]
    return Report(title(results), intro(results), sections)


def _write_figures(figures: dict[str, bytes | None], files_dir: Path) -> None:
    """Each drawn plot as ``files_dir/<name>.png``; a stale PNG of a plot not drawn this time is removed."""
    for name, png in figures.items():
        path = files_dir / f"{name}.png"
        if png is None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            continue
        with atomic_open(path, "wb") as handle:
            handle.write(png)


def build_report(results: dict, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``report.md`` (plots in ``report_files/``) and a self-contained ``report.html`` into ``out_dir``.

    ``results`` is the runner's results.json as a dict; predictions paths in it are relative to
    ``out_dir``. Each file is written atomically. Returns ``(markdown_path, html_path)``.
    """
    from .plots import render_all

    out_dir = Path(out_dir)
    check_format(results)
    figures = render_all(results)
    document = build_document(results, out_dir, figures)
    _write_figures(figures, out_dir / FILES_DIR)
    md_path, html_path = out_dir / "report.md", out_dir / "report.html"
    with atomic_open(md_path, "w") as handle:
        handle.write(markdown.render(document, FILES_DIR))
    with atomic_open(html_path, "w") as handle:
        handle.write(html.render(document))
    return md_path, html_path
