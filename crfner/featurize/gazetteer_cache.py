"""A disk cache of compiled gazetteers, so that loading a model does not compile its term lists again.

Compiling the two shipped lists (354,691 terms) takes about 3 s, most of what a ``crfner tag``
call on one note spends; reading the compiled keys back takes a small fraction of that
(``benchmarks/gazetteer_cache.py``). The key hashes the list file's bytes (for a list held in
memory, a model's MeSH branch lists, its sorted terms), the compile options and the code that
reads and compiles a list, so a hit is what compiling would give. This module stores and reads
entries; :func:`crfner.featurize.gazetteer.cached_gazetteer` and
:func:`~crfner.featurize.gazetteer.cached_term_gazetteer` decide when.
Entries live in the ``gazetteers`` folder of the disk cache (:mod:`crfner.featurize.disk_cache`:
``$CRFNER_CACHE_DIR``, ``off`` turns it off); the newest :data:`KEEP`, up to :data:`MAX_BYTES`, are kept.

An entry is plain text, never code or a pickle: a format line, the SHA-256 of the rest, a JSON
header (the list's term counts, its head-word counts, and how many keys carry each flag value),
then the keys, one a line, grouped by flag. A damaged or foreign entry is a miss: the list is
compiled and the entry rewritten.
"""

from __future__ import annotations

import hashlib
import json
from itertools import chain, repeat
from pathlib import Path

from ..atomic import atomic_open
from ..source_digest import source_digest
from . import disk_cache
from .gazetteer_terms import EXACT_PREFIX, EXACT_TERM, NORM_PREFIX, NORM_TERM

#: Entries kept in the cache folder, and their bytes in all (the shipped lists take 30 MB, a model's MeSH branch lists
#: a few more); older ones are removed when a new one is written.
KEEP = 32
MAX_BYTES = 256 * 2**20
#: The files whose code decides what a compiled list holds: the list, its compiler, this cache and the text decoder.
CODE = ("featurize/gazetteer.py", "featurize/gazetteer_terms.py", "featurize/gazetteer_cache.py", "corpora/lines.py")
FORMAT = "crfner compiled gazetteer, format 1"
_ALL_FLAGS = EXACT_TERM | EXACT_PREFIX | NORM_TERM | NORM_PREFIX
_HEADER_FIELDS = {"n_terms", "n_compiled", "heads", "flags"}


def cache_key(list_sha256: str, max_tokens: int, strict_letters: bool) -> str:
    """SHA-256 of the list's checksum (a file's; ``terms:`` and the terms' for a list in memory),
    the compile options and the compiling code."""
    spec = {"list": list_sha256, "max_tokens": max_tokens, "strict_letters": bool(strict_letters),
            "code": source_digest(CODE)}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def entry_path(list_sha256: str, max_tokens: int, strict_letters: bool) -> Path | None:
    """Where the entry of a list compiled so is kept, or None when the cache is off."""
    folder = disk_cache.cache_folder("gazetteers")
    return None if folder is None else folder / f"{cache_key(list_sha256, max_tokens, strict_letters)}.txt"


def lookup(entry: Path) -> tuple[dict[str, int], dict] | None:
    """The keys and counts an entry holds (see :func:`read_entry`), or None: not there, or damaged."""
    try:
        found = read_entry(entry)
    except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested past Python's limit
        return None
    disk_cache.touch(entry)
    return found


def store(entry: Path, keys: dict[str, int], n_terms: int, n_compiled: int, heads: dict[str, int]) -> None:
    """Keep a compiled list in ``entry``; a read-only or full disk only loses the time it would save."""
    try:
        write_entry(entry, keys, {"n_terms": n_terms, "n_compiled": n_compiled, "heads": heads})
        disk_cache.prune(entry.parent, "*.txt", KEEP, MAX_BYTES)
    except OSError:
        pass


def write_entry(path: Path, keys: dict[str, int], counts: dict) -> None:
    """Write compiled ``keys`` and ``counts`` (``n_terms``, ``n_compiled``, ``heads``) to ``path``,
    whole or not at all."""
    groups: dict[int, list[str]] = {}
    for key, flags in keys.items():
        groups.setdefault(flags, []).append(key)
    header = {**counts, "flags": [[flags, len(group)] for flags, group in sorted(groups.items())]}
    body = (json.dumps(header, ensure_ascii=False) + "\n"
            + "".join(key + "\n" for _, group in sorted(groups.items()) for key in group)).encode("utf-8")
    with atomic_open(path, "wb") as out:
        out.write(f"{FORMAT}\n{hashlib.sha256(body).hexdigest()}\n".encode("ascii") + body)


def read_entry(path: Path) -> tuple[dict[str, int], dict]:
    """The compiled keys and the counts (``n_terms``, ``n_compiled``, ``heads``) of an entry;
    ValueError for anything but an entry :func:`write_entry` wrote whole."""
    parts = path.read_bytes().split(b"\n", 2)
    first, checksum, body = parts if len(parts) == 3 else (b"", b"", b"")
    if first != FORMAT.encode("ascii") or checksum != hashlib.sha256(body).hexdigest().encode("ascii"):
        raise ValueError("not a compiled-gazetteer entry, or not whole")
    lines = body.decode("utf-8").split("\n")  # UnicodeDecodeError is a ValueError
    if len(lines) < 2 or lines[-1] != "":
        raise ValueError("not a whole compiled-gazetteer entry")
    header = json.loads(lines[0])
    if not isinstance(header, dict) or set(header) != _HEADER_FIELDS:
        raise ValueError("unexpected header")
    for field in ("n_terms", "n_compiled"):
        if not _count(header[field]):
            raise ValueError(f"{field} is not a count")
    heads, groups = header["heads"], header["flags"]
    if not isinstance(heads, dict) or not all(isinstance(w, str) and _count(n) and n > 0 for w, n in heads.items()):
        raise ValueError("heads are not word counts")
    if not isinstance(groups, list) or not all(isinstance(g, list) and len(g) == 2 and all(map(_count, g)) for g in groups):
        raise ValueError("flags are not [flags, count] pairs")
    if not all(0 < flags <= _ALL_FLAGS for flags, _ in groups):
        raise ValueError("a flag value out of range")
    total = sum(count for _, count in groups)
    if total != len(lines) - 2:
        raise ValueError("the header's counts do not match the keys")
    keys = dict(zip(lines[1:-1], chain.from_iterable(repeat(flags, count) for flags, count in groups)))
    if len(keys) != total or "" in keys:
        raise ValueError("a key repeats, or is empty")
    return keys, header


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
