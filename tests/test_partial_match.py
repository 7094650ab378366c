"""SemEval-2013 partial-match schemes via nervaluate: the README's worked example, and agreement with evaluate."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crfner
from crfner import DataFormatError, evaluate
from crfner.evaluation.partial_match import partial_match_scores

# The scenarios of the nervaluate README (after Batista's 2018 blog post), one sentence each.
# The README's "putting all together" totals count scenario I twice, so it appears twice here.
SCENARIOS = [
    # III: gold BRAND "tikosyn", nothing predicted.
    (["tikosyn"], ["B-BRAND"], ["O"]),
    # II: nothing in gold, BRAND "healthy" predicted.
    (["healthy"], ["O"], ["B-BRAND"]),
    # V: gold DRUG "warfarin", predicted DRUG "of warfarin" (boundary wrong, type right).
    (["of", "warfarin"], ["O", "B-DRUG"], ["B-DRUG", "I-DRUG"]),
    # IV: gold DRUG "propranolol", predicted BRAND "propranolol" (span right, type wrong).
    (["propranolol"], ["B-DRUG"], ["B-BRAND"]),
    # I: gold DRUG "phenytoin", predicted the same (twice).
    (["phenytoin"], ["B-DRUG"], ["B-DRUG"]),
    (["phenytoin"], ["B-DRUG"], ["B-DRUG"]),
    # VI: gold GROUP "contraceptives", predicted DRUG "oral contraceptives" (both wrong).
    (["oral", "contraceptives"], ["O", "B-GROUP"], ["B-DRUG", "I-DRUG"]),
]
GOLD = [gold for _, gold, _ in SCENARIOS]
PRED = [pred for _, _, pred in SCENARIOS]


def _counts(figures):
    return tuple(figures[k] for k in ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual"))


def test_the_readme_example_counted_by_hand():
    scores = partial_match_scores(GOLD, PRED)
    # POS = COR + INC + PAR + MIS and ACT = COR + INC + PAR + SPU: 6 and 6 in every scheme.
    # strict: COR I, I; INC V, IV, VI; MIS III; SPU II.            P = R = 2/6
    assert _counts(scores["strict"]) == (2, 3, 0, 1, 1, 6, 6)
    assert scores["strict"]["precision"] == pytest.approx(2 / 6) and scores["strict"]["recall"] == pytest.approx(2 / 6)
    # exact (span only): COR I, I, IV; INC V, VI; MIS III; SPU II.  P = R = 3/6
    assert _counts(scores["exact"]) == (3, 2, 0, 1, 1, 6, 6)
    assert scores["exact"]["precision"] == pytest.approx(0.5) and scores["exact"]["recall"] == pytest.approx(0.5)
    # partial: COR I, I, IV; PAR V, VI; MIS III; SPU II.  P = R = (3 + 0.5 * 2) / 6 = 4/6
    assert _counts(scores["partial"]) == (3, 0, 2, 1, 1, 6, 6)
    assert scores["partial"]["precision"] == pytest.approx(4 / 6) and scores["partial"]["recall"] == pytest.approx(4 / 6)
    # type (type and any overlap): COR I, I, V; INC IV, VI; MIS III; SPU II.  P = R = 3/6
    assert _counts(scores["type"]) == (3, 2, 0, 1, 1, 6, 6)
    assert scores["type"]["precision"] == pytest.approx(0.5) and scores["type"]["f1"] == pytest.approx(0.5)
    assert set(scores) == {"strict", "exact", "partial", "type", "per_type"}
    assert all(type(scores[s][k]) is int for s in ("strict", "type") for k in ("correct", "possible"))
    assert all(type(scores[s][k]) is float for s in ("strict", "type") for k in ("precision", "f1"))


def test_per_type_scores_see_one_type_at_a_time():
    per_type = partial_match_scores(GOLD, PRED)["per_type"]
    assert sorted(per_type) == ["BRAND", "DRUG", "GROUP"]
    assert set(per_type["DRUG"]) == {"strict", "exact", "partial", "type"}
    # DRUG alone: gold warfarin, propranolol, phenytoin x2; predicted "of warfarin", phenytoin x2,
    # "oral contraceptives". The BRAND prediction on propranolol is invisible, so propranolol is
    # MIS (not INC) even in exact; "oral contraceptives" overlaps no DRUG gold, so it is SPU.
    assert _counts(per_type["DRUG"]["exact"]) == (2, 1, 0, 1, 1, 4, 4)
    assert _counts(per_type["DRUG"]["partial"]) == (2, 0, 1, 1, 1, 4, 4)
    assert _counts(per_type["DRUG"]["type"]) == (3, 0, 0, 1, 1, 4, 4)
    # BRAND: tikosyn MIS; healthy and the propranolol prediction SPU. GROUP: contraceptives MIS.
    assert _counts(per_type["BRAND"]["strict"]) == (0, 0, 0, 1, 2, 1, 2)
    assert _counts(per_type["GROUP"]["partial"]) == (0, 0, 0, 1, 0, 1, 0)


def test_greedy_one_to_one_matching():
    # One prediction over two gold entities: INC (PAR) against the first, the second MIS.
    one_over_two = partial_match_scores([["B-A", "O", "B-A"]], [["B-A", "I-A", "I-A"]])
    assert _counts(one_over_two["strict"]) == (0, 1, 0, 1, 0, 2, 1)
    assert _counts(one_over_two["partial"]) == (0, 0, 1, 1, 0, 2, 1)
    assert _counts(one_over_two["type"]) == (1, 0, 0, 1, 0, 2, 1)
    # Two predictions inside one gold entity: the first takes it, the second is SPU.
    two_in_one = partial_match_scores([["B-A", "I-A", "I-A"]], [["B-A", "O", "B-A"]])
    assert _counts(two_in_one["strict"]) == (0, 1, 0, 0, 1, 1, 2)
    assert _counts(two_in_one["type"]) == (1, 0, 0, 0, 1, 1, 2)


def _corrupt(y):
    """Drop every 3rd entity (counting through the corpus) and move every 5th one's end a token."""
    from seqeval.metrics.sequence_labeling import get_entities

    out = [list(tags) for tags in y]
    k = 0
    for tags in out:
        for etype, start, end in get_entities(list(tags)):
            k += 1
            if k % 3 == 0:
                tags[start : end + 1] = ["O"] * (end + 1 - start)
            elif k % 5 == 0:
                if end + 1 < len(tags) and tags[end + 1] == "O":
                    tags[end + 1] = f"I-{etype}"  # one token longer
                elif end > start:
                    tags[end] = "O"  # one token shorter
    return out


