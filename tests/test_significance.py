"""Bootstrap intervals, the paired randomisation test and the interval of a difference, on hand-built corpora with
known answers and on simulated test sets."""

from __future__ import annotations

import json
import math
import warnings
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crfner import DataFormatError, evaluate
from crfner.evaluation.significance import bootstrap_ci, difference_interval, paired_test, unit_counts

# Four sentence patterns, each with one gold Disease at token 0 (and a Chemical in the last).
GOLD = [["B-Disease", "O"], ["B-Disease", "O"], ["B-Disease", "O"], ["B-Disease", "B-Chemical"]]
PRED = [["B-Disease", "O"], ["O", "O"], ["B-Disease", "B-Chemical"], ["B-Disease", "B-Chemical"]]
# correct / predicted / gold per sentence: (1,1,1), (0,0,1), (1,2,1), (2,2,2).


def _repeat(sentences, times):
    return [list(s) for _ in range(times) for s in sentences]


def test_unit_counts_by_hand():
    gold = [["B-C", "I-C", "O", "B-D"], ["B-D", "I-D", "O"]]
    pred = [["B-C", "I-C", "O", "O"], ["B-D", "O", "B-C"]]
    # Sentence 0: gold C(0-1), D(3); predicted C(0-1), correct. Sentence 1: gold D(0-1);
    # predicted D(0) (wrong boundary) and C(2) (spurious): nothing correct.
    counts = unit_counts(gold, pred)
    expected = {
        "correct": [1, 0], "predicted": [1, 2], "gold": [2, 1],
        "correct:C": [1, 0], "predicted:C": [1, 1], "gold:C": [1, 0],
        "correct:D": [0, 0], "predicted:D": [0, 1], "gold:D": [1, 1],
    }  # fmt: skip
    assert {key: value.tolist() for key, value in counts.items()} == expected
    # Grouped: both sentences in one document; an asked-for type that never occurs is all zeros.
    grouped = unit_counts(gold, pred, groups=["doc", "doc"], types=["C", "X"])
    names = ("correct", "predicted", "gold")
    assert sorted(grouped) == sorted([*names, *(f"{n}:{t}" for t in "CX" for n in names)])
    assert (grouped["correct"].tolist(), grouped["predicted"].tolist(), grouped["gold"].tolist()) == ([1], [3], [3])
    assert grouped["predicted:C"].tolist() == [2] and grouped["gold:X"].tolist() == [0]


def test_identical_systems_are_not_different():
    gold = _repeat(GOLD, 10)
    result = paired_test(gold, PRED * 10, PRED * 10, n_resamples=500)
    # Every swap exchanges equal counts, so every round's difference is exactly the observed 0.
    assert result["p_value"] == 1.0
    assert result["difference"] == 0.0 and result["f1_a"] == result["f1_b"] == evaluate(gold, PRED * 10).f1
    assert (result["method"], result["resamples"], result["units"]) == ("approximate randomization", 500, 40)


def test_a_system_better_on_every_sentence_is_significant():
    gold = [["B-Disease", "O", "B-Chemical"]] * 50
    better = [["B-Disease", "O", "B-Chemical"]] * 50  # 100 of 100 right: F1 1.0
    worse = [["B-Disease", "O", "O"]] * 50  # 50 right of 50 predicted, 100 gold: F1 2/3
    # Swapping k sentences gives A' = (100-k correct, 100-k predicted) and B' = (50+k, 50+k), whose
    # F1 difference is as large as the observed one only for k = 0 or k = 50: chance 2 / 2**50 a round.
    result = paired_test(gold, better, worse, n_resamples=2000)
    assert result["f1_a"] == 1.0 and result["f1_b"] == pytest.approx(2 / 3)
    assert result["difference"] == pytest.approx(1 / 3)
    assert result["p_value"] == 1 / 2001 and result["p_value"] < 0.01
    # Swapping the systems flips the sign of the difference and, with the same seed, keeps p.
    flipped = paired_test(gold, worse, better, n_resamples=2000)
    assert flipped["difference"] == -result["difference"] and flipped["p_value"] == result["p_value"]


