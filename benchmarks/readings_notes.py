"""How well crfner's four readings of an entity (negated, hypothetical, a relative's, uncertain;
``crfner.assertion.READINGS`` and ``crfner.negations``) do on notes, held out: six notes written
for the project in ``benchmarks/notes/`` (an ED note, a clinic follow-up, a discharge summary, a
consult, a surgical ICU progress note, a telephone encounter), each entity's readings marked by
hand, written and marked after the rules of 2026-12-07 were frozen (negation version 19,
hypothetical 6, family 2, uncertainty 5) and never used to write a rule; and a second set of five,
``benchmarks/notes_stop70/`` (``--notes``), marked and committed before the rules of negation 26,
hypothetical 8, family 3 and uncertainty 8 were run on them.

A note marks its entities inline: ``[text]{flags}``, the flags letters of ``n`` (negated), ``h``
(hypothetical), ``f`` (a relative's) and ``u`` (uncertain), ``{}`` an affirmed finding of the
patient. The marks are taken out to give the note's text, and each reading is scored on the marked
entities with the notes splitter: precision, recall and F1 of the reading, with a 95% bootstrap
interval over the notes (six notes: wide), and every entity where the rules and the marks differ.
One developer marked the notes, knowing the rules; that is no inter-annotator study.

    python benchmarks/readings_notes.py --out benchmarks/results/readings_notes.json
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

from negation import scored, write  # the negation benchmark's scoring: the same units and intervals

from crfner.assertion import READINGS, RULES_VERSION, negations
from crfner.corpora.documents import Mention
from crfner.text.splitters import split_text

NOTES = Path(__file__).resolve().parent / "notes"
_MARK = re.compile(r"\[([^\[\]\n]+)\]\{([nhfu]*)\}")
#: each flag, the reading it marks (a field of crfner tag's output)
FLAGS = {"n": "negated", "h": "hypothetical", "f": "family", "u": "uncertain"}


def parse_note(marked: str) -> tuple[str, list[Mention], list[frozenset[str]]]:
    """A marked note's text, its entities (type ``Entity``, offsets into the text) and each entity's
    readings (names of :data:`FLAGS`); a ``[`` or ``]`` outside a mark is an error naming its place."""
    text, entities, readings, last = [], [], [], 0
    length = 0
    for match in [*_MARK.finditer(marked), None]:
        between = marked[last:match.start() if match else len(marked)]
        stray = re.search(r"[\[\]]", between)
        if stray:
            raise ValueError(f"line {marked.count(chr(10), 0, last + stray.start()) + 1}: a bracket outside a mark [text]{{flags}}")
        text.append(between)
        if match is None:
            break
        length += len(between)
        entities.append(Mention(length, length + len(match.group(1)), "Entity", match.group(1)))
        readings.append(frozenset(FLAGS[flag] for flag in match.group(2)))
        text.append(match.group(1))
        length += len(match.group(1))
        last = match.end()
    return "".join(text), entities, readings


def read_notes(folder: Path = NOTES) -> list[tuple[str, str, list[Mention], list[frozenset[str]]]]:
    """``(name, text, entities, readings)`` for each marked note of ``folder``, by name."""
    out = []
    for path in sorted(folder.glob("*.txt")):
        try:
            out.append((path.stem, *parse_note(path.read_text(encoding="utf-8"))))
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
    return out


def found_readings(text: str, entities: list[Mention]) -> list[dict[str, tuple[bool, str | None]]]:
    """For each entity, each reading's answer by crfner's rules and its cue (the notes splitter, split once)."""
    sentences = split_text(text, None, "notes")
    answers = [{"negated": (n.negated, n.cue)} for n in negations(text, entities, splitter="notes", sentences=sentences)]
    for reading in READINGS.values():
        for answer, found in zip(answers, reading.read(text, entities, splitter="notes", sentences=sentences)):
            answer[reading.answer] = (getattr(found, reading.answer), found.cue)
    return answers


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", default=str(NOTES), help="folder of marked notes (default: benchmarks/notes)")
    parser.add_argument("--out", help="write the results here (JSON); default: print them")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    notes = read_notes(Path(args.notes))
    names = list(FLAGS.values())
    rows = {name: [] for name in names}
    errors = []
    for note, text, entities, gold in notes:
        counts = {name: [0, 0, 0] for name in names}
        for entity, marks, answer in zip(entities, gold, found_readings(text, entities)):
            for name in names:
                said, cue = answer[name]
                if said or name in marks:  # a true positive, a false positive or a false negative
                    counts[name][0 if said and name in marks else 1 if said else 2] += 1
                if said != (name in marks):
                    errors.append({"note": note, "entity": entity.text, "start": entity.start, "reading": name,
                                   "marked": name in marks, "rules": said, "cue": cue,
                                   "context": text[max(0, entity.start - 60):entity.end + 30].replace("\n", " / ")})
        for name in names:
            rows[name].append(counts[name])
    result = {
        "command": "python benchmarks/readings_notes.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "notes": [note for note, *_ in notes],
        "entities": sum(len(entities) for _, _, entities, _ in notes),
        "marked": {name: sum(name in marks for *_, gold in notes for marks in gold) for name in names},
        "rules_versions": {"negated": RULES_VERSION, **{reading.answer: reading.version for reading in READINGS.values()}},
        "scores": {name: scored(np.array(rows[name], dtype=float), {}) for name in names},
        "errors": errors,
    }
    for name in names:
        score = result["scores"][name]
        print(f"{name:12s} marked {result['marked'][name]:3d}  P {score['precision']:.3f} R {score['recall']:.3f} "
              f"F1 {score['f1']:.3f} {score['f1_95ci']}")
    return write(result, args.out, started)


if __name__ == "__main__":
    raise SystemExit(main())
