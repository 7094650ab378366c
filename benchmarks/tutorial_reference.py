"""Check crfner's `tutorial` baseline against an independent re-implementation.

The reference below shares no code with crfner: its own file reader, the sklearn-crfsuite
tutorial's feature function (less part of speech) written out by hand, sklearn-crfsuite's
CRF and seqeval's scorer. Both systems train on the same split with lbfgs, c1=0.1, c2=0.1,
100 iterations and all possible transitions, and are scored on the test split.

    python benchmarks/tutorial_reference.py --data-dir ../shared/data --out benchmarks/results/tutorial_reference.json
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

CORPORA = {"bc5cdr": "BC5CDR-IOB", "ncbi_disease": "NCBI-disease-IOB"}


def read_split(path: Path):
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            token, tag = line.split("\t")
            current.append((token, tag))
        elif current:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def token_features(sentence, i):
    word = sentence[i][0]
    feats = {
        "bias": 1.0,
        "word.lower()": word.lower(),
        "word[-3:]": word[-3:],
        "word[-2:]": word[-2:],
        "word.isupper()": word.isupper(),
        "word.istitle()": word.istitle(),
        "word.isdigit()": word.isdigit(),
    }
    if i > 0:
        previous = sentence[i - 1][0]
        feats.update({"-1:word.lower()": previous.lower(), "-1:word.istitle()": previous.istitle(),
                      "-1:word.isupper()": previous.isupper()})
    else:
        feats["BOS"] = True
    if i < len(sentence) - 1:
        following = sentence[i + 1][0]
        feats.update({"+1:word.lower()": following.lower(), "+1:word.istitle()": following.istitle(),
                      "+1:word.isupper()": following.isupper()})
    else:
        feats["EOS"] = True
    return feats


def reference_f1(train, test) -> float:
    import sklearn_crfsuite
    from seqeval.metrics import f1_score

    crf = sklearn_crfsuite.CRF(algorithm="lbfgs", c1=0.1, c2=0.1, max_iterations=100, all_possible_transitions=True)
    crf.fit([[token_features(s, i) for i in range(len(s))] for s in train], [[t for _, t in s] for s in train])
    predicted = crf.predict([[token_features(s, i) for i in range(len(s))] for s in test])
    return f1_score([[t for _, t in s] for s in test], [list(p) for p in predicted])


def crfner_f1(name: str, splits: str, data_dir: Path) -> tuple[float, float]:
    import crfner

    X, y = crfner.load_corpus(name, splits, data_dir=data_dir)
    Xt, yt = crfner.load_corpus(name, "test", data_dir=data_dir)
    started = time.perf_counter()
    tagger = crfner.CRFTagger(features="tutorial").fit(X, y)
    seconds = time.perf_counter() - started
    return crfner.evaluate(yt, tagger.predict(Xt)).f1, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--out", help="write the figures to this JSON file (default: a new folder in the temporary folder)")
    args = parser.parse_args()
    if not args.out:
        from scratch import fresh_out

        args.out = fresh_out(__file__, "tutorial_reference.json")
    data_dir = Path(args.data_dir)
    rows = []
    for name in args.corpora:
        folder = data_dir / CORPORA[name]
        test = read_split(folder / "test.tsv")
        for splits in ("train", "train+devel"):
            train = [s for part in splits.split("+") for s in read_split(folder / f"{part}.tsv")]
            ref = reference_f1(train, test)
            ours, seconds = crfner_f1(name, splits, data_dir)
            row = {"corpus": name, "train": splits, "reference_f1": round(ref, 4), "crfner_f1": round(ours, 4),
                   "difference": round(ours - ref, 4), "crfner_train_seconds": round(seconds, 1)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    result = {
        "command": "python benchmarks/tutorial_reference.py " + " ".join(sys.argv[1:]),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "processor": platform.processor()},
        "rows": rows,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    from crfner.atomic import atomic_open

    with atomic_open(args.out) as handle:
        handle.write(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
