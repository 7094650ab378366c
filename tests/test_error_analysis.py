"""Error categories, frequent error texts and the type confusion matrix, on hand-built sentences."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crfner import DataFormatError, evaluate
from crfner.evaluation.error_analysis import CATEGORIES, analyze_errors

# One of each category; the comments give the gold and predicted entities.
X = [
    ["Aspirin", "reduces", "fever", "."],
    ["acute", "renal", "failure", "after", "cisplatin"],
    ["oral", "contraceptives", "in", "women"],
]
Y_TRUE = [
    ["B-Chemical", "O", "B-Disease", "O"],  # Chemical "Aspirin", Disease "fever"
    ["B-Disease", "I-Disease", "I-Disease", "O", "B-Chemical"],  # Disease "acute renal failure"; Chemical "cisplatin"
    ["O", "B-Chemical", "O", "O"],  # Chemical "contraceptives"
]
Y_PRED = [
    ["B-Chemical", "O", "B-Chemical", "O"],  # "Aspirin" correct; "fever" as Chemical: type_error
    ["O", "B-Disease", "I-Disease", "O", "O"],  # "renal failure": boundary_error; "cisplatin" missed
    # "oral contraceptives" as Disease: boundary_and_type_error; "women": spurious
    ["B-Disease", "I-Disease", "O", "B-Disease"],
]


def test_one_of_each_category():
    result = analyze_errors(X, Y_TRUE, Y_PRED)
    assert result["categories"] == {
        "correct": 1,
        "type_error": 1,
        "boundary_error": 1,
        "boundary_and_type_error": 1,
        "missed": 1,
        "spurious": 1,
    }
    assert result["missed"] == [{"text": "cisplatin", "type": "Chemical", "count": 1}]
    assert result["spurious"] == [{"text": "women", "type": "Disease", "count": 1}]
    assert result["boundary_errors"] == [
        {"gold": "acute renal failure", "predicted": "renal failure", "type": "Disease", "count": 1}
    ]
    # Rows gold, columns predicted:
    #   Chemical: Aspirin -> Chemical, cisplatin -> (none), contraceptives -> Disease
    #   Disease:  fever -> Chemical, acute renal failure -> Disease
    #   (none):   women -> Disease
    assert result["confusion"] == {
        "labels": ["Chemical", "Disease", "(none)"],
        "matrix": [[1, 1, 1], [1, 1, 0], [0, 1, 0]],
    }
    assert json.loads(json.dumps(result)) == result


def test_top_texts_by_count_then_text_with_case_kept():
    X2 = [["cisplatin"], ["cisplatin"], ["cisplatin"], ["Cisplatin"], ["fever"], ["rash"], ["rash"]]
    gold = [["B-Chemical"]] * 4 + [["B-Disease"]] + [["O"]] * 2
    pred = [["O"]] * 5 + [["B-Disease"]] * 2
    result = analyze_errors(X2, gold, pred, top=2)
    # Missed: cisplatin 3, then Cisplatin and fever once each; "C" sorts before "f".
    assert result["missed"] == [
        {"text": "cisplatin", "type": "Chemical", "count": 3},
        {"text": "Cisplatin", "type": "Chemical", "count": 1},
    ]
    assert result["spurious"] == [{"text": "rash", "type": "Disease", "count": 2}]
    assert result["categories"]["missed"] == 5 and result["categories"]["spurious"] == 2
    assert result["confusion"]["matrix"] == [[0, 0, 4], [0, 0, 1], [0, 2, 0]]


def test_overlaps_pick_the_largest_then_the_leftmost():
    tokens = [["a", "b", "c", "d"], ["a", "b", "c", "d"]]
    gold = [["B-Disease", "I-Disease", "I-Disease", "I-Disease"]] * 2
    pred = [
        # "a b" Chemical and "c d" Disease overlap two tokens each: the leftmost (Chemical) is the
        # confused type, but a same-type overlap exists, so it is a boundary error, against "c d".
        ["B-Chemical", "I-Chemical", "B-Disease", "I-Disease"],
        # "a" Disease (one token) and "b c d" Chemical (three): the larger decides the column.
        ["B-Disease", "B-Chemical", "I-Chemical", "I-Chemical"],
    ]
    result = analyze_errors(tokens, gold, pred)
    assert result["categories"]["boundary_error"] == 2 and result["categories"]["spurious"] == 0
    assert result["confusion"]["labels"] == ["Chemical", "Disease", "(none)"]
    assert result["confusion"]["matrix"] == [[0, 0, 0], [2, 0, 0], [0, 0, 0]]
    assert result["boundary_errors"] == [
        {"gold": "a b c d", "predicted": "a", "type": "Disease", "count": 1},
        {"gold": "a b c d", "predicted": "c d", "type": "Disease", "count": 1},
    ]


def test_nothing_to_report_and_mismatched_inputs():
    result = analyze_errors([["x"]], [["O"]], [["O"]])
    assert set(result["categories"].values()) == {0}
    assert result["confusion"] == {"labels": ["(none)"], "matrix": [[0]]}
    assert result["missed"] == result["spurious"] == result["boundary_errors"] == []
    with pytest.raises(DataFormatError, match="2 token sentences but 1 tag sentences"):
        analyze_errors([["x"], ["y"]], [["O"]], [["O"]])
    with pytest.raises(DataFormatError, match="sentence 0: 1 tokens but 2 tags"):
        analyze_errors([["x"]], [["O", "O"]], [["O", "O"]])
    with pytest.raises(DataFormatError, match="sentence 0: 1 gold tags but 2 predicted tags"):
        analyze_errors([["x"]], [["O"]], [["O", "O"]])
    # a type named as the matrix's "no entity" would merge its counts with the missed and spurious ones
    with pytest.raises(DataFormatError, match=r"an entity type is named '\(none\)'"):
        analyze_errors([["x"]], [["B-(none)"]], [["O"]])


TAG = st.sampled_from(["O", "O", "B-A", "I-A", "B-B", "I-B", "S-A"])


@st.composite
def tagged_corpus(draw):
    gold = draw(st.lists(st.lists(TAG, max_size=7), min_size=1, max_size=5))
    pred = [draw(st.lists(TAG, min_size=len(s), max_size=len(s))) for s in gold]
    return [[f"w{i}" for i in range(len(s))] for s in gold], gold, pred


@settings(max_examples=100, deadline=None)
@given(tagged_corpus())
def test_every_gold_entity_in_one_category_on_random_tags(corpus):
    tokens, gold, pred = corpus
    result, scores = analyze_errors(tokens, gold, pred), evaluate(gold, pred)
    categories = result["categories"]
    assert categories["correct"] == scores.correct
    assert sum(categories[c] for c in CATEGORIES if c != "spurious") == scores.support
    labels, matrix = result["confusion"]["labels"], result["confusion"]["matrix"]
    assert labels == [*sorted(scores.per_type), "(none)"]
    for row, etype in zip(matrix, labels[:-1]):
        assert sum(row) == scores.per_type[etype].support
    assert sum(matrix[-1]) == categories["spurious"] and matrix[-1][-1] == 0
    # a prediction is spurious, or overlaps a gold entity that is not missed
    assert categories["spurious"] <= scores.predicted - scores.correct
