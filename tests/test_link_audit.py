"""The hand audit of clinical concept ids (benchmarks/clinical_link_audit.py): its scoring, its
errors, and that the committed figures are those of the committed judgements."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import load_benchmark

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"


@pytest.fixture(scope="module")
def audit():
    return load_benchmark("clinical_link_audit")  # it scores with score_calibration's Wilson interval


def _write(path: Path, audit, judged: list[tuple[str, str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, audit.COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for k, (etype, concept, judgement) in enumerate(judged):
            writer.writerow({"corpus": "c", "type": etype, "document": "d", "start": k, "end": k + 1, "mention": "m",
                             "identifier": "MESH:D1", "concept": concept, "stage": "exact",
                             "judgement": judgement, "why": ""})
    return path


def test_wilson_interval_matches_newcombes_example(audit):
    from score_calibration import wilson  # the interval the audit's score uses

    # Newcombe (1998), Statistics in Medicine 17:857-872, Table I: 81/263, Wilson score interval 0.2553-0.3662
    assert wilson(81, 263) == [0.2553, 0.3662]
    low, high = wilson(19, 20)
    assert low < 0.95 < high <= 1
    assert wilson(190, 200)[0] > low  # more judgements, a narrower interval


def test_precision_leaves_unclear_out_and_counts_retired_ids(audit, tmp_path):
    path = _write(tmp_path / "a.tsv", audit, [("A", "x", "right"), ("A", "?", "right"), ("A", "y", "wrong"),
                                             ("B", "z | ?", "unclear"), ("B", "w", "right"), ("C", "v", "unclear")])
    rows = {(r["corpus"], r["type"]): r for r in audit.score(str(path))["rows"]}
    assert rows[("c", "C")]["precision"] is None and rows[("c", "C")]["ci95"] is None  # nothing judged: no interval
    assert rows[("c", "A")]["precision"] == round(2 / 3, 3) and rows[("c", "A")]["retired_ids"] == 1
    assert rows[("c", "B")]["precision"] == 1.0 and rows[("c", "B")]["unclear"] == 1
    assert rows[("c", "all")]["judged"] == 6 and rows[("c", "all")]["right"] == 3 and rows[("c", "all")]["retired_ids"] == 2


def test_a_missing_judgement_names_the_file_and_line(audit, tmp_path):
    path = _write(tmp_path / "a.tsv", audit, [("A", "x", "right"), ("A", "x", "")])
    with pytest.raises(SystemExit, match=r"a\.tsv, line 3: judgement '' is not one of right, wrong, unclear"):
        audit.score(str(path))


def test_judged_links_are_counted_in_bands_of_the_linkers_score(audit, tmp_path):
    path = _write(tmp_path / "a.tsv", audit, [("A", "x", "right"), ("A", "y", "wrong"), ("B", "z", "unclear"), ("B", "w", "right")])
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert audit.by_score(rows) is None and audit.score(str(path))["by_concept_score"] is None  # drawn before the score column
    for row, value in zip(rows, ("0.31", "0.9", "0.98", "1.0")):
        row["score"] = value
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, audit.COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    bands = {(b["corpus"], b["score_from"]): (b["right"], b["wrong"], b["unclear"]) for b in audit.score(str(path))["by_concept_score"]}
    assert bands == {("c", 0.0): (1, 0, 0), ("c", 0.9): (0, 1, 0), ("c", 0.98): (1, 0, 1),
                     ("all", 0.0): (1, 0, 0), ("all", 0.9): (0, 1, 0), ("all", 0.98): (1, 0, 1)}


def test_the_draw_moves_only_where_new_links_hash_first(audit):
    links = [{"corpus": "c", "type": "A", "document": "d", "start": k, "end": k + 1} for k in range(40)]
    first = audit.drawn(links, 10, seed=0)
    assert len(first) == 10 and first == audit.drawn(list(reversed(links)), 10, seed=0)  # the order given does not matter
    more = links + [{"corpus": "c", "type": "A", "document": "e", "start": k, "end": k + 1} for k in range(5)]
    again = audit.drawn(more, 10, seed=0)
    added = [row for row in again if row["document"] == "e"]
    assert [row for row in again if row["document"] == "d"] == first[:10 - len(added)]  # the rest keep their places
    assert audit.drawn(links, 10, seed=1) != first


def test_the_committed_figures_are_the_committed_judgements(audit):
    committed = json.loads((RESULTS / "clinical_link_audit.json").read_text(encoding="utf-8"))
    scored = audit.score(str(RESULTS / "clinical_link_audit.tsv"))
    assert committed["rows"] == scored["rows"] and committed["by_concept_score"] == scored["by_concept_score"]
    with open(RESULTS / "clinical_link_audit.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert all(r["why"] for r in rows if r["judgement"] != "right")  # every link judged not right says why


def test_carry_keeps_the_judgement_of_a_link_only_while_its_id_is_the_same(audit, tmp_path):
    old = _write(tmp_path / "old.tsv", audit, [("A", "x", "right"), ("A", "y", "wrong")])
    fresh = [{"corpus": "c", "type": "A", "document": "d", "start": 0, "end": 1, "mention": "m", "identifier": "MESH:D1",
              "concept": "x", "stage": "exact", "judgement": "", "why": ""},
             {"corpus": "c", "type": "A", "document": "d", "start": 1, "end": 2, "mention": "m", "identifier": "MESH:D2",
              "concept": "y2", "stage": "tfidf_broader", "judgement": "", "why": ""},  # the same mention, another id now
             {"corpus": "c", "type": "A", "document": "d", "start": 5, "end": 6, "mention": "m", "identifier": "MESH:D1",
              "concept": "x", "stage": "exact", "judgement": "", "why": ""}]  # a mention the old audit never drew
    rows = audit.carried(fresh, str(old))
    assert [r["judgement"] for r in rows] == ["right", "", ""]
    assert [r["identifier"] for r in rows] == ["MESH:D1", "MESH:D2", "MESH:D1"]  # the new draw's links, not the old ones