def test_a_difference_resting_on_one_sentence_is_never_significant():
    gold = _repeat(GOLD, 25)
    pred_a = _repeat(PRED, 25)
    pred_b = [list(s) for s in pred_a]
    pred_b[0] = ["O", "O"]  # B misses the one entity of sentence 0 that A finds.
    result = paired_test(gold, pred_a, pred_b, n_resamples=500)
    # A: 100 correct, 125 predicted; B: 99, 124 (of 125 gold). The systems differ on sentence 0
    # alone, and swapping it just exchanges A's and B's totals: every round's |difference| is the
    # observed one, so p = 1.
    assert result["difference"] == pytest.approx(200 / 250 - 198 / 249)
    assert result["p_value"] == 1.0


def test_groups_keep_the_score_and_count_groups():
    gold, pred = _repeat(GOLD, 5), _repeat(PRED, 5)
    groups = [f"doc{i // 4}" for i in range(20)]  # five documents of the four patterns
    by_sentence = bootstrap_ci(gold, pred, n_resamples=200)
    by_group = bootstrap_ci(gold, pred, groups=groups, n_resamples=200)
    assert (by_sentence["unit"], by_sentence["units"]) == ("sentence", 20)
    assert (by_group["unit"], by_group["units"]) == ("group", 5)
    # Every document is the same, so every group resample scores exactly the full-corpus F1.
    f1 = evaluate(gold, pred).f1
    assert by_group["f1"] == [f1, f1]
    tested = paired_test(gold, pred, PRED * 5, groups=groups, n_resamples=100)
    assert tested["units"] == 5 and tested["f1_a"] == f1
    counts = unit_counts(gold, pred, groups=groups)
    assert counts["correct"].tolist() == [4] * 5 and counts["gold"].tolist() == [5] * 5
    # Groups in order of first appearance, even when interleaved.
    interleaved = unit_counts([["B-X"], ["O"], ["B-X"]], [["B-X"], ["O"], ["O"]], groups=["b", "a", "b"])
    assert interleaved["gold"].tolist() == [2, 0] and interleaved["correct"].tolist() == [1, 0]


def test_bootstrap_contains_the_point_estimate_and_is_reproducible():
    gold, pred = _repeat(GOLD, 10), _repeat(PRED, 10)
    scores = evaluate(gold, pred)
    # Totals: 40 correct, 50 predicted, 50 gold: P = R = F1 = 0.8.
    assert scores.f1 == pytest.approx(0.8)
    result = bootstrap_ci(gold, pred, n_resamples=500, seed=7)
    for name in ("precision", "recall", "f1", "macro_f1"):
        lo, hi = result[name]
        point = getattr(scores, name)
        assert lo <= point <= hi and lo < hi
    for etype, figures in scores.per_type.items():
        lo, hi = result["per_type"][etype]["f1"]
        assert lo <= figures.f1 <= hi
    assert result == bootstrap_ci(gold, pred, n_resamples=500, seed=7)
    # one resample gives no interval: refused, not a NumPy warning from inside scipy
    with pytest.raises(ValueError, match="n_resamples must be a whole number, at least 2, not 1"):
        bootstrap_ci(gold, pred, n_resamples=1)
    assert bootstrap_ci(gold, pred, n_resamples=2)["resamples"] == 2
    assert result != bootstrap_ci(gold, pred, n_resamples=500, seed=8)
    assert (result["level"], result["resamples"], result["units"]) == (0.95, 500, 40)
    assert json.loads(json.dumps(result)) == result
    assert all(type(v) is float for v in result["f1"] + result["per_type"]["Chemical"]["recall"])


def test_the_interval_narrows_with_more_units():
    narrow = bootstrap_ci(_repeat(GOLD, 100), _repeat(PRED, 100), n_resamples=500)
    wide = bootstrap_ci(_repeat(GOLD, 5), _repeat(PRED, 5), n_resamples=500)

    def width(result):
        return result["f1"][1] - result["f1"][0]

    # 20 times the units: about sqrt(20) = 4.5 times narrower.
    assert width(narrow) < width(wide) / 2.5
    level_90 = bootstrap_ci(_repeat(GOLD, 5), _repeat(PRED, 5), n_resamples=500, level=0.9)
    assert width(level_90) <= width(wide)


