"""Standard input for the readers, which take a path: the system's name for it (``/dev/stdin``),
which the line readers read as the lines come, or a copy read whole into a temporary folder,
named so that the readers know its format; errors name standard input instead of either path."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from typing import Iterator

from ..errors import CrfnerError, DataFormatError

STDIN = "standard input"


#: Where the system lets standard input be opened as a file (Linux, macOS and the BSDs).
DEV_STDIN = "/dev/stdin"


@contextlib.contextmanager
def standard_input_as(name: str, stream: bool = False) -> Iterator[str]:
    """The path of a file ``name`` (``stdin.txt``, ``stdin.jsonl``) holding standard input's
    bytes; with ``stream``, where the system has one, :data:`DEV_STDIN` itself, so that a reader
    of lines reads each as it comes (documents a producer writes are tagged while it runs). An
    error raised in the block that names the file names standard input instead (its line kept),
    and the temporary folder goes however the block ends."""
    if sys.stdin is None:  # started with standard input closed (<&-)
        raise CrfnerError("standard input is closed, so there is nothing to read; give an input file or folder, "
                          "or pipe the input in")
    if stream and os.path.exists(DEV_STDIN):
        with _named_as_standard_input(DEV_STDIN):
            yield DEV_STDIN
        return
    folder = tempfile.mkdtemp(prefix="crfner-stdin-")
    path = os.path.join(folder, name)
    try:
        with _named_as_standard_input(path):
            with open(path, "wb") as handle:
                shutil.copyfileobj(sys.stdin.buffer, handle)  # as bytes: the readers report what is not UTF-8
            yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _named_as_standard_input(path: str) -> Iterator[None]:
    """Errors raised in the block that name ``path`` name standard input instead."""
    try:
        yield
    except DataFormatError as error:
        where = STDIN if error.path == path else error.path
        raise DataFormatError(error.problem.replace(path, STDIN), where, error.line) from None
    except CrfnerError as error:
        raise CrfnerError(str(error).replace(path, STDIN)) from None
