"""What a stored score calibration (``crfner calibrate``) costs at tagging time: a calibrated
model (``--model CORPUS=DIR``) and the same model without its map (loaded again, the map
dropped: the same weights) tag the corpus's test documents as raw text in one process, the two
taken in turn round by round, each round the best of REPEATS timed ``tag_documents`` calls after
an untimed one. Reported per corpus: each one's best seconds and tokens per second, the median
of the rounds' calibrated/raw ratios, and that both found the same entities (the map changes
scores, never spans).

    crfner calibrate /tmp/m/maccrobat-clinical maccrobat --split devel --out /tmp/m/mc-cal --data-dir ../shared/data
    crfner calibrate /tmp/m/phee-clinical ../shared/data/clinical/PHEE/dev --input-format brat --out /tmp/m/phee-cal2
    python benchmarks/calibration_cost.py --data-dir ../shared/data \\
        --model maccrobat=/tmp/m/mc-cal --model phee=/tmp/m/phee-cal2 --out benchmarks/results/calibration_cost.json

With a map per type (``calibration_cost_per_type.json``): the same two ``crfner calibrate``
commands with ``--per-type --out /tmp/m/mc-cal-pt`` and ``--per-type --out /tmp/m/phee-cal-pt``, then
``--model maccrobat=/tmp/m/mc-cal-pt --model phee=/tmp/m/phee-cal-pt --out
benchmarks/results/calibration_cost_per_type.json``.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace

ROUNDS, REPEATS = 5, 3


def timed(tagger, documents) -> tuple[float, list]:
    """The best of REPEATS timed calls, and the last call's documents."""
    from crfner.tagging.annotate import tag_documents

    best, tagged = float("inf"), []
    for _ in range(REPEATS):
        started = time.perf_counter()
        tagged = tag_documents(tagger, documents)
        best = min(best, time.perf_counter() - started)
    return best, tagged


def run(corpus: str, model_dir: str, data_dir: str) -> dict:
    import crfner
    from crfner.corpora.clinical import split_documents
    from crfner.tagging.annotate import tag_documents
    from crfner.text import tokenize

    documents = [replace(d, mentions=[]) for d in split_documents(corpus, "test", data_dir=data_dir)]
    tokens = sum(len(tokenize(d.text)) for d in documents)
    calibrated, raw = (crfner.CRFTagger.load(model_dir, data_dir=data_dir) for _ in range(2))
    if calibrated.score_calibration_ is None:
        raise SystemExit(f"{model_dir} has no score calibration: give a model crfner calibrate wrote")
    raw.score_calibration_ = None
    for tagger in (raw, calibrated):
        tag_documents(tagger, documents)  # untimed: caches warm
    seconds: dict[str, list[float]] = {"raw": [], "calibrated": []}
    found = {}
    for k in range(ROUNDS):
        order = [("raw", raw), ("calibrated", calibrated)]
        for name, tagger in order if k % 2 == 0 else order[::-1]:
            best, tagged = timed(tagger, documents)
            seconds[name].append(best)
            found[name] = [[(m.start, m.end, m.type) for m in d.mentions] for d in tagged]
    ratios = [c / r for c, r in zip(seconds["calibrated"], seconds["raw"])]
    return {
        "corpus": corpus, "model": model_dir, "documents": len(documents), "tokens": tokens, "rounds": ROUNDS,
        "repeats": REPEATS, "method": calibrated.score_calibration_.method,
        "types_with_own_map": sorted(getattr(calibrated.score_calibration_, "by_type", {})),
        "raw_seconds": round(min(seconds["raw"]), 4), "calibrated_seconds": round(min(seconds["calibrated"]), 4),
        "raw_tokens_per_second": round(tokens / min(seconds["raw"])),
        "calibrated_tokens_per_second": round(tokens / min(seconds["calibrated"])),
        "median_ratio_calibrated_to_raw": round(statistics.median(ratios), 4),
        "ratios": [round(r, 4) for r in ratios],
        "same_entities": found["raw"] == found["calibrated"],
        "entities": sum(len(d) for d in found["raw"]),
    }


def _report(corpus: str, row: dict) -> str:
    return (f"{corpus}: calibrated/raw time {row['median_ratio_calibrated_to_raw']} (median of {row['rounds']} rounds), "
            f"{row['raw_tokens_per_second']} against {row['calibrated_tokens_per_second']} tokens/s, "
            f"same entities {row['same_entities']}")


def main(argv: list[str] | None = None) -> int:
    from corpus_models import main_over_models

    return main_over_models(__doc__, "calibration_cost.py", argv, run, _report)


if __name__ == "__main__":
    raise SystemExit(main())
