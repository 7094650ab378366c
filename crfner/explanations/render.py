"""Plain-text renderings of a model inspection and of entity explanations, for a terminal; they
read the objects' fields only (no imports of their classes), so both modules can call them."""

from __future__ import annotations

__all__ = ["entity_note", "negation_note", "reading_notes", "render_explanation", "render_inspection", "section_note"]


def _signed(value: float) -> str:
    return f"{value:+.4f}"


def _table(rows: list[list[str]], right: set[int] = frozenset()) -> list[str]:
    """Rows padded into columns; columns in ``right`` right-aligned."""
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return [
        "  ".join(cell.rjust(w) if c in right else cell.ljust(w) for c, (cell, w) in enumerate(zip(row, widths)))
        .rstrip()
        for row in rows
    ]


def render_inspection(inspection) -> str:
    """A ``ModelInspection`` as text: counts, transitions, families, top features per label."""
    fs, counts = inspection.feature_set, inspection.counts
    lines = [
        f"feature set: {fs.get('name')} (version {fs.get('version')})",
        *_featurization_line(inspection.featurization),
        f"labels: {', '.join(inspection.labels)}",
        (f"attributes: {counts['attributes']} ({counts['active_attributes']} active); features: {counts['features']} "
         f"non-zero ({counts['state_features']} state, {counts['transition_features']} transition)"),
        "",
        "transitions (row: from, column: to)",
    ]
    header = ["", *inspection.labels]
    body = [[label, *(_signed(v) for v in row)] for label, row in zip(inspection.labels, inspection.transition)]
    lines += ["  " + line for line in _table([header, *body], set(range(1, len(header))))]
    lines += ["", "share of absolute state weight by feature family"]
    rows = [["family", "share", "weight", "features", "attributes"]]
    rows += [[r["family"], f"{r['share']:.1%}", f"{r['weight']:.2f}", str(r["features"]), str(r["attributes"])]
             for r in inspection.families]
    lines += ["  " + line for line in _table(rows, {1, 2, 3, 4})]
    for label, sides in inspection.top.items():
        lines += ["", f"{label}: strongest state features"]
        positive, negative = sides["positive"], sides["negative"]
        rows = [["for", "weight", "against", "weight"]]
        for k in range(max(len(positive), len(negative))):
            p = positive[k] if k < len(positive) else ("", None)
            n = negative[k] if k < len(negative) else ("", None)
            rows.append([p[0], "" if p[1] is None else _signed(p[1]), n[0], "" if n[1] is None else _signed(n[1])])
        lines += ["  " + line for line in _table(rows, {1, 3})]
    return "\n".join(lines)


_FEATURIZATION = {
    "same": "this crfner computes the features the model was saved with",
    "changed": "this crfner computes OTHER features than the crfner that saved the model: retrain it, "
               "or tag with that crfner",
    "not recorded": "not recorded (saved before crfner recorded one): not checked",
    "unknown version": "a probe version this crfner lacks: not checked",
}


def _featurization_line(check: dict | None) -> list[str]:
    """One line on the featurization probe (none for a tagger that cannot say)."""
    if check is None:
        return []
    version = f" (probe version {check['version']})" if check.get("version") is not None else ""
    return [f"featurization{version}: {_FEATURIZATION[check['status']]}"]


def _transition_note(token) -> list[str]:
    out = []
    if token.previous is not None:
        out.append(f"{_signed(token.transition_in)}  transition from {token.previous} "
                   f"(into {token.label} rather than {token.competitor})")
    if token.next is not None:
        out.append(f"{_signed(token.transition_out)}  transition to {token.next} "
                   f"(out of {token.label} rather than {token.competitor})")
    return out


def _term(c) -> str:
    return f"    {_signed(c.contribution)}  {c.attribute}  [{c.family}]" + (f" x{c.count}" if c.count > 1 else "")


def render_token(token) -> list[str]:
    """One token's explanation: the margin, then its terms, largest in favour first."""
    if token.competitor is None:
        return [f"  {token.token!r} {token.label}: the model has no other label"]
    transitions = _signed(token.transition_in + token.transition_out)
    lines = [(f"  {token.token!r} {token.label} over {token.competitor} by {token.margin:.4f}"
              f" (features {_signed(token.emission)}, transitions {transitions})")]
    lines += [_term(c) for c in token.features]
    shown = sum(c.count for c in token.features) + sum(c.count for c in token.against)
    if shown < token.n_attributes:
        lines.append(f"    {_signed(token.rest)}  {token.n_attributes - shown} other attributes")
    lines += [_term(c) for c in token.against]
    lines += ["    " + note for note in _transition_note(token)]
    return lines


def negation_note(negation) -> str:
    """What an entity's negation adds to its line: nothing without one, else whether and by which cue."""
    if negation is None:
        return ""
    if not negation.negated:
        return ", not negated"
    return f", negated by {negation.cue!r} [{negation.cue_start}:{negation.cue_end}]"


def section_note(section: dict | None) -> str:
    """What an entity's section adds to its line: nothing unless asked for, else its name."""
    if section is None:
        return ""
    name = section.get("section")
    return ", above any section heading" if name is None else f", in section {name!r}"


def reading_notes(readings: dict) -> str:
    """What an entity's readings (hypothetical, a relative's, uncertain) add to its line: for each
    asked for and found true, what it is and by which cue."""
    from ..assertion import READINGS

    return "".join(READINGS[name].note.format(cue=found.cue, start=found.cue_start, end=found.cue_end)
                   for name, found in readings.items() if getattr(found, READINGS[name].answer))


def entity_note(entity) -> str:
    """Negation, section and readings' notes of an entity's line, as asked for."""
    return (negation_note(getattr(entity, "negation", None)) + section_note(getattr(entity, "section", None))
            + reading_notes(getattr(entity, "readings", None) or {}))


def render_explanation(explanation) -> str:
    """An ``Explanation`` as text: each entity with its offsets and score, then its tokens."""
    if not explanation.entities:
        return "no entities found"
    lines = []
    for entity in explanation.entities:
        if lines:
            lines.append("")
        lines.append(f"{entity.type} {entity.text!r} [{entity.start}:{entity.end}] score {entity.score:.3f}"
                     + entity_note(entity))
        for token in entity.tokens:
            lines += render_token(token)
    return "\n".join(lines)
