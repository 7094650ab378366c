"""TransformerTagger's constructor parameters: the checks ``fit`` runs on them and the error
a bad value raises (a ValueError, as scikit-learn expects)."""

from __future__ import annotations

from ..errors import CrfnerError


class TransformerParameterError(CrfnerError, ValueError):
    """A TransformerTagger parameter has a value it cannot work with."""


def check_params(tagger) -> None:
    """Raise TransformerParameterError for the first parameter of ``tagger`` out of range."""

    def whole(name: str, low: int) -> None:
        value = getattr(tagger, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise TransformerParameterError(f"{name} must be a whole number >= {low}, not {value!r}")

    whole("max_length", 3)
    if tagger.stride is not None:
        whole("stride", 0)
    whole("epochs", 1)
    whole("batch_size", 1)
    whole("patience", 0)
    whole("seed", 0)
    if tagger.stride is not None and tagger.stride > (tagger.max_length - 2) // 2:
        half = (tagger.max_length - 2) // 2
        raise TransformerParameterError(f"stride={tagger.stride} must be at most (max_length - 2) // 2 = {half}")
    for name in ("learning_rate", "weight_decay", "warmup_ratio"):
        value = getattr(tagger, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise TransformerParameterError(f"{name} must be a number >= 0, not {value!r}")
    if tagger.warmup_ratio > 1:
        raise TransformerParameterError(f"warmup_ratio must be between 0 and 1, not {tagger.warmup_ratio!r}")
    budget = tagger.max_train_seconds
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, (int, float)) or budget <= 0):
        raise TransformerParameterError(f"max_train_seconds must be a positive number or None, not {budget!r}")
