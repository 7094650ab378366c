"""How long building the clinical quick start's linker takes in two or more source trees, in one run,
and (since 2026-12-07) how large it is saved and how long loading it takes.

Each tree builds ``clinical_linking.py``'s MACCROBAT linker (the quick start's vocabularies, aliases
and senses) in a fresh process with the tree first on the path, the trees taking turns for
``--rounds`` rounds so that a drift of the machine hits each alike; a digest of how each tree's
linker links MACCROBAT's test mentions says which trees link alike. Speed on this machine drifts between days, so only the
ratio within one run is a figure.

    git worktree add /tmp/before <commit>
    python benchmarks/linker_build_time.py --tree before=/tmp/before --tree after=. --data-dir ../shared/data \\
        --out benchmarks/results/linker_build_time.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from crfner.atomic import atomic_open

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_checkouts import run_in  # the tree first on the path, its own bytecode cache

# Run inside each tree (its benchmarks folder on the path): build, time, and a digest of the links.
_BUILD = """
import hashlib, json, sys, time, warnings
sys.path.insert(0, "benchmarks")
warnings.simplefilter("ignore")  # MACCROBAT's known stray tabs
from clinical_linking import clinical_linker
from crfner.corpora.clinical import split_documents
data_dir = sys.argv[1]
started = time.perf_counter()
linker = clinical_linker("maccrobat", data_dir)
seconds = time.perf_counter() - started
import os, tempfile
from crfner.link import Linker
folder = tempfile.mkdtemp(prefix="crfner-linker-")
linker.save(folder + "/linker")
size = sum(os.path.getsize(os.path.join(folder, "linker", f)) for f in os.listdir(folder + "/linker"))
started = time.perf_counter()
Linker.load(folder + "/linker")
load_seconds = time.perf_counter() - started
documents = split_documents("maccrobat", "test", data_dir)
links = linker.link_batch([(d.text, [(m.start, m.end, m.type) for m in d.mentions]) for d in documents])
digest = hashlib.sha256(json.dumps([[list(link.identifiers) for link in found] for found in links]).encode()).hexdigest()
print(json.dumps({"seconds": round(seconds, 2), "saved_bytes": size, "load_seconds": round(load_seconds, 2), "links_sha256": digest}))
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", required=True, metavar="NAME=PATH")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    trees = dict(spec.split("=", 1) for spec in args.tree)
    data_dir = str(Path(args.data_dir).resolve())
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, path in trees.items():
            result = run_in(Path(path), ["-c", _BUILD, data_dir])
            runs[name].append(json.loads(result.stdout.strip().splitlines()[-1]))
            print(name, runs[name][-1]["seconds"], flush=True)
    digests = {name: sorted({run["links_sha256"] for run in rows}) for name, rows in runs.items()}
    out = {"command": " ".join(["python", "benchmarks/linker_build_time.py", *(argv if argv is not None else sys.argv[1:])]),
           "trees": trees, "seconds": {name: [run["seconds"] for run in rows] for name, rows in runs.items()},
           "saved_bytes": {name: sorted({run.get("saved_bytes") for run in rows}, key=str) for name, rows in runs.items()},
           "load_seconds": {name: [run.get("load_seconds") for run in rows] for name, rows in runs.items()},
           "links_sha256": digests}
    with atomic_open(args.out) as handle:
        json.dump(out, handle, indent=1)
        handle.write("\n")
    print(json.dumps(out["seconds"]), json.dumps(digests))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
