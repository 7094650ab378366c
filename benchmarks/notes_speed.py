"""What the notes splitter costs in time: raw-text tagging of clinical case reports with the
abstract and the notes splitter, in one run, alternating rounds, on the same loaded model.

MACCROBAT's and PHEE's test documents are tagged as written and hard-wrapped at 70 characters
(as ``benchmarks/wrapped_notes.py`` wraps them), each round tagging every document ``--repeat``
times over with each splitter in turn, the order swapped every round. For each corpus, text form and splitter:
best and median seconds and tokens/s of ``tag_documents`` (sentences cut, featurized and
tagged), and the seconds of the sentence cutting alone (what tagging reads:
``crfner.tagging.annotate.tagged_split``); then the notes splitter's time over the abstract
one's, per round. Speed drifts between days on a shared machine: compare rows of one run.

    crfner train maccrobat --features clinical --out /tmp/m/maccrobat-clinical --data-dir ../shared/data
    crfner train phee --features clinical --out /tmp/m/phee-clinical --data-dir ../shared/data
    python benchmarks/notes_speed.py --data-dir ../shared/data --model maccrobat=/tmp/m/maccrobat-clinical \\
        --model phee=/tmp/m/phee-clinical --out benchmarks/results/notes_speed.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import crfner
from crfner.atomic import atomic_open
from crfner.benchmark.machine import git_state
from crfner.corpora.clinical import split_documents
from crfner.corpora.documents import Document
from crfner.tagging.annotate import tag_documents, tagged_split
from crfner.text import tokenize
from wrapped_notes import wrap

SPLITTERS = ("abstract", "notes")


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def run(corpus: str, model_dir: str, args) -> list[dict]:
    gold = split_documents(corpus, "test", data_dir=args.data_dir)
    tagger = crfner.CRFTagger.load(model_dir, data_dir=args.data_dir)
    forms = {"as written": gold, "wrapped at 70": [Document(d.id, wrap(d.text, 70), d.mentions, d.passages) for d in gold]}
    rows = []
    for form, documents in forms.items():
        documents = documents * args.repeat  # long enough to time
        tokens = sum(len(tokenize(d.text)) for d in documents)
        tag_documents(tagger, documents[:5], splitter="notes")  # warm: the first call loads what tagging needs
        seconds = {s: [] for s in SPLITTERS}
        split_seconds = {s: [] for s in SPLITTERS}
        for round_ in range(args.rounds):
            for splitter in (SPLITTERS if round_ % 2 == 0 else SPLITTERS[::-1]):
                seconds[splitter].append(timed(lambda s=splitter, d=documents: tag_documents(tagger, d, splitter=s)))
                split_seconds[splitter].append(
                    timed(lambda s=splitter, ds=documents: [tagged_split(d.text, d.passages, splitter=s) for d in ds]))
        ratios = [n / a for n, a in zip(seconds["notes"], seconds["abstract"])]
        for splitter in SPLITTERS:
            best = min(seconds[splitter])
            rows.append({
                "corpus": corpus, "form": form, "splitter": splitter, "documents": len(documents), "tokens": tokens,
                "rounds": args.rounds, "repeat": args.repeat,
                "seconds_best": round(best, 3), "seconds_median": round(statistics.median(seconds[splitter]), 3),
                "tokens_per_second_best": round(tokens / best),
                "split_seconds_best": round(min(split_seconds[splitter]), 3),
                "seconds_all": [round(s, 3) for s in seconds[splitter]],
                "notes_over_abstract_median": round(statistics.median(ratios), 3),
                "model": model_dir,
            })
            row = rows[-1]
            print(f"{corpus:10} {form:14} {splitter:8}: {row['tokens_per_second_best']:>7} tokens/s best, "
                  f"cutting {row['split_seconds_best']:.3f} s of {row['seconds_best']:.3f} s; notes/abstract "
                  f"{row['notes_over_abstract_median']:.3f} (median of rounds)", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    from corpus_models import add_corpus_models, corpus_models

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_corpus_models(parser, trained="")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="each round tags the test documents this many times over")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    command = "python " + " ".join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])])
    rows = []
    for corpus, model_dir in corpus_models(args):
        rows.extend(run(corpus, model_dir, args))
    commit = (git_state()["commit"] or "unknown")[:7]
    with atomic_open(args.out, "w") as handle:
        json.dump({"command": command, "code": commit, "finished": time.strftime("%Y-%m-%d %H:%M:%S"), "rows": rows},
                  handle, indent=1)
        handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
