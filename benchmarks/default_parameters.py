"""The `biomedical` set as a user meets it: ``CRFTagger(features="biomedical")`` with no
other argument, fit on train+devel, scored on test (strict entity micro-F1).

Each corpus is run three ways, so the effect of document ids is plain: without ids (each
sentence a document of its own, as ``fit(X, y)`` and ``predict(X)`` give), trained without
ids but tagged with them, and with ids for both (``load_document_ids``). Every run is in
its own process, so peak memory is its own.

    python benchmarks/default_parameters.py --data-dir ../shared/data --out benchmarks/results/default_parameters.json
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

from fresh_process import run_one

from crfner.benchmark.machine import machine_info

CORPORA = ("bc5cdr", "ncbi_disease")
WAYS = {
    "no document ids": (False, False),
    "ids when tagging only": (False, True),
    "ids for training and tagging": (True, True),
}


def run(corpus: str, way: str, data_dir: str) -> dict:
    """Train and score one corpus one way (in this process)."""
    import crfner

    train_ids, test_ids = WAYS[way]
    X, y = crfner.load_corpus(corpus, "train+devel", data_dir=data_dir)
    X_test, y_test = crfner.load_corpus(corpus, "test", data_dir=data_dir)
    documents = crfner.load_document_ids(corpus, "train+devel", data_dir=data_dir) if train_ids else None
    documents_test = crfner.load_document_ids(corpus, "test", data_dir=data_dir) if test_ids else None
    started = time.perf_counter()
    tagger = crfner.CRFTagger(features="biomedical", data_dir=data_dir).fit(X, y, documents=documents)
    train_seconds = time.perf_counter() - started
    scores = crfner.evaluate(y_test, tagger.predict(X_test, documents=documents_test))
    return {
        "corpus": corpus,
        "way": way,
        "f1": round(scores.f1, 4),
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "per_type_f1": {t: round(s.f1, 4) for t, s in scores.per_type.items()},
        "train_seconds": round(train_seconds, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "training_parameters": tagger.training_params_,
        "feature_set": f"{tagger.feature_set_.name} v{tagger.feature_set_.version}",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA))
    parser.add_argument("--out", help="write the figures to this JSON file")
    parser.add_argument("--one", nargs=2, metavar=("CORPUS", "WAY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one[0], args.one[1], args.data_dir)))
        return 0
    rows = []
    for corpus in args.corpora:
        for way in WAYS:
            rows.append(run_one(__file__, args.data_dir, corpus, way))
            print(f"{corpus:13} {way:30} F1 {rows[-1]['f1']:.4f}  train {rows[-1]['train_seconds']} s  "
                  f"peak {rows[-1]['peak_rss_mib']} MiB", flush=True)
    result = {
        "command": "python benchmarks/default_parameters.py " + " ".join(sys.argv[1:]),
        "machine": machine_info(),
        "rows": rows,
    }
    if args.out:
        from crfner.atomic import atomic_open

        with atomic_open(args.out) as handle:
            handle.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
