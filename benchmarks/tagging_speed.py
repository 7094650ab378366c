"""Tagging speed of a CRF model on BC5CDR test: feature extraction plus Viterbi, one process.

Trains the model on train+devel unless --model names a saved one, then tags the test split
(sentences grouped by document, as the corpus gives them) --repeats times, each time with a
freshly loaded model (so per-word caches start cold), and reports the best and median
tokens/s of ``predict`` (scores summed from the weights per word type, numpy Viterbi), the
same for the plain path (feature strings, then CRFsuite's tagger, only for a model trained in
this run: a saved model holds no CRFsuite binary), whether the two give the same tags, and the
top of a profile of ``predict``.

    python benchmarks/tagging_speed.py --data-dir ../shared/data --features biomedical
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def main() -> int:
    import crfner

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpus", default="bc5cdr")
    parser.add_argument("--features", default="biomedical")
    parser.add_argument("--model", help="a saved model directory (default: train one on train+devel)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", help="write the figures to this JSON file")
    args = parser.parse_args()

    from crfner.corpora.registry import load_document_ids

    X_test, y_test = crfner.load_corpus(args.corpus, "test", data_dir=args.data_dir)
    documents = load_document_ids(args.corpus, "test", data_dir=args.data_dir)
    tokens = sum(map(len, X_test))
    with tempfile.TemporaryDirectory() as tmp:
        path, crfsuite = args.model, None
        if path is None:
            X, y = crfner.load_corpus(args.corpus, "train+devel", data_dir=args.data_dir)
            train_documents = load_document_ids(args.corpus, "train+devel", data_dir=args.data_dir)
            tagger = crfner.CRFTagger(features=args.features, data_dir=args.data_dir)
            path = tagger.fit(X, y, documents=train_documents).save(Path(tmp) / "model")
            # CRFsuite's own tagger over the binary it trained, for comparison (a saved model has none).
            import pycrfsuite

            crfsuite = pycrfsuite.Tagger()
            crfsuite.open_inmemory(tagger.crfsuite_model_)
        whole, plain, featurize = [], [], []
        for _ in range(args.repeats):
            tagger = crfner.CRFTagger.load(path, data_dir=args.data_dir)
            started = time.perf_counter()
            predicted = tagger.predict(X_test, documents=documents)
            whole.append(tokens / (time.perf_counter() - started))
            if crfsuite is None:
                continue
            tagger = crfner.CRFTagger.load(path, data_dir=args.data_dir)
            gc.disable()
            started = time.perf_counter()
            features = tagger.token_attributes(X_test, documents=documents)
            featurize.append(time.perf_counter() - started)
            by_crfsuite = [crfsuite.tag(sentence) if sentence else [] for sentence in features]
            plain.append(tokens / (time.perf_counter() - started))
            gc.enable()
        tagger = crfner.CRFTagger.load(path, data_dir=args.data_dir)
        profile = cProfile.Profile()
        profile.runcall(tagger.predict, X_test, documents=documents)
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(12)
        f1 = crfner.evaluate(y_test, predicted).f1
    result = {
        "command": "python benchmarks/tagging_speed.py " + " ".join(sys.argv[1:]),
        "corpus": args.corpus,
        "features": args.features,
        "tokens": tokens,
        "f1": round(f1, 4),
        "tokens_per_second_best": round(max(whole)),
        "tokens_per_second_median": round(statistics.median(whole)),
        "tokens_per_second_all": [round(w) for w in whole],
        "documents": len(set(documents)) if documents else None,
    }
    if crfsuite is not None:  # only for a model trained in this run (--model names a saved one)
        result.update({
            "crfsuite_path_tokens_per_second_best": round(max(plain)),
            "crfsuite_path_tokens_per_second_median": round(statistics.median(plain)),
            "seconds_feature_strings_best": round(min(featurize), 3),
            "same_tags_as_crfsuite": by_crfsuite == predicted,
            "attributes_per_token": round(sum(len(t) for s in features for t in s) / tokens, 1),
        })
    print(json.dumps(result, indent=2))
    print("\n".join(text.getvalue().splitlines()[:30]))
    if args.out:
        from crfner.atomic import atomic_open

        with atomic_open(args.out) as handle:
            handle.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
