"""Example test sentences: a deterministic few where systems disagree with gold or each other,
shown with gold and predicted entities highlighted (HTML ``<mark>`` spans, Markdown ``[tokens]{Type}``)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from ..corpora.conll import read_predictions
from ..errors import DataFormatError
from ..schemes import Span, tags_to_spans
from .markdown import emphasis
from .markdown import escape as md_escape
from .results import corpus_names, runs_of, system_of

PER_CORPUS = 5
# sentences of this many tokens are preferred: long enough to say something, short enough to read
SHORTEST, LONGEST = 6, 40
# Light backgrounds, one per entity type (by its index in the sorted list of all types): sixteen, so
# MACCROBAT's twelve default types each have their own; the first eight are the colours of earlier reports.
TYPE_COLOURS = ("#ffe08a", "#a8d8ff", "#c3f0c8", "#f9c0e0", "#d9c8ff", "#ffd1a8", "#c8f0ee", "#e8e8a0",
                "#c0c0ff", "#b0e0a0", "#e0c0a0", "#d0d0d0", "#f0b0f0", "#b8c8e8", "#ffc8c8", "#d8f0a0")


@dataclass
class Example:
    """One test sentence: tokens, gold entities and each system's predicted entities."""

    corpus: str
    index: int  # position in the test split, from 0
    tokens: list[str]
    gold: list[Span]
    predicted: dict[str, list[Span]]


def _load(path: Path) -> tuple[list[list[str]], list[list[Span]], list[list[Span]]]:
    X, gold, predicted = read_predictions(path)
    return X, [tags_to_spans(t) for t in gold], [tags_to_spans(t) for t in predicted]


def _score(example: Example) -> tuple:
    """Sort key: readable length first, then most distinct analyses, most wrong systems, earliest."""
    analyses = {tuple(example.gold), *(tuple(spans) for spans in example.predicted.values())}
    wrong = sum(spans != example.gold for spans in example.predicted.values())
    readable = SHORTEST <= len(example.tokens) <= LONGEST
    return (not readable, -len(analyses), -wrong, example.index)


def choose(candidates: list[Example], limit: int = PER_CORPUS) -> list[Example]:
    """The ``limit`` most telling sentences with any disagreement, in test-split order."""
    telling = [e for e in candidates if any(spans != e.gold for spans in e.predicted.values())
               or len({tuple(spans) for spans in e.predicted.values()}) > 1]
    return sorted(sorted(telling, key=_score)[:limit], key=lambda e: e.index)


def pick_examples(results: dict, out_dir: str | Path, limit: int = PER_CORPUS) -> tuple[list[Example], list[str]]:
    """Examples of every corpus from the scored runs' predictions files, and notes on files left out.

    Systems are compared sentence by sentence, so a file whose tokens or gold tags differ from the
    corpus's first file is left out (and noted), as is an unreadable one.
    """
    out_dir = Path(out_dir)
    examples: list[Example] = []
    notes: list[str] = []
    for corpus in corpus_names(results):
        reference = None
        predicted: dict[str, list[list[Span]]] = {}
        for run in runs_of(results, corpus, ok_only=True):
            system, relative = system_of(run), run.get("predictions")
            if not relative:
                notes.append(f"{corpus}/{system}: no predictions file")
                continue
            try:
                X, gold, spans = _load(out_dir / relative)
            except DataFormatError as error:
                notes.append(f"{corpus}/{system}: predictions not read ({error})")
                continue
            if reference is None:
                reference = (X, gold)
            elif (X, gold) != reference:
                notes.append(f"{corpus}/{system}: predictions file has other sentences or gold tags than "
                             f"the first system's; left out")
                continue
            predicted[system] = spans
        if reference is None:
            continue
        X, gold = reference
        candidates = [Example(corpus, i, X[i], gold[i], {s: spans[i] for s, spans in predicted.items()})
                      for i in range(len(X))]
        examples += choose(candidates, limit)
    return examples, notes


