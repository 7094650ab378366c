"""What scoring entities by their probability costs in raw-text tagging time: the same saved
models tag the same documents with this checkout and with one from before the change
(``--before``, scoring by the mean tag marginal), each in a fresh process per round, the two
alternating in order round by round; per round the best of ``--repeats`` timed calls of
``tag_documents`` after one untimed call. Reported per corpus: each checkout's best and
median seconds and the median of the rounds' after/before ratios.

    git worktree add /tmp/before 61f2340
    python benchmarks/entity_score_speed.py --data-dir ../shared/data --before /tmp/before \\
        --model bc5cdr=/tmp/m/bc5cdr-biomedical --model maccrobat=/tmp/m/maccrobat-clinical \\
        --out benchmarks/results/entity_score_speed.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from crfner.benchmark.machine import git_state

# Tags a corpus's test documents as raw text with a saved model; prints the best time.
TIMED = r"""
import json, sys, time
from dataclasses import replace
import crfner
from crfner.tagging.annotate import tag_documents
corpus, model, data_dir, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if corpus == "bc5cdr":
    from crfner.corpora.pubtator import read_pubtator
    documents = list(read_pubtator(f"{data_dir}/pubtator/CDR_TestSet.PubTator.txt"))
else:
    from crfner.corpora.clinical import split_documents
    documents = split_documents(corpus, "test", data_dir=data_dir)
documents = [replace(d, mentions=[]) for d in documents]
tagger = crfner.CRFTagger.load(model, data_dir=data_dir)
tag_documents(tagger, documents[:20])
times = []
for _ in range(repeats):
    started = time.perf_counter()
    tagged = tag_documents(tagger, documents)
    times.append(time.perf_counter() - started)
print(json.dumps({"seconds": min(times), "entities": sum(len(d.mentions) for d in tagged), "documents": len(documents)}))
"""


def timed(checkout: Path, corpus: str, model: str, data_dir: str, repeats: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(checkout.resolve()), "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, "-c", TIMED, corpus, model, data_dir, str(repeats)], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--before", required=True, type=Path, help="a checkout from before the change")
    parser.add_argument("--model", action="append", required=True, metavar="CORPUS=DIR",
                        help="a saved model and the corpus whose test documents it tags (bc5cdr, maccrobat, phee)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    after = Path(__file__).resolve().parents[1]
    rows = []
    for spec in args.model:
        corpus, _, model = spec.partition("=")
        runs: dict[str, list[dict]] = {"before": [], "after": []}
        for k in range(args.rounds):
            for name in (("before", "after") if k % 2 == 0 else ("after", "before")):
                runs[name].append(timed(args.before if name == "before" else after, corpus, model, args.data_dir,
                                        args.repeats))
        ratios = [a["seconds"] / b["seconds"] for a, b in zip(runs["after"], runs["before"])]
        row = {"corpus": corpus, "model": model, "documents": runs["after"][0]["documents"],
               "entities": runs["after"][0]["entities"],
               **{name: {"best_seconds": round(min(r["seconds"] for r in rs), 3),
                         "median_seconds": round(statistics.median(r["seconds"] for r in rs), 3)} for name, rs in runs.items()},
               "after_over_before_median": round(statistics.median(ratios), 3),
               "ratios": [round(r, 3) for r in ratios]}
        print(f"{corpus}: after/before {row['after_over_before_median']} ({row['ratios']})", file=sys.stderr)
        rows.append(row)
    command = "python benchmarks/entity_score_speed.py " + " ".join(argv if argv is not None else sys.argv[1:])
    from corpus_models import write_result

    write_result({"what": __doc__.split("\n\n")[0].replace("\n", " "), "command": command, "code": git_state(),
                  "before": git_state(args.before), "rounds": args.rounds, "repeats": args.repeats, "rows": rows}, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
