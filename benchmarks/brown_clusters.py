"""Brown clusters (Brown et al. 1992) of the unlabeled text a feature set declares, for clinical_cv.py's
`v14_brown` lever: one line per word, the word (lower case, digits as 0, as the set's clusters read
it) and its bit string in the merge tree. Learned with the `brown-clustering` package (pip install
brown-clustering; not a dependency of crfner), which keeps the `m` most frequent words' classes and
merges the cheapest pair as each next word joins (Liang 2005's windowed algorithm).

    python benchmarks/brown_clusters.py --data-dir ../shared/data --classes 1000 --out /tmp/brown.tsv
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--feature-set", default="clinical", help="whose [clusters] unlabeled_text to read")
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    from brown_clustering import BigramCorpus, BrownClustering

    from crfner.atomic import atomic_open
    from crfner.featurize import resources
    from crfner.featurize.clusters import normalise_word
    from crfner.featurize.featureset import load_feature_set

    sentences = resources.declared_unlabeled(load_feature_set(args.feature_set), args.data_dir)
    sentences = [[normalise_word(w) for w in s] for s in sentences]
    counts = Counter(w for s in sentences for w in s)
    kept = sum(1 for c in counts.values() if c >= args.min_count)
    print(f"{len(sentences)} sentences, {sum(counts.values())} tokens, {kept} words seen {args.min_count}+ times",
          file=sys.stderr)
    started = time.perf_counter()
    # alpha: the package's add-alpha smoothing of bigram counts, kept negligible (Brown's objective has none)
    clustering = BrownClustering(BigramCorpus(sentences, alpha=1e-6, min_count=args.min_count), m=args.classes)
    clustering.train()
    with atomic_open(args.out) as handle:
        for word, bits in sorted(clustering.codes().items()):
            handle.write(f"{word}\t{bits}\n")
    print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
