"""The held-out notes of benchmarks/readings_notes.py: their inline marks, and the scores it writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import load_benchmark

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def readings_notes():
    return load_benchmark("readings_notes")  # it scores with the negation benchmark's functions


def test_a_marked_note_gives_its_text_entities_and_readings(readings_notes):
    text, entities, readings = readings_notes.parse_note("Denies [fever]{n}.\nMother with [DM]{f}; [cough]{}.\n")
    assert text == "Denies fever.\nMother with DM; cough.\n"
    assert [text[e.start:e.end] for e in entities] == [e.text for e in entities] == ["fever", "DM", "cough"]
    assert readings == [{"negated"}, {"family"}, set()]
    with pytest.raises(ValueError, match="line 2: a bracket outside a mark"):
        readings_notes.parse_note("[fever]{n}\nno [ bracket\n")


@pytest.mark.parametrize("folder", ["notes", "notes_stop70"])  # the held-out sets of stops 69 and 70
def test_the_scores_count_every_mark_of_the_notes(readings_notes, tmp_path, folder):
    out = tmp_path / "scores.json"
    assert readings_notes.main(["--notes", str(REPO / "benchmarks" / folder), "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    marks = [flags for path in sorted((REPO / "benchmarks" / folder).glob("*.txt"))
             for flags in re.findall(r"\]\{([nhfu]*)\}", path.read_text(encoding="utf-8"))]
    assert result["entities"] == len(marks) > 100
    for flag, name in readings_notes.FLAGS.items():
        score = result["scores"][name]
        assert score["tp"] + score["fn"] == result["marked"][name] == sum(flag in m for m in marks)
        disagreements = [e for e in result["errors"] if e["reading"] == name]
        assert len(disagreements) == score["fp"] + score["fn"]  # each error listed, and only those