@pytest.mark.filterwarnings("error")
def test_degenerate_cases_give_intervals_without_warnings():
    # Two units: (1 correct, 1 predicted, 1 gold) and (0, 0, 1). A resample is both of the first
    # (F1 1), both of the second (nothing predicted: P, R, F1 all 0) or one of each (P 1, R 1/2,
    # F1 2/3), with chances 1/4, 1/4, 1/2: the 95% interval runs from 0 to 1.
    result = bootstrap_ci([["B-X"], ["B-X"]], [["B-X"], ["O"]], n_resamples=400)
    assert result["f1"] == [0.0, 1.0] and result["precision"] == [0.0, 1.0] and result["recall"] == [0.0, 1.0]
    # A single unit: every resample is that unit.
    single = bootstrap_ci([["B-X", "O"]], [["B-X", "B-Y"]])
    assert single["units"] == 1 and single["f1"] == [pytest.approx(2 / 3)] * 2
    # Y is only ever predicted: its recall and F1 are 0 in every resample.
    assert single["per_type"]["Y"] == {"precision": [0.0, 0.0], "recall": [0.0, 0.0], "f1": [0.0, 0.0]}
    # A perfect system: every resample scores 1, the interval is exactly [1, 1].
    gold = _repeat(GOLD, 10)
    perfect = bootstrap_ci(gold, gold, n_resamples=200)
    assert perfect["f1"] == [1.0, 1.0] and perfect["per_type"]["Chemical"]["precision"] == [1.0, 1.0]
    # No entities, and no sentences at all.
    empty = bootstrap_ci([["O"], ["O"]], [["O"], ["O"]], n_resamples=50)
    assert empty["f1"] == [0.0, 0.0] and empty["per_type"] == {}
    assert bootstrap_ci([], [])["units"] == 0
    assert paired_test([["O"]], [["O"]], [["O"]], n_resamples=50)["p_value"] == 1.0


def test_a_constant_distribution_is_a_point_interval():
    # Each unit is one correct entity out of two gold ones: every resample scores the same F1
    # (2/3), which the quantile interpolation alone would sometimes return an ulp apart.
    gold = [["B-X", "B-X"]] * 30
    pred = [["B-X", "O"]] * 30
    result = bootstrap_ci(gold, pred, n_resamples=300)
    f1 = evaluate(gold, pred).f1
    assert result["f1"] == [f1, f1] and result["precision"] == [1.0, 1.0] and result["recall"] == [0.5, 0.5]


@pytest.mark.filterwarnings("error")
def test_a_type_absent_from_a_resample_is_left_out_of_it():
    """A type found (rightly) in one document of twenty is absent from about a third of the
    resamples; there evaluate would not know it, so it neither counts 0 in the macro F1 nor
    pulls its own interval below the F1 of 1 it has wherever it occurs."""
    gold, pred, groups = [], [], []
    for document in range(20):
        for sentence in range(4):
            rare = document == 3 and sentence == 0
            gold.append(["B-Common", "I-Common", "O"] + (["B-Rare"] if rare else ["O"]))
            pred.append((["B-Common", "I-Common", "O"] if (document + sentence) % 5 else ["O", "O", "O"])
                        + (["B-Rare"] if rare else ["O"]))
            groups.append(document)
    result = bootstrap_ci(gold, pred, groups=groups, n_resamples=400)
    assert result["per_type"]["Rare"]["f1"] == [1.0, 1.0]
    common = result["per_type"]["Common"]["f1"]
    # Each resample's macro F1 is Common's F1, or the mean of it and Rare's 1: never below Common's.
    assert result["macro_f1"][0] >= common[0]
    assert result["macro_f1"][0] <= evaluate(gold, pred).macro_f1 <= result["macro_f1"][1]


def test_paired_test_is_vectorised_enough():
    rng = np.random.default_rng(0)
    gold = [["B-X", "O", "B-Y"]] * 5000
    choices = [["B-X", "O", "B-Y"], ["B-X", "O", "O"], ["O", "O", "B-Y"], ["B-X", "B-X", "B-Y"]]
    pred_a = [choices[i] for i in rng.integers(0, 4, 5000)]
    pred_b = [choices[i] for i in rng.integers(0, 4, 5000)]
    result = paired_test(gold, pred_a, pred_b, n_resamples=10000)
    # Both systems are draws from the same distribution: no evidence of a difference.
    assert result["units"] == 5000 and 0.01 < result["p_value"] <= 1.0
    assert result["f1_a"] == evaluate(gold, pred_a).f1 and result["f1_b"] == evaluate(gold, pred_b).f1


