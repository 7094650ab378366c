"""crfner.evaluation.documents: strict and overlap scores by character offsets."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from crfner.corpora.documents import Document, Mention
from crfner.errors import DataFormatError
from crfner.evaluation.documents import evaluate_documents

TEXT = "x" * 100


def doc(spans, doc_id="d", text=TEXT) -> Document:
    return Document(doc_id, text, [Mention(a, b, t, text[a:b]) for a, b, t in spans])


def scores(gold, pred):
    return evaluate_documents([doc(gold)], [doc(pred)])


def figures(block) -> tuple:
    return block["correct"], block["predicted"], block["support"]


def test_identical_mentions_score_one():
    result = scores([(0, 5, "Chemical"), (10, 20, "Disease")], [(10, 20, "Disease"), (0, 5, "Chemical")])
    assert result["documents"] == 1
    for kind in ("strict", "overlap"):
        assert result[kind]["precision"] == result[kind]["recall"] == result[kind]["f1"] == 1.0
        assert set(result[kind]["per_type"]) == {"Chemical", "Disease"}


def test_boundary_error_counts_for_overlap_only():
    result = scores([(10, 20, "Disease")], [(12, 20, "Disease")])
    assert figures(result["strict"]) == (0, 1, 1) and result["strict"]["f1"] == 0.0
    assert figures(result["overlap"]) == (1, 1, 1) and result["overlap"]["f1"] == 1.0


def test_type_error_counts_for_neither():
    result = scores([(10, 20, "Disease")], [(10, 20, "Chemical")])
    assert figures(result["strict"]) == figures(result["overlap"]) == (0, 1, 1)
    assert result["strict"]["per_type"]["Chemical"]["predicted"] == 1
    assert result["strict"]["per_type"]["Disease"]["support"] == 1


def test_touching_spans_do_not_overlap():
    assert figures(scores([(0, 5, "X")], [(5, 9, "X")])["overlap"]) == (0, 1, 1)


def test_each_mention_matches_at_most_once():
    one_pred_two_gold = scores([(0, 5, "X"), (6, 10, "X")], [(0, 10, "X")])["overlap"]
    assert figures(one_pred_two_gold) == (1, 1, 2)
    assert one_pred_two_gold["precision"] == 1.0 and one_pred_two_gold["recall"] == 0.5
    two_pred_one_gold = scores([(0, 10, "X")], [(0, 5, "X"), (6, 10, "X")])["overlap"]
    assert figures(two_pred_one_gold) == (1, 2, 1)
    assert two_pred_one_gold["precision"] == 0.5 and two_pred_one_gold["recall"] == 1.0


def test_overlap_finds_the_largest_matching():
    # Greedy by overlap would pair (5, 9) with (0, 10) and leave (0, 3) unmatched.
    result = scores([(0, 10, "X"), (8, 12, "X")], [(5, 9, "X"), (0, 3, "X")])
    assert figures(result["overlap"]) == (2, 2, 2)


def test_duplicate_mentions_count_once_each():
    result = scores([(0, 5, "X")], [(0, 5, "X"), (0, 5, "X")])
    assert figures(result["strict"]) == (1, 2, 1)
    assert figures(result["overlap"]) == (1, 2, 1)


def test_micro_macro_and_per_type_over_several_documents():
    gold = [doc([(0, 5, "A"), (10, 15, "B")], "1"), doc([(0, 5, "A"), (20, 30, "B")], "2")]
    pred = [doc([(0, 5, "A")], "2"), doc([(0, 5, "A"), (10, 14, "B"), (40, 50, "B")], "1")]
    strict = evaluate_documents(gold, pred)["strict"]
    assert figures(strict) == (2, 4, 4)
    assert strict["per_type"]["A"]["f1"] == 1.0 and strict["per_type"]["B"]["f1"] == 0.0
    assert strict["f1"] == pytest.approx(0.5) and strict["macro_f1"] == pytest.approx(0.5)
    overlap = evaluate_documents(gold, pred)["overlap"]
    assert figures(overlap) == (3, 4, 4)
    assert overlap["per_type"]["B"]["precision"] == 0.5 and overlap["per_type"]["B"]["recall"] == 0.5


def test_no_mentions_scores_zero_without_error():
    result = scores([], [])
    assert result["strict"]["f1"] == 0.0 and result["strict"]["per_type"] == {}
    assert scores([(0, 5, "X")], [])["overlap"]["recall"] == 0.0


def test_document_sets_must_agree():
    with pytest.raises(DataFormatError, match="only in the gold"):
        evaluate_documents([doc([], "1"), doc([], "2")], [doc([], "1")])
    with pytest.raises(DataFormatError, match="only in the predictions"):
        evaluate_documents([doc([], "1")], [doc([], "1"), doc([], "3")])
    with pytest.raises(DataFormatError, match="twice"):
        evaluate_documents([doc([], "1"), doc([], "1")], [doc([], "1")])
    with pytest.raises(DataFormatError, match="texts differ"):
        evaluate_documents([doc([], "1")], [doc([], "1", "y" * 100)])


MENTION = st.builds(lambda start, length, etype: (start, min(len(TEXT), start + length), etype),
                    st.integers(0, 30), st.integers(1, 8), st.sampled_from(["A", "B"]))


def _largest_matching(gold, pred) -> int:
    """Size of a maximum matching of same-type overlapping pairs, by scipy."""
    total = 0
    for etype in {t for *_, t in gold}:
        golds, preds = [g for g in gold if g[2] == etype], [p for p in pred if p[2] == etype]
        if golds and preds:
            graph = csr_matrix(np.array([[int(p[0] < g[1] and g[0] < p[1]) for g in golds] for p in preds]))
            total += int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())
    return total


@settings(max_examples=150, deadline=None)
@given(st.lists(MENTION, max_size=8), st.lists(MENTION, max_size=8))
def test_overlap_is_a_maximum_matching_and_strict_a_multiset_intersection(gold, pred):
    # Duplicates and mentions overlapping mentions of their own side included.
    result = scores(gold, pred)
    assert result["overlap"]["correct"] == _largest_matching(gold, pred)
    assert result["strict"]["correct"] == sum((Counter(gold) & Counter(pred)).values())
    assert result["strict"]["correct"] <= result["overlap"]["correct"] <= min(len(gold), len(pred))
    assert figures(result["strict"])[1:] == figures(result["overlap"])[1:] == (len(pred), len(gold))
    swapped = scores(pred, gold)  # gold and predictions swapped: the same pairs, precision and recall swapped
    for name in ("strict", "overlap"):
        assert swapped[name]["correct"] == result[name]["correct"]
        assert swapped[name]["precision"] == result[name]["recall"] and swapped[name]["f1"] == result[name]["f1"]
