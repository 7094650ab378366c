"""Stacking taggers trained on other corpora (issues 13 and 15), measured on devel only.

A CRF trained on another annotated corpus (BC5CDR's chemicals and diseases, NCBI's diseases,
MACCROBAT's clinical types, PHEE's medication attributes) tags the target corpus's sentences,
and its tags become features of the target's CRF: the token's auxiliary tag, its neighbours'
(-1, +1), and a bucket of the tag's marginal probability. This is classifier stacking across
data sets, as Florian et al. (2003) did on CoNLL-2003 with taggers trained on other entity
inventories. The auxiliary model never sees the target's annotations, so the target's training
sentences get their auxiliary tags without cross-validation; documents of the target's devel and
test splits are removed from the auxiliary training data (BC5CDR and PHEE share a few PMIDs).

Each run prints and records, for one target corpus and one base feature set: the base CRF
(``baseline``) and the base plus each auxiliary set named by ``--aux`` (``+bc5cdr``,
``+bc5cdr+phee``, ...), trained on the target's train split and scored on devel (strict entity
micro-F1, paired approximate-randomisation test over documents against the baseline).

    .venv/bin/python benchmarks/auxiliary_taggers.py --data-dir ../shared/data --corpus maccrobat \\
        --base clinical --aux bc5cdr phee bc5cdr,phee --out benchmarks/results/auxiliary_taggers.json

No public hook in CRFTagger takes extra per-token attributes, so the prototype builds the base
attributes with the feature set's featurizer, trains with ``crfner.crf.training.train_crfsuite``
and decodes with ``crfner.crf.decoding``, as ``benchmarks/document_consistency.py`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from document_consistency import decode, encoded, joined, marginal_bucket, peak_mib, train


def pmid(document_id) -> str:
    """PHEE's ``19047493_2`` and the others' ``19047493`` name the same abstract."""
    return re.split(r"[_\-]", str(document_id))[0]


def auxiliary_model(corpus: str, features: str, exclude: set[str], data_dir: str, cache: str, log):
    """A CRF on ``corpus``'s train+devel without the documents in ``exclude``, cached on disk."""
    import crfner

    X, y = crfner.load_corpus(corpus, "train+devel", data_dir=data_dir)
    ids = crfner.load_document_ids(corpus, "train+devel", data_dir=data_dir)
    keep = [i for i, d in enumerate(ids) if pmid(d) not in exclude and X[i]]
    dropped = len({pmid(ids[i]) for i in range(len(ids))} & exclude)
    path = os.path.join(cache, f"{corpus}-{features}-minus{dropped}")
    if os.path.exists(os.path.join(path, "crfner.json")):
        return crfner.CRFTagger.load(path, data_dir=data_dir), dropped
    started = time.perf_counter()
    tagger = crfner.CRFTagger(features=features, data_dir=data_dir)
    tagger.fit([X[i] for i in keep], [y[i] for i in keep], documents=[ids[i] for i in keep])
    log(f"auxiliary {corpus}/{features}: {len(keep)} sentences ({dropped} documents left out), "
        f"{time.perf_counter() - started:.1f} s")
    tagger.save(path, overwrite=True)
    return tagger, dropped


def auxiliary_features(name: str, tagger, X: list, ids: list) -> list:
    """Per sentence, per token: the encoded auxiliary attributes of one auxiliary tagger."""
    scored = tagger.predict_scored(X, documents=ids)
    out = []
    for tags, probs in scored:
        sentence = []
        for t, tag in enumerate(tags):
            pairs = [(f"aux:{name}", tag), (f"auxp:{name}", f"{tag}|{marginal_bucket(probs[t])}"),
                     (f"aux:{name}[-1]", tags[t - 1] if t else "BOS"),
                     (f"aux:{name}[+1]", tags[t + 1] if t + 1 < len(tags) else "EOS")]
            sentence.append(encoded(pairs))
        out.append(sentence)
    return out


