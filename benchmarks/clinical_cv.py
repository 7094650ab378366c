"""Feature sets and levers for MACCROBAT or PHEE by k-fold cross-validation over train and devel
pooled, split by document (test is never read): each document is tagged once by a model that did
not train on it, and systems are compared over all pooled documents (180 for MACCROBAT instead of
devel's 20), so a paired test can see gains that devel alone cannot.

Systems: the installed feature sets `tutorial`, `biomedical` and `clinical` (version 4, which
these runs chose: `conjunctions4_trigrams_fourgrams`), `clinical-v3` (benchmarks/configs/
clinical-v3.toml), and levers on version 3:
- `conjunctions4`: word conjunctions [-2,-1] .. [1,2] (clinical_levers.py's best devel lever);
  `conjunctions4_trigram` adds [-1,0,1], `conjunctions4_trigrams` also [-2,-1,0] and [0,1,2],
  `..._skip` adds [-1,1] to that, `..._fourgrams` [-2,-1,0,1] and [-1,0,1,2]; `conjunctions4_prefix` adds neighbours' 3-letter prefixes;
- `topic_clusters`: a second cluster table, ``tclu64/256/1024``, learned with a +-6 window
  (wider windows group words by topic rather than by syntax, nearer to MACCROBAT's semantic
  types); measured by wrapping the model's cluster table, not (yet) a feature-set option;
- `binary_embeddings`: the word vectors the clusters are cut from, binarised per dimension as
  Guo, Che, Wang and Liu (2014, EMNLP, "Revisiting embedding features for simple
  semi-supervised learning") do: ``emb17:+`` above the dimension's mean positive value,
  ``emb17:-`` below its mean negative value, nothing between; also measured by wrapping.
And training changes on version 4: `v4_c1_0.05`, `v4_c2_0.01`, `v4_c2_0.03`, `v4_c2_0.3` (its c1 0.01, c2 0.1
are the biomedical set's), `v4_iterations300` (its 150).

    python benchmarks/clinical_cv.py --data-dir ../shared/data --corpus maccrobat \\
        --systems clinical-v3 biomedical clinical --out benchmarks/results/clinical_cv_maccrobat.json
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
V3 = os.path.join(HERE, "configs", "clinical-v3.toml")  # the base every lever changes
CONJUNCTIONS4 = [[-2, -1], [-1, 0], [0, 1], [1, 2]]
TRIGRAMS = [[-2, -1, 0], [-1, 0, 1], [0, 1, 2]]
# declaration changes on `clinical`
DECLARATIONS = {
    "conjunctions4": {"conjunctions": CONJUNCTIONS4},
    "conjunctions4_trigram": {"conjunctions": CONJUNCTIONS4 + [[-1, 0, 1]]},
    "conjunctions4_trigrams": {"conjunctions": CONJUNCTIONS4 + TRIGRAMS},
    "conjunctions4_trigrams_skip": {"conjunctions": CONJUNCTIONS4 + TRIGRAMS + [[-1, 1]]},
    "conjunctions4_trigrams_fourgrams": {"conjunctions": CONJUNCTIONS4 + TRIGRAMS + [[-2, -1, 0, 1], [-1, 0, 1, 2]]},
    "conjunctions4_prefix": {"conjunctions": CONJUNCTIONS4,
                             "features": ["norm", "shape_short", "suf3", "pre3", "gaz:*", "clu128"]},
}
# training changes on version 4 (`clinical`): more words means more weights to regularise
TRAINING = {"v4_c1_0.05": {"c1": 0.05}, "v4_c2_0.01": {"c2": 0.01}, "v4_c2_0.03": {"c2": 0.03}, "v4_c2_0.3": {"c2": 0.3},
            "v4_iterations300": {"max_iterations": 300}}
SYSTEMS = ["clinical-v3", "tutorial", "biomedical", "clinical", *DECLARATIONS, "topic_clusters", "binary_embeddings",
           *TRAINING]


class WiderTable:
    """A cluster table plus extra per-word pairs (a second table, binarised vectors): what the
    featurizer asks of ``resources.clusters`` is only ``features(word)``."""

    def __init__(self, base, extra: dict):
        self.base, self.extra = base, extra

    def features(self, word: str) -> list:
        from crfner.featurize.clusters import normalise_word

        return self.base.features(word) + self.extra.get(normalise_word(word), [])


def topic_pairs(sentences) -> dict:
    from crfner.featurize.clusters import cluster_labels, word_vectors

    words, vectors = word_vectors(sentences, window=6)
    labels = [cluster_labels(vectors, k) for k in (64, 256, 1024)]
    return {w: [(f"tclu{k}", str(int(l[i]))) for k, l in zip((64, 256, 1024), labels)] for i, w in enumerate(words)}


def binary_pairs(sentences) -> dict:
    import numpy as np
    from crfner.featurize.clusters import word_vectors

    words, vectors = word_vectors(sentences, window=2)
    positive = np.where(vectors > 0, vectors, np.nan)
    negative = np.where(vectors < 0, vectors, np.nan)
    high, low = np.nanmean(positive, axis=0), np.nanmean(negative, axis=0)
    out = {}
    for i, w in enumerate(words):
        v = vectors[i]
        out[w] = [(f"emb{j}", "+") for j in np.flatnonzero(v > high)] + [(f"emb{j}", "-") for j in np.flatnonzero(v < low)]
    return out


def widened(extra_from):
    """build_resources, with the cluster table widened by ``extra_from(sentences)``."""
    from crfner.featurize import resources

    original = resources.build_resources

    def build(feature_set, X, gazetteers=None, unlabeled_text=None, data_dir=None):
        built = original(feature_set, X, gazetteers, unlabeled_text, data_dir)
        text = list(X) + resources.declared_unlabeled(feature_set, data_dir)
        built.clusters = WiderTable(built.clusters, extra_from(text))
        return built

    return build


def feature_set(system: str) -> dict | str:
    """The declaration a system trains with: an installed set by name, else version 3 changed."""
    from crfner.featurize.featureset import load_feature_set

    if system in ("tutorial", "biomedical", "clinical"):
        return system
    if system in TRAINING:
        spec = load_feature_set("clinical").to_dict()
        spec["training"].update(TRAINING[system])
        return spec
    spec = load_feature_set(V3).to_dict()
    spec["context"].update(DECLARATIONS.get(system, {}))
    return spec


def folds(ids: list[str], k: int, seed: int = 0) -> dict[str, int]:
    """Document id -> fold number, documents shuffled once with ``seed``."""
    documents = sorted(set(ids))
    random.Random(seed).shuffle(documents)
    return {d: i % k for i, d in enumerate(documents)}


def cross_validated(system: str, X, y, ids, groups, fold_of: dict, data_dir: str) -> tuple[list, float]:
    """Each sentence's tags from the model of the fold that held its document out; training seconds."""
    import crfner
    from crfner.featurize import resources

    predicted: list = [None] * len(X)
    seconds = 0.0
    original = resources.build_resources
    if system in ("topic_clusters", "binary_embeddings"):
        resources.build_resources = widened(topic_pairs if system == "topic_clusters" else binary_pairs)
    try:
        for fold in sorted(set(fold_of.values())):
            train = [i for i, g in enumerate(groups) if fold_of[g] != fold]
            held = [i for i, g in enumerate(groups) if fold_of[g] == fold]
            tagger = crfner.CRFTagger(features=feature_set(system), data_dir=data_dir)
            started = time.perf_counter()
            tagger.fit([X[i] for i in train], [y[i] for i in train], documents=[ids[i] for i in train])
            seconds += time.perf_counter() - started
            for i, tags in zip(held, tagger.predict([X[i] for i in held], documents=[ids[i] for i in held])):
                predicted[i] = tags
    finally:
        resources.build_resources = original
    return predicted, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpus", choices=["maccrobat", "phee"], required=True)
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=SYSTEMS)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--reference", choices=SYSTEMS, default="clinical-v3",
                        help="the system the others are tested against (run it first in --systems)")
    parser.add_argument("--out", help="JSON file; rows are replaced by (system, corpus, reference)")
    args = parser.parse_args()
    if not args.out:
        from scratch import fresh_out

        args.out = fresh_out(__file__, "clinical_cv.json")
    import crfner
    from crfner.evaluation.significance import paired_test
    from rows import load_rows, put_row

    warnings.simplefilter("ignore")
    X, y, ids = [], [], []
    for split in ("train", "devel"):
        Xs, ys = crfner.load_corpus(args.corpus, split, data_dir=args.data_dir)
        X, y, ids = X + Xs, y + ys, ids + crfner.load_document_ids(args.corpus, split, data_dir=args.data_dir)
    # PHEE's documents are sentences, several from one abstract (PMID_n): folds and the paired
    # test keep an abstract together
    groups = [d.split("_")[0] for d in ids] if args.corpus == "phee" else ids
    fold_of = folds(groups, args.folds)
    results = load_rows(args.out)
    command = " ".join(["python", "benchmarks/clinical_cv.py", *sys.argv[1:]])
    reference = None
    for system in args.systems:
        predicted, seconds = cross_validated(system, X, y, ids, groups, fold_of, args.data_dir)
        s = crfner.evaluate(y, predicted)
        row = {"system": system, "corpus": args.corpus, "folds": args.folds, "documents": len(fold_of),
               "f1": round(s.f1, 4), "precision": round(s.precision, 4), "recall": round(s.recall, 4),
               "train_seconds": round(seconds, 1)}
        if system == args.reference:
            reference = predicted
        elif reference is not None:
            test = paired_test(y, reference, predicted, groups=groups, n_resamples=10000, seed=0)
            row["reference"] = args.reference
            row["reference_minus_this"] = round(test["difference"], 4)
            row["p_value_vs_reference"] = round(test["p_value"], 4)
        row["command"] = command
        put_row(args.out, results, row, key=lambda r: (r["system"], r["corpus"], r.get("reference")))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    raise SystemExit(main())
