"""One measurement of a benchmark script in a fresh Python process, so that the peak memory
it reports is its own: the script is run again with ``--one ARGS`` and prints its result as
the last line of JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def run_one(script: str, data_dir: str, *one: str) -> dict:
    """The result ``script --data-dir DATA_DIR --one ONE...`` prints; on failure its error
    output is shown and this process exits with its status."""
    from crfner.cli.common import show_progress

    if show_progress():  # a line as each measurement starts, on a terminal (not in CI or a pipe)
        print(f"{time.strftime('%H:%M:%S')} {os.path.basename(script)}: {' '.join(one)} ...", file=sys.stderr, flush=True)
    out = subprocess.run([sys.executable, script, "--data-dir", data_dir, "--one", *one], capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        raise SystemExit(out.returncode)
    return json.loads(out.stdout.strip().splitlines()[-1])