def test_strict_agrees_with_evaluate_on_the_real_corpus(data_dir):
    _, y = crfner.load_corpus("bc5cdr", "devel", data_dir=data_dir)
    gold = y[:300]
    pred = _corrupt(gold)
    scores = partial_match_scores(gold, pred)
    reference = evaluate(gold, pred)
    assert 0.3 < reference.f1 < 0.8  # the corruption bites, but leaves most entities right
    strict = scores["strict"]
    assert (strict["correct"], strict["actual"], strict["possible"]) == (
        reference.correct,
        reference.predicted,
        reference.support,
    )
    # Exactly equal, not approximately: same entities, same formulas.
    assert (strict["precision"], strict["recall"], strict["f1"]) == (reference.precision, reference.recall, reference.f1)
    for etype, figures in reference.per_type.items():
        assert scores["per_type"][etype]["strict"]["f1"] == figures.f1
    # Shifted ends overlap their gold entity: lenient schemes score higher; dropped ones stay MIS.
    assert scores["partial"]["f1"] > scores["exact"]["f1"] >= strict["f1"]
    assert scores["type"]["f1"] > strict["f1"]
    assert strict["spurious"] == 0  # every corrupted prediction still overlaps its gold entity


def test_no_entities_and_mismatched_inputs():
    empty = partial_match_scores([["O", "O"]], [["O", "O"]])
    assert empty["per_type"] == {} and _counts(empty["strict"]) == (0,) * 7 and empty["partial"]["f1"] == 0.0
    assert partial_match_scores([], [])["type"]["precision"] == 0.0
    with pytest.raises(DataFormatError, match="2 gold sentences but 1 predicted"):
        partial_match_scores([["O"], ["O"]], [["O"]])


TAG = st.sampled_from(["O", "O", "B-A", "I-A", "E-A", "B-B-x", "I-B-x", "S-B-x"])


@st.composite
def corpus_pair(draw):
    gold = draw(st.lists(st.lists(TAG, max_size=7), min_size=1, max_size=5))
    return gold, [draw(st.lists(TAG, min_size=len(s), max_size=len(s))) for s in gold]


@settings(max_examples=100, deadline=None)
@given(corpus_pair())
def test_every_scheme_counts_every_entity_once_on_random_tags(pair):
    gold, pred = pair
    scores, reference = partial_match_scores(gold, pred), evaluate(gold, pred)
    strict = scores["strict"]
    assert (strict["correct"], strict["precision"], strict["recall"], strict["f1"]) == (
        reference.correct, reference.precision, reference.recall, reference.f1)
    for name in ("strict", "exact", "partial", "type"):
        block = scores[name]
        assert (block["possible"], block["actual"]) == (reference.support, reference.predicted)
        assert block["correct"] + block["incorrect"] + block["partial"] + block["missed"] == block["possible"]
        assert block["correct"] + block["incorrect"] + block["partial"] + block["spurious"] == block["actual"]
        assert block["correct"] >= reference.correct
        for etype, figures in reference.per_type.items():
            typed = scores["per_type"][etype][name]
            assert (typed["possible"], typed["actual"]) == (figures.support, figures.predicted)
            if name == "strict":
                assert (typed["correct"], typed["f1"]) == (figures.correct, figures.f1)
    partial = scores["partial"]
    if partial["actual"]:
        assert partial["precision"] == pytest.approx((partial["correct"] + 0.5 * partial["partial"]) / partial["actual"])
