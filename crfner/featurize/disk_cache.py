"""Where crfner's disk caches live, and how they stay small: one folder per kind of entry.

``$CRFNER_CACHE_DIR`` names the folder (``off`` turns every cache off); the default is
``$XDG_CACHE_HOME/crfner`` or ``~/.cache/crfner``. An entry is written whole or not at all, and a
damaged one is rebuilt, so the cache only ever saves time.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "CRFNER_CACHE_DIR"


def cache_folder(kind: str) -> Path | None:
    """The folder of one kind of cached entry (``clusters``, ``gazetteers``), or None when
    ``$CRFNER_CACHE_DIR`` is ``off``."""
    setting = os.environ.get(CACHE_ENV)
    if setting is not None and setting.strip().lower() in ("off", "0", "none", ""):
        return None
    if setting:
        return Path(setting) / kind
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "crfner" / kind


def touch(entry: Path) -> None:
    """Mark an entry just read as recently used, so pruning keeps it; a read-only folder leaves
    it as it was, and the entry read stays good."""
    try:
        os.utime(entry)
    except OSError:
        pass


def prune(folder: Path, pattern: str, keep: int, max_bytes: int | None = None) -> None:
    """Remove all but the ``keep`` most recently used entries matching ``pattern``, and, with
    ``max_bytes``, the older ones past that many bytes in all (the newest is always kept)."""
    entries = []
    for path in folder.glob(pattern):
        try:
            stat = path.stat()
        except OSError:  # removed by another process meanwhile
            continue
        entries.append((stat.st_mtime, stat.st_size, path))
    total = 0
    for rank, (_, size, path) in enumerate(sorted(entries, reverse=True)):
        total += size
        if rank >= keep or (max_bytes is not None and rank > 0 and total > max_bytes):
            try:
                path.unlink()
            except OSError:
                pass
