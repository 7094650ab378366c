"""Choose the `clinical` feature set on MACCROBAT devel, then score the frozen sets on test.

Stage `devel`: train `tutorial`, `biomedical`, `clinical` and ablations of `clinical` on
MACCROBAT train, score strict micro-F1 on MACCROBAT devel. Stage `test` (run once the set is
frozen): train `tutorial`, `biomedical` and `clinical` on the train split of MACCROBAT and of
PHEE, score test, and compare clinical with biomedical by the paired randomisation test
(whole documents as units). Results are merged into the
JSON file, so the stages can run apart.

    .venv/bin/python benchmarks/clinical_features.py --stage devel --data-dir ../shared/data --out benchmarks/results/clinical_features.json
    .venv/bin/python benchmarks/clinical_features.py --stage test --data-dir ../shared/data --out benchmarks/results/clinical_features.json
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import tempfile
import time
import warnings


PATTERNS = ["dose", "unit", "frequency", "route", "duration", "abbreviation"]
CLIN_CONTEXT = ["clin:dose", "clin:unit", "clin:time", "clin:freq", "clin:route", "clin:duration", "clin:lshape"]


def clinical_variant(name: str, kinds: list[str], window: bool) -> dict:
    """The frozen clinical declaration with its clinical kinds replaced by ``kinds`` and, with
    ``window``, the clinical features added to the neighbours' window (the first draft had
    every kind, `caseless` included, in the window)."""
    from crfner.featurize.featureset import load_feature_set
    from crfner.featurize.schema import computed_names

    spec = copy.deepcopy(load_feature_set("clinical").to_dict())
    spec["clusters"].pop("unlabeled_text", None)  # the drafts came before version 2 declared unlabeled text
    spec["token"]["clinical"] = list(kinds)
    if window:  # only the clinical features these kinds compute (a declaration may name no other)
        computed = computed_names(spec["token"], spec["clusters"])
        spec["context"]["features"] = spec["context"]["features"] + [n for n in CLIN_CONTEXT if n in computed]
    spec["name"] = name
    return spec


def unlabeled_sentences(data_dir: str, limit: int) -> list[list[str]]:
    path = os.path.join(data_dir, "unlabeled", "biomedical_sentences.txt")
    out = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if len(out) >= limit:
                break
            if line.strip():
                out.append(line.split())
    return out


def with_unlabeled(name: str, sources: list[str]) -> dict:
    """Version 1 of `clinical` (the frozen kinds, no window) with its clusters also learned from
    the named unlabeled text of the data folder (version 2 is this with ["ohsumed"])."""
    spec = clinical_variant(name, PATTERNS, False)
    spec["clusters"]["unlabeled_text"] = list(sources)
    return spec


# MeSH branches as extra gazetteers (descriptor terms, permuted forms left out), a candidate
# family tried on devel: anatomy, signs and symptoms, diagnosis, therapeutics and surgery,
# pharmacologic classes.
MESH_BRANCHES = {
    "mesh_anatomy": ("A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A09", "A10", "A14", "A15", "A16", "A17"),
    "mesh_sign": ("C23",),
    "mesh_diagnostic": ("E01",),
    "mesh_therapeutic": ("E02", "E03", "E04"),
    "mesh_drugclass": ("D27",),
}


def mesh_branch_lists(data_dir: str, folder: str, branches: dict = MESH_BRANCHES) -> dict[str, str]:
    """Write one term list per MeSH branch group (``branches``: name -> tree-number prefixes) into
    ``folder``, cut as ``[gazetteers.mesh_branches]`` cuts them; {name: path}."""
    from crfner.atomic import atomic_open
    from crfner.featurize.term_lists import TermLists

    paths = {}
    for name, terms in TermLists.from_mesh(data_dir, branches).lists.items():
        paths[name] = os.path.join(folder, f"{name}.tsv")
        with atomic_open(paths[name]) as handle:
            handle.writelines(f"{term}\tX\n" for term in terms)
    return paths


def train_and_score(corpus: str, split: str, features, data_dir: str, unlabeled=None, **options):
    import crfner

    X, y = crfner.load_corpus(corpus, "train", data_dir=data_dir)
    ids = crfner.load_document_ids(corpus, "train", data_dir=data_dir)
    Xe, ye = crfner.load_corpus(corpus, split, data_dir=data_dir)
    ide = crfner.load_document_ids(corpus, split, data_dir=data_dir)
    start = time.perf_counter()
    tagger = crfner.CRFTagger(features=features, data_dir=data_dir, unlabeled_text=unlabeled, **options)
    tagger.fit(X, y, documents=ids)
    seconds = time.perf_counter() - start
    predicted = tagger.predict(Xe, documents=ide)
    score = crfner.evaluate(ye, predicted)
    return {"f1": round(score.f1, 4), "precision": round(score.precision, 4), "recall": round(score.recall, 4),
            "train_seconds": round(seconds, 1)}, ye, predicted, ide


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=["devel", "test"], required=True)
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--out", help="JSON file of the figures, updated by each stage (default: a new folder in the temporary folder)")
    parser.add_argument("--only", default="", help="comma-separated run names (devel stage)")
    parser.add_argument("--corpora", default="maccrobat,phee", help="test stage")
    parser.add_argument("--unlabeled", action="store_true", help="test stage: also biomedical and clinical with unlabeled text")
    args = parser.parse_args()
    if not args.out:
        from scratch import fresh_out

        args.out = fresh_out(__file__, "clinical_features.json")
    warnings.simplefilter("ignore")
    results = {}
    if os.path.exists(args.out):
        with open(args.out, encoding="utf-8") as handle:
            results = json.load(handle)
    results.setdefault("commands", {})[args.stage] = " ".join(["python", *sys.argv])

    if args.stage == "devel":
        patterns = PATTERNS
        runs = {
            "tutorial": ("tutorial", None),
            "biomedical": ("biomedical", None),
            "clinical": ("clinical", None),  # the frozen set
            "draft": (clinical_variant("draft", patterns + ["caseless"], True), None),
            "draft-no_caseless": (clinical_variant("draft-no_caseless", patterns, True), None),
            "draft-no_patterns": (clinical_variant("draft-no_patterns", ["caseless"], True), None),
            "draft-no_window": (clinical_variant("draft-no_window", patterns + ["caseless"], False), None),
            "draft-no_abbreviation": (clinical_variant("draft-no_abbreviation", patterns[:-1] + ["caseless"], True), None),
            "draft-unlabeled20k": (clinical_variant("draft", patterns + ["caseless"], True), "unlabeled"),
            "clinical-unlabeled20k": ("clinical", "unlabeled"),
            "biomedical-unlabeled20k": ("biomedical", "unlabeled"),
            # Version 2 (the `clinical` run above: version 1 with clusters learned also from
            # OHSUMED) was chosen among these: version 1 with other regularisation, with MeSH
            # branch lists, with other declared unlabeled text.
            "clinical-v1": (clinical_variant("clinical-v1", patterns, False), None),
            **{f"clinical-v1-c1_{c1}-c2_{c2}": (clinical_variant("clinical-v1", patterns, False), None, {"c1": c1, "c2": c2})
               for c1, c2 in ((0.1, 0.01), (0.05, 0.05), (0.2, 0.01), (0.01, 0.5), (0.3, 0.001), (0.003, 0.3))},
            "clinical-v1-mesh": (clinical_variant("clinical-v1", patterns, False), None, {"gazetteers": "mesh"}),
            "clinical-v1-ohsumed+biomedical_sentences": (
                with_unlabeled("clinical-v1-ohsumed+bio", ["ohsumed", "biomedical_sentences"]), None),
        }
        wanted = [r for r in args.only.split(",") if r] or list(runs)
        devel = results.setdefault("maccrobat_devel", {})
        for name in wanted:
            features, extra, *options = runs[name]
            options = dict(options[0]) if options else {}
            unlabeled = unlabeled_sentences(args.data_dir, 20000) if extra else None
            with tempfile.TemporaryDirectory() as folder:
                if options.get("gazetteers") == "mesh":
                    options["gazetteers"] = mesh_branch_lists(args.data_dir, folder)
                devel[name], *_ = train_and_score("maccrobat", "devel", features, args.data_dir, unlabeled, **options)
            print(name, devel[name], flush=True)
            _write(args.out, results)
    else:
        from crfner.evaluation.significance import paired_test

        test = results.setdefault("test", {})
        for corpus in args.corpora.split(","):
            test[corpus] = {}
            predictions = {}
            for name in ("tutorial", "biomedical", "clinical"):
                test[corpus][name], gold, predictions[name], ids = train_and_score(corpus, "test", name, args.data_dir)
                print(corpus, name, test[corpus][name], flush=True)
            if args.unlabeled:
                unlabeled = unlabeled_sentences(args.data_dir, 20000)
                for name in ("biomedical", "clinical"):
                    key = f"{name}-unlabeled20k"
                    test[corpus][key], _, predictions[key], _ = train_and_score(corpus, "test", name, args.data_dir, unlabeled)
                    print(corpus, key, test[corpus][key], flush=True)
            groups = ids  # whole documents (a PHEE document is one sentence pair)
            outcome = paired_test(gold, predictions["clinical"], predictions["biomedical"], groups=groups, n_resamples=10000)
            test[corpus]["clinical_vs_biomedical"] = {
                "unit": "document",
                **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in outcome.items()},
            }
            print(corpus, test[corpus]["clinical_vs_biomedical"], flush=True)
            if args.unlabeled:
                outcome = paired_test(gold, predictions["clinical-unlabeled20k"], predictions["biomedical-unlabeled20k"],
                                      groups=groups, n_resamples=10000)
                test[corpus]["clinical_vs_biomedical_unlabeled20k"] = {
                    "unit": "document",
                    **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in outcome.items()},
                }
                print(corpus, test[corpus]["clinical_vs_biomedical_unlabeled20k"], flush=True)
            _write(args.out, results)
    return 0


def _write(path: str, results: dict) -> None:
    from crfner.atomic import atomic_open

    with atomic_open(path) as handle:
        json.dump(results, handle, indent=2)
        handle.write("\n")


if __name__ == "__main__":
    raise SystemExit(main())
