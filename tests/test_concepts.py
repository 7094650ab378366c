"""crfner.evaluation.concepts: concept ids per document (BC5CDR's measure) and linking accuracy."""

from __future__ import annotations

import numpy as np
import pytest

from crfner.corpora.documents import Document, Mention
from crfner.errors import DataFormatError
from crfner.evaluation.concepts import (
    NCBI_TYPES,
    concept_bootstrap,
    concept_set,
    concept_pairs,
    evaluate_concepts,
    mention_accuracy,
)

TEXT = "x" * 100


def doc(doc_id, *mentions) -> Document:
    """A document whose mentions are (start, end, type, identifier) tuples."""
    return Document(doc_id, TEXT, [Mention(a, b, t, TEXT[a:b], i) for a, b, t, i in mentions])


def test_composite_ids_split_and_bare_mesh_ids_get_the_prefix():
    assert concept_set("D014786|D006311") == {"MESH:D014786", "MESH:D006311"}
    assert concept_set("D007674+D006222") == {"MESH:D007674", "MESH:D006222"}
    assert concept_set("OMIM:300322+OMIM:102600") == {"OMIM:300322", "OMIM:102600"}
    assert concept_set("MESH:D009203") == concept_set("D009203") == concept_set("mesh:D009203") == {"MESH:D009203"}
    assert concept_set("C536528") == {"MESH:C536528"}
    assert concept_set("OMIM:106210 ") == {"OMIM:106210"}
    for nothing in (None, "", "-1", "None", "|", "-1|"):
        assert concept_set(nothing) == frozenset()
    assert concept_set("D001|-1") == {"MESH:D001"}


def test_concept_pairs_maps_types_filters_them_and_counts_a_pair_once():
    documents = [
        doc("1", (0, 5, "SpecificDisease", "D001"), (10, 15, "DiseaseClass", "MESH:D001"), (20, 25, "CompositeMention", "D002|D003")),
        doc("2", (0, 5, "Chemical", "D004"), (10, 15, "Modifier", "-1"), (20, 25, "Chemical", None)),
    ]
    assert concept_pairs(documents, type_map=NCBI_TYPES) == {
        ("1", "Disease", "MESH:D001"), ("1", "Disease", "MESH:D002"), ("1", "Disease", "MESH:D003"), ("2", "Chemical", "MESH:D004"),
    }
    assert concept_pairs(documents, types=["Chemical"], type_map=NCBI_TYPES) == {("2", "Chemical", "MESH:D004")}
    # without the map, NCBI's types stay apart, and the same id under two types is two pairs
    assert ("1", "SpecificDisease", "MESH:D001") in concept_pairs(documents) and len(concept_pairs(documents)) == 5


def test_document_level_scores_by_hand():
    gold = [
        doc("1", (0, 5, "Chemical", "D001"), (10, 15, "Chemical", "D001"), (20, 25, "Disease", "D010|D011")),
        doc("2", (0, 5, "Disease", "D012"), (10, 15, "Chemical", "D002")),
    ]
    pred = [
        # D001 twice is one pair; D010 right, D011 missed; D099 wrong
        doc("1", (0, 5, "Chemical", "MESH:D001"), (30, 35, "Chemical", "MESH:D001"), (20, 25, "Disease", "MESH:D010"),
            (40, 45, "Disease", "MESH:D099")),
        # D012 found under the wrong type, so neither the Disease nor the Chemical pair matches
        doc("2", (0, 5, "Chemical", "MESH:D012")),
    ]
    scores = evaluate_concepts(gold, pred)
    # gold: Chemical {1:D001, 2:D002}, Disease {1:D010, 1:D011, 2:D012}
    # predicted: Chemical {1:D001, 2:D012}, Disease {1:D010, 1:D099}
    chemical, disease = scores.per_type["Chemical"], scores.per_type["Disease"]
    assert (chemical.correct, chemical.predicted, chemical.support) == (1, 2, 2)
    assert (disease.correct, disease.predicted, disease.support) == (1, 2, 3)
    assert (scores.correct, scores.predicted, scores.support) == (2, 4, 5)
    assert scores.precision == pytest.approx(0.5) and scores.recall == pytest.approx(0.4)
    assert scores.f1 == pytest.approx(2 * 0.5 * 0.4 / 0.9)
    assert disease.f1 == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))
    assert scores.macro_f1 == pytest.approx((0.5 + 0.4) / 2)


