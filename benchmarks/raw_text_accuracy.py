"""Raw-text tagging against token-level tagging: does crfner.text lose accuracy?

For each corpus, trains a CRF on the IOB train+devel splits (or loads one), then scores it
twice on the test documents: token-level strict F1 on the IOB test file (gold tokens and
sentences), and character-offset strict F1 on the PubTator test file, tagged from raw text
with crfner.tagging.annotate.tag_documents (crfner.text's sentences and tokens). Also reports how
closely crfner.text reproduces the IOB tokenisation of the same documents.

NCBI Disease's PubTator types SpecificDisease, DiseaseClass, Modifier and CompositeMention
are all "Disease" in its IOB files, and are mapped so here.

    python benchmarks/raw_text_accuracy.py --data-dir ../shared/data --out /tmp/raw_text.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections import Counter
from pathlib import Path

CORPORA = {
    "bc5cdr": {"iob": "BC5CDR-IOB", "pubtator": "CDR_TestSet.PubTator.txt", "types": {}},
    "ncbi_disease": {
        "iob": "NCBI-disease-IOB",
        "pubtator": "NCBItestset_corpus.txt",
        "types": dict.fromkeys(["SpecificDisease", "DiseaseClass", "Modifier", "CompositeMention"], "Disease"),
    },
}


def map_types(documents, types: dict[str, str]):
    """Documents with mention types renamed through ``types`` (unlisted types kept)."""
    return [
        dataclasses.replace(d, mentions=[dataclasses.replace(m, type=types.get(m.type, m.type)) for m in d.mentions])
        for d in documents
    ]


def tokenisation_agreement(documents, iob_sentences: list[list[str]]) -> dict:
    """How closely crfner.text reproduces an IOB file made from the same documents: the share
    of IOB sentences it produces exactly (as a multiset), and the share of mention
    boundaries that fall on its token boundaries."""
    from crfner.text import sentences

    gold = Counter(tuple(s) for s in iob_sentences)
    ours: Counter = Counter()
    on_boundary = boundaries = 0
    for document in documents:
        found = sentences(document.text, document.passages)
        ours.update(tuple(t.text for t in s) for s in found)
        starts = {t.start for s in found for t in s}
        ends = {t.end for s in found for t in s}
        for m in document.mentions:
            boundaries += 2
            on_boundary += (m.start in starts) + (m.end in ends)
    exact = sum((gold & ours).values())
    return {
        "iob_sentences": sum(gold.values()),
        "our_sentences": sum(ours.values()),
        "sentences_exact": exact,
        "sentence_agreement": exact / max(1, sum(gold.values())),
        "mention_boundaries": boundaries,
        "mention_boundaries_on_tokens": on_boundary,
        "boundary_agreement": on_boundary / max(1, boundaries),
    }


def run_corpus(name: str, spec: dict, args) -> dict:
    import crfner
    from crfner.corpora.pubtator import read_pubtator
    from crfner.evaluation.documents import evaluate_documents
    from crfner.tagging.annotate import tag_documents

    data_dir = Path(args.data_dir)
    X_test, y_test = crfner.load_corpus(name, "test", data_dir=data_dir)
    documents = map_types(read_pubtator(data_dir / "pubtator" / spec["pubtator"]), spec["types"])
    result: dict = {"corpus": name, "documents": len(documents), "features": args.features}
    result["tokenisation"] = tokenisation_agreement(documents, X_test)

    model_dir = Path(args.models) / f"{name}-{args.features}" if args.models else None
    started = time.perf_counter()
    if model_dir is not None and model_dir.exists():
        tagger = crfner.CRFTagger.load(model_dir, data_dir=data_dir)
        result["model"] = f"loaded from {model_dir}"
    else:
        X, y = crfner.load_corpus(name, "train+devel", data_dir=data_dir)
        tagger = crfner.CRFTagger(features=args.features, max_iterations=args.max_iterations, data_dir=data_dir)
        train_ids = crfner.load_document_ids(name, "train+devel", data_dir=data_dir)
        tagger.fit(X, y, documents=train_ids, corpus=f"{name}:train+devel")
        del X, y
        result["model"] = "trained on train+devel"
        if model_dir is not None:
            tagger.save(model_dir)
    result["model_seconds"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    test_ids = crfner.load_document_ids(name, "test", data_dir=data_dir)
    token_scores = crfner.evaluate(y_test, tagger.predict(X_test, documents=test_ids))
    result["token_level"] = {"f1": token_scores.f1, "precision": token_scores.precision, "recall": token_scores.recall,
                             "seconds": round(time.perf_counter() - started, 2)}

    started = time.perf_counter()
    predicted = tag_documents(tagger, documents)
    seconds = time.perf_counter() - started
    scores = evaluate_documents(documents, predicted)
    result["raw_text"] = {
        "strict": {k: scores["strict"][k] for k in ("f1", "precision", "recall", "support", "predicted", "correct")},
        "overlap": {k: scores["overlap"][k] for k in ("f1", "precision", "recall", "correct")},
        "per_type_strict_f1": {t: s["f1"] for t, s in scores["strict"]["per_type"].items()},
        "seconds": round(seconds, 2),
    }
    result["token_level_per_type_f1"] = {t: s.f1 for t, s in token_scores.per_type.items()}
    result["difference_strict_f1"] = scores["strict"]["f1"] - token_scores.f1
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpus", choices=sorted(CORPORA), action="append", help="default: both")
    parser.add_argument("--features", default="biomedical")
    parser.add_argument("--max-iterations", type=int, help="CRF training iterations (default: the feature set's)")
    parser.add_argument("--models", help="a folder to save trained models in, or load them from on a re-run")
    parser.add_argument("--out", help="write the figures to this JSON file")
    args = parser.parse_args()

    results = []
    for name in args.corpus or sorted(CORPORA):
        result = run_corpus(name, CORPORA[name], args)
        results.append(result)
        tok = result["tokenisation"]
        print(
            f"{name}: token-level strict F1 {result['token_level']['f1']:.4f}, raw-text strict F1 "
            f"{result['raw_text']['strict']['f1']:.4f} (overlap {result['raw_text']['overlap']['f1']:.4f}), "
            f"difference {result['difference_strict_f1']:+.4f}; IOB sentences reproduced "
            f"{tok['sentence_agreement']:.4f}, mention boundaries on token boundaries {tok['boundary_agreement']:.4f}",
            flush=True,
        )
    if args.out:
        from crfner.atomic import atomic_open

        with atomic_open(args.out) as handle:
            handle.write(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
