"""SHA-256 of crfner's own files, so that a disk cache keyed by it is only read back by the code that wrote it.

A hand-bumped version number was tried first and failed: clusters learned by older code were read back
after the code changed, and a benchmark reported them under the new commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def package_files(include: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> list[str]:
    """The package's files but compiled ones, as paths relative to it: those whose first part (a sub-package
    or a top-level module) is in ``include`` (all when None) and not in ``exclude``."""
    kept = None if include is None else set(include)
    skipped = set(exclude)
    names = []
    for path in PACKAGE.rglob("*"):
        relative = path.relative_to(PACKAGE)
        first = relative.parts[0]
        if (path.is_file() and "__pycache__" not in relative.parts and path.suffix not in (".pyc", ".pyo")
                and (kept is None or first in kept) and first not in skipped):
            names.append(relative.as_posix())
    return sorted(names)


def source_digest(files: Iterable[str]) -> str:
    """SHA-256 over the names and bytes of ``files`` (paths relative to the package), in sorted order."""
    digest = hashlib.sha256()
    for name in sorted(set(files)):
        content = (PACKAGE / name).read_bytes()
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()
