"""Import time and tagging speed of two checkouts of crfner, measured in one run.

This machine's speed drifts between days, so a change that should not alter speed (a
restructuring) is checked by running both checkouts in the same session, interleaved:
``python -X importtime -c "import crfner"`` (the package's own cumulative microseconds, from
compiled bytecode as an installed package has it, and compiling the source) and
each checkout's ``benchmarks/tagging_speed.py`` on one saved model.

    git worktree add /tmp/before <commit>
    python benchmarks/compare_checkouts.py --before /tmp/before --after . \
        --model models/bc5cdr-biomedical --data-dir ../shared/data --out benchmarks/results/layout_speed.json

With ``--raw-text CORPUS[:SPLIT]`` the speed is that of raw-text ``tag_documents`` over the
corpus's documents instead (entity scores included, so the forward-backward tables), with a
digest of the entities and their scores from each checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def run_in(checkout: Path, args: list[str], bytecode: bool = True) -> subprocess.CompletedProcess:
    """Run this interpreter with ``checkout`` first on the path (ahead of any installed crfner);
    with ``bytecode``, compiled modules are written and read as an installed package's are
    (this machine sets PYTHONDONTWRITEBYTECODE, which makes every import compile its source)."""
    env = {**os.environ, "PYTHONPATH": str(checkout.resolve())}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:  # an empty cache folder: nothing compiled to read, nothing written
        env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=tempfile.mkdtemp(prefix="crfner-pycache-"))
    return subprocess.run([sys.executable, *args], cwd=checkout, env=env, capture_output=True, text=True, check=True)


def import_microseconds(checkout: Path, bytecode: bool) -> int:
    """Cumulative import time of the ``crfner`` package itself, as -X importtime reports it."""
    result = run_in(checkout, ["-X", "importtime", "-c", "import crfner; assert crfner.__file__.startswith("
                               f"{str(checkout.resolve())!r})"], bytecode)
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| crfner$", line)
        if match:
            return int(match.group(1))
    raise RuntimeError(f"no import time for crfner in {checkout}:\n{result.stderr[-2000:]}")


# Raw-text tagging of a registered corpus's documents (entity scores included: the forward-backward
# tables), the same code run by each checkout; it prints best tokens/s and the entities' digest.
RAW_TEXT = """
import hashlib, json, sys, time
import crfner
from crfner.corpora.split_documents import load_split_documents
from crfner.text import sentences
model, corpus, split, data_dir, repeats = sys.argv[1:]
tagger = crfner.CRFTagger.load(model)
documents = [d.__class__(d.id, d.text, [], d.passages) for d in load_split_documents(corpus, split, data_dir)]
tokens = sum(len(s) for d in documents for s in sentences(d.text, d.passages))
best, tagged = None, None
for _ in range(int(repeats)):
    started = time.perf_counter()
    tagged = crfner.tag_documents(tagger, documents)
    seconds = time.perf_counter() - started
    best = seconds if best is None else min(best, seconds)
entities = [[(m.start, m.end, m.type, m.score) for m in d.mentions] for d in tagged]
print(json.dumps({"tokens_per_second_best": round(tokens / best), "documents": len(documents), "tokens": tokens,
                  "entities_sha256": hashlib.sha256(json.dumps(entities).encode()).hexdigest()}))
"""


def raw_text_speed(checkout: Path, model: str, corpus: str, data_dir: str, repeats: int) -> dict:
    """``tag_documents`` over ``corpus``'s test documents (``NAME`` or ``NAME:SPLIT``) with one checkout."""
    name, _, split = corpus.partition(":")
    result = run_in(checkout, ["-c", RAW_TEXT, str(Path(model).resolve()), name, split or "test",
                               str(Path(data_dir).resolve()), str(repeats)])
    return json.loads(result.stdout.strip().splitlines()[-1])


def tagging_speed(checkout: Path, model: str, data_dir: str, repeats: int) -> dict:
    result = run_in(checkout, ["benchmarks/tagging_speed.py", "--model", str(Path(model).resolve()),
                               "--data-dir", str(Path(data_dir).resolve()), "--repeats", str(repeats)])
    return json.loads(result.stdout[: result.stdout.index("\n}") + 2])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, type=Path)
    parser.add_argument("--after", required=True, type=Path)
    parser.add_argument("--model", required=True, help="a saved model directory both checkouts can load")
    parser.add_argument("--after-model", help="the same model as --after loads it, where the model format changed "
                                                "between the checkouts (made by crfner convert)")
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--import-runs", type=int, default=20)
    parser.add_argument("--speed-rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3, help="tagging_speed.py --repeats in each round")
    parser.add_argument("--raw-text", metavar="CORPUS[:SPLIT]",
                        help="measure raw-text tag_documents (entity scores included) on this registered corpus's "
                             "documents (default split test) instead of benchmarks/tagging_speed.py's predict")
    parser.add_argument("--out")
    args = parser.parse_args()
    checkouts = {"before": args.before, "after": args.after}
    imports: dict[str, list[int]] = {k: [] for k in checkouts}
    compiling: dict[str, list[int]] = {k: [] for k in checkouts}
    speeds: dict[str, list[dict]] = {k: [] for k in checkouts}
    for checkout in checkouts.values():
        import_microseconds(checkout, True)  # writes the bytecode
    for _ in range(args.import_runs):
        for name, checkout in checkouts.items():
            imports[name].append(import_microseconds(checkout, True))
            compiling[name].append(import_microseconds(checkout, False))
    for _ in range(args.speed_rounds):
        for name, checkout in checkouts.items():
            model = args.after_model if name == "after" and args.after_model else args.model
            speeds[name].append(raw_text_speed(checkout, model, args.raw_text, args.data_dir, args.repeats) if args.raw_text
                                else tagging_speed(checkout, model, args.data_dir, args.repeats))
            print(name, speeds[name][-1]["tokens_per_second_best"], file=sys.stderr)
    result = {"command": "python benchmarks/compare_checkouts.py " + " ".join(sys.argv[1:])}
    for name in checkouts:
        best = [s["tokens_per_second_best"] for s in speeds[name]]
        result[name] = {
            "import_us_min": min(imports[name]),
            "import_us_median": round(statistics.median(imports[name])),
            "import_us_median_compiling_source": round(statistics.median(compiling[name])),
            "tokens_per_second_best": max(best),
            "tokens_per_second_median_of_rounds": round(statistics.median(best)),
            "tokens_per_second_rounds": best,
            **({"documents": speeds[name][0]["documents"], "tokens": speeds[name][0]["tokens"],
                "entities_sha256": sorted({s["entities_sha256"] for s in speeds[name]})} if args.raw_text else
               {"f1": speeds[name][0]["f1"], "same_tags_as_crfsuite": [s.get("same_tags_as_crfsuite") for s in speeds[name]]}),
        }
    result["after_over_before"] = {
        "import_time_median": round(result["after"]["import_us_median"] / result["before"]["import_us_median"], 3),
        "import_time_median_compiling_source": round(result["after"]["import_us_median_compiling_source"]
                                                     / result["before"]["import_us_median_compiling_source"], 3),
        "tokens_per_second_best": round(result["after"]["tokens_per_second_best"]
                                        / result["before"]["tokens_per_second_best"], 3),
    }
    print(json.dumps(result, indent=2))
    if args.out:
        from crfner.atomic import atomic_open

        with atomic_open(args.out) as handle:
            handle.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
