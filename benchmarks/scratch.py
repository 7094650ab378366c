"""Where a benchmark script writes when it is not told ``--out``: a new folder of its own under
the system's temporary folder, announced on stderr, never ``benchmarks/results`` (whose files
are the recorded figures the README cites; pass ``--out`` to replace one)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def fresh_out(script: str, name: str) -> str:
    """A path ``name`` inside a new folder ``crfner-<script>-XXXX`` in the temporary folder."""
    path = os.path.join(tempfile.mkdtemp(prefix=f"crfner-{Path(script).stem}-"), name)
    print(f"no --out given: writing to {path} (pass --out to choose; benchmarks/results holds the recorded figures)",
          file=sys.stderr, flush=True)
    return path
