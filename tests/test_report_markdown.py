"""report.md read back: names and texts from the data (corpus, system and type names, runners' notes,
corpus tokens) keep the Markdown the renderer means, checked with a CommonMark parser where one is installed."""

from __future__ import annotations

from crfner.report import markdown
from crfner.report.blocks import Cell, Figure, Paragraph, Report, Section, Table
from crfner.report.comparison import not_run_notes
from crfner.report.examples import Example, to_markdown
from crfner.schemes import Span


def _render(*blocks) -> list[str]:
    return markdown.render(Report("t", [], [Section("s", "S", list(blocks))])).splitlines()


def test_emphasis_around_text_ending_or_starting_with_a_space():
    """A crashed system's note ends in a space when the exception had no message (a bare assert,
    MemoryError()); a '*' next to a space neither opens nor closes, so both showed as asterisks."""
    results = {"runs": [{"corpus": "c", "system": "crf", "status": "failed", "note": "failed: AssertionError: "}]}
    lines = _render(*not_run_notes(results, "c"))
    assert "*Not run: crf (failed): failed: AssertionError:*" in lines
    # captions, bold cells and example headings that start with a name beginning with a space
    lines = _render(Table(["A"], [[Cell(" 0.9", numeric=True, bold=True)]], caption=" corpus: all types."),
                    Figure("speed", "alt", " corpus: speed", None, "not drawn"))
    assert "*corpus: all types.*" in lines and "| **0.9** |" in lines and "*corpus: speed: not drawn.*" in lines
    example = Example(" corpus", 0, ["a"], [], {"crf": [Span("X", 0, 1)]})
    assert to_markdown(example).splitlines()[0] == "**corpus, test sentence 1**"
    # nothing left to emphasise: no stray '* *' (a list item) and no empty '**'
    assert _render(Paragraph([" "], note=True), Table(["A"], [[Cell(" ", bold=True)]], caption="\n")) == [
        "# t", "", "## S", "", "| A |", "| --- |", "|  |"]


def test_heading_keeps_a_trailing_hash():
    """'### C #' is the heading 'C': a run of # after a space closes an ATX heading, so a corpus or
    system name ending in one lost it in the corpus and errors headings."""
    from crfner.report.blocks import Heading

    lines = _render(Heading("C #"), Heading("bc5cdr: crf ##", level=4), Heading("C# and #1"))
    assert r"### C \#" in lines and r"#### bc5cdr: crf \##" in lines and "### C# and #1" in lines
    assert markdown.render(Report("x #", [], []))[:6] == r"# x \#"