def test_mismatched_inputs():
    with pytest.raises(DataFormatError, match="2 gold sentences but 1 predicted"):
        bootstrap_ci([["O"], ["O"]], [["O"]])
    with pytest.raises(DataFormatError, match="sentence 0: 2 gold tags but 1 system B tags"):
        paired_test([["O", "O"]], [["O", "O"]], [["O"]])
    with pytest.raises(DataFormatError, match="1 gold sentences but 2 system A ones"):
        paired_test([["O"]], [["O"], ["O"]], [["O"]])
    with pytest.raises(ValueError, match="n_resamples must be a whole number, at least 1"):
        paired_test([["O"]], [["O"]], [["O"]], n_resamples=0)
    with pytest.raises(DataFormatError, match="2 sentences but 1 group ids"):
        unit_counts([["O"], ["O"]], [["O"], ["O"]], groups=["a"])


TAG = st.sampled_from(["O", "O", "O", "B-A", "I-A", "B-B", "I-B"])


@st.composite
def three_systems(draw):
    """Gold, two systems' tags and (or not) one group id per sentence."""
    gold = draw(st.lists(st.lists(TAG, max_size=5), min_size=1, max_size=8))
    a, b = ([draw(st.lists(TAG, min_size=len(s), max_size=len(s))) for s in gold] for _ in range(2))
    groups = draw(st.none() | st.lists(st.sampled_from("xyz"), min_size=len(gold), max_size=len(gold)))
    return gold, a, b, groups


@settings(max_examples=60, deadline=None)
@given(three_systems(), st.integers(0, 3))
def test_paired_test_properties_on_random_systems(systems, seed):
    gold, a, b, groups = systems
    result = paired_test(gold, a, b, groups=groups, n_resamples=200, seed=seed)
    assert 1 / 201 <= result["p_value"] <= 1.0
    assert (result["f1_a"], result["f1_b"]) == (evaluate(gold, a).f1, evaluate(gold, b).f1)
    assert result["units"] == (len(gold) if groups is None else len(set(groups)))
    assert paired_test(gold, a, b, groups=groups, n_resamples=200, seed=seed) == result  # the seed fixes it
    swapped = paired_test(gold, b, a, groups=groups, n_resamples=200, seed=seed)
    assert swapped["p_value"] == result["p_value"] and swapped["difference"] == -result["difference"]
    assert paired_test(gold, a, a, groups=groups, n_resamples=50, seed=seed)["p_value"] == 1.0


@settings(max_examples=40, deadline=None)
@given(three_systems())
def test_bootstrap_properties_on_random_systems(systems):
    gold, pred, _, groups = systems
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a type no resample holds: [nan, nan]
        result = bootstrap_ci(gold, pred, groups=groups, n_resamples=50, seed=1)
        assert bootstrap_ci(gold, pred, groups=groups, n_resamples=50, seed=1) == result
    scores = evaluate(gold, pred)
    assert set(result["per_type"]) == set(scores.per_type)
    assert result["units"] == (len(gold) if groups is None else len(set(groups)))
    bounds = [result[name] for name in ("precision", "recall", "f1", "macro_f1")]
    bounds += [pair for figures in result["per_type"].values() for pair in figures.values() if not math.isnan(pair[0])]
    assert all(0.0 <= lo <= hi <= 1.0 for lo, hi in bounds)
    if result["units"] == 1:  # every resample is the one unit
        assert result["f1"] == [scores.f1, scores.f1] and result["macro_f1"] == [scores.macro_f1, scores.macro_f1]


# ---------------------------------------------------------------------------------------------
# The interval of a difference and the smallest difference a test set can detect


@settings(max_examples=60, deadline=None)
@given(three_systems(), st.integers(0, 3))
def test_difference_interval_properties_on_random_systems(systems, seed):
    gold, a, b, groups = systems
    result = difference_interval(gold, a, b, groups=groups, n_resamples=200, seed=seed)
    assert result["difference"] == pytest.approx(evaluate(gold, a).f1 - evaluate(gold, b).f1, abs=1e-12)
    assert result["units"] == (len(gold) if groups is None else len(set(groups)))
    low, high = result["interval"]
    assert -1.0 <= low <= high <= 1.0
    assert difference_interval(gold, a, b, groups=groups, n_resamples=200, seed=seed) == result  # the seed fixes it
    # Swapped systems, the same draws: the interval mirrored, the same spread and detectable difference.
    swapped = difference_interval(gold, b, a, groups=groups, n_resamples=200, seed=seed)
    assert swapped["interval"] == pytest.approx([-high, -low], abs=1e-12)
    assert (swapped["standard_error"] is None) == (result["standard_error"] is None)
    if result["detectable"] is not None:
        assert swapped["detectable"] == pytest.approx(result["detectable"], abs=1e-12)
        assert result["detectable"] > 0
    # A system against itself: no spread to measure, nothing to call detectable.
    same = difference_interval(gold, a, a, groups=groups, n_resamples=50, seed=seed)
    assert same["interval"] == [0.0, 0.0] and same["standard_error"] is None and same["detectable"] is None


