"""A model's score calibration: a monotone map from the CRF's entity probability to the share of
entities of that probability found right (exactly their span and type) on annotated documents.
The CRF's probabilities run high on text unlike its training data; a calibrated score reads as
an estimate of precision, so a ``--min-score`` is a precision to aim at on text like the
calibration documents.

Two maps, both fitted with scikit-learn: Platt scaling (``"platt"``, the default: a logistic
regression on the score's log-odds, Platt 1999), strictly increasing, so it keeps the scores'
order and has no steps, and isotonic regression (``"isotonic"``, Zadrozny and Elkan 2002), which assumes no
shape but pools scores into steps. Stored in ``crfner.json`` as a few numbers (no pickle) and
checked on loading."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from ..errors import CrfnerError, ModelFileError

__all__ = ["METHODS", "IsotonicCalibration", "PlattCalibration", "calibration_from_dict", "fit_score_calibration"]

METHODS = ("platt", "isotonic")
_MAX_POINTS = 100_000  # a stored isotonic map longer than this is no map a fit gave
_EDGE = 1e-7  # scores are clipped to [_EDGE, 1 - _EDGE] before their log-odds are taken


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

    def __call__(self, scores) -> np.ndarray:
        """The calibrated value of each of ``scores``."""
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

    def __call__(self, scores) -> np.ndarray:
        return np.interp(np.asarray(scores, dtype=float), self.scores, self.probabilities)

    def to_dict(self) -> dict:
        return {"method": self.method, "scores": list(self.scores), "probabilities": list(self.probabilities),
                "fitted_on": dict(self.fitted_on)}


def calibration_from_dict(data, where: str) -> PlattCalibration | IsotonicCalibration:
    """The map stored as its ``to_dict`` writes it; ``ModelFileError`` naming ``where`` for
    anything else (an unknown method, numbers out of range or out of order)."""
    def fail(problem: str):
        return ModelFileError(f"{where}: damaged metadata (score_calibration {problem})")

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


def fit_score_calibration(scores, right, method: str = "platt", fitted_on: dict | None = None):
    """The ``method`` map (:data:`METHODS`) from entity ``scores`` to whether each entity was
    ``right`` (bools); a ``CrfnerError`` when there is nothing to learn from (no entity, every
    entity with one score, all right or all wrong, or scores that do not rank rightness)."""
    if method not in METHODS:
        raise CrfnerError(f"no calibration method {method!r} (methods: {', '.join(METHODS)})")
    x = np.clip(np.asarray(scores, dtype=float), 0.0, 1.0)  # a probability a rounding above 1 is 1
    y = np.asarray(right, dtype=bool)
    if x.shape != y.shape or x.ndim != 1:
        raise CrfnerError("a score calibration needs one right-or-wrong judgement per score")
    if len(np.unique(x)) < 2 or y.all() or not y.any():
        raise CrfnerError(f"too little to calibrate scores on: {len(x)} entities, {len(np.unique(x))} distinct "
                          f"scores, {int(y.sum())} right; it needs entities of several scores, some right and some wrong")
    fitted_on = {"method": method, "entities": len(x), "right": int(y.sum()), **(fitted_on or {})}
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        model = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip").fit(x, y.astype(float))
        probabilities = np.clip(np.maximum.accumulate(model.y_thresholds_), 0.0, 1.0)  # monotone to the last bit
        return IsotonicCalibration(tuple(model.X_thresholds_.tolist()), tuple(probabilities.tolist()), fitted_on)
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1e6).fit(_log_odds(x)[:, None], y)  # all but unregularised, as Platt's fit
    slope, intercept = float(model.coef_[0, 0]), float(model.intercept_[0])
    if not 0 < slope <= 1e3:
        raise CrfnerError(f"the scores do not rank rightness on these documents (Platt slope {slope:.3g}); "
                          "calibrating on them would turn the scores upside down")
    return PlattCalibration(slope, intercept, fitted_on)