def run(corpus: str, base: str, aux_sets: list[list[str]], data_dir: str, cache: str, test: bool, log) -> list[dict]:
    import crfner
    from crfner.evaluation.significance import bootstrap_ci, paired_test
    from crfner.featurize.featureset import load_feature_set
    from crfner.featurize.parallel import featurize_many
    from crfner.featurize.resources import build_resources

    train_split, eval_split = ("train+devel", "test") if test else ("train", "devel")

    def load(split):
        X, y = crfner.load_corpus(corpus, split, data_dir=data_dir)
        ids = crfner.load_document_ids(corpus, split, data_dir=data_dir)
        kept = [i for i, t in enumerate(X) if t]
        return [X[i] for i in kept], [y[i] for i in kept], [ids[i] for i in kept]

    X, y, ids = load(train_split)
    X_dev, y_dev, ids_dev = load(eval_split)
    held_out = {pmid(d) for split in ("devel", "test") for d in crfner.load_document_ids(corpus, split, data_dir=data_dir)}

    if base.startswith("candidate_v3"):
        from accuracy_levers import spec_for

        spec = spec_for("unl_biosent_gaztext")
    else:
        spec = load_feature_set(base).to_dict()
    feature_set = load_feature_set(spec)
    params = crfner.CRFTagger(features=spec).resolved_training_params(feature_set)
    started = time.perf_counter()
    resources = build_resources(feature_set, X, data_dir=data_dir)
    A = featurize_many(feature_set, X, resources=resources, documents=ids)
    A_dev = featurize_many(feature_set, X_dev, resources=resources, documents=ids_dev)
    log(f"{corpus}/{base}: featurized in {time.perf_counter() - started:.1f} s")

    names = sorted({a for s in aux_sets for a in s})
    aux, aux_dev, dropped = {}, {}, {}
    for name in names:
        corpus_name, _, features = name.partition(":")
        tagger, dropped[name] = auxiliary_model(corpus_name, features or "biomedical", held_out, data_dir, cache, log)
        started = time.perf_counter()
        aux[name] = auxiliary_features(name, tagger, X, ids)
        aux_dev[name] = auxiliary_features(name, tagger, X_dev, ids_dev)
        log(f"auxiliary {name} tagged {train_split} and {eval_split} in {time.perf_counter() - started:.1f} s")
        del tagger

    rows = []
    baseline_pred = None
    for aux_set in [[]] + aux_sets:
        variant = "baseline" if not aux_set else "+" + "+".join(aux_set)
        started = time.perf_counter()
        weights = train(joined(A, *[aux[a] for a in aux_set]), y, params)
        seconds = time.perf_counter() - started
        predicted, _ = decode(weights, joined(A_dev, *[aux_dev[a] for a in aux_set]))
        scores = crfner.evaluate(y_dev, predicted)
        row = {"corpus": corpus, "base": f"{feature_set.name} v{feature_set.version}" + (" (candidate_v3)" if base.startswith("candidate_v3") else ""),
               "variant": variant, "evaluation": f"{train_split} -> {eval_split}",
               "auxiliary_documents_left_out": {a: dropped[a] for a in aux_set},
               "f1": round(scores.f1, 4), "precision": round(scores.precision, 4), "recall": round(scores.recall, 4),
               "per_type_f1": {t: round(s.f1, 4) for t, s in scores.per_type.items()},
               "train_seconds": round(seconds, 1), "peak_rss_mib": peak_mib(), "training_parameters": params}
        if baseline_pred is None:
            baseline_pred = predicted
        else:
            result = paired_test(y_dev, predicted, baseline_pred, groups=ids_dev, n_resamples=2000)
            row["f1_minus_baseline"] = round(result["difference"], 4)
            row["p_value_vs_baseline"] = round(result["p_value"], 4)
        if test:
            ci = bootstrap_ci(y_dev, predicted, groups=ids_dev, n_resamples=1000)
            row["bootstrap_95"] = [round(v, 4) for v in ci["f1"]]
        row["command"] = " ".join(["python", "benchmarks/auxiliary_taggers.py"] + sys.argv[1:])
        row["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
        rows.append(row)
        log(f"{corpus:13} {variant:28} F1 {row['f1']:.4f}  P {row['precision']:.4f}  R {row['recall']:.4f}  "
            f"d {row.get('f1_minus_baseline', 0):+.4f} p {row.get('p_value_vs_baseline', '-')}  train {row['train_seconds']} s")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--base", required=True, help="a declared feature set, or candidate_v3")
    parser.add_argument("--aux", nargs="+", required=True,
                        help="auxiliary sets, comma-separated corpora (corpus or corpus:features) per set")
    parser.add_argument("--cache", default="/tmp/crfner-aux", help="where auxiliary models are kept")
    parser.add_argument("--test", action="store_true", help="train+devel -> test (once, for the chosen set)")
    parser.add_argument("--out", default=None, help="JSON file the rows are appended to")
    args = parser.parse_args()
    os.makedirs(args.cache, exist_ok=True)

    def log(message):
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    aux_sets = [s.split(",") for s in args.aux]
    rows = run(args.corpus, args.base, aux_sets, args.data_dir, args.cache, args.test, log)
    if args.out:
        old = {"rows": []}
        if os.path.exists(args.out):
            with open(args.out) as handle:
                old = json.load(handle)
        old["rows"].extend(rows)
        from crfner.atomic import atomic_open

        with atomic_open(args.out) as handle:
            json.dump(old, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
