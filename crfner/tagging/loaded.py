"""Models and linkers for batch tagging, loaded once per process; a task run in a worker process
loads its model keeping what the load warns about it, to hand back to the caller, which shows it
once (a run's workers would otherwise each print it, in Python's own format)."""

from __future__ import annotations

import threading
import warnings

from ..errors import FeaturizationChangedWarning

_TAGGERS: dict[tuple, object] = {}  # (model directory, data folder) -> loaded tagger
_LINKERS: dict[str, object] = {}  # linker directory -> loaded linker
_LOADING = threading.Lock()  # held by load_keeping_notices, whose warning filters are the process's


def tagger(model: str, data_dir: str | None = None):
    """The model saved in ``model`` (loaded once per process), its gazetteers found in the data
    folder ``data_dir`` (``--data-dir``) where their recorded paths no longer hold them."""
    found = _TAGGERS.get((model, data_dir))
    if found is None:
        from ..crf.model import CRFModel

        found = _TAGGERS[model, data_dir] = CRFModel.load(model, data_dir=data_dir)
    return found


def load_keeping_notices(model: str, data_dir: str | None = None) -> list[str]:
    """Load the model as :func:`tagger` does, unless this process has it; the messages of the
    FeaturizationChangedWarnings that load gave (other warnings go on as usual)."""
    with _LOADING:  # one load at a time where a worker runs tasks in threads (dask's)
        if (model, data_dir) in _TAGGERS:
            return []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tagger(model, data_dir)
    notices = []
    for warning in caught:
        if issubclass(warning.category, FeaturizationChangedWarning):
            notices.append(str(warning.message))
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return notices


def linker(path: str | None):
    """The linker saved in the directory ``path`` (loaded once per process), or None."""
    if path is None:
        return None
    found = _LINKERS.get(path)
    if found is None:
        from ..link import Linker

        found = _LINKERS[path] = Linker.load(path)
    return found
