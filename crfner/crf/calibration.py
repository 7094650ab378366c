"""A model's score calibration: a monotone map from the CRF's entity probability to the share of
entities of that probability found right (exactly their span and type) on annotated documents.
The CRF's probabilities run high on text unlike its training data; a calibrated score reads as
an estimate of precision, so a ``--min-score`` is a precision to aim at on text like the
calibration documents.

Two maps, both fitted with scikit-learn: Platt scaling (``"platt"``, the default: a logistic
regression on the score's log-odds, Platt 1999), strictly increasing, so it keeps the scores'
order and has no steps, and isotonic regression (``"isotonic"``, Zadrozny and Elkan 2002), which assumes no
shape but pools scores into steps. Either can be fitted per entity type (:class:`TypedCalibration`),
since types differ in how far their scores run high. Stored in ``crfner.json`` as a few numbers
(no pickle) and checked on loading."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from ..errors import CrfnerError, ModelFileError
from ..schemes import is_valid_tag, split_tag

__all__ = ["METHODS", "PER_TYPE_MIN", "IsotonicCalibration", "PlattCalibration", "TypedCalibration", "calibration_from_dict",
           "fit_score_calibration"]

METHODS = ("platt", "isotonic")
_MAX_POINTS = 100_000  # a stored isotonic map longer than this is no map a fit gave
_EDGE = 1e-7  # scores are clipped to [_EDGE, 1 - _EDGE] before their log-odds are taken
_MAX_TYPES = 10_000  # a stored per-type map with more types than this is no map a fit gave
#: The entities of a type, in the calibration documents, that a per-type fit needs to give the
#: type a map of its own (set before any run; benchmarks/calibrated_scores.py).
PER_TYPE_MIN = 30


def _log_odds(scores) -> np.ndarray:
    p = np.clip(np.asarray(scores, dtype=float), _EDGE, 1 - _EDGE)
    return np.log(p) - np.log1p(-p)


@dataclass(frozen=True)
class PlattCalibration:
    """``1 / (1 + exp(-(slope * log-odds(score) + intercept)))``, with ``slope`` above 0 so that
    a higher score stays higher; ``fitted_on`` says on what (documents, entities, right)."""

    slope: float
    intercept: float
    fitted_on: dict = field(default_factory=dict, compare=False)
    method = "platt"

    def __call__(self, scores, tags=None) -> np.ndarray:
        """The calibrated value of each of ``scores`` (``tags``, each score's tag, are for
        :class:`TypedCalibration`'s sake)."""
        from scipy.special import expit  # scikit-learn's own dependency; no overflow warning at the ends

        return expit(self.slope * _log_odds(scores) + self.intercept)

    def to_dict(self) -> dict:
        return {"method": self.method, "slope": self.slope, "intercept": self.intercept, "fitted_on": dict(self.fitted_on)}


@dataclass(frozen=True)
class IsotonicCalibration:
    """``scores`` (strictly increasing, in [0, 1]) mapped to ``probabilities`` (non-decreasing, in
    [0, 1]), linear between its points and flat beyond its ends, as scikit-learn's
    ``IsotonicRegression`` predicts."""

    scores: tuple[float, ...]
    probabilities: tuple[float, ...]
    fitted_on: dict = field(default_factory=dict, compare=False)
    method = "isotonic"

    def __call__(self, scores, tags=None) -> np.ndarray:
        return np.interp(np.asarray(scores, dtype=float), self.scores, self.probabilities)

    def to_dict(self) -> dict:
        return {"method": self.method, "scores": list(self.scores), "probabilities": list(self.probabilities),
                "fitted_on": dict(self.fitted_on)}


@dataclass(frozen=True)
class TypedCalibration:
    """A map per entity type (``by_type``, type name -> map) and ``pooled``, fitted on every
    entity, for the types without one; ``method`` and ``fitted_on`` are the pooled map's."""

    pooled: PlattCalibration | IsotonicCalibration
    by_type: dict = field(default_factory=dict)

    @property
    def method(self) -> str:
        return self.pooled.method

    @property
    def fitted_on(self) -> dict:
        return self.pooled.fitted_on

    def __call__(self, scores, tags=None) -> np.ndarray:
        """The calibrated value of each of ``scores``, by the map of the type its tag in ``tags``
        names (``B-Dosage``: ``Dosage``'s); without ``tags``, the pooled map's."""
        scores = np.asarray(scores, dtype=float)
        out = self.pooled(scores)
        if tags is None or not self.by_type or not len(scores):
            return out
        unique, which = np.unique(np.asarray(tags, dtype=str), return_inverse=True)
        for k, tag in enumerate(unique.tolist()):
            chosen = self.by_type.get(split_tag(tag)[1]) if is_valid_tag(tag) else None
            if chosen is not None:
                mask = which == k
                out[mask] = chosen(scores[mask])
        return out

    def to_dict(self) -> dict:
        return {**self.pooled.to_dict(), "by_type": {t: m.to_dict() for t, m in sorted(self.by_type.items())}}


def calibration_from_dict(data, where: str, typed: bool = True) -> PlattCalibration | IsotonicCalibration | TypedCalibration:
    """The map stored as its ``to_dict`` writes it; ``ModelFileError`` naming ``where`` for
    anything else (an unknown method, numbers out of range or out of order, a per-type map
    within a per-type map)."""
    def fail(problem: str):
        return ModelFileError(f"{where}: damaged metadata (score_calibration {problem})")

    if isinstance(data, dict) and "by_type" in data:
        by_type = data["by_type"]
        if not typed or not isinstance(by_type, dict) or len(by_type) > _MAX_TYPES:
            raise fail("by_type must be an object of type names and their maps, at the top level only")
        if not all(isinstance(t, str) and t and t == t.strip() for t in by_type):
            raise fail("by_type's keys must be entity type names")
        pooled = calibration_from_dict({k: v for k, v in data.items() if k != "by_type"}, where, typed=False)
        return TypedCalibration(pooled, {t: calibration_from_dict(m, where, typed=False) for t, m in by_type.items()})

    def number(value) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

    if not isinstance(data, dict) or data.get("method") not in METHODS or not isinstance(data.get("fitted_on", {}), dict):
        raise fail(f"must be an object with a method ({' or '.join(METHODS)}) and its numbers")
    fitted_on = dict(data.get("fitted_on", {}))
    if data["method"] == "platt":
        slope, intercept = data.get("slope"), data.get("intercept")
        if not (number(slope) and number(intercept) and 0 < slope <= 1e3 and abs(intercept) <= 1e3):
            raise fail("needs a slope above 0 and an intercept, finite numbers")
        return PlattCalibration(float(slope), float(intercept), fitted_on)
    scores, probabilities = data.get("scores"), data.get("probabilities")
    if not (isinstance(scores, list) and isinstance(probabilities, list) and 0 < len(scores) == len(probabilities) <= _MAX_POINTS):
        raise fail("needs two lists of numbers of the same length")
    if not all(number(v) and 0 <= v <= 1 for v in scores + probabilities):
        raise fail("holds values that are not numbers from 0 to 1")
    if any(b <= a for a, b in pairwise(scores)) or any(b < a for a, b in pairwise(probabilities)):
        raise fail("must map increasing scores to non-decreasing probabilities")
    return IsotonicCalibration(tuple(map(float, scores)), tuple(map(float, probabilities)), fitted_on)


def fit_score_calibration(scores, right, method: str = "platt", fitted_on: dict | None = None, types=None,
                          shrinkage: float = 0.0):
    """The ``method`` map (:data:`METHODS`) from entity ``scores`` to whether each entity was
    ``right`` (bools); a ``CrfnerError`` when there is nothing to learn from (no entity, every
    entity with one score, all right or all wrong, or scores that do not rank rightness). With
    ``types`` (each entity's type), a :class:`TypedCalibration`: a map of its own for each type
    with :data:`PER_TYPE_MIN` entities or more, some right and some wrong, whose scores rank
    rightness, and the pooled map for the others. ``shrinkage`` (Platt only) pulls each type's
    slope and intercept toward the pooled map's: a penalty of ``shrinkage / 2`` times their squared
    distance, against the type's summed log-loss, so a type with few entities keeps near the pool."""
    if not (isinstance(shrinkage, (int, float)) and not isinstance(shrinkage, bool) and math.isfinite(shrinkage) and shrinkage >= 0):
        raise CrfnerError(f"shrinkage is a number from 0 up, not {shrinkage!r}")
    if shrinkage and method != "platt":
        raise CrfnerError("shrinkage pulls per-type Platt maps toward the pooled one; the isotonic method has no parameters to pull")
    pooled = _fit(scores, right, method, fitted_on)
    if types is None:
        return pooled
    types = np.asarray(types, dtype=object)
    right = np.asarray(right, dtype=bool)
    if types.shape != right.shape:
        raise CrfnerError("a per-type score calibration needs one type per score")
    scores = np.asarray(scores, dtype=float)
    by_type = {}
    for name in sorted(set(types.tolist())):
        inside = types == name
        if inside.sum() >= PER_TYPE_MIN:
            try:
                by_type[name] = (_fit(scores[inside], right[inside], method, {"type": name}) if not shrinkage else
                                 _fit_toward(pooled, scores[inside], right[inside], shrinkage, {"type": name, "shrinkage": shrinkage}))
            except CrfnerError:  # all right or all wrong, one score for all, or scores that do not rank: the pooled map
                pass
    return TypedCalibration(pooled, by_type)


def _checked(scores, right, method: str, fitted_on: dict | None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Scores and judgements as arrays, refused when there is nothing to learn from, and what the
    map records it was fitted on."""
    x = np.clip(np.asarray(scores, dtype=float), 0.0, 1.0)  # a probability a rounding above 1 is 1
    y = np.asarray(right, dtype=bool)
    if x.shape != y.shape or x.ndim != 1:
        raise CrfnerError("a score calibration needs one right-or-wrong judgement per score")
    if len(np.unique(x)) < 2 or y.all() or not y.any():
        raise CrfnerError(f"too little to calibrate scores on: {len(x)} entities, {len(np.unique(x))} distinct "
                          f"scores, {int(y.sum())} right; it needs entities of several scores, some right and some wrong")
    return x, y, {"method": method, "entities": len(x), "right": int(y.sum()), **(fitted_on or {})}


def _platt(slope: float, intercept: float, fitted_on: dict) -> PlattCalibration:
    """A fitted Platt map, refused when its slope would turn the scores upside down."""
    if not 0 < slope <= 1e3:
        raise CrfnerError(f"the scores do not rank rightness on these documents (Platt slope {slope:.3g}); "
                          "calibrating on them would turn the scores upside down")
    return PlattCalibration(slope, intercept, fitted_on)


def _fit(scores, right, method: str, fitted_on: dict | None):
    if method not in METHODS:
        raise CrfnerError(f"no calibration method {method!r} (methods: {', '.join(METHODS)})")
    x, y, fitted_on = _checked(scores, right, method, fitted_on)
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        model = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip").fit(x, y.astype(float))
        probabilities = np.clip(np.maximum.accumulate(model.y_thresholds_), 0.0, 1.0)  # monotone to the last bit
        return IsotonicCalibration(tuple(model.X_thresholds_.tolist()), tuple(probabilities.tolist()), fitted_on)
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1e6).fit(_log_odds(x)[:, None], y)  # all but unregularised, as Platt's fit
    return _platt(float(model.coef_[0, 0]), float(model.intercept_[0]), fitted_on)


def _fit_toward(pooled: PlattCalibration, scores, right, shrinkage: float, fitted_on: dict) -> PlattCalibration:
    """A Platt map for ``scores`` whose slope and intercept are penalised by ``shrinkage / 2``
    times their squared distance from ``pooled``'s (a Gaussian prior centred on the pool)."""
    from scipy.optimize import minimize
    from scipy.special import expit

    x, y, fitted_on = _checked(scores, right, "platt", fitted_on)
    z, target = _log_odds(x), y.astype(float)
    start = np.array([pooled.slope, pooled.intercept])

    def loss(params):
        logits = params[0] * z + params[1]
        gap = params - start
        residual = expit(logits) - target
        value = float(np.sum(np.logaddexp(0.0, logits) - target * logits) + shrinkage / 2 * gap @ gap)
        return value, np.array([residual @ z, residual.sum()]) + shrinkage * gap

    slope, intercept = (float(v) for v in minimize(loss, start, jac=True, method="L-BFGS-B").x)
    return _platt(slope, intercept, fitted_on)