def test_difference_interval_by_hand_and_its_errors():
    # Ten units: A finds the one gold entity of the first five, B finds nothing; F1 2/3 against 0.
    gold = [["B-X", "O"]] * 5 + [["O", "B-X"]] * 5
    a = [["B-X", "O"]] * 5 + [["O", "O"]] * 5
    b = [["O", "O"]] * 10
    result = difference_interval(gold, a, b, n_resamples=500)
    assert result["difference"] == pytest.approx(2 / 3)
    assert 0 < result["interval"][0] < 2 / 3 < result["interval"][1] <= 1
    # A stricter level widens the interval and raises the detectable difference; so does more power.
    strict = difference_interval(gold, a, b, n_resamples=500, level=0.99)
    assert strict["interval"][0] <= result["interval"][0] and strict["detectable"] > result["detectable"]
    assert difference_interval(gold, a, b, n_resamples=500, power=0.9)["detectable"] > result["detectable"]
    one = difference_interval(gold, a, b, groups=["doc"] * 10)
    assert one["units"] == 1 and one["interval"] == [one["difference"]] * 2 and one["detectable"] is None
    for bad, message in (({"n_resamples": 1}, "at least 2"), ({"level": 1.0}, "level must be"),
                         ({"power": 0}, "power must be"), ({"power": True}, "power must be")):
        with pytest.raises(ValueError, match=message):
            difference_interval(gold, a, b, **bad)
    with pytest.raises(DataFormatError):
        difference_interval(gold, a, b[:9])


def _simulated_test_set(rng, lead: float, n_units: int = 30):
    """A test set of documents of six two-token entities. Each document has its own difficulty (the chance B gets
    an entity right); A gets it right with that chance plus ``lead``, on the same draw, so the systems are paired
    as two taggers on one text are. A miss is either left out or given the wrong type."""
    gold, a, b = [], [], []
    for _ in range(n_units):
        difficulty = rng.beta(4, 3)
        sentence = {"gold": [], "a": [], "b": []}
        for _ in range(6):
            sentence["gold"] += ["B-X", "I-X", "O"]
            draw = rng.random()
            for name, right in (("a", draw < difficulty + lead), ("b", draw < difficulty)):
                wrong = ["B-Y", "I-Y", "O"] if rng.random() < 0.5 else ["O", "O", "O"]
                sentence[name] += ["B-X", "I-X", "O"] if right else wrong
        gold.append(sentence["gold"])
        a.append(sentence["a"])
        b.append(sentence["b"])
    return gold, a, b


def test_detectable_difference_agrees_with_repeated_test_sets():
    """Many independent simulated test sets: the bootstrap standard error is the spread of the differences they
    show, and the paired test finds a difference as often as the normal approximation behind ``detectable``
    says it should (the power at the true difference, from the mean standard error)."""
    rng = np.random.default_rng(7)
    z = NormalDist().inv_cdf(0.975)
    for lead in (0.0, 0.03, 0.06):
        differences, errors, found, detectable = [], [], [], []
        for _ in range(150):
            gold, a, b = _simulated_test_set(rng, lead)
            spread = difference_interval(gold, a, b, n_resamples=300, seed=0)
            differences.append(spread["difference"])
            errors.append(spread["standard_error"])
            detectable.append(spread["detectable"])
            found.append(paired_test(gold, a, b, n_resamples=400)["p_value"] < 0.05)
        spread_seen, error = float(np.std(differences)), float(np.mean(errors))
        assert error == pytest.approx(spread_seen, rel=0.2)
        assert float(np.mean(detectable)) == pytest.approx((z + NormalDist().inv_cdf(0.8)) * error, rel=0.01)
        shift = abs(float(np.mean(differences))) / error
        normal = NormalDist()
        expected = 1 - normal.cdf(z - shift) + normal.cdf(-z - shift)  # the two-sided test's power at this shift
        assert float(np.mean(found)) == pytest.approx(expected, abs=0.12), (lead, expected)
