"""Atomic writes: output appears complete under its final name, or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import IO, Callable, Iterator


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it onto ``path`` only if the block succeeds."""
    path = Path(path)
    if path.is_dir():  # else the rename's error would name the temporary file
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
    if "b" in mode:
        encoding = None
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline="" if encoding else None) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.replace(tmp, path)
        except OSError as error:  # named by the path asked for, not the temporary file
            raise OSError(error.errno, error.strerror, str(path)) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _fsync_tree(folder: Path) -> None:
    """Flush every file in ``folder`` (and below), then the folders themselves, to disk."""
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):  # a link or special file: nothing of ours to flush
                fd = os.open(os.path.join(root, name), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        _fsync_dir(Path(root))


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform or file system syncs a directory
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_RENAME_EXCHANGE = 2  # linux/fs.h
_renameat2 = None


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux's ``renameat2(RENAME_EXCHANGE)``): at every instant
    each name holds one of the two. False where the system or file system cannot; an
    OSError for any other failure."""
    global _renameat2
    if not sys.platform.startswith("linux"):
        return False
    if _renameat2 is None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        function = getattr(libc, "renameat2", None)
        if function is None:
            return False
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        function.restype = ctypes.c_int
        _renameat2 = function
    at_cwd = -100
    if _renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (the directory itself: no lock file is left behind),
    so that saves into it take turns; no lock where the system has none."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike, overwrite: bool = False,
                     replaceable: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """Yield an empty temporary directory beside ``path``; move it to ``path`` if the block succeeds.

    An existing ``path`` is replaced only with ``overwrite=True`` and once ``replaceable(path)``
    (called before the block and again just before the swap) has not raised, and only once the new
    directory is complete and flushed to disk, so a failure (or a kill) never leaves a
    half-written or missing model. The replacement swaps the two directories in one step where
    Linux allows (``renameat2``), so ``path`` holds the old or the new whole directory at every
    instant; elsewhere the old one is moved aside just before. Saves beside each other take
    turns (a lock on the parent folder): the last one wins, or, without ``overwrite``, the
    second one raises FileExistsError.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists (pass overwrite=True, or --force, to replace it)")
    if replaceable is not None and os.path.lexists(path):  # before any work: refused at once
        replaceable(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700
    try:
        yield tmp
        _fsync_tree(tmp)
        with _locked(path.parent):
            if os.path.lexists(path) and not overwrite:
                raise FileExistsError(f"{path} already exists (pass overwrite=True, or --force, to replace it)")
            if replaceable is not None and os.path.lexists(path):
                replaceable(path)  # again: what is there now, which may have changed during the block
            if not os.path.lexists(path):
                os.rename(tmp, path)
            elif not exchange(tmp, path):
                old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
                os.replace(path, old / path.name)
                os.replace(tmp, path)
                shutil.rmtree(old, ignore_errors=True)
            _fsync_dir(path.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if tmp.is_symlink():  # after a swap: what ``path`` was, a link or the old directory
        tmp.unlink()
    else:
        shutil.rmtree(tmp, ignore_errors=True)
