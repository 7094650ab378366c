"""The data-driven gazetteer stoplist (crfner.featurize.stoplist)."""

from __future__ import annotations

import pytest

from crfner.featurize.gazetteer import Gazetteer
from crfner.featurize.gazetteer_terms import read_terms
from crfner.featurize.stoplist import (
    filter_terms,
    learn_stoplist,
    match_counts,
    write_filtered,
)

TERMS = ["or", "In", "aspirin", "lead", "lead acetate"]
X = [
    ["In", "rats", ",", "aspirin", "or", "lead", "acetate", "."],
    ["In", "mice", "or", "rats", "aspirin", "was", "given", "."],
    ["In", "short", ",", "lead", "was", "found", "or", "not", "."],
]
y = [
    ["O", "O", "O", "B-Chemical", "O", "B-Chemical", "I-Chemical", "O"],
    ["O", "O", "O", "O", "B-Chemical", "O", "O", "O"],
    ["O", "O", "O", "B-Chemical", "O", "O", "O", "O", "O"],
]


def gazetteer() -> Gazetteer:
    return Gazetteer.from_terms(TERMS, "chemical")


def test_match_counts_count_spans_and_all_outside_ones():
    total, outside = match_counts(gazetteer(), X, y)
    assert total[("In",)] == 3 and outside[("In",)] == 3
    assert total[("or",)] == 3 and outside[("or",)] == 3
    assert total[("aspirin",)] == 2 and outside[("aspirin",)] == 0
    assert total[("lead", "acetate")] == 1 and total[("lead",)] == 1


def test_learn_stoplist_keeps_entities_and_stops_common_words():
    assert learn_stoplist(gazetteer(), X, y, min_count=3, min_o_share=0.95) == [("In",), ("or",)]
    assert learn_stoplist(gazetteer(), X, y, min_count=4, min_o_share=0.95) == []
    with pytest.raises(ValueError):
        learn_stoplist(gazetteer(), X, y, min_count=0)
    with pytest.raises(ValueError):
        learn_stoplist(gazetteer(), X, y, min_o_share=0.0)


def test_stoplist_is_reproducible():
    assert learn_stoplist(gazetteer(), X, y, 1, 0.5) == learn_stoplist(gazetteer(), list(reversed(X)), list(reversed(y)), 1, 0.5)


def test_filter_terms_drops_the_terms_that_matched_a_stopped_span():
    kept = filter_terms(TERMS + ["OR", "Or"], [("In",), ("or",)])
    # "OR" and "Or" are exact-only abbreviations: they never matched "or".
    assert kept == ["aspirin", "lead", "lead acetate", "OR", "Or"]
    filtered = Gazetteer.from_terms(kept, "chemical")
    assert [m.start for m in filtered.match(X[0])] == [3, 5]


def test_write_filtered_copies_the_other_lines(tmp_path):
    source = tmp_path / "chemical.tsv"
    source.write_text("".join(f"{t}\tID:{i}\n" for i, t in enumerate(TERMS)), encoding="utf-8")
    out = tmp_path / "filtered" / "chemical.tsv"
    out.parent.mkdir()
    assert write_filtered(source, [("or",)], out) == 1
    terms, _ = read_terms(out)
    assert terms == ["In", "aspirin", "lead", "lead acetate"]
    assert out.read_text(encoding="utf-8").startswith("In\tID:1\n")
