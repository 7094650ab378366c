"""Training a CRF with CRFsuite (through sklearn-crfsuite), and the checks of what it is
given. CRFsuite is used here only: its binary is read once, by :meth:`CRFWeights.from_model`,
into the weights that tagging and model files use."""

from __future__ import annotations

import hashlib
import json
import numbers
import os
import re
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import DataFormatError, ModelFileError, ParameterError, excerpt
from ..schemes import is_valid_tag
from .decoding import CRFWeights

# Used only where neither the feature set nor the caller names a value.
FALLBACK_TRAINING = {
    "algorithm": "lbfgs",
    "c1": 0.1,
    "c2": 0.1,
    "max_iterations": 100,
    "all_possible_transitions": True,
}
REGULARISED = {"lbfgs": {"c1", "c2"}, "l2sgd": {"c2"}}
# What no CRFsuite label or feature can hold: it cuts a name at NUL, and UTF-8 has no lone surrogate.
_UNKEPT = re.compile("[\x00\ud800-\udfff]")


def check_training_params(params: dict) -> dict:
    """``params`` checked as a feature set's ``[training]`` table is (numpy scalars taken as
    Python numbers): a ParameterError naming the parameter for ``c1=-5``, ``c2=inf``, ``nan``,
    ``max_iterations=0`` or an unknown algorithm, before any work is done."""
    from ..featurize.schema import TRAINING_OPTIONS

    checked = {}
    for key, value in params.items():
        plain = value
        if isinstance(value, np.bool_):
            plain = bool(value)
        elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
            plain = int(value)
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            plain = float(value)
        try:
            checked[key] = TRAINING_OPTIONS[key](plain) if key in TRAINING_OPTIONS else plain
        except ValueError as error:
            raise ParameterError(f"training parameter {key}={value!r}: {error}") from None
    return checked


def storable_n_jobs(n_jobs) -> bool:
    """Whether ``n_jobs`` is a whole number from -64 to 1024 but 0 (joblib's count, -1 every CPU):
    what a saved model may hold (:func:`.metadata.checked_metadata`)."""
    return isinstance(n_jobs, numbers.Integral) and not isinstance(n_jobs, bool) and -64 <= n_jobs <= 1024 and n_jobs != 0


def check_n_jobs(n_jobs) -> None:
    """A ParameterError unless ``n_jobs`` is None (one) or :func:`storable_n_jobs`, before any work,
    not joblib's error once it starts workers."""
    if n_jobs is not None and not storable_n_jobs(n_jobs):
        raise ParameterError(f"n_jobs must be a whole number from -64 to 1024 other than 0 (-1 for every CPU), not {n_jobs!r}")


def regularised(params: dict, explicit: list[str]) -> dict:
    """``params`` without the c1 and c2 its algorithm does not take (a feature set's own are
    dropped quietly); one of those in ``explicit``, passed as an argument, is a ParameterError
    rather than silently ignored."""
    allowed = REGULARISED.get(params["algorithm"], set())
    given = [k for k in explicit if k not in allowed]
    if given:
        raise ParameterError(f"{' and '.join(given)} {'does' if len(given) == 1 else 'do'} not apply to algorithm "
                             f"{params['algorithm']!r} (it takes {', '.join(sorted(allowed)) or 'neither c1 nor c2'})")
    if params["algorithm"] == "l2sgd" and params.get("c2") == 0:
        # CRFsuite sets SGD's step size from the L2 term: with none it diverges to weights that are no numbers.
        raise ParameterError("algorithm 'l2sgd' needs c2 above 0 (its step size is set from the L2 term; "
                             "for no regularisation use lbfgs with c1=0, c2=0)")
    return {k: v for k, v in params.items() if k not in ("c1", "c2") or k in allowed}


def progress_trainer(show: bool, total: int):
    """A pycrfsuite trainer class that reports iterations on a progress bar instead of stdout."""
    import pycrfsuite
    from tqdm.auto import tqdm

    class ProgressTrainer(pycrfsuite.Trainer):
        def __init__(self, algorithm=None, params=None, verbose=False):
            super().__init__(algorithm=algorithm, params=params, verbose=True)
            self._bar = None

        def on_start(self, log):
            self._bar = tqdm(total=total, desc="training CRF", unit="iter", disable=not show, leave=False)

        def on_iteration(self, log, info):
            if self._bar is not None:
                self._bar.update(1)
                self._bar.set_postfix(loss=f"{info.get('loss', 0):.1f}", refresh=False)

        def on_end(self, log):
            if self._bar is not None:
                self._bar.close()

        on_featgen_progress = on_featgen_end = on_prepared = on_prepare_error = on_optimization_end = (
            lambda self, *args: None
        )

    return ProgressTrainer


def check_tokens(X, name: str = "X") -> None:
    """Raise :class:`DataFormatError` unless ``X`` is a list of token-string lists."""
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise DataFormatError(f"{name} must be a list of token lists")
    for index, tokens in enumerate(X):
        if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
            raise DataFormatError(f"{name}[{index}] must be a list of token strings")


def kept_tokens(X):
    """``X`` with each NUL or lone surrogate in a token replaced by U+FFFD (same length), as raw-text
    tagging reads a lone surrogate: a token holding one has the same features in training and tagging."""
    if any(_UNKEPT.search("".join(tokens)) for tokens in X):
        return [[_UNKEPT.sub("\ufffd", token) for token in tokens] for tokens in X]
    return X


def check_tags(X, y) -> None:
    if len(X) != len(y):
        raise DataFormatError(f"{len(X)} sentences but {len(y)} tag lists")
    for index, (tokens, tags) in enumerate(zip(X, y)):
        if len(tokens) != len(tags):
            raise DataFormatError(f"sentence {index}: {len(tokens)} tokens but {len(tags)} tags")
        for tag in tags:
            if not isinstance(tag, str) or not is_valid_tag(tag):
                raise DataFormatError(f"sentence {index}: tag {excerpt(tag)} fits no tagging scheme")
            if _UNKEPT.search(tag) is not None:
                raise DataFormatError(f"sentence {index}: tag {excerpt(tag)} holds a NUL or a lone surrogate, which no model label can")


def data_hash(X: Sequence[Sequence[str]], y: Sequence[Sequence[str]]) -> str:
    """SHA-256 of the training sentences and tags, to tell later which data a model saw."""
    digest = hashlib.sha256()
    for tokens, tags in zip(X, y):
        digest.update(json.dumps([list(tokens), list(tags)], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def train_crfsuite(features: list, tags: list[list[str]], params: dict, verbose: bool) -> tuple[bytes, CRFWeights]:
    """Train CRFsuite on feature lists and tags; its binary model and the weights read from it."""
    import pycrfsuite
    import sklearn_crfsuite

    with tempfile.TemporaryDirectory(prefix="crfner-") as tmp:
        model_path = os.path.join(tmp, "model.crfsuite")
        crf = sklearn_crfsuite.CRF(
            **params, model_filename=model_path, trainer_cls=progress_trainer(verbose, params["max_iterations"])
        )
        crf.fit(features, tags)
        model = Path(model_path).read_bytes()
    tagger = pycrfsuite.Tagger()
    try:
        tagger.open_inmemory(model)
    except ValueError as error:
        raise ModelFileError(f"CRFsuite cannot read the model it trained ({error})") from None
    return model, CRFWeights.from_model(model)
