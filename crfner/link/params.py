"""The Linker's settings, checked when it is fitted and when ``set_params`` changes them, and its
fitted state, checked when it is used: else a bad setting surfaces as a saved linker its own
``load`` refuses, a score of 1.0 for any string, or an AttributeError."""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Mapping

from ..errors import ParameterError
from .aliases import check_type_aliases

FLAGS = ("abbreviations", "composites", "heads", "broader")


def check_linker_params(linker) -> None:
    """Raise :class:`ParameterError` unless ``threshold`` is None or a number from 0 to 1,
    ``ngram_range`` two whole numbers ``1 <= low <= high <= 10`` (what a saved linker may
    hold), and the stage switches are True or False."""
    check_settings({name: getattr(linker, name) for name in ("threshold", "ngram_range", *FLAGS)})


def check_settings(settings: Mapping) -> None:
    """:func:`check_linker_params` for those of the settings ``settings`` holds (a saved linker's)."""
    threshold = settings.get("threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, Real)
                                  or not _finite(threshold) or not 0 <= threshold <= 1):
        raise ParameterError(f"threshold must be None or a number from 0 to 1, not {threshold!r}")
    if "ngram_range" in settings:
        ngram_range = settings["ngram_range"]
        if (not isinstance(ngram_range, (tuple, list)) or len(ngram_range) != 2
                or not all(isinstance(n, Integral) and not isinstance(n, bool) for n in ngram_range)
                or not 1 <= ngram_range[0] <= ngram_range[1] <= 10):
            raise ParameterError(f"ngram_range must be (low, high), whole numbers with 1 <= low <= high <= 10, not {ngram_range!r}")
    for name in FLAGS:
        if name in settings and not isinstance(settings[name], bool):
            raise ParameterError(f"{name} must be True or False, not {settings[name]!r}")


def check_new_params(linker, params: Mapping) -> None:
    """What ``set_params`` checks before it sets anything: a name the linker has, a setting fit
    accepts and, on a fitted linker, type aliases naming its types. A fitted linker links with a
    new setting at once, so a threshold of -1 would link any string that shares an n-gram with a
    name, and "0.5" would raise a TypeError at the first link."""
    for name in params:
        if name not in linker.get_params():
            raise ParameterError(f"Linker has no parameter {name!r}")
    check_settings(params)
    if "type_aliases" in params and hasattr(linker, "types_"):
        check_type_aliases(params["type_aliases"], linker.types_)


def _finite(number: Real) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # an integer too large for a float
        return False


def check_fitted(linker, use: str) -> None:
    """Raise :class:`NotFittedError` unless ``linker`` has been fitted or loaded."""
    if not hasattr(linker, "tables_"):
        from ..errors import NotFittedError  # made on first use: it subclasses scikit-learn's

        raise NotFittedError(f"this Linker is not fitted yet; call fit() or Linker.load() before {use}")
