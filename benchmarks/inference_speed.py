"""Tagging speed of the numpy decoder in one run: ``predict`` on the BC5CDR IOB test split,
``predict_marginals`` on the same sentences, and raw-text tagging of the BC5CDR PubTator test
documents end to end (sentences, tokens, tags, marginal scores, offsets), each on a freshly
loaded model, interleaved, best and median of ``--repeats``; plus load time and peak memory of
the model in fresh processes (and of a format-1 model with an older checkout, with ``--before``).

    python benchmarks/inference_speed.py --data-dir ../shared/data --repeats 5 \
        --out benchmarks/results/inference_speed.json
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

# Loads a model in a fresh process and reports the load time and the peak memory after it.
LOAD = r"""
import json, resource, sys, time
started = time.perf_counter()
import crfner
imported = time.perf_counter()
tagger = crfner.CRFTagger.load(sys.argv[1], data_dir=sys.argv[2])
loaded = time.perf_counter()
print(json.dumps({"import_seconds": round(imported - started, 3), "load_seconds": round(loaded - imported, 3),
                  "peak_rss_mib_after_load": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                  "crfsuite_imported": "pycrfsuite" in sys.modules}))
"""


def load_cost(model: str, data_dir: str, checkout: str | None, runs: int) -> dict:
    env = dict(os.environ)
    if checkout:
        env["PYTHONPATH"] = str(Path(checkout).resolve())
    results = [json.loads(subprocess.run([sys.executable, "-c", LOAD, model, data_dir], env=env, capture_output=True,
                                         text=True, check=True, cwd=checkout or ".").stdout) for _ in range(runs)]
    return {"load_seconds_best": min(r["load_seconds"] for r in results),
            "load_seconds_median": statistics.median(r["load_seconds"] for r in results),
            "peak_rss_mib_after_load": statistics.median(r["peak_rss_mib_after_load"] for r in results),
            "crfsuite_imported": results[0]["crfsuite_imported"]}


def main() -> int:
    import crfner
    from crfner.corpora.pubtator import read_pubtator
    from crfner.corpora.registry import REGISTRY, resolve_data_dir
    from crfner.text import sentences

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--model", help="a saved biomedical model (default: train one on BC5CDR train+devel)")
    parser.add_argument("--before", nargs=2, metavar=("CHECKOUT", "MODEL"),
                        help="an older checkout and a model it loads, for load time and memory before")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out")
    args = parser.parse_args()
    data_dir = str(resolve_data_dir(args.data_dir).resolve())

    X, _ = crfner.load_corpus("bc5cdr", "test", data_dir=data_dir)
    ids = crfner.load_document_ids("bc5cdr", "test", data_dir=data_dir)
    documents = list(read_pubtator(Path(data_dir) / "pubtator" / REGISTRY["bc5cdr"].pubtator_files["test"]))
    iob_tokens = sum(map(len, X))
    raw_tokens = sum(len(s) for d in documents for s in sentences(d.text, d.passages))
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model
        if model is None:
            Xt, yt = crfner.load_corpus("bc5cdr", "train+devel", data_dir=data_dir)
            tagger = crfner.CRFTagger(features="biomedical", data_dir=data_dir)
            tagger.fit(Xt, yt, documents=crfner.load_document_ids("bc5cdr", "train+devel", data_dir=data_dir))
            model = str(tagger.save(Path(tmp) / "model"))
            del tagger
        runs = {"predict": [], "predict_marginals": [], "raw_text": []}
        jobs = {
            "predict": lambda t: t.predict(X, documents=ids),
            "predict_marginals": lambda t: t.predict_marginals(X, documents=ids),
            "raw_text": lambda t: crfner.tag_documents(t, documents),
        }
        for _ in range(args.repeats):
            for name, job in jobs.items():
                tagger = crfner.CRFTagger.load(model, data_dir=data_dir)  # cold caches each time
                started = time.perf_counter()
                output = job(tagger)
                runs[name].append(time.perf_counter() - started)
                if name == "raw_text":
                    entities = sum(len(d.mentions) for d in output)
        after = load_cost(model, data_dir, None, 3)
        before = load_cost(args.before[1], data_dir, args.before[0], 3) if args.before else None

    def speed(name: str, tokens: int) -> dict:
        return {"tokens": tokens, "tokens_per_second_best": round(tokens / min(runs[name])),
                "tokens_per_second_median": round(tokens / statistics.median(runs[name]))}

    result = {
        "command": "python benchmarks/inference_speed.py " + " ".join(sys.argv[1:]),
        "predict_iob_test": speed("predict", iob_tokens),
        "predict_marginals_iob_test": speed("predict_marginals", iob_tokens),
        "raw_text_pubtator_test": {**speed("raw_text", raw_tokens), "documents": len(documents), "entities": entities},
    }
    best = {name: result[key]["tokens_per_second_best"] for name, key in
            (("predict", "predict_iob_test"), ("marginals", "predict_marginals_iob_test"), ("raw", "raw_text_pubtator_test"))}
    result["ratios_to_predict_best"] = {"raw_text": round(best["raw"] / best["predict"], 3),
                                        "predict_marginals": round(best["marginals"] / best["predict"], 3)}
    # The same ratios within each round (the three jobs ran back to back), then their median:
    # steadier than the ratio of bests when the machine's speed drifts during the run.
    result["ratios_to_predict_median_of_rounds"] = {
        name: round(statistics.median((runs["predict"][i] / iob_tokens) / (runs[key][i] / tokens)
                                      for i in range(args.repeats)), 3)
        for name, key, tokens in (("raw_text", "raw_text", raw_tokens), ("predict_marginals", "predict_marginals", iob_tokens))
    }
    result["load"] = {"after": after, "before": before}
    print(json.dumps(result, indent=2))
    if args.out:
        from crfner.atomic import atomic_open

        with atomic_open(args.out) as handle:
            handle.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
