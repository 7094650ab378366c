"""CRFTagger against scikit-learn's estimator contract: its tags say it takes token lists and
string tags, its NotFittedError is scikit-learn's, and ``check_estimator`` passes every
check that applies to an estimator of token lists (the others are listed with the reason)."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import sklearn.exceptions
from sklearn.base import clone
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import check_estimator
from sklearn.utils.validation import check_is_fitted

from crfner import CRFTagger, DataFormatError
from crfner.errors import CrfnerError, NotFittedError

X = [["Aspirin", "reduces", "pain", "."], ["Ibuprofen", "and", "naproxen", "help", "."], ["Pain", "persists", "."]]
y = [["B-Drug", "O", "O", "O"], ["B-Drug", "O", "B-Drug", "O", "O"], ["O", "O", "O"]]

NUMERIC = "fits or predicts on a numeric matrix; CRFTagger takes lists of token lists and refuses it with DataFormatError"
# Every check scikit-learn runs that does not apply to an estimator of token lists, and why.
NOT_APPLICABLE = {
    name: NUMERIC
    for name in (
        "check_fit_score_takes_y", "check_estimators_overwrite_params", "check_dont_overwrite_parameters",
        "check_estimators_fit_returns_self", "check_readonly_memmap_input", "check_n_features_in_after_fitting",
        "check_estimators_dtypes", "check_pipeline_consistency", "check_estimators_pickle", "check_dtype_object",
        "check_f_contiguous_array_estimator", "check_methods_sample_order_invariance",
        "check_methods_subset_invariance", "check_dict_unchanged", "check_fit_idempotent", "check_fit_check_is_fitted",
        "check_n_features_in", "check_fit2d_predict1d",
    )
} | {
    "check_positive_only_tag_during_fit": "feeds negative numbers as X: a token list holds strings, no sign",
    "check_complex_data": "expects numpy's complex-number message; complex numbers are no tokens either",
    "check_estimators_empty_data_messages": "expects the message of a matrix with 0 features; X has no features",
    "check_estimators_nan_inf": "feeds NaN and inf in a numeric matrix; tokens are strings",
    "check_estimator_sparse_tag": "fits sparse matrices; tokens are strings",
    "check_estimator_sparse_array": "fits sparse arrays; tokens are strings",
    "check_estimator_sparse_matrix": "fits sparse matrices; tokens are strings",
    "check_fit2d_1sample": "expects a message about one sample of a numeric matrix",
    "check_fit2d_1feature": "expects a message about one feature of a numeric matrix",
    "check_requires_y_none": "fits a numeric matrix with y=None; the error is about X, which is refused first",
}


class _AsIfNumeric(CRFTagger):
    """CRFTagger claiming numeric 2-D input: scikit-learn skips every check of an estimator
    that does not take 2-D arrays, so this runs them all; the NOT_APPLICABLE ones fail."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        return tags


def test_tags_declare_token_lists_and_string_tags():
    tags = get_tags(CRFTagger())
    assert tags.input_tags.two_d_array is False and tags.input_tags.string is True
    assert tags.target_tags.required is True and tags.target_tags.single_output is False
    assert tags.requires_fit is True
    with pytest.warns(sklearn.exceptions.SkipTestWarning, match="Can't test estimator CRFTagger"):
        results = check_estimator(CRFTagger(), on_fail=None)
    assert [(r["check_name"], r["status"]) for r in results] == [("check_estimator_cloneable", "passed")]


def test_check_estimator_passes_every_check_that_applies():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(_AsIfNumeric(max_iterations=2), expected_failed_checks=NOT_APPLICABLE, on_fail=None)
    status = {}
    for r in results:
        status.setdefault(r["check_name"], set()).add(r["status"])
    failed = {name: s for name, s in status.items() if name not in NOT_APPLICABLE and not s <= {"passed", "skipped"}}
    assert failed == {}
    passing_now = {name for name in NOT_APPLICABLE if status.get(name, {"xfail"}) != {"xfail"}}
    assert passing_now == set(), "checks that pass now: take them off NOT_APPLICABLE"
    for name in ("check_get_params_invariance", "check_set_params", "check_estimator_cloneable",
                 "check_no_attributes_set_in_init", "check_estimators_unfitted", "check_parameters_default_constructible",
                 "check_do_not_raise_errors_in_init_or_set_params", "check_estimator_repr", "check_mixin_order"):
        assert status[name] == {"passed"}, name


def test_not_fitted_error_is_scikit_learns_and_crfners():
    assert issubclass(NotFittedError, sklearn.exceptions.NotFittedError)
    assert issubclass(NotFittedError, CrfnerError) and issubclass(NotFittedError, AttributeError)
    with pytest.raises(sklearn.exceptions.NotFittedError, match="not fitted"):
        CRFTagger().predict(X)
    with pytest.raises(sklearn.exceptions.NotFittedError):
        check_is_fitted(CRFTagger())
    error = pickle.loads(pickle.dumps(NotFittedError("not fitted")))
    assert type(error) is NotFittedError and str(error) == "not fitted"


def test_the_fit_checks_pass_on_token_lists():
    """What check_estimator's fit checks assert, on the data CRFTagger takes."""
    tagger = CRFTagger(features="tutorial", max_iterations=5)
    params = tagger.get_params()
    public_before = {k for k in vars(tagger) if not k.startswith("_")}
    assert tagger.fit(X, y) is tagger                                       # fit returns self
    assert tagger.get_params() == params                                    # parameters untouched
    added = {k for k in vars(tagger) if not k.startswith("_")} - public_before
    assert added and all(k.endswith("_") for k in added)                    # fitted state ends in "_"
    check_is_fitted(tagger)
    predicted = tagger.predict(X)
    assert tagger.fit(X, y).predict(X) == predicted                         # fitting again: same model
    assert pickle.loads(pickle.dumps(tagger)).predict(X) == predicted
    fresh = clone(tagger)
    assert fresh.get_params() == params and not hasattr(fresh, "weights_")
    with pytest.raises(NotFittedError):
        fresh.predict(X)


@pytest.mark.parametrize("bad", [np.arange(5), np.zeros((3, 2)), np.zeros((2, 2, 2)), [1, 2], 5, None, "a b"])
def test_numeric_or_other_x_is_a_data_format_error(bad):
    with pytest.raises(DataFormatError, match="X must be a list of token lists"):
        CRFTagger(max_iterations=2).fit(bad, np.arange(5))


@pytest.mark.parametrize("bad", [np.arange(3), None, 5, [1, 2, 3], "O O O"])
def test_bad_y_is_a_data_format_error(bad):
    with pytest.raises(DataFormatError, match="y must be a list of tag lists"):
        CRFTagger(max_iterations=2).fit(X, bad)


def test_numeric_x_in_predict_is_a_data_format_error():
    tagger = CRFTagger(max_iterations=2).fit(X, y)
    for bad in (np.arange(5), np.zeros((3, 2))):
        with pytest.raises(DataFormatError, match="X must be a list of token lists"):
            tagger.predict(bad)
