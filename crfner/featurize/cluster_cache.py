"""A disk cache of learned word clusters, keyed by everything they are learned from.

Clusters learned from millions of tokens of unlabeled text take half a minute; a second fit
on the same sentences with the same settings (a re-run, a grid over c1 and c2, a test suite)
reads the table back instead. The key hashes the sentences, the settings, the library versions
and crfner's own code that learns them (every file of :mod:`crfner.featurize`), so a hit is the
table :func:`learn_clusters` would return.
Tables live in the ``clusters`` folder of the disk cache (:mod:`crfner.featurize.disk_cache`:
``$CRFNER_CACHE_DIR``, ``off`` turns it off). The newest :data:`KEEP` tables are kept.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from collections.abc import Sequence

from ..errors import DataFormatError
from ..source_digest import package_files, source_digest
from . import disk_cache
from .clusters import ClusterError, ClusterTable, learn_clusters

#: Tables kept in the cache folder; older ones are removed when a new one is written.
KEEP = 32
#: The parts of crfner whose code decides what learn_clusters returns and how a table is stored.
CODE = ("featurize", "errors.py", "atomic.py")


def cache_folder() -> Path | None:
    """Where cluster tables are cached, or None when ``$CRFNER_CACHE_DIR`` is ``off``."""
    return disk_cache.cache_folder("clusters")


def cache_key(sentences: Sequence[Sequence[str]], options: dict) -> str:
    """SHA-256 of the sentences, the settings, the library versions and crfner's learning code."""
    import numpy
    import scipy
    import sklearn

    digest = hashlib.sha256()
    versions = {"code": source_digest(package_files(include=CODE)), "sklearn": sklearn.__version__,
                "numpy": numpy.__version__, "scipy": scipy.__version__}
    digest.update(json.dumps({"options": options, "versions": versions}, sort_keys=True, default=str).encode())
    for sentence in sentences:
        # JSON arrays keep token boundaries unambiguous, whatever characters the tokens hold.
        digest.update(json.dumps(list(sentence), ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n")
    return digest.hexdigest()


def cached_clusters(sentences: Sequence[Sequence[str]], **options) -> ClusterTable:
    """:func:`learn_clusters` of ``sentences`` with ``options``, read from the cache when it holds them."""
    folder = cache_folder()
    if folder is None:
        return learn_clusters(sentences, **options)
    path = folder / f"{cache_key(sentences, options)}.tsv"
    try:
        table = ClusterTable.load(path)
    except (DataFormatError, ClusterError, OSError):
        pass  # not cached, or a damaged file: learn it again and overwrite it
    else:
        disk_cache.touch(path)
        return table
    table = learn_clusters(sentences, **options)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        table.save(path)
        disk_cache.prune(folder, "*.tsv", KEEP)
    except OSError:
        pass  # a read-only or full disk costs only the time saved
    return table
