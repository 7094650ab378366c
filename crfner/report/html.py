"""The report as one self-contained HTML page: inline CSS, plots as base64 PNG, no scripts, no network.

Every piece of text from the data goes through ``html.escape``.
"""

from __future__ import annotations

import base64
import html
import re

from .blocks import (
    Cell,
    Code,
    Figure,
    Heading,
    Inline,
    Link,
    Paragraph,
    Raw,
    Report,
    Table,
)

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .5rem; }
h2 { font-size: 1.3rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
nav ol { columns: 2; font-size: .9rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .4rem 0 1.2rem; font-size: .88rem; }
.caption { font-style: italic; color: #444; margin: .8rem 0 .2rem; font-size: .9rem; }
th, td { border: 1px solid #bbb; padding: .2rem .5rem; vertical-align: top; text-align: left; }
thead th { background: #f2f2f2; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.reported td { font-style: italic; color: #444; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em;
       background: #f4f4f4; padding: 0 .2em; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-style: italic; color: #444; font-size: .9rem; }
.note { color: #555; font-size: .9rem; }
table.example { width: 100%; }
table.example caption { caption-side: top; text-align: left; font-style: italic; color: #444; padding: .2rem 0; }
table.example th, table.example td { vertical-align: middle; }
table.example th { width: 9rem; font-weight: normal; color: #444; background: #fafafa; }
table.example td { line-height: 2.1; }
mark.ent { padding: .05em .25em; border-radius: .25em; border: 1px solid transparent; }
mark.wrong { border: 1.5px dashed #c62828; background: transparent; }
.etype { font-size: .68em; font-weight: 600; margin-left: .3em; color: #333; text-transform: uppercase;
         letter-spacing: .02em; }
@media print { body { max-width: none; } h2 { break-after: avoid; } table, figure { break-inside: avoid; } }
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def safe_href(href: str | None) -> str | None:
    """An http(s) URL, attribute-escaped; anything else (``javascript:``...) is no link."""
    if not href or not re.match(r"https?://", href.strip(), re.IGNORECASE):
        return None
    return esc(href.strip())


def inline(parts: list[Inline]) -> str:
    out = []
    for part in parts:
        if isinstance(part, Code):
            out.append(f"<code>{esc(part.text)}</code>")
        elif isinstance(part, Link):
            href = safe_href(part.href)
            out.append(f'<a href="{href}">{esc(part.text)}</a>' if href else esc(part.text))
        else:
            out.append(esc(part))
    return "".join(out)


def _cell(cell: Cell, tag: str = "td") -> str:
    text = esc(cell.text)
    href = safe_href(cell.href)
    if href and text:
        text = f'<a href="{href}">{text}</a>'
    if cell.bold and text:
        text = f"<strong>{text}</strong>"
    return f'<{tag} class="num">{text}</{tag}>' if cell.numeric else f"<{tag}>{text}</{tag}>"


def table(block: Table) -> str:
    numeric = block.numeric_columns()
    head = "".join(f'<th scope="col" class="num">{esc(h)}</th>' if n else f'<th scope="col">{esc(h)}</th>'
                   for h, n in zip(block.header, numeric))
    body = []
    for i, row in enumerate(block.rows):
        css = block.row_classes[i] if i < len(block.row_classes) else ""
        cells = "".join(_cell(c) for c in row) + "<td></td>" * (len(block.header) - len(row))
        body.append(f'<tr class="{esc(css)}">{cells}</tr>' if css else f"<tr>{cells}</tr>")
    caption = f'<p class="caption">{esc(block.caption)}</p>\n' if block.caption else ""
    return (f'<div class="scroll">{caption}<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(body) + "\n</tbody></table></div>")


def figure(block: Figure) -> str:
    if block.png is None:
        return f'<p class="note">{esc(block.caption)}: {esc(block.missing)}.</p>'
    data = base64.b64encode(block.png).decode("ascii")
    return (f'<figure id="figure-{esc(block.name)}"><img src="data:image/png;base64,{data}" alt="{esc(block.alt)}">'
            f"<figcaption>{esc(block.caption)}</figcaption></figure>")


def render(report: Report) -> str:
    """The whole report as one HTML document."""
    toc = "".join(f'<li><a href="#{esc(s.id)}">{esc(s.title)}</a></li>' for s in report.sections)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(report.title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{esc(report.title)}</h1>",
        *(f"<p>{inline(p.parts)}</p>" for p in report.intro),
        f'<nav aria-label="Contents"><ol>{toc}</ol></nav>',
    ]
    for section in report.sections:
        parts.append(f'<section id="{esc(section.id)}">\n<h2>{esc(section.title)}</h2>')
        for block in section.blocks:
            if isinstance(block, Heading):
                parts.append(f"<h{block.level}>{esc(block.text)}</h{block.level}>")
            elif isinstance(block, Paragraph):
                parts.append(f'<p class="note">{inline(block.parts)}</p>' if block.note
                             else f"<p>{inline(block.parts)}</p>")
            elif isinstance(block, Table):
                parts.append(table(block))
            elif isinstance(block, Figure):
                parts.append(figure(block))
            elif isinstance(block, Raw):
                parts.append(block.html)
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
