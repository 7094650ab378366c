"""What the Python API does with arguments a user can plausibly get wrong: each is crfner's own
error (or a ValueError or TypeError) that says what to give, raised before any work, never a
wrong answer or an error from deep inside another library."""

from __future__ import annotations

import numpy as np
import pytest

import crfner
from crfner.assertion import RULES, negations
from crfner.corpora.documents import Document, Mention
from crfner.errors import DataFormatError, FeatureSetError, NotFittedError, ParameterError
from crfner.link import Linker

VOCABULARY = {"Disease": [("heart attack", "D1"), ("breast cancer", "D2")]}


@pytest.mark.parametrize(("y_true", "message"), [
    (["B-X", "I-X", "O"], r"y_true\[0\] must be a list of tags, not str"),  # a flat list: sentences of characters
    ("BIO", "y_true must be a list of tag lists, not str"),
    ([[1]], r"y_true\[0\]: tag 1 fits no tagging scheme"),
    ([["X"]], r"y_true\[0\]: tag 'X' fits no tagging scheme"),
    ([["B-X", None]], r"y_true\[0\]: tag None fits no tagging scheme"),  # None was the check's 'nothing wrong'
    ([[["B-X"]]], r"y_true\[0\]: tag \['B-X'\] fits no tagging scheme"),  # a list as a tag: not a TypeError
])
def test_evaluate_refuses_what_is_not_sentences_of_tags(y_true, message):
    with pytest.raises(DataFormatError, match=message):
        crfner.evaluate(y_true, y_true)
    assert crfner.evaluate([["B-X", "I-X", "O"]], [["B-X", "I-X", "O"]]).f1 == 1.0


def _scorers():
    from crfner.evaluation.error_analysis import analyze_errors
    from crfner.evaluation.partial_match import partial_match_scores
    from crfner.evaluation.significance import bootstrap_ci, paired_test

    return {
        "partial_match_scores": partial_match_scores,
        "bootstrap_ci": lambda gold, pred: bootstrap_ci(gold, pred, n_resamples=10),
        "paired_test": lambda gold, pred: paired_test(gold, pred, pred, n_resamples=10),
        "analyze_errors": lambda gold, pred: analyze_errors([["w"] * len(t) for t in gold], gold, pred),
    }


@pytest.mark.parametrize("scorer", ["partial_match_scores", "bootstrap_ci", "paired_test", "analyze_errors"])
@pytest.mark.parametrize(("y_true", "y_pred", "message"), [
    # a flat list: scored as three sentences of characters
    (["B-X", "I-X", "O"], ["B-X", "I-X", "O"], r"y_true\[0\] must be a list of tags, not str"),
    # an unknown tag: read as outside any entity
    ([["B-X", "I-X", "O"]], [["B-X", "I-X", "X"]], r"\[0\]: tag 'X' fits no tagging scheme"),
])
def test_the_other_scorers_refuse_what_evaluate_refuses(scorer, y_true, y_pred, message):
    """Partial matches, intervals, the paired test and the error analysis check their tags as evaluate does:
    they gave figures for what evaluate refuses."""
    with pytest.raises(DataFormatError, match=message):
        _scorers()[scorer](y_true, y_pred)
    _scorers()[scorer]([["B-X", "I-X", "O"]], [["B-X", "I-X", "O"]])


@pytest.mark.parametrize(("params", "message"), [
    ({"threshold": "0.5"}, "threshold must be None or a number from 0 to 1"),
    ({"threshold": True}, "threshold must be None or a number from 0 to 1"),
    ({"threshold": 1.5}, "threshold must be None or a number from 0 to 1"),
    ({"ngram_range": (0, 0)}, "ngram_range must be"),
    ({"ngram_range": (11, 11)}, "ngram_range must be"),
    ({"ngram_range": (4, 3)}, "ngram_range must be"),
    ({"heads": 1}, "heads must be True or False"),
])
def test_linker_settings_are_checked_when_fitted(params, message):
    with pytest.raises(ParameterError, match=message):
        Linker(**params).fit(vocabularies=VOCABULARY)