def _segments(tokens: list[str], spans: list[Span]) -> list[tuple[list[str], Span | None]]:
    """The sentence cut into runs of tokens: each entity, and the plain text between them."""
    out: list[tuple[list[str], Span | None]] = []
    position = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start > position:
            out.append((tokens[position:span.start], None))
        out.append((tokens[span.start:span.end], span))
        position = span.end
    if position < len(tokens):
        out.append((tokens[position:], None))
    return out


def _heading(example: Example) -> str:
    return f"{example.corpus}, test sentence {example.index + 1}"


# Inside the notation a backslash, bracket or brace of a token or type is shown after a backslash, so that
# only the notation's own [ ] { } delimit an entity: ``[a\]b]{X}`` is the one token ``a]b``.
_NOTATION_SPECIAL = re.compile(r"([\\\[\]{}])")
NOTATION_NOTE = ("Markdown shows entities as [tokens]{Type}; a backslash, bracket or brace in a token or a type "
                 "is shown with a backslash before it.")


def _notation(text: str) -> str:
    """A token or type as the notation shows it, then escaped for Markdown like any text from the data."""
    return md_escape(_NOTATION_SPECIAL.sub(r"\\\1", text))


def line_markdown(tokens: list[str], spans: list[Span]) -> str:
    """``[Cisplatin]{Chemical} induced [nephrotoxicity]{Disease} .``"""
    return " ".join(
        f"[{' '.join(_notation(t) for t in words)}]{{{_notation(span.type)}}}" if span else
        " ".join(_notation(t) for t in words)
        for words, span in _segments(tokens, spans)
    )


def to_markdown(example: Example) -> str:
    """A bold heading, then one list line for gold and one per system."""
    lines = [emphasis(md_escape(_heading(example)), "**"), "", f"- gold: {line_markdown(example.tokens, example.gold)}"]
    lines += [f"- {md_escape(system)}: {line_markdown(example.tokens, spans)}"
              for system, spans in example.predicted.items()]
    return "\n".join(lines)


def line_html(tokens: list[str], spans: list[Span], colours: dict[str, str], gold: list[Span] | None = None) -> str:
    """Tokens with each entity a coloured ``<mark>`` labelled with its type; with ``gold`` given, a
    predicted entity not in it is outlined as wrong."""
    out = []
    for words, span in _segments(tokens, spans):
        text = html.escape(" ".join(words))
        if span is None:
            out.append(text)
            continue
        wrong = gold is not None and span not in gold
        colour = colours.get(span.type, TYPE_COLOURS[-1])
        out.append(f'<mark class="ent{" wrong" if wrong else ""}" style="background:{colour}">{text}'
                   f'<span class="etype">{html.escape(span.type)}</span></mark>')
    return " ".join(out)


def to_html(example: Example, colours: dict[str, str]) -> str:
    """A small table: the heading as caption, one row for gold and one per system."""
    rows = [f'<tr><th scope="row">gold</th><td>{line_html(example.tokens, example.gold, colours)}</td></tr>']
    rows += [f'<tr><th scope="row">{html.escape(system)}</th>'
             f"<td>{line_html(example.tokens, spans, colours, example.gold)}</td></tr>"
             for system, spans in example.predicted.items()]
    return (f'<table class="example"><caption>{html.escape(_heading(example))}</caption>\n'
            + "\n".join(rows) + "\n</table>")


def type_colours(types: list[str]) -> dict[str, str]:
    """Each type's background, in order; types past the sixteenth share colours (every mark also names its type)."""
    return {t: TYPE_COLOURS[i % len(TYPE_COLOURS)] for i, t in enumerate(types)}


def legend_html(colours: dict[str, str]) -> str:
    marks = " ".join(f'<mark class="ent" style="background:{c}">{html.escape(t)}</mark>' for t, c in colours.items())
    return (f'<p class="note">Entity types: {marks}. A <mark class="ent wrong">dashed red outline</mark> marks '
            f"a predicted entity that is not in the gold standard (strict match).</p>")
