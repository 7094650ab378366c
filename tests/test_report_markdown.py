"""report.md read back: names and texts from the data (corpus, system and type names, runners' notes,
corpus tokens) keep the Markdown the renderer means, checked with a CommonMark parser where one is installed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crfner.report import html, markdown
from crfner.report.blocks import Cell, Code, Figure, Heading, Link, Paragraph, Report, Section, Table
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
    lines = _render(Heading("C #"), Heading("bc5cdr: crf ##", level=4), Heading("C# and #1"))
    assert r"### C \#" in lines and r"#### bc5cdr: crf \##" in lines and "### C# and #1" in lines
    assert markdown.render(Report("x #", [], []))[:6] == r"# x \#"


# ---------------------------------------------------------------------------------------------
# Property tests: random text with Markdown and HTML specials through both renderers, read back

PIECES = [*"ab1 _*`[]()<>&|\\#-+=.!~:{}\"'$%é\t\n\r\u2028", "&amp;", "<script>", '"onmouseover=', "</td>", "1.", "- "]
TEXT = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def _shown(text: str) -> str:
    """What report.md should show: whitespace runs as one space, nothing at either end."""
    return " ".join(text.split())


def _parser():
    return pytest.importorskip("markdown_it").MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _inline_text(token, keep=("text", "code_inline")) -> str:
    """An inline token's text, other nodes as <type> markers (links, emphasis, HTML)."""
    return "".join(c.content if c.type in keep else f"<{c.type}>" for c in token.children)


@FAST
@given(st.lists(TEXT, min_size=1, max_size=3),
       st.lists(st.tuples(TEXT, st.booleans(), st.booleans(), st.booleans()), min_size=1, max_size=3), TEXT, TEXT)
def test_markdown_table_round_trips(header, cells, caption, heading):
    """A table of random cells keeps its column count, each cell its text (bold and linked when asked,
    numeric or not), the caption is one italic paragraph, a heading shows its text whole."""
    row = [Cell(text, numeric=numeric, bold=bold, href="https://example.org/" + text if linked else None)
           for text, numeric, bold, linked in cells]
    header = header + [""] * (len(row) - len(header))
    tokens = _parser().parse("\n".join(_render(Heading(heading), Table(header, [row], caption))))
    types = [t.type for t in tokens]
    assert types.count("th_open") == len(header) and types.count("td_open") == len(header)
    inlines = [t for t in tokens if t.type == "inline"]
    assert [_inline_text(t) for t in inlines[:3]] == ["t", "S", _shown(heading)]
    inlines = inlines[3:]
    if _shown(caption):
        assert _inline_text(inlines.pop(0)) == f"<em_open>{_shown(caption)}<em_close>"
    assert [_inline_text(t) for t in inlines[:len(header)]] == [_shown(h) for h in header]
    for cell, token in zip(row, inlines[len(header):]):
        shown = _inline_text(token)
        assert _shown(_inline_text(token, ("text", "code_inline", "strong_open", "strong_close", "link_open",
                                           "link_close"))) == _shown(cell.text)
        if _shown(cell.text):
            assert ("<strong_open>" in shown) == cell.bold and ("<link_open>" in shown) == bool(cell.href)