def test_a_linker_saves_what_it_loads_and_must_be_fitted_to_link(tmp_path, fitted):
    linker = Linker(threshold=np.float32(0.5)).fit(vocabularies=VOCABULARY)
    linker.save(tmp_path / "linker")
    loaded = Linker.load(tmp_path / "linker")
    assert loaded.threshold == pytest.approx(0.5) and loaded.link("breast cancer", "Disease").identifier == "D2"
    with pytest.raises(ParameterError, match="ngram_range"):  # refused when set (7ddef2e), not at the next save
        linker.set_params(ngram_range=(0, 0))
    linker.ngram_range = (0, 0)  # set by hand after fit: not saved as a file load refuses
    with pytest.raises(ParameterError, match="ngram_range"):
        linker.save(tmp_path / "bad")
    with pytest.raises(NotFittedError, match="before linking"):
        Linker().link("breast cancer", "Disease")
    with pytest.raises(TypeError, match=r"Linker.load\(path\) reads a saved one"):
        crfner.tag_text(fitted, "Famotidine-associated delirium.", linker=str(tmp_path / "linker"))
    with pytest.raises(ValueError, match=r"vocabularies\['Disease'\]: each term is a Term or a \(name, id\) pair"):
        Linker().fit(vocabularies={"Disease": ["heart attack"]})
    with pytest.raises(ValueError, match="the id not empty"):
        Linker().fit(vocabularies={"Disease": [("heart attack", None)]})


def test_negation_rules_must_be_shaped_as_rules_are():
    text = "Patient reports fever."
    fever = [Mention(16, 21, "Sign", "fever")]
    with pytest.raises(ValueError, match="rules needs the keys before, after, pseudo, terminators"):
        negations(text, fever, rules={"before": {("reports",)}})
    for phrases in ([["reports"]], {"reports"}):  # a phrase as a list or a string would never match
        with pytest.raises(ValueError, match=r"rules\['before'\] must hold phrases as tuples"):
            negations(text, fever, rules={**RULES, "before": phrases})
    (found,) = negations(text, fever, rules={**RULES, "before": RULES["before"] | {("reports",)}})
    assert found.negated and found.cue == "reports"


def test_an_unfitted_tagger_cannot_be_inspected():
    with pytest.raises(NotFittedError, match="weights_"):
        crfner.inspect_model(crfner.CRFTagger())


def test_regularisation_an_algorithm_does_not_take_is_refused():
    with pytest.raises(ParameterError, match="c1 and c2 do not apply to algorithm 'ap'"):
        crfner.CRFTagger(algorithm="ap", c1=5, c2=3).resolved_training_params()
    with pytest.raises(ParameterError, match=r"c1 does not apply to algorithm 'l2sgd' \(it takes c2\)"):
        crfner.CRFTagger(algorithm="l2sgd", c1=1).resolved_training_params()
    assert crfner.CRFTagger(algorithm="l2sgd", c2=1).resolved_training_params()["c2"] == 1.0
    assert "c1" not in crfner.CRFTagger(algorithm="ap").resolved_training_params()  # the set's own c1 drops quietly


def test_sgd_without_its_l2_term_is_refused_before_training():
    """CRFsuite's l2sgd sets its step size from c2: with c2=0 the weights diverge and reading
    the model failed inside pycrfsuite with an AttributeError."""
    X, y = [["Aspirin", "causes", "pain", "."]] * 10, [["B-Chemical", "O", "B-Disease", "O"]] * 10
    for c2 in (0, 0.0):
        with pytest.raises(ParameterError, match="'l2sgd' needs c2 above 0"):
            crfner.CRFTagger(algorithm="l2sgd", c2=c2, max_iterations=3).fit(X, y)
    model = crfner.CRFTagger(algorithm="l2sgd", c2=1e-9, max_iterations=3).fit(X, y)
    assert model.predict(X[:1]) == y[:1]


def test_more_iterations_than_crfsuite_can_count_are_refused(tmp_path):
    """CRFsuite reads max_iterations as a C int: 2**31 wrapped round and trained one iteration
    (the averaged perceptron none: all weights 0), 2**32 + 3 trained three, silently."""
    for too_many in (2**31, 2**32 + 3, 10**18):
        with pytest.raises(ParameterError, match=r"max_iterations=.*expected a whole number from 1 to 2147483647"):
            crfner.CRFTagger(max_iterations=too_many).resolved_training_params()
    path = tmp_path / "x.toml"
    path.write_text('name = "x"\nversion = 1\n[training]\nmax_iterations = 2147483648\n')
    with pytest.raises(FeatureSetError, match=r"x.toml: training.max_iterations = 2147483648: expected a whole number"):
        crfner.load_feature_set(path)
    assert crfner.CRFTagger(max_iterations=2**31 - 1).resolved_training_params()["max_iterations"] == 2**31 - 1


