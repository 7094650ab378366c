"""crfner's own exceptions: errors a user can cause, each with a one-line message."""

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
        super().__init__(f"{where}: {problem}")


class CorpusNotFoundError(CrfnerError, LookupError):
    """A corpus, or one of its splits, is neither available locally nor from the hub."""


class FeatureSetError(CrfnerError, ValueError):
    """A feature set cannot be found or is declared wrongly."""


class ModelFileError(CrfnerError, OSError):
    """A model directory is missing, damaged, foreign, or of a format this version cannot read."""


class NotFittedError(CrfnerError, AttributeError):
    """The estimator is used before ``fit`` or ``load``."""


class ConfigError(CrfnerError, ValueError):
    """A benchmark configuration file is missing, not valid TOML, or declares something wrongly."""
