"""The Concept-level scores section: per linked corpus, each system's concept P/R/F1 (the
document-level (document, concept id) pairs of BioCreative V CDR) with intervals, per-type F1,
the time linking adds to raw-text tagging, and the linker's accuracy@1 on the gold mentions.
"""

from __future__ import annotations

from pathlib import Path

from .blocks import Block, Cell, Heading, Paragraph, Table
from .formatting import DASH, as_number, blank_row, fmt, fmt_count, fmt_interval, number_cell
from .results import corpus_names, dig, runs_of, system_of

MEASURE = ("BioCreative V CDR's measure: per type, the set of (document, concept id) pairs the linked predictions assert "
           "against the gold set, each pair counted once however many mentions assert it; composite ids count each part; "
           "NCBI Disease's four mention types are counted as Disease")


def has_concepts(results: dict) -> bool:
    """Whether the results carry concept-level scores (the config had a ``[linking]`` table)."""
    return bool(results.get("linking")) or any(isinstance(run.get("concepts"), dict)
                                              for corpus in corpus_names(results) for run in runs_of(results, corpus))


def _types(linked: list[dict]) -> list[str]:
    """The entity types the systems' concept scores name, sorted."""
    return sorted({t for run in linked for t in dig(run, "concepts", "scores", "per_type") or {}})


def _share(concepts: dict) -> str:
    """Linking time as a percentage of raw-text tagging time: ``12.3%``; "—" when either is missing."""
    ratio = as_number(concepts.get("link_over_tag"))
    return DASH if ratio is None else f"{ratio * 100:.1f}%"


def _row(run: dict, types: list[str], width: int) -> list[Cell]:
    """One system's row: concept P, R, F1 with intervals, per-type F1, tagging and linking seconds, their ratio."""
    concepts = run.get("concepts") or {}
    name = system_of(run)
    if concepts.get("status") != "ok":
        return blank_row([name], width, str(concepts.get("note") or "not linked"))
    scores, interval = concepts.get("scores") or {}, concepts.get("ci") or {}
    return [Cell(name),
            *[number_cell(fmt_interval(scores.get(k), interval.get(k))) for k in ("precision", "recall", "f1")],
            *[number_cell(fmt_interval(dig(scores, "per_type", t, "f1"), dig(interval, "per_type", t, "f1"))) for t in types],
            number_cell(fmt(concepts.get("tag_seconds"), 2)), number_cell(fmt(concepts.get("link_seconds"), 2)),
            number_cell(_share(concepts))]


def _caption(corpus: str, linked: list[dict], results: dict) -> str:
    """What the table measures, and how the intervals were resampled."""
    ci = next((run["concepts"]["ci"] for run in linked if isinstance(dig(run, "concepts", "ci"), dict)), None)
    if ci:
        level = as_number(ci.get("level")) or 0.95
        intervals = (f"Intervals: {level * 100:g}% percentile bootstrap, {fmt_count(ci.get('resamples'))} resamples of the "
                     f"{fmt_count(ci.get('units'))} test documents (the resampling unit: documents).")
    else:
        intervals = "No intervals measured (bootstrap = 0)."
    split = dig(results, "config", "test_split") or "test"
    return (f"{corpus}: concept-level precision, recall and F1 of the {split} documents' raw text tagged by each system "
            f"and linked ({MEASURE}). {intervals} Tag s: raw-text tagging; Link s: linking the tagged mentions; "
            f"Link / tag: linking time as a share of tagging time.")


def concept_table(results: dict, corpus: str) -> Table | None:
    """One row per scored system on a linked corpus; None when no system on it carries concept results."""
    linked = [run for run in runs_of(results, corpus, ok_only=True) if isinstance(run.get("concepts"), dict)]
    if not linked:
        return None
    types = _types(linked)
    level = next((as_number(dig(run, "concepts", "ci", "level")) for run in linked if dig(run, "concepts", "ci")), None)
    ci = f" ({(level or 0.95) * 100:g}% CI)" if any(dig(run, "concepts", "ci") for run in linked) else ""
    header = ["System", f"P{ci}", f"R{ci}", f"F1{ci}", *[f"F1 {t}{ci}" for t in types], "Tag s", "Link s", "Link / tag"]
    return Table(header, [_row(run, types, len(header)) for run in linked], _caption(corpus, linked, results))


def _vocabulary(spec: str) -> str:
    """A vocabulary as the report names it: ``medic``, or ``Chemical=terms.tsv`` without the folders."""
    etype, equals, path = str(spec).partition("=")
    return f"{etype}={Path(path).name}" if equals else etype


def _accuracy_line(corpus: str, linker: dict) -> Paragraph:
    """The linker on the gold test mentions (no tagging errors), how it was fit, and how long that took."""
    accuracy = linker.get("accuracy_at_1") or {}
    per_type = "; ".join(f"{t} {fmt(dig(accuracy, 'per_type', t, 'accuracy'))}" for t in sorted(accuracy.get("per_type") or {}))
    params = linker.get("params") or {}
    shown = ", ".join(f"{k} = {params[k]}" for k in ("threshold", "ngram_range") if k in params)
    text = (f"{corpus}: the linker's accuracy@1 on the gold test mentions (no tagging errors; the predicted id set equals "
            f"the gold one): {fmt(accuracy.get('accuracy'))} ({fmt_count(accuracy.get('correct'))} of "
            f"{fmt_count(accuracy.get('mentions'))} mentions with a concept id" + (f"; {per_type}" if per_type else "") + "). "
            f"Fit in {fmt(linker.get('fit_seconds'), 1)} s on the vocabularies {', '.join(map(_vocabulary, linker.get('vocabularies') or []))} "
            f"and the gold mentions of {fmt_count(linker.get('train_documents'))} {linker.get('train_split') or 'training'} "
            f"documents" + (f" ({shown})" if shown else "") + ".")
    return Paragraph([text])


def concept_blocks(results: dict) -> list[Block]:
    """The Concept-level scores section: what is measured, then per linked corpus a table and the linker's accuracy."""
    text = ("Concept normalisation end to end: each system tags the raw text of the test documents, a linker fit on the "
            "vocabularies and the gold mentions of the training documents gives each entity a concept id, and the "
            "documents' concept sets are scored against the gold ones. A linker runs only on a corpus the config's "
            "[linking] table names; a system that cannot tag raw documents is listed with the reason.")
    blocks: list[Block] = [Paragraph([text])]
    linkers = results.get("linking") or {}
    for corpus in corpus_names(results):
        table = concept_table(results, corpus)
        if table is None and corpus not in linkers:
            continue
        blocks.append(Heading(corpus))
        blocks += [table] if table else [Paragraph([f"{corpus}: no scored system to link."], note=True)]
        if isinstance(linkers.get(corpus), dict):
            blocks.append(_accuracy_line(corpus, linkers[corpus]))
    return blocks

