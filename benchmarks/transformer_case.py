"""How the MiniLM transformer reads clinical text written in one case, from its recorded test
predictions: no retraining, no GPU.

The transformer of the clinical benchmark (`benchmarks/results/clinical/`) reads a sentence as
the word pieces its tokenizer makes (``crfner.transformer.windows.word_pieces``, what it is
trained and tags on). The packaged MiniLM tokenizer is uncased: it lower-cases every word before
cutting it into pieces. Where a lower- or upper-cased copy of a test sentence gives the very same
pieces, the fine-tuned model sees the same input and tags it exactly as it tagged the sentence as
written, so its recorded predictions are its predictions on the copy. This script counts those
sentences on each corpus's test split and scores the copies:

- every sentence identical: the copy's strict micro-F1 is exact (the recorded predictions);
- otherwise a bound: the differing sentences tagged perfectly (upper) or, for the lower bound,
  with no correct entity and as many false ones as the sentence has tokens.

Beside it, the `clinical` CRF as declared (features/clinical.toml), trained on train and tagging
each copy, with a paired approximate-randomisation test over documents against the transformer
where the transformer's predictions on the copy are known exactly (its F1 as written should match
`benchmarks/results/case_robustness.json`'s test row).

    python benchmarks/transformer_case.py --data-dir ../shared/data --out benchmarks/results/transformer_case.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from clinical_levers import scored  # strict micro-F1, precision and recall, to 4 places
PREDICTIONS = os.path.join(HERE, "results", "clinical", "predictions")
CASE_ROBUSTNESS = os.path.join(HERE, "results", "case_robustness.json")
COPIES = {"lower": str.lower, "upper": str.upper}
UNLIMITED = 10**6  # word_pieces' per-word budget: compare every piece, not a truncated word


def worst_case(tokens: list[str]) -> list[str]:
    """A tagging of ``tokens`` with no correct entity and one false entity per token (B-, B-, ...)
    against any gold tagging: an alternating pair of types, so no entity can match."""
    return [f"B-{'~x' if i % 2 else '~y'}" for i in range(len(tokens))]


def recorded_clinical(corpus: str) -> dict:
    """The `clinical` CRF's test F1 on each copy, as recorded by case_robustness.py."""
    with open(CASE_ROBUSTNESS, encoding="utf-8") as handle:
        rows = json.load(handle)["rows"]
    out = {}
    for row in rows:
        if (row.get("corpus"), row.get("split"), row.get("system"), row.get("limit")) == (corpus, "test", "clinical", None):
            out = {copy: round(scores["f1"], 4) for copy, scores in row["copies"].items()}
    return out


def clinical_crf(corpus: str, data_dir: str, X, y, ids, transformer: dict) -> dict:
    """The declared `clinical` set trained on train, tagging each copy of test; paired tests
    against the transformer's predictions on the copies where they are exact."""
    import crfner
    from crfner.evaluation.significance import paired_test

    Xt, yt = crfner.load_corpus(corpus, "train", data_dir=data_dir)
    tagger = crfner.CRFTagger(features="clinical", data_dir=data_dir)
    tagger.fit(Xt, yt, documents=crfner.load_document_ids(corpus, "train", data_dir=data_dir))
    out = {"feature_set": f"{tagger.feature_set_.name} v{tagger.feature_set_.version}",
           "recorded_f1": recorded_clinical(corpus)}
    for name, change in {"as written": lambda w: w, **COPIES}.items():
        predicted = tagger.predict([[change(w) for w in s] for s in X], documents=ids)
        out[name] = scored(y, predicted)
        if transformer[name] is not None:
            test = paired_test(y, predicted, transformer[name], groups=ids, n_resamples=10000, seed=0)
            out[name]["minus_transformer"] = round(test["difference"], 4)
            out[name]["p_value"] = round(test["p_value"], 4)
    return out


def measure(corpus: str, data_dir: str, tokenizer) -> dict:
    """The transformer's pieces and F1 on each copy of ``corpus``'s test split, and the CRF's."""
    import crfner
    from crfner.corpora.conll import read_predictions
    from crfner.transformer.windows import word_pieces

    tokens, gold, predicted = read_predictions(os.path.join(PREDICTIONS, corpus, "transformer.conll"))
    X, y = crfner.load_corpus(corpus, "test", data_dir=data_dir)
    if (tokens, gold) != (X, y):
        raise SystemExit(f"{corpus}: the recorded predictions are not of the test split in {data_dir}")
    ids = crfner.load_document_ids(corpus, "test", data_dir=data_dir)
    written = word_pieces(tokenizer, X, UNLIMITED)
    row = {"corpus": corpus, "split": "test", "sentences": len(X), "documents": len(set(ids)),
           "as written": scored(y, predicted)}
    exact = {"as written": predicted}
    for name, change in COPIES.items():
        pieces = word_pieces(tokenizer, [[change(w) for w in s] for s in X], UNLIMITED)
        differ = [i for i, (a, b) in enumerate(zip(written, pieces)) if a != b]
        entry = {"identical_sentences": len(X) - len(differ), "differing_sentences": differ,
                 "differing_words": [[w for w, a, b in zip(X[i], written[i], pieces[i]) if a != b] for i in differ]}
        if differ:
            best = [y[i] if i in differ else p for i, p in enumerate(predicted)]
            worst = [worst_case(X[i]) if i in differ else p for i, p in enumerate(predicted)]
            entry["f1_bounds"] = [scored(y, worst)["f1"], scored(y, best)["f1"]]
        else:
            entry.update(scored(y, predicted))
        exact[name] = None if differ else predicted
        row[name] = entry
    row["clinical_crf"] = clinical_crf(corpus, data_dir, X, y, ids, exact)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpora", nargs="+", default=["maccrobat", "phee"])
    parser.add_argument("--out", help="JSON file (written atomically); default: a scratch file")
    args = parser.parse_args()
    import warnings

    warnings.simplefilter("ignore")  # MACCROBAT's known stray-tab warning, once per load
    if not args.out:
        from scratch import fresh_out

        args.out = fresh_out(__file__, "transformer_case.json")
    from crfner.atomic import atomic_open
    from crfner.errors import CrfnerError
    from crfner.transformer.pretrained import DEFAULT_MODEL, load_tokenizer, resolve_model

    source = resolve_model(DEFAULT_MODEL)
    tokenizer = load_tokenizer(source, CrfnerError)
    result = {
        "command": " ".join(["python", "benchmarks/transformer_case.py", *sys.argv[1:]]),
        "model": DEFAULT_MODEL,
        "tokenizer": f"{type(tokenizer).__name__}, do_lower_case={getattr(tokenizer, 'do_lower_case', None)}",
        "note": __doc__.split("\n\n")[1].replace("\n", " "),
        "rows": [measure(corpus, args.data_dir, tokenizer) for corpus in args.corpora],
    }
    with atomic_open(args.out) as handle:
        json.dump(result, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    print(json.dumps(result["rows"], indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
