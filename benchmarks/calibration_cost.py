"""What a stored score calibration (``crfner calibrate``) costs at tagging time: the same saved
model, without and with its map (``--model CORPUS=RAW_DIR,CALIBRATED_DIR``, two directories with
the same weights), tags the corpus's test documents as raw text in one process, the two taken in
turn round by round, each round the best of ``--repeats`` timed ``tag_documents`` calls after an
untimed one. Reported per corpus: each model's best seconds and tokens per second, the median of
the rounds' calibrated/raw ratios, and that both found the same entities (the map changes scores,
never spans).

    crfner calibrate /tmp/m/maccrobat-clinical maccrobat --split devel --out /tmp/m/mc-cal --data-dir ../shared/data
    crfner calibrate /tmp/m/phee-clinical ../shared/data/clinical/PHEE/dev --input-format brat --out /tmp/m/phee-cal2
    python benchmarks/calibration_cost.py --data-dir ../shared/data \\
        --model maccrobat=/tmp/m/maccrobat-clinical,/tmp/m/mc-cal --model phee=/tmp/m/phee-clinical,/tmp/m/phee-cal2 \\
        --out benchmarks/results/calibration_cost.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace


def timed(tagger, documents, repeats: int) -> tuple[float, list]:
    """The best of ``repeats`` timed calls, and the last call's documents."""
    from crfner.tagging.annotate import tag_documents

    best, tagged = float("inf"), []
    for _ in range(repeats):
        started = time.perf_counter()
        tagged = tag_documents(tagger, documents)
        best = min(best, time.perf_counter() - started)
    return best, tagged


def measure(corpus: str, raw_dir: str, calibrated_dir: str, data_dir: str, rounds: int, repeats: int) -> dict:
    import crfner
    from crfner.corpora.clinical import split_documents
    from crfner.tagging.annotate import tag_documents
    from crfner.text import tokenize

    documents = [replace(d, mentions=[]) for d in split_documents(corpus, "test", data_dir=data_dir)]
    tokens = sum(len(tokenize(d.text)) for d in documents)
    raw = crfner.CRFTagger.load(raw_dir, data_dir=data_dir)
    calibrated = crfner.CRFTagger.load(calibrated_dir, data_dir=data_dir)
    if raw.score_calibration_ is not None or calibrated.score_calibration_ is None:
        raise SystemExit(f"{corpus}: give the model without a calibration first, then the calibrated copy")
    for tagger in (raw, calibrated):
        tag_documents(tagger, documents)  # untimed: caches warm
    seconds: dict[str, list[float]] = {"raw": [], "calibrated": []}
    found = {}
    for k in range(rounds):
        order = [("raw", raw), ("calibrated", calibrated)]
        for name, tagger in order if k % 2 == 0 else order[::-1]:
            best, tagged = timed(tagger, documents, repeats)
            seconds[name].append(best)
            found[name] = [[(m.start, m.end, m.type) for m in d.mentions] for d in tagged]
    ratios = [c / r for c, r in zip(seconds["calibrated"], seconds["raw"])]
    return {
        "corpus": corpus, "documents": len(documents), "tokens": tokens, "rounds": rounds, "repeats": repeats,
        "method": calibrated.score_calibration_.to_dict()["method"],
        "raw_seconds": round(min(seconds["raw"]), 4), "calibrated_seconds": round(min(seconds["calibrated"]), 4),
        "raw_tokens_per_second": round(tokens / min(seconds["raw"])),
        "calibrated_tokens_per_second": round(tokens / min(seconds["calibrated"])),
        "median_ratio_calibrated_to_raw": round(statistics.median(ratios), 4),
        "ratios": [round(r, 4) for r in ratios],
        "same_entities": found["raw"] == found["calibrated"],
        "entities": sum(len(d) for d in found["raw"]),
    }


def main() -> int:
    from crfner.atomic import atomic_open
    from crfner.benchmark.machine import git_state

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--model", action="append", required=True, metavar="CORPUS=RAW_DIR,CALIBRATED_DIR")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rows = []
    for spec in args.model:
        corpus, _, dirs = spec.partition("=")
        raw_dir, _, calibrated_dir = dirs.partition(",")
        if not (corpus and raw_dir and calibrated_dir):
            parser.error(f"--model {spec!r}: expected CORPUS=RAW_DIR,CALIBRATED_DIR")
        row = measure(corpus, raw_dir, calibrated_dir, args.data_dir, args.rounds, args.repeats)
        print(json.dumps(row), file=sys.stderr)
        rows.append(row)
    out = {
        "what": __doc__.split("\n\n")[0].replace("\n", " "),
        "command": "python " + " ".join(sys.argv),
        "git": git_state(),
        "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
        "rows": rows,
    }
    with atomic_open(args.out) as sink:
        sink.write(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
