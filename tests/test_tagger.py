"""CRFTagger as a scikit-learn estimator, trained on a slice of the real BC5CDR train split."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, PredefinedSplit, RandomizedSearchCV

from crfner import CRFTagger, DataFormatError, evaluate
from crfner.errors import NotFittedError, ParameterError


def test_init_does_no_work_and_params_round_trip():
    tagger = CRFTagger(features="tutorial", c1=0.3)
    assert tagger.get_params() == {
        "features": "tutorial", "algorithm": None, "c1": 0.3, "c2": None, "max_iterations": None,
        "all_possible_transitions": None, "gazetteers": None, "unlabeled_text": None, "data_dir": None,
        "n_jobs": 1, "verbose": False,
    }
    assert clone(tagger).get_params() == tagger.get_params()
    assert not hasattr(CRFTagger(features="no-such-set"), "feature_set_")  # resolved only in fit


def test_feature_set_supplies_defaults_and_arguments_override():
    assert CRFTagger().resolved_training_params() == {
        "algorithm": "lbfgs", "c1": 0.1, "c2": 0.1, "max_iterations": 100, "all_possible_transitions": True
    }
    overridden = CRFTagger(c2=0.5, max_iterations=7, all_possible_transitions=False).resolved_training_params()
    assert overridden["c2"] == 0.5 and overridden["max_iterations"] == 7 and overridden["all_possible_transitions"] is False
    assert "c1" not in CRFTagger(algorithm="l2sgd").resolved_training_params()


def test_fit_predict_on_real_data(fitted, small_train, small_devel):
    X, y = small_train
    Xd, yd = small_devel
    assert sorted(fitted.classes_) == ["B-Chemical", "B-Disease", "I-Chemical", "I-Disease", "O"]
    predicted = fitted.predict(Xd)
    assert [len(p) for p in predicted] == [len(x) for x in Xd]
    held_out = evaluate(yd, predicted).f1
    # The CRF must fit its training data far better than unseen data, and find entities there.
    assert fitted.score(X, y) > 0.9
    assert held_out > 0.3
    assert fitted.score(Xd, yd) == held_out
    assert fitted.training_data_["sentences"] == 800 and fitted.training_corpus_ == "bc5cdr:train[:800]"


def test_marginals_are_distributions(fitted, small_devel):
    Xd, _ = small_devel
    marginals = fitted.predict_marginals(Xd[:20])
    for tokens, rows in zip(Xd[:20], marginals):
        assert len(rows) == len(tokens)
        for row in rows:
            assert set(row) == set(fitted.classes_)
            assert sum(row.values()) == pytest.approx(1.0, abs=1e-6)


def test_parallel_prediction_and_pickling_agree(fitted, small_devel):
    Xd, _ = small_devel
    serial = fitted.predict(Xd)
    copy = pickle.loads(pickle.dumps(fitted))
    assert copy.predict(Xd) == serial
    assert copy.set_params(n_jobs=2).predict(Xd) == serial


def test_grid_search_with_a_predefined_split(small_train, small_devel):
    X, y = small_train
    Xd, yd = small_devel
    X_all, y_all = list(X[:300]) + list(Xd[:150]), list(y[:300]) + list(yd[:150])
    split = PredefinedSplit([-1] * 300 + [0] * 150)
    search = GridSearchCV(CRFTagger(max_iterations=20), {"c1": [0.0, 5.0]}, cv=split, n_jobs=2)
    search.fit(X_all, y_all)
    assert set(search.cv_results_["param_c1"]) == {0.0, 5.0}
    assert search.best_estimator_.c1 == search.best_params_["c1"]
    assert search.best_estimator_.predict(Xd[:5])
    random_search = RandomizedSearchCV(CRFTagger(max_iterations=10), {"c2": [0.01, 0.1, 1.0]}, n_iter=2, cv=split, random_state=0)
    assert random_search.fit(X_all, y_all).best_params_["c2"] in (0.01, 0.1, 1.0)


def test_errors_before_fit_and_on_bad_input(small_train):
    with pytest.raises(NotFittedError, match="not fitted"):
        CRFTagger().predict([["a"]])
    with pytest.raises(DataFormatError, match="sentence 1: 2 tokens but 1 tags"):
        CRFTagger().fit([["a"], ["b", "c"]], [["O"], ["O"]])
    with pytest.raises(DataFormatError, match="2 sentences but 1 tag lists"):
        CRFTagger().fit([["a"], ["b"]], [["O"]])
    with pytest.raises(DataFormatError, match="must be a list of token lists"):
        CRFTagger().fit("a sentence", ["O"])
    with pytest.raises(DataFormatError, match="tag 'Bad' fits no"):
        CRFTagger().fit([["a"]], [["Bad"]])


@pytest.mark.parametrize(
    "params,message",
    [
        ({"c1": -5}, r"c1=-5: expected a finite non-negative number"),
        ({"c2": float("inf")}, r"c2=inf: expected a finite"),
        ({"c1": float("nan")}, r"c1=nan: expected a finite"),
        ({"c2": "0.1"}, r"c2='0.1'"),
        ({"c1": True}, r"c1=True"),
        ({"max_iterations": 0}, r"max_iterations=0: expected a whole number from 1 to 2147483647"),
        ({"max_iterations": -5}, r"max_iterations=-5"),
        ({"max_iterations": 2.5}, r"max_iterations=2.5"),
        ({"algorithm": "adam"}, r"algorithm='adam': expected one of lbfgs"),
        ({"all_possible_transitions": "yes"}, r"all_possible_transitions='yes'"),
        ({"algorithm": "ap", "c1": -1}, r"c1=-1"),  # unused by ap, still refused
        # extra term lists that are no paths: a bare TypeError from deep in fit before
        ({"gazetteers": 5}, r"gazetteers=5: expected a path, a list of paths or \{name: path\}"),
        ({"gazetteers": [5]}, r"gazetteers=\[5\]: each list's path must be a string or path, not 5"),
        ({"gazetteers": {"drugs": None}}, r"gazetteers=\{'drugs': None\}: each list's path must be"),
    ],
)
def test_fit_refuses_training_parameters_out_of_range(params, message):
    tagger = CRFTagger(**params)  # accepted here: scikit-learn estimators check in fit
    with pytest.raises(ParameterError, match=message) as error:
        tagger.fit([["Aspirin", "kills"]], [["B-Chemical", "O"]])
    assert "\n" not in str(error.value) and isinstance(error.value, ValueError)
    assert not hasattr(tagger, "weights_")


def test_numpy_parameters_are_taken_as_plain_numbers():
    params = CRFTagger(c1=np.float64(0.5), max_iterations=np.int64(7), all_possible_transitions=np.bool_(False))
    resolved = params.resolved_training_params()
    assert resolved["c1"] == 0.5 and type(resolved["max_iterations"]) is int and resolved["all_possible_transitions"] is False


def test_empty_sentences_are_tolerated(fitted):
    assert fitted.predict([[], ["Aspirin"]])[0] == []


def test_tokens_holding_line_breaks_train_and_keep_their_own_weights():
    """CRFsuite's names were read from pycrfsuite's text dump: a token holding '\\n' broke its parser
    (AttributeError from fit), one ending in '\\r' took the weights of the token without it."""
    X = [["x\r", "was", "seen"], ["x", "was", "seen"], ["a\nb", "was", "seen"]] * 2
    y = [["B-Chemical", "O", "O"], ["O", "O", "O"], ["B-Disease", "O", "O"]] * 2
    tagger = CRFTagger(features="tutorial", max_iterations=30).fit(X, y)
    assert tagger.predict(X[:3]) == y[:3]
    names = {name.decode() for name in tagger.weights_.attributes}
    assert {"lower:x\r", "lower:x", "lower:a\nb"} <= names


@pytest.mark.parametrize("tag", ["B-a\x00b", "I-\ud800"])
def test_a_tag_no_model_label_can_hold_is_refused(tag):
    """CRFsuite cut 'B-a\\x00b' to a label 'B-a' silently, and a lone surrogate was a bare UnicodeEncodeError."""
    with pytest.raises(DataFormatError, match=r"sentence 1: tag .* holds a NUL or a lone surrogate"):
        CRFTagger(max_iterations=5).fit([["x", "y"], ["z"]], [["O", "O"], [tag]])


def test_a_token_holding_nul_trains_and_tags_as_itself():
    """CRFsuite cut the features of 'q\\x00b' at NUL, training them as those of 'q', while tagging read them whole
    (no weights): neither token could be told apart. Now NUL reads as U+FFFD, in training and tagging alike."""
    X = [["q\x00b", "was", "seen"], ["q", "was", "seen"], ["q", "is", "here"]] * 2
    y = [["B-X", "O", "O"], ["O", "O", "O"], ["O", "O", "O"]] * 2
    tagger = CRFTagger(features="tutorial", max_iterations=50).fit(X, y)
    assert tagger.predict(X[:3]) == y[:3]
    assert tagger.predict([["q\x00b"], ["q\ufffdb"]]) == [["B-X"], ["B-X"]]


@pytest.mark.parametrize("n_jobs", [0, "2", 1.5, True, 2000])
def test_n_jobs_that_joblib_or_a_model_file_cannot_take_is_a_parameter_error(fitted, n_jobs):
    """n_jobs=0 was joblib's bare ValueError, and only once enough sentences (fit) or documents (predict) made it start
    workers; a fit of a few sentences passed, and 2000 saved a model that load called damaged. Now both refuse it first."""
    with pytest.raises(ParameterError, match=r"n_jobs must be a whole number from -64 to 1024 other than 0"):
        CRFTagger(n_jobs=n_jobs, max_iterations=5).fit([["Aspirin", "kills"]], [["B-Chemical", "O"]])
    tagger = pickle.loads(pickle.dumps(fitted)).set_params(n_jobs=n_jobs)
    with pytest.raises(ParameterError, match=r"n_jobs must be"):
        tagger.predict([["Aspirin"], ["kills"]], documents=["a", "b"])


def test_a_model_fitted_with_n_jobs_none_saves_and_loads(fitted, tmp_path):
    """scikit-learn's n_jobs=None (one job) was saved as null, which load refused as damaged metadata."""
    tagger = pickle.loads(pickle.dumps(fitted)).set_params(n_jobs=None)
    loaded = CRFTagger.load(tagger.save(tmp_path / "model"))
    assert loaded.n_jobs == 1 and loaded.predict([["Aspirin"]]) == fitted.predict([["Aspirin"]])


def test_fitting_a_loaded_model_forgets_the_file_it_came_from(fitted, small_train, tmp_path):
    """``metadata_`` is what the loaded file said; a tagger fitted again kept it, describing the old training."""
    loaded = CRFTagger.load(fitted.save(tmp_path / "model"))
    assert loaded.metadata_["training"]["corpus"] == "bc5cdr:train[:800]"
    X, y = small_train
    loaded.set_params(max_iterations=3).fit(X[:50], y[:50], corpus="fifty")
    assert not hasattr(loaded, "metadata_")
    assert CRFTagger.load(loaded.save(tmp_path / "again")).metadata_["training"]["corpus"] == "fifty"
