"""Standard input for the readers, which take a path: read whole into a temporary folder, named
so that the readers know its format, with errors naming standard input instead of that path."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from typing import Iterator

from ..errors import CrfnerError, DataFormatError

STDIN = "standard input"


@contextlib.contextmanager
def standard_input_as(name: str) -> Iterator[str]:
    """The path of a file ``name`` (``stdin.txt``, ``stdin.jsonl``) holding standard input's
    bytes. An error raised in the block that names the file names standard input instead (its
    line kept), and the temporary folder goes however the block ends."""
    folder = tempfile.mkdtemp(prefix="crfner-stdin-")
    path = os.path.join(folder, name)
    try:
        with open(path, "wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle)  # as bytes: the readers report what is not UTF-8
        yield path
    except DataFormatError as error:
        where = STDIN if error.path == path else error.path
        raise DataFormatError(error.problem.replace(path, STDIN), where, error.line) from None
    except CrfnerError as error:
        raise CrfnerError(str(error).replace(path, STDIN)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