def test_ncbi_types_map_onto_disease():
    gold = [doc("1", (0, 5, "SpecificDisease", "D001"), (10, 15, "CompositeMention", "D002+D003"))]
    pred = [doc("1", (0, 5, "Disease", "MESH:D001|MESH:D002"))]
    scores = evaluate_concepts(gold, pred, type_map=NCBI_TYPES)
    assert set(scores.per_type) == {"Disease"}
    assert (scores.correct, scores.predicted, scores.support) == (2, 2, 3)
    unmapped = evaluate_concepts(gold, pred)
    assert unmapped.correct == 0 and set(unmapped.per_type) == {"SpecificDisease", "CompositeMention", "Disease"}


def test_a_missing_prediction_predicts_nothing_and_an_unknown_one_is_an_error():
    gold = [doc("1", (0, 5, "Chemical", "D001")), doc("2", (0, 5, "Chemical", "D002"))]
    scores = evaluate_concepts(gold, [doc("1", (0, 5, "Chemical", "D001"))])
    assert (scores.correct, scores.predicted, scores.support) == (1, 1, 2)
    with pytest.raises(DataFormatError, match="no gold document.*'3'"):
        evaluate_concepts(gold, [doc("3", (0, 5, "Chemical", "D001"))])
    with pytest.raises(DataFormatError, match="twice"):
        evaluate_concepts(gold, [doc("1"), doc("1")])


def _bootstrap_corpus():
    """Ten documents, two gold chemicals each; the prediction finds both in six, one in
    three, none in one, and adds a wrong one in two: P = 15/17, R = 15/20."""
    gold, pred = [], []
    for k in range(10):
        gold.append(doc(str(k), (0, 5, "Chemical", f"D{k}1"), (10, 15, "Chemical", f"D{k}2")))
        found = 2 if k < 6 else 1 if k < 9 else 0
        mentions = [(0, 5, "Chemical", f"D{k}1"), (10, 15, "Chemical", f"D{k}2")][:found]
        if k in (0, 6):
            mentions.append((20, 25, "Chemical", "D999"))
        pred.append(doc(str(k), *mentions))
    return gold, pred


def test_bootstrap_interval_holds_the_point_estimate_and_repeats_by_seed():
    gold, pred = _bootstrap_corpus()
    point = evaluate_concepts(gold, pred)
    assert point.precision == pytest.approx(15 / 17) and point.recall == pytest.approx(15 / 20)
    result = concept_bootstrap(gold, pred, n=500, seed=3)
    assert result["units"] == 10 and result["resamples"] == 500 and result["unit"] == "document"
    for name in ("precision", "recall", "f1"):
        lo, hi = result[name]
        assert lo < getattr(point, name) < hi
        assert 0.0 <= lo and hi <= 1.0
    assert result["per_type"]["Chemical"]["f1"] == result["f1"]  # a single type: the same resamples
    assert concept_bootstrap(gold, pred, n=500, seed=3) == result
    assert concept_bootstrap(gold, pred, n=500, seed=4) != result
    narrow = concept_bootstrap(gold, pred, n=500, seed=3, confidence=0.5)
    assert result["f1"][0] <= narrow["f1"][0] <= narrow["f1"][1] <= result["f1"][1]
    # a NumPy integer is a number of resamples too; one resample, or a confidence that is no number, is refused
    assert concept_bootstrap(gold, pred, n=np.int64(500), seed=3) == result
    for bad in ({"n": 1}, {"n": True}, {"n": 2.5}, {"confidence": "95%"}, {"confidence": True}):
        with pytest.raises(ValueError, match="n must be|confidence must"):
            concept_bootstrap(gold, pred, **bad)


def test_bootstrap_per_type():
    gold, pred = _bootstrap_corpus()
    # every document also names one disease, found everywhere but in document 9: P = 1, R = 9/10
    gold = [Document(d.id, TEXT, d.mentions + [Mention(50, 55, "Disease", TEXT[50:55], f"D{k}9")]) for k, d in enumerate(gold)]
    pred = [Document(d.id, TEXT, d.mentions + ([Mention(50, 55, "Disease", TEXT[50:55], f"D{k}9")] if k < 9 else [])) for k, d in enumerate(pred)]
    result = concept_bootstrap(gold, pred, n=300)
    assert set(result["per_type"]) == {"Chemical", "Disease"}
    assert result["per_type"]["Disease"]["precision"] == [1.0, 1.0]
    lo, hi = result["per_type"]["Disease"]["recall"]
    assert lo < 0.9 <= hi <= 1.0
    assert result["per_type"]["Chemical"] == concept_bootstrap(gold, pred, n=300)["per_type"]["Chemical"]


