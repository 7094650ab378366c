"""Models and linkers for batch tagging, loaded once per process, and what a worker process's
load warns about its model, kept to be sent back to the caller, which shows it once (a run's
worker processes would otherwise each print it, in Python's own format)."""

from __future__ import annotations

import threading
import warnings

from ..errors import FeaturizationChangedWarning

_TAGGERS: dict[tuple, object] = {}  # (model directory, data folder) -> loaded tagger
_LINKERS: dict[str, object] = {}  # linker directory -> loaded linker
_IN_WORKER = False  # set by worker_process()
_NOTICES: list[str] = []  # this worker's warnings about its model, not yet sent back
_WORKER_LOAD = threading.Lock()


def worker_process() -> None:
    """Mark this process as a worker: warnings about a model it loads are kept (:func:`take_notices`)."""
    global _IN_WORKER
    _IN_WORKER = True


def take_notices() -> list[str]:
    """The warnings about a model kept since the last call."""
    notices = list(_NOTICES)
    _NOTICES.clear()
    return notices


def tagger(model: str, data_dir: str | None = None):
    """The model saved in ``model`` (loaded once per process), its gazetteers found in the data
    folder ``data_dir`` (``--data-dir``) where their recorded paths no longer hold them."""
    found = _TAGGERS.get((model, data_dir))
    if found is not None:
        return found
    from ..crf.model import CRFModel

    if not _IN_WORKER:
        found = _TAGGERS[model, data_dir] = CRFModel.load(model, data_dir=data_dir)
        return found
    with _WORKER_LOAD:  # one load at a time where a worker runs tasks in threads (dask's)
        found = _TAGGERS.get((model, data_dir))
        if found is None:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                found = _TAGGERS[model, data_dir] = CRFModel.load(model, data_dir=data_dir)
            for warning in caught:
                if issubclass(warning.category, FeaturizationChangedWarning):
                    _NOTICES.append(str(warning.message))
                else:
                    warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return found


def linker(path: str | None):
    """The linker saved in the directory ``path`` (loaded once per process), or None."""
    if path is None:
        return None
    found = _LINKERS.get(path)
    if found is None:
        from ..link import Linker

        found = _LINKERS[path] = Linker.load(path)
    return found
