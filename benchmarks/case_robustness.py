"""How the feature sets cope with clinical text written in one case, measured on devel (or test).

Clinical notes are often ALL CAPS or all lower case, while the annotated corpora keep the
authors' case. Each feature set is trained on a corpus's `train` split as written and scored on
three copies of the evaluation split: as written, every token lower-cased and every token
upper-cased (tags unchanged); strict entity micro-F1 with a 95% document-bootstrap interval, the
drop from `as written` to each one-case copy, and, per copy, paired approximate-randomisation
tests over documents of `clinical` against `clinical-v2` (benchmarks/configs/clinical-v2.toml,
version 2, as it shipped before version 3), `clinical-v3` to `clinical-v11` (benchmarks/configs/), `biomedical` and `tutorial`, and of
the levers `clinical-strict-letters` and `clinical-joined` (benchmarks/configs/; neither adopted,
results/strict_letters.json and results/joined_forms.json) against `clinical`, `biomedical` and `tutorial`.

    .venv/bin/python benchmarks/case_robustness.py --data-dir ../shared/data --split devel \\
        --corpora maccrobat phee --systems tutorial biomedical clinical-v2 clinical --out case.json

``--abbreviated`` adds note_copies.py's copy: entities whose words are the usual sense of a
clinical short form written as notes write that short form (tokens and tags change with it), as
written and, since 2026-12-06, lower-cased and upper-cased (`abbreviated lower`, `abbreviated
upper`: a note in one case that abbreviates, "pt w/ htn"). ``--shorthand`` adds its shorthand copy:
phrases outside the entities written with a slash as notes write them ("complained of" as c/o,
"67-year-old" as 67 y/o, "with" as w/), as written and lower-cased (`shorthand`, `shorthand lower`).

Rows are merged into ``--out`` under their (corpus, split, system, limit, feature-set version) key,
comparisons under (corpus, split, system_a, system_b, limit, clinical_version), so the figures of
an earlier `clinical` stay beside a later one's; ``--limit N`` keeps the first N training and first N
evaluation sentences (a smoke run, not a figure).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from document_consistency import peak_mib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = os.path.join(REPO, "benchmarks", "configs")
SYSTEMS = {"tutorial": "tutorial", "biomedical": "biomedical", "clinical": "clinical",
           "clinical-v2": os.path.join(CONFIGS, "clinical-v2.toml"), "clinical-v3": os.path.join(CONFIGS, "clinical-v3.toml"),
           "clinical-v4": os.path.join(CONFIGS, "clinical-v4.toml"), "clinical-v5": os.path.join(CONFIGS, "clinical-v5.toml"),
           "clinical-v6": os.path.join(CONFIGS, "clinical-v6.toml"), "clinical-v7": os.path.join(CONFIGS, "clinical-v7.toml"),
           "clinical-v8": os.path.join(CONFIGS, "clinical-v8.toml"), "clinical-v9": os.path.join(CONFIGS, "clinical-v9.toml"),
           "clinical-v10": os.path.join(CONFIGS, "clinical-v10.toml"),
           "clinical-strict-letters": os.path.join(CONFIGS, "clinical-strict-letters.toml"),  # a lever, not adopted
           "clinical-v11": os.path.join(CONFIGS, "clinical-v11.toml"),
           "clinical-joined": os.path.join(CONFIGS, "clinical-joined.toml")}  # a lever, not adopted
PAIRS = [("clinical", "clinical-v2"), ("clinical", "clinical-v3"), ("clinical", "clinical-v4"), ("clinical", "clinical-v5"), ("clinical", "clinical-v6"),
         ("clinical", "clinical-v7"), ("clinical", "clinical-v8"), ("clinical", "clinical-v9"), ("clinical", "clinical-v10"), ("clinical", "clinical-v11"),
         ("clinical-strict-letters", "clinical"), ("clinical-strict-letters", "biomedical"), ("clinical-strict-letters", "tutorial"),
         ("clinical-joined", "clinical"), ("clinical-joined", "biomedical"), ("clinical-joined", "tutorial"),
         ("clinical", "biomedical"),
         ("clinical", "tutorial")]
COPIES = {"as written": lambda t: t, "lower": str.lower, "upper": str.upper}
# note_copies.py's copy: entities written as notes abbreviate them (tokens and tags change), as
# written and in one case ("htn", "HTN": a note in one case that abbreviates)
ABBREVIATED = "abbreviated"
# note_copies.py's shorthand copy: phrases written with a slash as notes write them (c/o, s/p, y/o, w/),
# as written and lower-cased
SHORTHAND = "shorthand"
REWRITTEN_COPIES = {ABBREVIATED: {ABBREVIATED: COPIES["as written"], f"{ABBREVIATED} lower": str.lower,
                                  f"{ABBREVIATED} upper": str.upper},
                    SHORTHAND: {SHORTHAND: COPIES["as written"], f"{SHORTHAND} lower": str.lower}}
NOTE = ("Strict entity micro-F1. Each system is trained on the corpus's train split as written and tagged on three "
        "copies of the evaluation split (as written, every token lower-cased, every token upper-cased; tags "
        "unchanged), with document ids. f1_95: percentile bootstrap over documents. drop: F1 as written minus F1 of "
        "the copy (positive = worse). Comparisons: paired approximate randomisation over documents, two-sided, "
        "difference = F1(system_a) - F1(system_b). peak_rss_mib is the process's peak so far (systems run in order "
        "in one process). Rows with a limit used only the first `limit` training and evaluation sentences.")


def command() -> str:
    return " ".join(["python", "benchmarks/case_robustness.py", *sys.argv[1:]])


def load(corpus: str, split: str, data_dir: str, limit: int | None):
    import crfner

    X, y = crfner.load_corpus(corpus, split, data_dir=data_dir)
    ids = crfner.load_document_ids(corpus, split, data_dir=data_dir)
    return X[:limit], y[:limit], ids[:limit]


def score(y_true, predicted, ids, n_bootstrap: int) -> dict:
    import crfner
    from crfner.evaluation.significance import bootstrap_ci

    scores = crfner.evaluate(y_true, predicted)
    ci = bootstrap_ci(y_true, predicted, groups=ids, n_resamples=n_bootstrap, seed=0)
    return {"f1": round(scores.f1, 4), "precision": round(scores.precision, 4), "recall": round(scores.recall, 4),
            "f1_95": [round(v, 4) for v in ci["f1"]], "per_type_f1": {t: round(s.f1, 4) for t, s in scores.per_type.items()}}


def run_system(corpus: str, split: str, system: str, data, args, rewritten=None) -> tuple[dict, dict]:
    """Train one system and score it on the three copies (and on ``rewritten``, note_copies.py's
    copies by name (``abbreviated``, ``shorthand``) as (sentences, tags, replaced), each as written
    and in one case): its row and its predictions per copy."""
    import crfner
    from crfner.featurize.featureset import load_feature_set

    (X, y, ids), (Xe, ye, ide) = data
    feature_set = load_feature_set(SYSTEMS[system])
    started = time.perf_counter()
    tagger = crfner.CRFTagger(features=SYSTEMS[system], data_dir=args.data_dir)
    tagger.fit(X, y, documents=ids)
    seconds = time.perf_counter() - started
    row = {"corpus": corpus, "split": split, "system": system, "limit": args.limit, "evaluation": f"train -> {split}",
           "feature_set": {"name": feature_set.name, "version": feature_set.version,
                           "fingerprint": feature_set.fingerprint(),
                           "given_as": os.path.relpath(SYSTEMS[system], REPO) if os.sep in SYSTEMS[system] else SYSTEMS[system]},
           "train_sentences": len(X), "eval_sentences": len(Xe), "eval_documents": len(set(ide)),
           "fit_seconds": round(seconds, 1), "copies": {}}
    predictions = {}
    for copy, change in COPIES.items():
        predictions[copy] = tagger.predict([[change(t) for t in s] for s in Xe], documents=ide)
        row["copies"][copy] = score(ye, predictions[copy], ide, args.bootstrap)
    for name, (Xr, yr, replaced) in (rewritten or {}).items():
        for copy, change in REWRITTEN_COPIES[name].items():
            predictions[copy] = tagger.predict([[change(t) for t in s] for s in Xr], documents=ide)
            row["copies"][copy] = score(yr, predictions[copy], ide, args.bootstrap)
            row["copies"][copy]["entities_replaced" if name == ABBREVIATED else "phrases_replaced"] = replaced
    written = row["copies"]["as written"]["f1"]
    row["drop"] = {copy: round(written - row["copies"][copy]["f1"], 4) for copy in row["copies"] if copy != "as written"}
    row.update(peak_rss_mib=peak_mib(), command=command(), finished=time.strftime("%Y-%m-%d %H:%M:%S"))
    for copy, cells in row["copies"].items():
        lo, hi = cells["f1_95"]
        print(f"{corpus:10} {split:6} {system:12} {copy:10} F1 {cells['f1']:.4f} [{lo:.4f}, {hi:.4f}]  "
              f"P {cells['precision']:.4f}  R {cells['recall']:.4f}" + (f"  drop {row['drop'][copy]:+.4f}" if copy in row["drop"] else ""),
              flush=True)
    print(f"{'':10} {'':6} {system:12} fit {row['fit_seconds']} s, peak {row['peak_rss_mib']} MiB, "
          f"{feature_set.name} v{feature_set.version} {feature_set.fingerprint()}", flush=True)
    return row, predictions


def compare(corpus: str, split: str, a: str, b: str, y_true, ids, predictions: dict, args, rewritten=None) -> dict:
    from crfner.evaluation.significance import paired_test

    result = {"corpus": corpus, "split": split, "system_a": a, "system_b": b, "limit": args.limit, "copies": {}}
    for copy in predictions[a]:
        gold = next((rewritten[name][1] for name in rewritten or {} if copy in REWRITTEN_COPIES[name]), y_true)
        test = paired_test(gold, predictions[a][copy], predictions[b][copy], groups=ids, n_resamples=args.resamples, seed=0)
        result["copies"][copy] = {"f1_a": round(test["f1_a"], 4), "f1_b": round(test["f1_b"], 4),
                                  "difference": round(test["difference"], 4), "p_value": round(test["p_value"], 4),
                                  "units": test["units"], "resamples": test["resamples"]}
        print(f"{corpus:10} {split:6} {a} - {b:12} {copy:10} d {test['difference']:+.4f}  p {test['p_value']:.4f}", flush=True)
    result.update(command=command(), finished=time.strftime("%Y-%m-%d %H:%M:%S"))
    return result


def save(path: str, rows: list[dict], comparisons: list[dict]) -> None:
    """Merge into ``path``: entries with the same key are replaced, others kept; written atomically."""
    result = {"commands": [], "rows": [], "comparisons": []}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            result.update(json.load(handle))
    if command() not in result["commands"]:
        result["commands"].append(command())
    keys = {"rows": lambda e: (e["corpus"], e["split"], e["system"], e["limit"], (e.get("feature_set") or {}).get("version")),
            "comparisons": lambda e: (e["corpus"], e["split"], e["system_a"], e["system_b"], e["limit"], e.get("clinical_version"))}
    for name, new in (("rows", rows), ("comparisons", comparisons)):
        replaced = {keys[name](e) for e in new}
        result[name] = [e for e in result[name] if keys[name](e) not in replaced] + new
    result["note"] = NOTE
    from crfner.atomic import atomic_open

    with atomic_open(path) as handle:
        json.dump(result, handle, indent=1)
        handle.write("\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpora", nargs="+", default=["maccrobat", "phee"])
    parser.add_argument("--systems", nargs="+", choices=list(SYSTEMS), default=["tutorial", "biomedical", "clinical-v2", "clinical"])
    parser.add_argument("--split", choices=["devel", "test"], default="devel", help="scored split (trained on train either way)")
    parser.add_argument("--out", help="JSON file the results are merged into (default: a new folder in the temporary folder)")
    parser.add_argument("--limit", type=int, help="first N training and first N evaluation sentences only (smoke run)")
    parser.add_argument("--resamples", type=int, default=10000, help="rounds of each paired randomisation test")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples of each interval")
    parser.add_argument("--abbreviated", action="store_true", help="also score note_copies.py's abbreviated copy")
    parser.add_argument("--shorthand", action="store_true", help="also score note_copies.py's shorthand copy (c/o, s/p, y/o, w/)")
    args = parser.parse_args()
    if not args.out:
        from scratch import fresh_out

        args.out = fresh_out(__file__, "case_robustness.json")
    from crfner.featurize.featureset import load_feature_set

    clinical_version = load_feature_set(SYSTEMS["clinical"]).version
    for corpus in args.corpora:
        data = (load(corpus, "train", args.data_dir, args.limit), load(corpus, args.split, args.data_dir, args.limit))
        rewritten = {}
        if args.abbreviated:
            from note_copies import abbreviate, short_forms

            rewritten[ABBREVIATED] = abbreviate(data[1][0], data[1][1], short_forms(args.data_dir))
        if args.shorthand:
            from note_copies import write_shorthand

            rewritten[SHORTHAND] = write_shorthand(data[1][0], data[1][1])
        predictions = {}
        for system in args.systems:
            row, predictions[system] = run_system(corpus, args.split, system, data, args, rewritten)
            save(args.out, [row], [])
        comparisons = [compare(corpus, args.split, a, b, data[1][1], data[1][2], predictions, args, rewritten)
                       for a, b in PAIRS if a in predictions and b in predictions]
        for comparison in comparisons:  # the installed set's version when it ran
            comparison["clinical_version"] = clinical_version
        save(args.out, [], comparisons)
    print(f"written to {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
