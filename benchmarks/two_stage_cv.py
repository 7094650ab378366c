"""A two-stage CRF, measured by cross-validation over MACCROBAT's (or PHEE's) train and devel as
clinical_cv.py measures its levers (test never read): the second CRF sees, beside the `clinical`
features, what the first CRF tagged elsewhere in the same document.

A case report names its findings and tests again and again, and the first CRF tags some
mentions of a term and misses others. Krishnan and Manning (2006, ACL, "An effective two-stage
model for exploiting non-local dependencies in named entity recognition") feed the first
stage's document-level majorities to a second CRF; these features follow theirs:
- ``dtok=TYPE``: the commonest type (``O`` included) the first stage gave the other mentions of
  this word (lower-cased) in the document; ``dtok_any=TYPE`` for each entity type among them;
- ``dent=B-TYPE`` / ``dent=I-TYPE``: the token begins or continues a word sequence that the
  first stage tagged as an entity of that type elsewhere in the document (longest match);
- system ``..._self`` also gives the token's own first-stage tag (``s1=TAG``), as stacking does.
The first stage's tags on the training documents come from an inner cross-validation (so they
are as wrong as on unseen text); on the held-out documents from the first stage trained on all
the fold's training documents, which is the `clinical` system of clinical_cv.py.

    python benchmarks/two_stage_cv.py --data-dir ../shared/data --corpus maccrobat \\
        --out benchmarks/results/clinical_cv_maccrobat.json
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
SYSTEMS = ("v7_two_stage_doc", "v7_two_stage_doc_self")


def entity_type(tag: str) -> str:
    return "O" if tag == "O" else tag[2:]


def document_features(X: list, tags: list, ids: list, own: bool) -> list[list[list[str]]]:
    """Per sentence, per token, the extra attributes drawn from first-stage ``tags`` of the other
    tokens of the sentence's document (see the module's docstring)."""
    by_document = defaultdict(list)
    for i, d in enumerate(ids):
        by_document[d].append(i)
    out: list = [[[] for _ in sentence] for sentence in X]
    for members in by_document.values():
        words = defaultdict(Counter)  # lower-cased word -> type counts over the document
        names = {}  # lower-cased entity words -> type counts
        spans = defaultdict(set)  # sentence -> its own entities (start, end, type)
        for i in members:
            start = None
            for word, tag in zip(X[i], tags[i]):
                words[word.lower()][entity_type(tag)] += 1
            for j, tag in enumerate(list(tags[i]) + ["O"]):
                if start is not None and not tag.startswith("I-"):
                    key = tuple(w.lower() for w in X[i][start:j])
                    names.setdefault(key, Counter())[entity_type(tags[i][start])] += 1
                    spans[i].add((start, j, entity_type(tags[i][start])))
                    start = None
                if tag.startswith("B-") or (tag.startswith("I-") and start is None):
                    start = j
        longest = max(map(len, names), default=0)
        for i in members:
            lowered = [w.lower() for w in X[i]]
            for j, word in enumerate(lowered):
                others = words[word].copy()
                others[entity_type(tags[i][j])] -= 1  # the token's own tag is not its evidence
                others = +others
                if others:
                    out[i][j].append(f"dtok={others.most_common(1)[0][0]}")
                    out[i][j].extend(f"dtok_any={t}" for t in sorted(others) if t != "O")
                if own:
                    out[i][j].append(f"s1={tags[i][j]}")
            j = 0
            while j < len(lowered):
                for n in range(min(longest, len(lowered) - j), 0, -1):
                    counts = names.get(tuple(lowered[j:j + n]), Counter()).copy()
                    for start, end, kind in spans[i]:
                        if (start, end) == (j, j + n):
                            counts[kind] -= 1  # found elsewhere, not here
                    counts = +counts
                    if counts:
                        kind = counts.most_common(1)[0][0]
                        out[i][j].append(f"dent=B-{kind}")
                        for k in range(j + 1, j + n):
                            out[i][k].append(f"dent=I-{kind}")
                        j += n
                        break
                else:
                    j += 1
    return out


def fold_run(fold: int, X, y, ids, groups, fold_of: dict, data_dir: str, inner_k: int) -> dict:
    """One outer fold: the held-out sentences' first-stage tags and each system's second-stage tags."""
    sys.path.insert(0, HERE)
    import crfner
    from clinical_cv import feature_set, fold_split, folds
    from crfner.crf.decoding import viterbi
    from crfner.crf.training import train_crfsuite
    from crfner.featurize.parallel import featurize_many

    warnings.simplefilter("ignore")
    spec = feature_set("clinical")
    train, held = fold_split(groups, fold_of, fold)
    started = time.perf_counter()
    first: dict = {}
    inner = folds([groups[i] for i in train], inner_k, seed=1)
    for k in range(inner_k):
        fit = [i for i in train if inner[groups[i]] != k]
        out = [i for i in train if inner[groups[i]] == k]
        tagger = crfner.CRFTagger(features=spec, data_dir=data_dir)
        tagger.fit([X[i] for i in fit], [y[i] for i in fit], documents=[ids[i] for i in fit])
        first.update(zip(out, tagger.predict([X[i] for i in out], documents=[ids[i] for i in out])))
    tagger = crfner.CRFTagger(features=spec, data_dir=data_dir)
    tagger.fit([X[i] for i in train], [y[i] for i in train], documents=[ids[i] for i in train])
    first.update(zip(held, tagger.predict([X[i] for i in held], documents=[ids[i] for i in held])))
    result = {"held": held, "first": [first[i] for i in held]}
    base = featurize_many(tagger.feature_set_, X, resources=tagger.resources_, documents=ids)
    first_tags = [first[i] for i in range(len(X))]  # train and held cover every sentence
    for system in SYSTEMS:
        extra = document_features(X, first_tags, ids, own=system.endswith("_self"))
        features = [[attrs + [e.encode() for e in more] for attrs, more in zip(base[i], extra[i])] for i in range(len(X))]
        _, weights = train_crfsuite([features[i] for i in train], [y[i] for i in train], tagger.training_params_, False)
        paths = viterbi([weights.emissions(features[i]) for i in held], weights.transition)
        result[system] = [[weights.labels[k] for k in path] for path in paths]
    result["seconds"] = time.perf_counter() - started
    print(f"fold {fold} done in {result['seconds']:.0f} s", file=sys.stderr, flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpus", choices=["maccrobat", "phee"], required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--inner-folds", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=2, help="outer folds run side by side")
    parser.add_argument("--limit", type=int, help="only the first N documents (a smoke run)")
    parser.add_argument("--out", required=True, help="JSON rows file (clinical_cv.py's)")
    args = parser.parse_args()
    import crfner
    from clinical_cv import abstract_groups, folds, pooled
    from crfner.evaluation.significance import paired_test
    from joblib import Parallel, delayed
    from rows import load_rows, put_row

    X, y, ids = pooled(args.corpus, args.data_dir)
    if args.limit:
        chosen = set(sorted(set(ids))[:args.limit])
        X, y, ids = map(list, zip(*[(x, t, d) for x, t, d in zip(X, y, ids) if d in chosen]))
    groups = abstract_groups(args.corpus, ids)
    fold_of = folds(groups, args.folds)
    runs = Parallel(n_jobs=args.jobs)(delayed(fold_run)(f, X, y, ids, groups, fold_of, args.data_dir, args.inner_folds)
                                      for f in range(args.folds))
    predicted = {name: [None] * len(X) for name in ("first", *SYSTEMS)}
    for run in runs:
        for name, tags_of in predicted.items():
            for i, tags in zip(run["held"], run[name]):
                tags_of[i] = tags
    seconds = round(sum(run["seconds"] for run in runs), 1)
    results = load_rows(args.out)
    command = " ".join(["python", "benchmarks/two_stage_cv.py", *sys.argv[1:]])
    reference_f1 = round(crfner.evaluate(y, predicted["first"]).f1, 4)
    print(f"first stage (clinical): F1 {reference_f1}", flush=True)
    for system in SYSTEMS:
        s = crfner.evaluate(y, predicted[system])
        test = paired_test(y, predicted["first"], predicted[system], groups=groups, n_resamples=10000, seed=0)
        row = {"system": system, "corpus": args.corpus, "folds": args.folds, "documents": len(fold_of),
               "f1": round(s.f1, 4), "precision": round(s.precision, 4), "recall": round(s.recall, 4),
               "train_seconds": seconds, "reference": "clinical",
               "reference_f1_this_run": reference_f1,
               "reference_minus_this": round(test["difference"], 4), "p_value_vs_reference": round(test["p_value"], 4),
               "command": command}
        put_row(args.out, results, row, key=lambda r: (r["system"], r["corpus"], r.get("reference"), r.get("copy")))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    raise SystemExit(main())
