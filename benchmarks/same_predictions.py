"""Whether two checkouts of crfner tag a corpus's test split alike: for a change that should not
alter what features compute (a reader, an encoding, a refactor of featurize/), each checkout
trains FEATURES on the train split (word clusters learned afresh, in an empty cache of its own)
and tags test; the tags are compared and each F1 recorded.

    git worktree add --detach /tmp/before <commit>
    python benchmarks/same_predictions.py --before /tmp/before --after . --data-dir ../shared/data \\
        --corpora maccrobat phee --features clinical --out benchmarks/results/same_predictions.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run inside each checkout: train, tag test, print one JSON line.
CHILD = """
import hashlib, json, sys, time
import crfner
corpus, features, data = sys.argv[1:4]
X, y = crfner.load_corpus(corpus, "train", data_dir=data)
Xt, yt = crfner.load_corpus(corpus, "test", data_dir=data)
ids = crfner.load_document_ids(corpus, "train", data_dir=data)
test_ids = crfner.load_document_ids(corpus, "test", data_dir=data)
start = time.perf_counter()
tagger = crfner.CRFTagger(features=features, data_dir=data).fit(X, y, documents=ids)
tags = tagger.predict(Xt, documents=test_ids)
print(json.dumps({"f1": crfner.evaluate(yt, tags).f1, "seconds": time.perf_counter() - start,
                  "tags_sha256": hashlib.sha256(json.dumps(tags).encode()).hexdigest(), "package": crfner.__file__}))
"""


def commit(checkout: Path) -> str:
    """The checkout's commit, with ``+dirty`` when its tracked files differ from it."""
    head = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, check=True).stdout.strip()
    return head + ("+dirty" if dirty else "")


def run_child(checkout: Path, corpus: str, features: str, data_dir: str, cache: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout), "CRFNER_CACHE_DIR": cache, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", CHILD, corpus, features, data_dir], env=env, cwd=checkout,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{checkout}: {corpus} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="a checkout (worktree) of the earlier commit")
    parser.add_argument("--after", default=".", help="the checkout of the change (default: this one)")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--corpora", nargs="+", default=["maccrobat", "phee"])
    parser.add_argument("--features", default="clinical")
    parser.add_argument("--out", required=True, help="JSON file to write")
    args = parser.parse_args()
    data_dir = str(Path(args.data_dir).resolve())
    sides = {"before": Path(args.before).resolve(), "after": Path(args.after).resolve()}
    rows = []
    for corpus in args.corpora:
        row = {"corpus": corpus, "features": args.features, "evaluation": "train -> test"}
        for side, checkout in sides.items():
            with tempfile.TemporaryDirectory(prefix=f"crfner-cache-{side}-") as cache:
                result = run_child(checkout, corpus, args.features, data_dir, cache)
            row[side] = {"commit": commit(checkout), "f1": round(result["f1"], 4), "seconds": round(result["seconds"], 1),
                         "tags_sha256": result["tags_sha256"]}
        row["same_tags"] = row["before"]["tags_sha256"] == row["after"]["tags_sha256"]
        print(json.dumps(row), flush=True)
        rows.append(row)
    command = " ".join(["python", "benchmarks/same_predictions.py", *sys.argv[1:]])
    text = json.dumps({"command": command, "date": time.strftime("%Y-%m-%d"), "rows": rows}, indent=1) + "\n"
    from crfner.atomic import atomic_open

    with atomic_open(args.out) as handle:
        handle.write(text)
    return 0 if all(row["same_tags"] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
