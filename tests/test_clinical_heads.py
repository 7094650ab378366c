"""The head stage tried on clinical text (benchmarks/clinical_heads.py): its listing of changes,
its seeded draw, and that the committed judgements are of the committed draw."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import load_benchmark
from crfner.link import NIL, Link

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"


@pytest.fixture(scope="module")
def heads():
    return load_benchmark("clinical_heads")  # it lists changes with dictionary_rules' listing


def test_only_changed_links_are_listed_and_counted(heads):
    from dictionary_rules import changed_links  # what clinical_heads.py lists the head stage's changes with

    text = "tail of the pancreas; lung; tail of the pancreas"
    spans = [(0, 20, "Biological_structure"), (22, 26, "Biological_structure"), (28, 48, "Biological_structure")]
    pancreas, lung = Link(("MESH:D010179",), 0.704, "head"), Link(("MESH:D008168",), 0.98, "exact")
    before = [(text, s, e, t, link) for (s, e, t), link in zip(spans, [NIL, lung, NIL])]
    after = [(text, s, e, t, link) for (s, e, t), link in zip(spans, [pancreas, lung, pancreas])]
    listing = changed_links("maccrobat", "devel", after, before, {"MESH:D010179": "Pancreas"})
    assert listing["changed"] == 2 and len(listing["rows"]) == 1
    row = listing["rows"][0]
    assert (row["mention"], row["count"], row["from"][0], row["to"]) == ("tail of the pancreas", 2, None, ["MESH:D010179", "Pancreas", "head"])
    assert changed_links("maccrobat", "devel", before, before, {})["changed"] == 0


def test_the_draw_is_seeded_and_a_new_change_displaces_only_what_it_hashes_before(heads):
    rows = [{"type": "T", "mention": f"m{k}", "to": [f"MESH:D{k}"]} for k in range(100)]
    first = heads.drawn(rows, 10)
    assert first == heads.drawn(list(reversed(rows)), 10) and len(first) == 10  # the order given does not matter
    grown = heads.drawn(rows + [{"type": "T", "mention": "new", "to": ["MESH:X"]}], 10)
    assert len(set(map(str, first)) - set(map(str, grown))) <= 1


def test_the_committed_judgements_are_of_the_committed_draw(heads):
    committed = json.loads((RESULTS / "clinical_heads.json").read_text(encoding="utf-8"))
    with open(RESULTS / "clinical_heads_judged.tsv", encoding="utf-8", newline="") as handle:
        judged = list(csv.DictReader(handle, delimiter="\t"))
    devel = {row["corpus"]: row["rows"] for row in committed["head_stage"] if row["split"] == "devel"}
    expected = [(corpus, r["type"], r["mention"], str(r["to"][0])) for corpus in devel for r in heads.drawn(devel[corpus])]
    assert [(j["corpus"], j["type"], j["mention"], j["to_id"]) for j in judged] == expected
    assert {j["judgement"] for j in judged} <= {"right", "broader", "wrong", "unclear"}
    assert all(j["why"].strip() for j in judged)
