"""Tagging speed of saved models measured in one run: each round loads every model afresh and
tags the test split with it (``predict``, document ids given), the models taking turns, so the
machine's drift touches them alike; best and median tokens/s, the ratio of each model's best
to the first's, load time, and the size of each model directory.

    python benchmarks/compare_speed.py --data-dir ../shared/data --models OLD NEW --repeats 5 \
        --out benchmarks/results/biomedical_versions_speed.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path


def folder_bytes(path: str) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpus", default="bc5cdr")
    parser.add_argument("--models", nargs="+", required=True, help="saved model directories; ratios are to the first")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", help="write the figures to this JSON file")
    args = parser.parse_args()

    import crfner

    X, _ = crfner.load_corpus(args.corpus, "test", data_dir=args.data_dir)
    documents = crfner.load_document_ids(args.corpus, "test", data_dir=args.data_dir)
    tokens = sum(map(len, X))
    speeds = {m: [] for m in args.models}
    loads = {m: [] for m in args.models}
    versions = {}
    for round_ in range(args.repeats):
        for model in args.models:
            started = time.perf_counter()
            tagger = crfner.CRFTagger.load(model, data_dir=args.data_dir)
            loads[model].append(time.perf_counter() - started)
            versions[model] = f"{tagger.feature_set_.name} v{tagger.feature_set_.version}"
            started = time.perf_counter()
            tagger.predict(X, documents=documents)
            speeds[model].append(tokens / (time.perf_counter() - started))
            del tagger
            print(f"round {round_ + 1}: {versions[model]:16} {speeds[model][-1]:,.0f} tokens/s", flush=True)
    first = args.models[0]
    result = {"command": "python benchmarks/compare_speed.py " + " ".join(sys.argv[1:]), "corpus": args.corpus,
              "test_tokens": tokens, "repeats": args.repeats, "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
              "models": []}
    for model in args.models:
        result["models"].append({
            "model": os.path.basename(os.path.normpath(model)), "feature_set": versions[model],
            "tokens_per_second_best": round(max(speeds[model])), "tokens_per_second_median": round(statistics.median(speeds[model])),
            "tokens_per_second_all": [round(s) for s in speeds[model]],
            "best_over_first_best": round(max(speeds[model]) / max(speeds[first]), 3),
            "median_of_round_ratios_to_first": round(statistics.median(s / f for s, f in zip(speeds[model], speeds[first])), 3),
            "load_seconds_best": round(min(loads[model]), 2), "model_mib": round(folder_bytes(model) / 2**20, 1)})
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        from crfner.atomic import atomic_open

        with atomic_open(args.out) as handle:
            handle.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
