"""Strict entity-level scores, checked by hand and against seqeval."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
from seqeval.scheme import IOB2, IOBES

from crfner import DataFormatError, evaluate
from crfner.schemes import convert


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


# Property tests against seqeval on random corpora: ill-formed tags (I- after O or another type,
# E- without B-), types with hyphens and underscores, empty sentences, all-O and one-token ones.
TAG = st.one_of(st.just("O"), st.builds("{}-{}".format, st.sampled_from("BIES"), st.sampled_from(["D", "C-x", "a_b", "_"])))


@st.composite
def corpus_pair(draw, tag=TAG):
    gold = draw(st.lists(st.lists(tag, max_size=7), min_size=1, max_size=5))
    return gold, [draw(st.lists(tag, min_size=len(s), max_size=len(s))) for s in gold]


def _agrees_with_report(scores, report):
    """Per type support, F1 and precision, and the macro F1, as a seqeval classification report has them."""
    assert set(scores.per_type) == {name for name in report if not name.endswith(" avg")}
    for etype, figures in scores.per_type.items():
        assert figures.support == report[etype]["support"]
        assert figures.f1 == pytest.approx(report[etype]["f1-score"], abs=1e-12)
        assert figures.precision == pytest.approx(report[etype]["precision"], abs=1e-12)
    assert scores.macro_f1 == pytest.approx(report["macro avg"]["f1-score"], abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(corpus_pair())
def test_agrees_with_seqeval_default_mode_on_random_tags(pair):
    gold, pred = pair
    scores = evaluate(gold, pred)
    assert scores.f1 == pytest.approx(f1_score(gold, pred, zero_division=0), abs=1e-12)
    assert scores.precision == pytest.approx(precision_score(gold, pred, zero_division=0), abs=1e-12)
    assert scores.recall == pytest.approx(recall_score(gold, pred, zero_division=0), abs=1e-12)
    assert scores.correct <= min(scores.support, scores.predicted)
    assert sum(t.support for t in scores.per_type.values()) == scores.support
    assert sum(t.predicted for t in scores.per_type.values()) == scores.predicted
    assert sum(t.correct for t in scores.per_type.values()) == scores.correct
    if scores.support or scores.predicted:
        _agrees_with_report(scores, classification_report(gold, pred, output_dict=True, zero_division=0))
    assert evaluate(gold, gold).f1 == (1.0 if scores.support else 0.0)


@settings(max_examples=100, deadline=None)
@given(corpus_pair())
def test_agrees_with_seqeval_strict_mode_on_well_formed_tags(pair):
    # On well-formed IOB2 and IOBES, seqeval's strict mode reads the entities the default mode reads.
    for name, scheme in (("iob2", IOB2), ("iobes", IOBES)):
        gold, pred = ([convert(tags, name) for tags in corpus] for corpus in pair)
        scores = evaluate(gold, pred)
        assert scores.f1 == pytest.approx(f1_score(gold, pred, mode="strict", scheme=scheme, zero_division=0), abs=1e-12)
        if scores.support or scores.predicted:
            report = classification_report(gold, pred, mode="strict", scheme=scheme, output_dict=True, zero_division=0)
            _agrees_with_report(scores, report)