def test_significance_settings_are_checked():
    from crfner.evaluation.significance import bootstrap_ci, paired_test

    y = [["B-X", "O"]] * 5
    with pytest.raises(ValueError, match="level must be a number between 0 and 1"):
        bootstrap_ci(y, y, level=1.5)
    for call in (lambda: bootstrap_ci(y, y, n_resamples=100.0), lambda: paired_test(y, y, y, n_resamples=100.0)):
        with pytest.raises(ValueError, match="n_resamples must be a whole number"):
            call()


def test_document_ids_are_keys(fitted):
    with pytest.raises(DataFormatError, match=r"documents\[0\]: a document id is a string or a number, not list"):
        fitted.predict([["Aspirin"], ["works"]], documents=[[1], [2]])


def test_tag_documents_wants_documents(fitted):
    with pytest.raises(TypeError, match=r"documents\[0\] must be a crfner Document"):
        crfner.tag_documents(fitted, ["Famotidine-associated delirium."])
    with pytest.raises(TypeError, match=r"not one Document \(pass \[document\]"):
        crfner.tag_documents(fitted, Document("1", "Famotidine-associated delirium."))


def test_negating_a_type_the_model_lacks_is_an_error(model, tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("No fever.", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"negation types: Foo is not among .*'s types \(Chemical, Disease\)"):
        crfner.tag_files(model, tmp_path / "notes", tmp_path / "out.jsonl", negation=["Foo"], progress=False)
    assert not (tmp_path / "out.jsonl").exists()


def test_a_scheme_that_is_no_name_is_a_value_error():
    from crfner.schemes import convert

    with pytest.raises(ValueError, match="the tagging scheme must be one of iob1, iob2, iobes, not None"):
        convert(["B-X"], None)


def test_a_long_coordinated_span_is_linked_at_once():
    import time

    linker = Linker(heads=True).fit(vocabularies={"Disease": [("breast cancer", "D1"), ("ovarian cancer", "D2")]})
    assert linker.link("breast and ovarian cancer", "Disease").identifiers == ("D1", "D2")
    started = time.perf_counter()
    for text in ("v and " + "w " * 3000, "w " * 2000 + "and " + "v " * 2000, "w " * 5000 + "breast cancer"):
        linker.link(text, "Disease")  # each reading was a lookup of the span's length: 3,000 words took 20 s
    assert time.perf_counter() - started < 2.0


def test_a_term_list_line_holds_a_term_and_one_id(tmp_path):
    from crfner.link.vocabulary import read_term_list

    for line, message in (("breast cancer\tD001943\tBreast Neoplasms", "this one has 3 columns"),
                          ("breast cancer\tD 001943", "holds a space, '|' or '+'"),
                          ("breast cancer\tD1|D2", "holds a space, '|' or '+'")):
        path = tmp_path / "terms.tsv"
        path.write_text(f"tumour\tD009369\n{line}\n", encoding="utf-8")
        with pytest.raises(DataFormatError, match=rf"terms.tsv, line 2: .*{message}"):
            list(read_term_list(path))


@pytest.mark.parametrize(("key", "value", "message"), [
    ("threshold", int("1" + "0" * 400), "threshold must be None or a number from 0 to 1"),  # OverflowError before
    ("threshold", 5, "threshold must be None or a number from 0 to 1"),
    ("ngram_range", "abc", "ngram_range must be"),
    ("heads", "no", "heads must be True or False"),
])
def test_a_saved_linker_loads_only_as_it_could_have_been_saved(tmp_path, key, value, message):
    import json

    from conftest import rehash_listed_files

    from crfner.errors import ModelFileError

    Linker().fit(vocabularies=VOCABULARY).save(tmp_path / "linker")
    meta = json.loads((tmp_path / "linker" / "crfner.json").read_text())
    meta["parameters"][key] = value
    (tmp_path / "linker" / "crfner.json").write_text(json.dumps(meta))
    rehash_listed_files(tmp_path / "linker")
    with pytest.raises(ModelFileError, match=message):
        Linker.load(tmp_path / "linker")


def test_a_linker_with_aliases_it_cannot_load_is_not_saved(tmp_path):
    linker = Linker().fit(vocabularies=VOCABULARY)
    with pytest.raises(ParameterError, match="Nope"):  # refused when set since 7ddef2e
        linker.set_params(type_aliases={"Sign": "Nope"})
    linker.type_aliases = {"Sign": "Nope"}  # set by hand: still never saved
    with pytest.raises(ParameterError, match="Nope"):
        linker.save(tmp_path / "linker")
    assert not (tmp_path / "linker").exists()