@FAST
@given(TEXT, TEXT, TEXT, st.lists(TEXT.map(lambda t: "".join(t.split())), min_size=1, max_size=4), TEXT)
def test_markdown_paragraphs_and_examples_round_trip(text, code, system, tokens, etype):
    """A paragraph (plain, code, link) and a note read back as written; an example is a bold heading
    and a two-item list whose line shows the system, then the tokens (no whitespace, as read from a corpus) and
    the type in a notation that reads back unambiguously: brackets and braces in them do not end the entity."""
    parser = _parser()
    paragraph = [text, " ", Code(code), " ", Link(text, "https://example.org/(a b)")]
    tokens_md = parser.parse("\n".join(_render(Paragraph(paragraph), Paragraph([text], note=True))))
    inlines = [t for t in tokens_md if t.type == "inline"][2:]
    assert [t.type for t in tokens_md].count("paragraph_open") == 1 + bool(_shown(text))
    first = _inline_text(inlines[0], ("text", "code_inline", "link_open", "link_close"))
    assert " ".join(first.split()) == _shown(f"{text} {_shown(code)} {text}")
    # the code is one code span, its text as written (backticks too); empty, a span of one space
    assert [c.content for c in inlines[0].children if c.type == "code_inline"] == [_shown(code) or " "]
    if _shown(text):
        assert _inline_text(inlines[1]) == f"<em_open>{_shown(text)}<em_close>"
    start = 1 if len(tokens) > 1 else 0  # the first token plain where there are two or more
    example = Example(f"c{text}", 0, tokens, [], {system: [Span(etype, start, len(tokens))]})
    parsed = parser.parse(to_markdown(example))
    assert [t.type for t in parsed].count("list_item_open") == 2
    lines = [_inline_text(t) for t in parsed if t.type == "inline"]
    assert lines[0] == f"<strong_open>{_shown(f'c{text}, test sentence 1')}<strong_close>"
    shown, label = " ".join(lines[2].split()), _shown(f"{system}:")
    assert shown.startswith(label)
    plain = [(_shown(tokens[0]), None)] if start and _shown(tokens[0]) else []
    assert _read_notation(shown[len(label):]) == [*plain, (_shown(" ".join(tokens[start:])), _shown(etype))]


_NEXT = {"plain": ("[", "words"), "words": ("]", "between"), "between": ("{", "type"), "type": ("}", "plain")}


def _read_notation(line: str) -> list[tuple[str, str | None]]:
    """A shown example line read back: [tokens]{Type} an entity (words, type), the text between entities
    (text, None), a backslash making the next character literal; a bracket or brace out of place is an error."""
    out: list[tuple[str, str | None]] = []
    text, words, state = "", "", "plain"
    for piece in re.findall(r"\\.|.", line):
        if len(piece) == 2:
            text += piece[1]
            continue
        delimiter, following = _NEXT[state]
        if piece != delimiter:
            assert piece not in "[]{}" and state != "between", f"{piece!r} out of place in {line!r}"
            text += piece
            continue
        if state == "plain" and _shown(text):
            out.append((_shown(text), None))
        elif state == "words":
            words = _shown(text)
        elif state == "type":
            out.append((words, _shown(text)))
        state, text = following, ""
    assert state == "plain", f"an entity left open in {line!r}"
    return out + ([(_shown(text), None)] if _shown(text) else [])


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.tags.append("<!--")


TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "nav", "ol", "li", "a",
        "section", "div", "table", "thead", "tbody", "tr", "th", "td", "strong", "code", "figure", "img",
        "figcaption"}


@FAST
@given(st.lists(TEXT, min_size=1, max_size=3), TEXT, TEXT, TEXT, TEXT)
def test_html_escapes_every_text(header, cell, caption, title, href):
    """No text makes a tag, an attribute or a link of its own; every text reads back as written."""
    report = Report(title, [Paragraph([title, Code(cell), Link(cell, "https://example.org/" + href), Link(cell, href)])],
                    [Section("s", title, [Heading(cell), Paragraph([caption], note=True),
                                          Table(header, [[Cell(cell, bold=True, href="https://x.org/" + href),
                                                          Cell(cell, numeric=True)]], caption, ["reported"]),
                                          Figure("speed", cell, caption, b"png")])])
    page = _Page()
    page.feed(html.render(report))
    page.close()
    assert set(page.tags) <= TAGS
    assert {name for name, _ in page.attributes} <= {"lang", "charset", "name", "content", "aria-label", "href", "id",
                                                     "class", "scope", "src", "alt"}
    assert all(value.startswith(("#", "https://", "data:image/png")) for name, value in page.attributes
               if name in ("href", "src"))
    assert ("alt", cell) in page.attributes
    text = "".join(page.text)
    assert all(piece in text for piece in (cell, caption, title, *header))
