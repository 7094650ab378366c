"""Abbreviation features: definitions found as Schwartz and Hearst describe, passed to every
use of the short form in the document, and reaching the tagger through ``documents=``."""

from __future__ import annotations

import pytest

from crfner import CRFTagger, DataFormatError
from crfner.featurize.abbreviations import abbreviation_features, find_definitions, long_form_start
from crfner.featurize.gazetteer import Gazetteer

DEFINING = "Patients with Duchenne muscular dystrophy ( DMD ) were studied .".split()
LATER = "DMD was confirmed in all of them .".split()


def test_long_form_is_the_shortest_run_of_words_spelling_the_short_form():
    words = "patients with duchenne muscular dystrophy".split()
    assert long_form_start("DMD", words) == 2
    assert long_form_start("MD", words) == 3
    assert long_form_start("XYZ", words) is None
    # The first letter must start a word: "ms" cannot take its "m" from "dystrophy"'s middle.
    assert long_form_start("ms", ["dystrophy", "syndrome"]) is None


def test_definitions_in_brackets_and_what_is_not_one():
    sentences = [
        DEFINING,
        "Plasma vitamin E ( VE ) levels fell ( n = 12 ) .".split(),
        "Cells from mice ( mice ) and 5 - fluorouracil ( 5 - FU ; Sigma ) .".split(),
        "Values rose ( range ) .".split(),
    ]
    definitions = find_definitions(sentences)
    assert definitions[("DMD",)] == ("Duchenne", "muscular", "dystrophy")
    assert definitions[("VE",)] == ("vitamin", "E")
    assert definitions[("5", "-", "FU")] == ("5", "-", "fluorouracil")
    assert ("n", "=", "12") not in definitions and ("mice",) not in definitions and ("range",) not in definitions


def test_every_use_in_the_document_gets_the_long_form_features():
    disease = Gazetteer.from_terms(["Duchenne muscular dystrophy", "dystrophy"], "disease")
    features = abbreviation_features([DEFINING, LATER], gazetteers=[disease])
    in_brackets, later = features[0][DEFINING.index("DMD")], features[1][0]
    assert in_brackets == later
    assert dict(later) == {
        "abbr": 1.0,
        "abbr:last": "dystrophy",
        "abbr:suf3": "phy",
        "abbr:gaz:disease": 1.0,
        "abbr:gaz:disease:whole": 1.0,
    }
    assert all(not pairs for k, pairs in enumerate(features[1]) if k != 0)
    assert features[0][0] == []


def test_a_multi_token_short_form_marks_its_inner_tokens():
    sentences = ["Treatment with 5 - fluorouracil ( 5 - FU ) .".split(), "5 - FU was given .".split()]
    features = abbreviation_features(sentences, include=["last_word"])
    assert [dict(p).get("abbr:last") for p in features[1][:3]] == ["fluorouracil"] * 3
    assert [dict(p).get("abbr:inside") for p in features[1][:3]] == [None, 1.0, 1.0]


def test_options_choose_what_the_long_form_gives():
    features = abbreviation_features([DEFINING, LATER], include=["suffix3"])
    assert dict(features[1][0]) == {"abbr": 1.0, "abbr:suf3": "phy"}


def test_no_definition_no_features():
    assert abbreviation_features([LATER]) == [[[] for _ in LATER]]


def test_feature_set_option_is_checked():
    from crfner import load_feature_set

    spec = load_feature_set("tutorial").to_dict()
    spec["abbreviations"] = {"long_form": ["last_word", "colour"]}
    with pytest.raises(Exception, match="abbreviations.long_form"):
        load_feature_set(spec)


@pytest.fixture(scope="module")
def abbreviating(small_train, data_dir):
    """A tutorial CRF with abbreviation features, trained on a slice."""
    from crfner import load_feature_set

    spec = load_feature_set("tutorial").to_dict()
    spec["abbreviations"] = {"long_form": ["last_word", "suffix3"]}
    X, y = small_train
    return CRFTagger(features=spec, max_iterations=30).fit(X, y, documents=[k // 10 for k in range(len(X))])


def test_documents_reach_the_features(abbreviating):
    featurizer = abbreviating.feature_set_.featurizer(abbreviating.resources_)  # unfiltered by the model
    alone = featurizer.document([LATER])[0][0]
    together = featurizer.document([DEFINING, LATER])[1][0]
    assert "abbr:last" not in alone and together["abbr:last"] == "dystrophy"
    assert abbreviating.training_data_["documents"] == 80


def test_predict_groups_sentences_by_document_id(abbreviating, small_devel):
    X, _ = small_devel
    X = X[:60]
    documents = [k % 7 for k in range(len(X))]  # documents need not be contiguous
    tags = abbreviating.predict(X, documents=documents)
    for document in set(documents):
        members = [k for k in range(len(X)) if documents[k] == document]
        alone = abbreviating.predict([X[k] for k in members], documents=[0] * len(members))
        assert alone == [tags[k] for k in members]
    assert abbreviating.score(X, small_devel[1][:60], documents=documents) >= 0.0


def test_document_ids_must_match_the_sentences(abbreviating, small_train):
    X, y = small_train
    with pytest.raises(DataFormatError, match="one document id per sentence: 3 sentences but 2 ids"):
        abbreviating.predict(X[:3], documents=[1, 2])
    with pytest.raises(DataFormatError, match="one document id per sentence"):
        CRFTagger().fit(X[:3], y[:3], documents="abc")