def test_bootstrap_leaves_a_type_out_of_the_resamples_without_it():
    """A type asserted in one document of twenty is absent from about a third of the resamples;
    evaluate_concepts would not know it there, so they must not count it P = R = F1 = 0."""
    gold = [doc(str(k), (0, 5, "Chemical", f"D{k}1")) for k in range(20)]
    gold[7] = doc("7", (0, 5, "Chemical", "D71"), (10, 15, "Rare", "D001"), (20, 25, "Rare", "D002"))
    pred = [doc("7", (0, 5, "Chemical", "D71"), (10, 15, "Rare", "D001"))]  # Rare: P 1, R 1/2 wherever it occurs
    point = evaluate_concepts(gold, pred).per_type["Rare"]
    assert (point.precision, point.recall) == (1.0, 0.5)
    rare = concept_bootstrap(gold, pred, n=400)["per_type"]["Rare"]
    assert rare == {"precision": [1.0, 1.0], "recall": [0.5, 0.5], "f1": [point.f1, point.f1]}
    assert concept_bootstrap(gold, gold, n=400)["per_type"]["Rare"]["f1"] == [1.0, 1.0]


def test_bootstrap_of_one_document_or_a_perfect_prediction_is_a_point():
    gold, _ = _bootstrap_corpus()
    assert concept_bootstrap(gold, gold, n=50)["f1"] == [1.0, 1.0]
    one = concept_bootstrap(gold[:1], [doc("0", (0, 5, "Chemical", "D01"))], n=50)
    assert one["precision"] == [1.0, 1.0] and one["recall"] == [0.5, 0.5]
    assert concept_bootstrap([], [], n=10)["f1"] == [0.0, 0.0]
    with pytest.raises(ValueError, match="at least 2"):
        concept_bootstrap(gold, gold, n=0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        concept_bootstrap(gold, gold, confidence=95)


def test_accuracy_at_1_on_gold_mentions_with_nil():
    gold = [
        doc("1", (0, 5, "Chemical", "D001"), (10, 15, "Disease", "D010|D011"), (20, 25, "Disease", "-1"), (30, 35, "Disease", "-1")),
        doc("2", (0, 5, "SpecificDisease", "OMIM:1"), (10, 15, "Modifier", "D012"), (20, 25, "Chemical", None)),
        doc("3", (0, 5, "Chemical", "D002")),
    ]
    linked = [
        # right (prefix differs only); half of a composite is wrong; one NIL left unlinked, the other linked
        doc("1", (0, 5, "Chemical", "MESH:D001"), (10, 15, "Disease", "MESH:D010"), (20, 25, "Disease", None),
            (30, 35, "Disease", "MESH:D020")),
        # right; wrong; a mention without gold id is neither
        doc("2", (0, 5, "SpecificDisease", "OMIM:1"), (10, 15, "Modifier", "MESH:D013"), (20, 25, "Chemical", "MESH:D002")),
        # document 3 not linked: its mention is wrong
    ]
    result = mention_accuracy(gold, linked, type_map=NCBI_TYPES)
    assert (result["mentions"], result["correct"]) == (5, 2) and result["accuracy"] == pytest.approx(0.4)
    assert (result["nil"], result["nil_agreed"], result["without_id"]) == (2, 1, 1)
    assert result["per_type"]["Chemical"] == {"accuracy": 0.5, "mentions": 2, "correct": 1, "nil": 0, "nil_agreed": 0, "without_id": 1}
    disease = result["per_type"]["Disease"]
    assert (disease["mentions"], disease["correct"], disease["nil"]) == (3, 1, 2)
    assert disease["accuracy"] == pytest.approx(1 / 3)
    assert set(result["per_type"]) == {"Chemical", "Disease"}


def test_accuracy_matches_offsets_and_type_and_each_mention_once():
    gold = [doc("1", (0, 5, "Chemical", "D001"), (0, 5, "Chemical", "D001"), (10, 15, "Chemical", "D002"))]
    # one copy of the twice-given mention is linked; the other span is linked under another type
    linked = [doc("1", (0, 5, "Chemical", "D001"), (10, 15, "Disease", "D002"))]
    result = mention_accuracy(gold, linked)
    assert (result["mentions"], result["correct"]) == (3, 1)
    with pytest.raises(DataFormatError):
        mention_accuracy(gold, [doc("9")])
