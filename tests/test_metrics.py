"""Strict entity-level scores, checked by hand and against seqeval."""

from __future__ import annotations

import json
import random

import pytest
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

from crfner import DataFormatError, evaluate


def test_hand_counted_example():
    gold = [["B-C", "I-C", "O", "B-D"], ["B-D", "I-D", "O"]]
    pred = [["B-C", "I-C", "O", "O"], ["B-D", "O", "B-C"]]
    # Gold: C(0-1), D(3), D(0-1). Predicted: C(0-1) correct, D(0) wrong boundary, C(2) spurious.
    scores = evaluate(gold, pred)
    assert (scores.correct, scores.predicted, scores.support) == (1, 3, 3)
    assert scores.precision == pytest.approx(1 / 3) and scores.recall == pytest.approx(1 / 3)
    assert scores.per_type["C"].precision == pytest.approx(0.5) and scores.per_type["C"].recall == 1.0
    assert scores.per_type["D"].f1 == 0.0 and scores.per_type["D"].support == 2
    assert scores.macro_f1 == pytest.approx((2 * 0.5 / 1.5 + 0.0) / 2)


def _perturb(y, seed):
    rng = random.Random(seed)
    out = []
    for tags in y:
        tags = list(tags)
        for i in range(len(tags)):
            if rng.random() < 0.05:
                tags[i] = rng.choice(["O", "B-Chemical", "I-Chemical", "B-Disease", "I-Disease"])
        out.append(tags)
    return out


def test_agrees_with_seqeval_on_the_real_corpus(bc5cdr_devel):
    _, gold = bc5cdr_devel
    pred = _perturb(gold, seed=1)
    scores = evaluate(gold, pred)
    assert scores.f1 == pytest.approx(f1_score(gold, pred))
    assert scores.precision == pytest.approx(precision_score(gold, pred))
    assert scores.recall == pytest.approx(recall_score(gold, pred))
    report = classification_report(gold, pred, output_dict=True)
    for etype, figures in scores.per_type.items():
        assert figures.f1 == pytest.approx(report[etype]["f1-score"])
        assert figures.support == report[etype]["support"]
    assert scores.macro_f1 == pytest.approx(report["macro avg"]["f1-score"])
    assert evaluate(gold, gold).f1 == 1.0


def test_prints_a_table_and_serialises():
    scores = evaluate([["B-Disease", "O"]], [["B-Disease", "O"]])
    table = str(scores)
    assert "Disease" in table and "micro avg" in table and "1.0000" in table
    assert json.loads(scores.to_json())["per_type"]["Disease"]["support"] == 1


def test_no_entities_at_all_scores_zero():
    scores = evaluate([["O", "O"]], [["O", "O"]])
    assert (scores.f1, scores.support, scores.per_type) == (0.0, 0, {})


def test_mismatched_lengths():
    with pytest.raises(DataFormatError, match="2 gold sentences but 1 predicted"):
        evaluate([["O"], ["O"]], [["O"]])
    with pytest.raises(DataFormatError, match="sentence 0: 2 gold tags but 1 predicted"):
        evaluate([["O", "O"]], [["O"]])
