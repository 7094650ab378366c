"""Concept linking, end to end (issue 16): for BC5CDR and NCBI Disease, tag the test documents'
raw text with the `biomedical` CRF and link every entity to a MeSH/MEDIC id; score the
document-level concept pairs per type (BC5CDR's official measure) with bootstrap intervals.

Per corpus:
1. the linker's similarity threshold, head stage and n-gram range are chosen on devel, end
   to end: a tagger trained on train tags devel's raw text, a linker fit on train links its
   entities, and the setting with the best micro concept F1 is kept (of two n-gram ranges,
   the faster unless the other is better by more than 0.002); the grid and a stage ablation
   (on the tagged devel and on devel's gold mentions) are recorded;
2. tagger (`biomedical`, document ids given) and linker are trained on train+devel;
3. test: raw-text tagging, then linking; concept P/R/F1 per type with intervals; linking
   accuracy@1 and concept F1 on gold test mentions (linking alone); the ceiling the
   vocabularies and training ids allow; the time linking adds to raw-text tagging, measured in
   the same run; the linker's load time, size and memory.

    python benchmarks/linking.py --data-dir ../shared/data --predictions OUT \
        --out benchmarks/results/linking.json [--corpus bc5cdr --corpus ncbi_disease] [--models DIR]

writes OUT/bc5cdr-test.pubtator and OUT/ncbi_disease-test.pubtator (predicted mentions and their
ids in column 6). ``--models DIR`` keeps the trained taggers and linkers there and reuses them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

VOCABULARIES = {"bc5cdr": ["medic", "mesh"], "ncbi_disease": ["medic"]}
THRESHOLDS = [0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, None]
HEADS = [False, True]
NGRAM_RANGES = [(3, 4), (4, 4)]  # (3, 4) finds a little more, (4, 4) is about twice as fast
TOLERANCE = 0.002  # the faster n-gram range is kept when its best devel F1 is within this of the other's
ABLATION = {  # stage switched off -> Linker parameters
    "all stages": {},
    "no abbreviations": {"abbreviations": False},
    "no composites": {"composites": False},
    "no TF-IDF fallback": {"threshold": None},
    "no broader concepts": {"broader": False},
    "no training mentions": {"_documents": False},
    "heads switched": {"_heads": "switch"},
}

# Loads a linker in a fresh process: load time and the memory it adds.
LOAD = r"""
import json, os, sys, time
from crfner.link import Linker
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
before = rss()
started = time.perf_counter()
linker = Linker.load(sys.argv[1])
print(json.dumps({"load_seconds": round(time.perf_counter() - started, 3), "added_rss_mib": round(rss() - before, 1)}))
"""


def _rounded(scores) -> dict:
    return {"precision": round(scores.precision, 4), "recall": round(scores.recall, 4), "f1": round(scores.f1, 4),
            "support": scores.support, "predicted": scores.predicted, "correct": scores.correct,
            "per_type": {t: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                             "support": s.support, "predicted": s.predicted, "correct": s.correct} for t, s in scores.per_type.items()}}


def choose_threshold(build, devel, tagged_devel) -> tuple[dict, list[dict]]:
    """The threshold and head stage with the best micro concept F1 on the tagged devel
    documents, and the grid (with concept F1 on devel's gold mentions beside it)."""
    from crfner.evaluation.concepts import evaluate_concepts

    grid = []
    for heads in HEADS:
        for threshold in THRESHOLDS:
            linker = build(threshold=threshold, heads=heads)
            started = time.perf_counter()
            linked = linker.link_documents(tagged_devel)
            seconds = time.perf_counter() - started
            gold = evaluate_concepts(devel, linker.link_documents(devel))
            grid.append({"threshold": threshold, "heads": heads, "link_seconds": round(seconds, 3),
                         **_rounded(evaluate_concepts(devel, linked)), "gold_mentions_f1": round(gold.f1, 4)})
    best = max(grid, key=lambda row: (row["f1"], not row["heads"], -(row["threshold"] or 2)))
    return {"threshold": best["threshold"], "heads": best["heads"]}, grid


def tagger_for(corpus: str, split: str, data_dir: str, models: Path | None):
    """The `biomedical` CRF trained on ``split`` (document ids given), kept in ``models`` when given."""
    import crfner

    model_dir = models / f"{corpus}-biomedical-{split}" if models else None
    if model_dir and model_dir.is_dir():
        return crfner.CRFTagger.load(model_dir, data_dir=data_dir), f"loaded from {model_dir}"
    X, y = crfner.load_corpus(corpus, split, data_dir=data_dir)
    ids = crfner.load_document_ids(corpus, split, data_dir=data_dir)
    started = time.perf_counter()
    tagger = crfner.CRFTagger(features="biomedical", data_dir=data_dir).fit(X, y, documents=ids)
    note = f"biomedical, trained on {split} in {time.perf_counter() - started:.1f} s"
    if model_dir:
        tagger.save(model_dir, overwrite=True)
    return tagger, note


def ceiling(test, train_docs, vocabulary_ids) -> dict:
    """The share of the test's gold (document, type, id) pairs whose id the vocabularies hold,
    and the vocabularies or a training mention: the recall a linker could reach at most."""
    from crfner.evaluation.concepts import concept_pairs

    trained = {i for _, _, i in concept_pairs(train_docs)}
    pairs = concept_pairs(test)
    out = {}
    for etype in sorted({t for _, t, _ in pairs}):
        of_type = [p for p in pairs if p[1] == etype]
        not_in_vocabulary = [p for p in of_type if p[2] not in vocabulary_ids]
        unknown = [p for p in not_in_vocabulary if p[2] not in trained]
        out[etype] = {"pairs": len(of_type),
                      "not_in_vocabularies": len(not_in_vocabulary), "supplementary_not_in_vocabularies": sum(p[2].startswith("MESH:C") for p in not_in_vocabulary),
                      "ceiling_recall_vocabularies": round(1 - len(not_in_vocabulary) / len(of_type), 4),
                      "unknown_to_vocabularies_and_training": len(unknown), "ceiling_recall": round(1 - len(unknown) / len(of_type), 4)}
    return out


def run(corpus: str, data_dir: str, predictions: Path, models: Path | None) -> dict:
    import crfner
    from crfner.corpora.pubtator import write_pubtator
    from crfner.corpora.pubtator_splits import load_documents
    from crfner.evaluation.concepts import concept_bootstrap, evaluate_concepts, mention_accuracy
    from crfner.evaluation.documents import evaluate_documents
    from crfner.link import Linker
    from crfner.link.build import vocabulary_parents, vocabulary_table

    result: dict = {"corpus": corpus, "vocabularies": VOCABULARIES[corpus]}
    train, devel, test = (load_documents(corpus, split, data_dir) for split in ("train", "devel", "test"))
    vocab = vocabulary_table(VOCABULARIES[corpus], data_dir)
    vocabulary_ids = {t.identifier for terms in vocab.values() for t in terms}
    parents = vocabulary_parents(VOCABULARIES[corpus], data_dir)  # as crfner linker builds it

    # 1. choices on devel, end to end, from a tagger and linkers trained on train
    tagger, result["devel_tagger"] = tagger_for(corpus, "train", data_dir, models)
    tagged_devel = crfner.tag_documents(tagger, [replace(d, mentions=[]) for d in devel])
    choices = {}
    for ngram_range in NGRAM_RANGES:
        started = time.perf_counter()
        fitted = Linker(threshold=0.0, ngram_range=ngram_range).fit(vocab, train, parents=parents)
        fit_seconds = round(time.perf_counter() - started, 1)

        def build(fitted=fitted, **params):
            linker = Linker(**{**fitted.get_params(), **params})
            linker.tables_, linker.concepts_, linker.types_, linker.indexes_ = fitted.tables_, fitted.concepts_, fitted.types_, fitted.indexes_
            linker.parents_, linker.ancestor_names_ = fitted.parents_, fitted.ancestor_names_
            return linker

        chosen, grid = choose_threshold(build, devel, tagged_devel)
        choices[ngram_range] = (fitted, build, chosen, grid, fit_seconds)
    best_f1 = max(max(row["f1"] for row in choice[3]) for choice in choices.values())
    ngram_range = next(r for r in reversed(NGRAM_RANGES) if max(row["f1"] for row in choices[r][3]) >= best_f1 - TOLERANCE)
    base, build, chosen, _, fit_seconds = choices[ngram_range]
    threshold, heads = chosen["threshold"], chosen["heads"]
    result["fit_seconds_train"] = fit_seconds
    result["devel_grid"] = [{"ngram_range": list(r), **row} for r, choice in choices.items() for row in choice[3]]
    result["ngram_range"], result["threshold"], result["heads"] = list(ngram_range), threshold, heads
    ablation = []
    for name, change in ABLATION.items():
        params = {"threshold": threshold, "heads": (not heads) if change.get("_heads") else heads,
                  **{k: v for k, v in change.items() if not k.startswith("_")}}
        linker = build(**params) if change.get("_documents", True) else Linker(**{**base.get_params(), **params}).fit(vocab, None, parents=parents)
        scores = evaluate_concepts(devel, linker.link_documents(tagged_devel))
        gold = linker.link_documents(devel)
        ablation.append({"variant": name, "parameters": dict(params), **_rounded(scores), "gold_mentions_f1": round(evaluate_concepts(devel, gold).f1, 4),
                         "accuracy_at_1": round(mention_accuracy(devel, gold)["accuracy"], 4)})
    result["devel_ablation"] = ablation

    # 2. tagger and linker on train+devel
    linker_dir = models / f"{corpus}-linker" if models else None
    started = time.perf_counter()
    wanted = Linker(threshold=threshold, ngram_range=ngram_range, heads=heads)
    if linker_dir and linker_dir.is_dir() and Linker.load(linker_dir).get_params() == wanted.get_params():
        linker = Linker.load(linker_dir)
    else:
        linker = wanted.fit(vocab, train + devel, parents=parents)
        if linker_dir:
            linker.save(linker_dir, overwrite=True)
    result["fit_seconds_train_devel"] = round(time.perf_counter() - started, 1)
    tagger, result["tagger"] = tagger_for(corpus, "train+devel", data_dir, models)

    # 3. test
    raw = [replace(d, mentions=[]) for d in test]
    tagged_only, tag_seconds, link_seconds = None, [], []
    for _ in range(3):  # tagging and linking interleaved, best of three each
        started = time.perf_counter()
        tagged_only = crfner.tag_documents(tagger, raw)
        tag_seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        tagged = linker.link_documents(tagged_only)
        link_seconds.append(time.perf_counter() - started)
    tokens = sum(len(s) for s in crfner.load_corpus(corpus, "test", data_dir=data_dir)[0])
    result["speed"] = {"tag_seconds_best": round(min(tag_seconds), 3), "link_seconds_best": round(min(link_seconds), 3),
                       "link_over_tag": round(min(link_seconds) / min(tag_seconds), 3), "test_tokens": tokens,
                       "mentions_linked": sum(len(d.mentions) for d in tagged)}
    predictions.mkdir(parents=True, exist_ok=True)
    write_pubtator(tagged, predictions / f"{corpus}-test.pubtator")
    strict = evaluate_documents(test, tagged)["strict"]
    result["ner_strict"] = {key: strict[key] for key in ("precision", "recall", "f1") if key in strict}
    result["concept_end_to_end"] = _rounded(evaluate_concepts(test, tagged))
    result["concept_end_to_end_ci"] = concept_bootstrap(test, tagged, n=1000, seed=0)
    gold_linked = linker.link_documents(test)
    result["concept_gold_mentions"] = _rounded(evaluate_concepts(test, gold_linked))
    result["accuracy_at_1_gold_mentions"] = mention_accuracy(test, gold_linked)
    result["ceiling"] = ceiling(test, train + devel, vocabulary_ids)
    with tempfile.TemporaryDirectory() as folder:
        saved = linker_dir or Path(folder) / "linker"
        if not saved.is_dir():
            linker.save(saved)
        result["linker_files_mib"] = round(sum(f.stat().st_size for f in saved.iterdir()) / 2**20, 1)
        loads = [json.loads(subprocess.run([sys.executable, "-c", LOAD, str(saved)], capture_output=True, text=True, check=True).stdout)
                 for _ in range(3)]
        result["linker_load"] = {"load_seconds_best": min(r["load_seconds"] for r in loads), "added_rss_mib": loads[0]["added_rss_mib"]}
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("CRFNER_DATA_DIR", "../shared/data"))
    parser.add_argument("--predictions", required=True, type=Path, help="folder for <corpus>-test.pubtator")
    parser.add_argument("--out", help="JSON file the corpora's rows are merged into (default: a new folder in the temporary folder)")
    parser.add_argument("--corpus", action="append", choices=sorted(VOCABULARIES))
    parser.add_argument("--models", type=Path, help="keep (and reuse) the trained taggers and linkers here")
    args = parser.parse_args()
    if not args.out:
        from scratch import fresh_out

        args.out = fresh_out(__file__, "linking.json")
    results = {}
    if os.path.exists(args.out):
        with open(args.out, encoding="utf-8") as handle:
            results = json.load(handle)
    for corpus in args.corpus or sorted(VOCABULARIES):
        started = time.perf_counter()
        row = run(corpus, args.data_dir, args.predictions, args.models)
        row["seconds"] = round(time.perf_counter() - started, 1)
        row["command"] = "python " + " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:])
        row["machine"] = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        results[corpus] = row
        e2e = row["concept_end_to_end"]
        print(corpus, "concept F1", e2e["f1"], {t: s["f1"] for t, s in e2e["per_type"].items()}, "link/tag", row["speed"]["link_over_tag"], flush=True)
        from crfner.atomic import atomic_open

        with atomic_open(args.out) as handle:
            json.dump(results, handle, indent=2)
            handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
