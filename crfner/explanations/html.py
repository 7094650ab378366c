"""An explanation as one self-contained HTML page (inline CSS and script, nothing fetched, all
input text escaped): entities highlighted by type with their scores, explanations on a click."""

from __future__ import annotations

import html
import os
from pathlib import Path

from ..text import LONE_SURROGATE
from .render import entity_note

__all__ = ["render_html", "write_html"]

PALETTE = ["#ffd8a8", "#b2f2bb", "#a5d8ff", "#eebefa", "#ffec99", "#c3fae8", "#ffc9c9", "#d0bfff", "#e9ecef"]

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { font-size: 1.5rem; margin-bottom: .4rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
.note { color: #555; font-size: .9rem; }
.legend { margin: .8rem 0; }
.legend .ent { margin-right: .6rem; }
.text { white-space: pre-wrap; border: 1px solid #ddd; padding: .8rem 1rem; border-radius: .3rem; line-height: 2; }
.ent { padding: .05em .25em; border-radius: .25em; border: 1px solid transparent; }
mark.ent { cursor: pointer; color: inherit; }
mark.ent:hover, mark.ent:focus, mark.ent.selected { border-color: #333; outline: none; }
.score { font-size: .68em; font-weight: 600; margin-left: .25em; color: #333; }
details.explanation { border: 1px solid #ddd; border-radius: .3rem; padding: .3rem .8rem; margin: .5rem 0; }
details.explanation[open] { border-color: #888; }
summary { cursor: pointer; }
table { border-collapse: collapse; margin: .3rem 0 1rem; font-size: .85rem; }
th, td { border: 1px solid #ccc; padding: .15rem .45rem; text-align: left; vertical-align: middle; }
thead th { background: #f2f2f2; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.against td { color: #8a1c1c; }
tr.transition td, tr.rest td { color: #444; font-style: italic; }
tr.total td { font-weight: 600; background: #fafafa; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
.bar { display: inline-block; height: .6em; background: #5c7cfa; vertical-align: middle; }
.bar.neg { background: #e03131; }
"""

SCRIPT = """
(function () {
  function show(id) {
    var panel = document.getElementById('entity-' + id);
    if (!panel) { return; }
    panel.open = true;
    document.querySelectorAll('mark.ent.selected').forEach(function (m) { m.classList.remove('selected'); });
    var mark = document.getElementById('mark-' + id);
    if (mark) { mark.classList.add('selected'); }
    panel.scrollIntoView({block: 'nearest'});
  }
  document.querySelectorAll('mark.ent').forEach(function (mark) {
    mark.addEventListener('click', function () { show(mark.dataset.entity); });
    mark.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); show(mark.dataset.entity); }
    });
  });
})();
"""


def esc(value: object) -> str:
    """``value`` as HTML text: escaped, and a lone surrogate (from text decoded with
    ``surrogateescape``), which no UTF-8 page can hold, shown as U+FFFD."""
    return html.escape(LONE_SURROGATE.sub("\ufffd", str(value)), quote=True)


def _num(value: float) -> str:
    return f"{value:+.4f}"


def _type_classes(explanation) -> dict[str, str]:
    """A CSS class per entity type, the types in order of first appearance, then the rest of the labels'."""
    types = [e.type for e in explanation.entities]
    types += [label.split("-", 1)[1] for label in explanation.labels if "-" in label]
    return {t: f"t{k}" for k, t in enumerate(dict.fromkeys(types))}


def _highlighted(explanation, classes: dict[str, str]) -> str:
    """The text, each entity a clickable mark with its type's colour and its score."""
    text, out, at = explanation.text, [], 0
    for k, entity in enumerate(explanation.entities):
        out.append(esc(text[at:entity.start]))
        title = f"{entity.type}, score {entity.score:.3f}{entity_note(entity)}: click for why"
        out.append(
            f'<mark class="ent {classes[entity.type]}" id="mark-{k}" data-entity="{k}" tabindex="0" role="button" '
            f'title="{esc(title)}"><bdi>{esc(entity.text)}</bdi><span class="score">{entity.score:.2f}</span></mark>'
        )
        at = entity.end
    out.append(esc(text[at:]))
    return "".join(out)


def _row(kind: str, term: str, family: str, weight, rival, contribution: float, scale: float) -> str:
    width = 0 if not scale else min(100, round(100 * abs(contribution) / scale))
    cells = [esc(term), esc(family), "" if weight is None else _num(weight), "" if rival is None else _num(rival)]
    return (
        f'<tr class="{kind}"><td>{cells[0]}</td><td>{cells[1]}</td><td class="num">{cells[2]}</td>'
        f'<td class="num">{cells[3]}</td><td class="num">{_num(contribution)}</td>'
        f'<td><span class="bar{" neg" if contribution < 0 else ""}" style="width:{width / 10:.1f}rem"></span></td></tr>'
    )


def _token_table(token) -> str:
    """One token's margin, term by term: attributes for, the rest, attributes against, transitions."""
    if token.competitor is None:
        return f"<h3><code>{esc(token.token)}</code> {esc(token.label)}: the model has no other label</h3>"
    heading = (
        f"<h3><code>{esc(token.token)}</code> {esc(token.label)} over {esc(token.competitor)} "
        f"by {token.margin:.4f}</h3>"
    )
    terms = [c.contribution for c in token.features + token.against]
    terms += [token.rest, token.transition_in, token.transition_out]
    scale = max(abs(v) for v in terms) if terms else 0.0
    rows = [_row("for", c.attribute, c.family, c.weight, c.competitor_weight, c.contribution, scale)
            for c in token.features]
    shown = sum(c.count for c in token.features) + sum(c.count for c in token.against)
    if shown < token.n_attributes:
        rows.append(_row("rest", f"{token.n_attributes - shown} other attributes", "", None, None, token.rest, scale))
    rows += [_row("against", c.attribute, c.family, c.weight, c.competitor_weight, c.contribution, scale)
             for c in token.against]
    if token.previous is not None:
        rows.append(_row("transition", f"{token.previous} \u2192 this token", "transition", None, None,
                         token.transition_in, scale))
    if token.next is not None:
        rows.append(_row("transition", f"this token \u2192 {token.next}", "transition", None, None,
                         token.transition_out, scale))
    total = f'<tr class="total"><td colspan="4">margin</td><td class="num">{_num(token.margin)}</td><td></td></tr>'
    head = (
        f"<thead><tr><th>term</th><th>family</th><th>weight for {esc(token.label)}</th>"
        f"<th>weight for {esc(token.competitor)}</th><th>contribution</th><th></th></tr></thead>"
    )
    return f'{heading}<table class="terms">{head}<tbody>{"".join(rows)}{total}</tbody></table>'


def _panel(k: int, entity, css_class: str) -> str:
    summary = (
        f'<span class="ent {css_class}">{esc(entity.type)}</span> <q><bdi>{esc(entity.text)}</bdi></q> '
        f"[{entity.start}\u2013{entity.end}], score {entity.score:.3f}{esc(entity_note(entity))}"
    )
    tables = "".join(_token_table(token) for token in entity.tokens)
    return f'<details class="explanation" id="entity-{k}" data-entity="{k}"><summary>{summary}</summary>{tables}</details>'


def render_html(explanation, title: str = "crfner: entities and why") -> str:
    """The page for an :class:`crfner.explanations.Explanation` (see the module)."""
    classes = _type_classes(explanation)
    colours = "\n".join(f".{c} {{ background: {PALETTE[k % len(PALETTE)]}; }}" for k, c in enumerate(classes.values()))
    fs = explanation.feature_set
    legend = "".join(f'<span class="ent {c}">{esc(t)}</span>' for t, c in classes.items())
    if explanation.entities:
        panels = "".join(_panel(k, e, classes[e.type]) for k, e in enumerate(explanation.entities))
    else:
        panels = '<p class="note">No entities found.</p>'
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}{colours}</style></head><body>"
        f"<h1>{esc(title)}</h1>"
        f'<p class="note">Feature set {esc(fs.get("name"))} (version {esc(fs.get("version"))}); '
        f"{len(explanation.entities)} entities. Each number beside an entity is its score, the "
        "probability the model gives the entity, exactly its tokens and type. Click an entity to see, at each of its tokens, the features "
        "and transitions that make its label beat the best other label; the terms add up to the margin.</p>"
        f'<div class="legend">Entity types: {legend}</div>'
        f'<div class="text" id="text">{_highlighted(explanation, classes)}</div>'
        f'<h2>Explanations</h2><div id="explanations">{panels}</div>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def write_html(explanation, path: str | os.PathLike, title: str = "crfner: entities and why") -> Path:
    """Write :func:`render_html` to ``path`` atomically (complete, or not there at all)."""
    from ..atomic import atomic_open

    with atomic_open(path) as handle:
        handle.write(render_html(explanation, title))
    return Path(path)
