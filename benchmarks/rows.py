"""Row files of the lever benchmarks: a JSON object whose ``rows`` a run adds to, a row
replacing any earlier one with the same key, written atomically after each row."""

from __future__ import annotations

import json
import os


def load_rows(path: str) -> dict:
    """The file's results, or an empty ``{"rows": []}`` when it does not exist yet."""
    if not os.path.exists(path):
        return {"rows": []}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def put_row(path: str, results: dict, row: dict, key) -> None:
    """Add ``row`` to ``results`` in place of any row with the same ``key(row)``, print it, and
    write ``results`` to ``path`` (through a temporary file, so a killed run leaves the last)."""
    from crfner.atomic import atomic_open

    results["rows"] = [r for r in results["rows"] if key(r) != key(row)] + [row]
    print(json.dumps(row), flush=True)
    with atomic_open(path) as handle:
        json.dump(results, handle, indent=1)
        handle.write("\n")
