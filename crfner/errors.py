"""crfner's own exceptions: errors a user can cause, each with a one-line message, and the small
checks those messages share."""

from __future__ import annotations

import os


class CrfnerError(Exception):
    """Base class of every error a user can cause; the command line exits 2 on these."""


class DataFormatError(CrfnerError, ValueError):
    """Malformed input data; names the file, the line and the problem."""

    def __init__(self, problem: str, path: str | os.PathLike | None = None, line: int | None = None):
        self.problem = problem
        self.path = None if path is None else str(path)
        self.line = line
        where = self.path or "<input>"
        if line is not None:
            where = f"{where}, line {line}"
        # one line, and short: a problem quoting a megabyte token is cut (the quoters use excerpt())
        problem = problem if len(problem) <= 2000 else problem[:2000] + "\u2026"
        super().__init__(f"{where}: {problem}")

    def __reduce__(self):
        # rebuilt from its parts, not from its message: a worker process's error (joblib) reads as raised
        return type(self), (self.problem, self.path, self.line)


class CorpusNotFoundError(CrfnerError, LookupError):
    """A corpus, or one of its splits, is neither available locally nor from the hub."""


class FeatureSetError(CrfnerError, ValueError):
    """A feature set cannot be found or is declared wrongly."""


class ParameterError(CrfnerError, ValueError):
    """An estimator parameter (a training parameter such as ``c1``) out of its range; raised by ``fit``."""


class ModelFileError(CrfnerError, OSError):
    """A model directory is missing, damaged, foreign, or of a format this version cannot read."""


def excerpt(value, limit: int = 200) -> str:
    """``repr(value)`` for an error message, at most ``limit`` characters of it (then an
    ellipsis), so a message quoting a huge token or tag stays one short line."""
    text = repr(value if not isinstance(value, str) or len(value) <= limit else value[:limit])
    if isinstance(value, str) and len(value) > limit:
        text += f"\u2026 ({len(value)} characters)"
    return text if len(text) <= limit + 40 else text[:limit] + "\u2026"


def is_whole(value) -> bool:
    """Whether ``value`` is an int and no bool: JSON's ``true`` and TOML's ``true`` are no count or offset."""
    return isinstance(value, int) and not isinstance(value, bool)


def __getattr__(name: str):
    """``NotFittedError``, made on first use: it subclasses scikit-learn's, whose import takes
    a second, which ``crfner --help`` and the readers should not pay."""
    if name != "NotFittedError":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from sklearn.exceptions import NotFittedError as SklearnNotFittedError

    class NotFittedError(CrfnerError, SklearnNotFittedError):
        """The estimator is used before ``fit`` or ``load`` (also scikit-learn's NotFittedError,
        an AttributeError and a ValueError)."""

    NotFittedError.__module__, NotFittedError.__qualname__ = __name__, "NotFittedError"  # picklable
    globals()["NotFittedError"] = NotFittedError
    return NotFittedError


class ConfigError(CrfnerError, ValueError):
    """A benchmark configuration file is missing, not valid TOML, or declares something wrongly."""


class FeaturizationChangedWarning(UserWarning):
    """A loaded model's probe document featurizes otherwise than when the model was saved: this
    crfner's feature code differs from the one that trained it, so its tags may differ from
    those its scores were measured on (:mod:`crfner.featurize.probe`)."""
