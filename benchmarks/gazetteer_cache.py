"""The disk cache of compiled gazetteers: what it saves a model load and a ``crfner tag`` call.

In one run, alternating rounds:
- each shipped list (disease, chemical) compiled (``Gazetteer.from_tsv``) against read back from a
  warm cache (``gazetteer.cached_gazetteer``), in this process, best and median of --rounds;
  the two must give the same compiled keys, counts and checksums;
- ``crfner tag MODEL --text NOTE`` in a fresh process with the cache off (``CRFNER_CACHE_DIR=off``)
  against a warm cache, wall-clock seconds; the two must print the same entities.

    crfner train maccrobat --features clinical --out models/maccrobat-clinical   # the clinical quick start's model
    python benchmarks/gazetteer_cache.py --data-dir ../shared/data --model models/maccrobat-clinical \\
        --note examples/notes/discharge_note.txt --out benchmarks/results/gazetteer_cache.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crfner.atomic import atomic_open
from crfner.benchmark.machine import machine_info
from crfner.featurize.gazetteer import Gazetteer, cached_gazetteer

LISTS = ("disease", "chemical")


def _same(a: Gazetteer, b: Gazetteer) -> bool:
    return (a.compiled_keys == b.compiled_keys and a.heads == b.heads
            and (a.n_terms, a.n_compiled, a.sha256) == (b.n_terms, b.n_compiled, b.sha256))


def seconds_summary(seconds: list[float]) -> dict:
    """Best and median of timed runs, and the runs, in seconds to the millisecond."""
    return {"best": round(min(seconds), 3), "median": round(statistics.median(seconds), 3),
            "runs": [round(s, 3) for s in seconds]}


def _tag(model: str, note: str, cache: str) -> tuple[float, str]:
    env = {**os.environ, "CRFNER_CACHE_DIR": cache}
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "crfner", "tag", model, "--text", note], env=env,
                         capture_output=True, text=True, check=True)
    return time.perf_counter() - start, out.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--model", required=True, help="a saved model whose feature set uses the shipped lists")
    parser.add_argument("--note", required=True, help="a text file to tag")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    note = Path(args.note).read_text(encoding="utf-8")
    paths = {name: str(Path(args.data_dir, "gazetteers", f"{name}.tsv").resolve()) for name in LISTS}
    with tempfile.TemporaryDirectory() as cache:
        os.environ["CRFNER_CACHE_DIR"] = cache
        for path in paths.values():
            cached_gazetteer(path)  # warms the cache
        _, warm_output = _tag(args.model, note, cache)  # and the model's own term lists, if any
        compiled = {name: [] for name in LISTS}
        read = {name: [] for name in LISTS}
        tag_off, tag_warm = [], []
        for _ in range(args.rounds):
            for name, path in paths.items():
                start = time.perf_counter()
                fresh = Gazetteer.from_tsv(path)
                compiled[name].append(time.perf_counter() - start)
                start = time.perf_counter()
                hit = cached_gazetteer(path)
                read[name].append(time.perf_counter() - start)
                if not _same(fresh, hit):
                    raise SystemExit(f"{name}: the cached list differs from the compiled one")
            seconds, output = _tag(args.model, note, "off")
            tag_off.append(seconds)
            if output != warm_output:
                raise SystemExit("crfner tag printed other entities with the cache off")
            seconds, output = _tag(args.model, note, cache)
            tag_warm.append(seconds)
            if output != warm_output:
                raise SystemExit("crfner tag printed other entities from the warm cache")
        sizes = {p.name: p.stat().st_size for p in Path(cache, "gazetteers").glob("*.txt")}
    lists = {name: {"compile_seconds": seconds_summary(compiled[name]), "cache_hit_seconds": seconds_summary(read[name]),
                    "compile_over_hit_best": round(min(compiled[name]) / min(read[name]), 2)} for name in LISTS}
    result = {
        "what": __doc__.split("\n\n")[0],
        "command": "python benchmarks/gazetteer_cache.py " + " ".join(sys.argv[1:]),
        "finished": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
        "machine": machine_info(),
        "rounds": args.rounds,
        "lists": lists,
        "cache_entry_bytes": sum(sizes.values()),
        "tag_note": {"note_characters": len(note), "entities": len(warm_output.splitlines()),
                     "cache_off_seconds": seconds_summary(tag_off), "warm_cache_seconds": seconds_summary(tag_warm),
                     "saved_seconds_median": round(statistics.median(tag_off) - statistics.median(tag_warm), 3)},
        "same_output": True,
    }
    with atomic_open(args.out) as out:
        json.dump(result, out, indent=1)
        out.write("\n")
    print(json.dumps({"lists": lists, "tag_note": result["tag_note"]}, indent=1))


if __name__ == "__main__":
    main()
