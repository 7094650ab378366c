"""What lets an interrupted run of :func:`crfner.tagging.batch.tag_files` resume: a
fingerprint of everything its output depends on, the record of how far it got, and a lock
that keeps a second run out of the same output."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Iterator

from ..crf.modelfile import METADATA_FILE
from ..errors import CrfnerError, is_whole
from .inputs import text_files

__all__ = ["fingerprint", "output_lock", "removed_if_unrecorded", "resume_point"]


def fingerprint(input_path: Path, model: Path, input_format: str, output_format: str, splitter: str = "abstract",
                 linker: Path | None = None, encoding: str = "utf-8", unescape: bool = False,
                 columns: tuple[str | None, str | None] = (None, None), negation: bool | tuple[str, ...] = False,
                 sections: bool = False, min_score: float | None = None, compressed: bool = False,
                 readings: tuple[str, ...] = ()) -> str:
    """What a partial output depends on: the input files (name, size, time), how they are read
    (encoding, unescaping, a CSV file's columns), the model's metadata, the sentence splitter (the
    notes splitter with its version), the linker's files (name, size, time), the negation rules'
    version and types, whether sections are written, the versions of the rules of the readings
    asked for (``readings``, names of :data:`crfner.assertion.READINGS`), the least score of an entity written, and
    whether it is gzip."""
    files = text_files(input_path) if input_path.is_dir() else [input_path]
    parts = [input_format, output_format, (model / METADATA_FILE).read_text(encoding="utf-8")]
    if splitter != "abstract":  # the default adds nothing: partial outputs of earlier versions still resume
        from ..text.notes import NOTES_VERSION

        parts.append(f"splitter={splitter}/{NOTES_VERSION}")  # a note cut otherwise would not continue the output
    if encoding != "utf-8":  # nor does UTF-8
        parts.append(f"encoding={encoding}")
    if unescape:  # nor does reading as written
        parts.append("unescape")
    if columns != (None, None):  # nor do the default columns
        parts.append(f"columns={columns}")
    if negation:  # nor does no negation; the rules' version does, as a model's metadata
        from ..assertion import RULES_VERSION

        parts.append(f"negation={RULES_VERSION}")
        if isinstance(negation, tuple):  # the types it is limited to
            parts.append(f"negation_types={','.join(negation)}")
    if sections:  # nor do no sections
        parts.append("sections")
    if readings:  # nor does leaving them out
        from ..assertion import READINGS

        parts.extend(f"{name}={READINGS[name].version}" for name in readings)
    if min_score is not None:  # nor does keeping every entity
        parts.append(f"min_score={float(min_score)!r}")
    if compressed:  # nor does plain text: a plain partial output (a .gz output before 2026-12-05) is not resumed in gzip
        parts.append("gzip")
    if linker is not None:  # nor does no linker
        parts.append(f"linker={linker}")
        for f in sorted(p for p in linker.rglob("*") if p.is_file()):
            stat = f.stat()
            parts.append(f"{f.relative_to(linker).as_posix()}|{stat.st_size}|{stat.st_mtime_ns}")
    for f in files:
        stat = f.stat()
        parts.append(f"{f.resolve()}|{stat.st_size}|{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@contextlib.contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold ``OUTPUT.lock`` (an exclusive flock) for the run, or raise CrfnerError at once if
    another run holds it. The lock file is removed at the end; a run that opened it just
    before and then locks the removed file sees that it is no longer the one at the path, and
    tries again."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield
        return
    path = Path(f"{output}.lock")
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise CrfnerError(f"{output}: another run is writing this output now (it holds {path.name}); "
                              "wait for it to end, or write elsewhere") from None
        try:
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def removed_if_unrecorded(partial: Path, state_file: Path, fresh: bool) -> Iterator[None]:
    """On an error (bad input, an interrupt), a fresh run's partial output goes when no chunk of
    it was recorded: there is nothing to resume, and no stray ``.partial`` is left beside the output."""
    try:
        yield
    except BaseException:
        if fresh and not state_file.exists():
            partial.unlink(missing_ok=True)
        raise


def resume_point(state_file: Path, partial: Path, output: Path, fingerprint: str) -> tuple[int, int, bool]:
    """(documents, bytes) already done by an earlier run with the same input, model and options,
    and whether that run completed (killed after its final rename, before removing its state)."""
    if not state_file.is_file():
        return 0, 0, False
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
        done, size = state["documents"], state["bytes"]
        if not (is_whole(done) and is_whole(size) and done >= 0 and size >= 0):
            raise ValueError("document and byte counts must be whole numbers")
    except (ValueError, KeyError, TypeError) as error:
        problem = error.msg if isinstance(error, json.JSONDecodeError) else f"{type(error).__name__}: {error}"
        raise CrfnerError(f"{state_file}: the record of an interrupted run is damaged ({problem}); "
                          "use --restart (resume=False) to tag afresh") from None
    if state.get("fingerprint") != fingerprint:
        return 0, 0, False
    if state.get("complete") and output.is_dir() and not output.is_symlink() and output.stat().st_ino == state.get("inode"):
        return done, size, True  # a folder (BRAT output) moved into place before its partial file was removed
    if partial.is_file() and partial.stat().st_size >= size:
        return done, size, False
    if state.get("complete") and not partial.exists() and output.is_file():
        stat = output.stat()
        if stat.st_size == size and stat.st_ino == state.get("inode"):
            return done, size, True
    return 0, 0, False
