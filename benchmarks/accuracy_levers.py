"""Issue 15, accuracy levers measured on devel only: each variant of the `biomedical` feature
set is trained on `train` and scored on `devel` (strict entity micro-F1, document ids given
for training and tagging); with ``--test`` a variant is trained on train+devel and scored on
test instead (done once, for the variant chosen on devel).

Each variant changes version 2 of the `biomedical` declaration (frozen as
benchmarks/configs/biomedical-v2.toml). The one chosen on devel, ``unl_biosent_gaztext``, is version
3 (``candidate_v3``; the ``v3_*`` rows add NCBI's own c1/c2 to it), adopted as
features/biomedical.toml; rows ``as_declared`` use the file as it read at the run. Each main
lever was also scored once on test (train+devel -> test), for the ablation's test column;
``--markdown FILE`` writes that table (devel and test effect of every lever against the same
split's version 2 baseline).

One run per invocation (a fresh process, so the peak memory is its own); each result is merged
into the JSON file ``--out`` names under its (variant, corpus, evaluation) key, so runs can be made one at a time
(without ``--out``, into a new file in the temporary folder):

    python benchmarks/accuracy_levers.py --data-dir ../shared/data --variant baseline --corpus bc5cdr \\
        --out benchmarks/results/accuracy_levers.json
    python benchmarks/accuracy_levers.py --list
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import sys
import time
from collections.abc import Callable

RECORDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "accuracy_levers.json")
VERSION_2 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "configs", "biomedical-v2.toml")


def _set(section: str, **values) -> Callable[[dict], None]:
    def change(spec: dict) -> None:
        spec.setdefault(section, {}).update(copy.deepcopy(values))

    return change


def _both(*changes: Callable[[dict], None]) -> Callable[[dict], None]:
    def change(spec: dict) -> None:
        for one in changes:
            one(spec)

    return change


#: name -> (the declaration change in words, the change to the `biomedical` declaration)
VARIANTS: dict[str, tuple[str, Callable[[dict], None]]] = {
    "baseline": ("none: version 2 (the clusters learned from the training text alone)", lambda spec: None),
    # The declaration as features/biomedical.toml read at the run (version 3 for the test rows).
    "as_declared": ("none: features/biomedical.toml as it read at the run", lambda spec: None),
    # Lever 1: clusters learned also from unlabeled text.
    "unl_biosent": ('[clusters] unlabeled_text = ["biomedical_sentences"]', _set("clusters", unlabeled_text=["biomedical_sentences"])),
    "unl_ohsumed": ('[clusters] unlabeled_text = ["ohsumed"]', _set("clusters", unlabeled_text=["ohsumed"])),
    "unl_both": ('[clusters] unlabeled_text = ["ohsumed", "biomedical_sentences"]',
                 _set("clusters", unlabeled_text=["ohsumed", "biomedical_sentences"])),
    "unl_ohsumed_g1024": ('[clusters] unlabeled_text = ["ohsumed"], granularities = [32, 128, 512, 1024]',
                          _set("clusters", unlabeled_text=["ohsumed"], granularities=[32, 128, 512, 1024])),
    "unl_both_g1024": ('[clusters] unlabeled_text = ["ohsumed", "biomedical_sentences"], granularities = [32, 128, 512, 1024]',
                       _set("clusters", unlabeled_text=["ohsumed", "biomedical_sentences"], granularities=[32, 128, 512, 1024])),
    "unl_ohsumed_ctx512": ('[clusters] unlabeled_text = ["ohsumed"]; [context] features clu128 -> clu512',
                           _both(_set("clusters", unlabeled_text=["ohsumed"]),
                                 _set("context", features=["norm", "shape_short", "suf3", "gaz:*", "clu512"]))),
    "unl_both_ctx512": ('[clusters] unlabeled_text = ["ohsumed", "biomedical_sentences"]; [context] features clu128 -> clu512',
                        _both(_set("clusters", unlabeled_text=["ohsumed", "biomedical_sentences"]),
                              _set("context", features=["norm", "shape_short", "suf3", "gaz:*", "clu512"]))),
    "unl_biosent_g1024": ('[clusters] unlabeled_text = ["biomedical_sentences"], granularities = [32, 128, 512, 1024]',
                          _set("clusters", unlabeled_text=["biomedical_sentences"], granularities=[32, 128, 512, 1024])),
    "unl_biosent_ctx512": ('[clusters] unlabeled_text = ["biomedical_sentences"]; [context] features clu128 -> clu512',
                           _both(_set("clusters", unlabeled_text=["biomedical_sentences"]),
                                 _set("context", features=["norm", "shape_short", "suf3", "gaz:*", "clu512"]))),
    "unl_biosent_dims200": ('[clusters] unlabeled_text = ["biomedical_sentences"], dims = 200',
                            _set("clusters", unlabeled_text=["biomedical_sentences"], dims=200)),
    "unl_biosent_gaztext": ('[clusters] unlabeled_text = ["biomedical_sentences"], gazetteer_text = true',
                            _set("clusters", unlabeled_text=["biomedical_sentences"], gazetteer_text=True)),
    "unl_biosent_win1": ('[clusters] unlabeled_text = ["biomedical_sentences"], window = 1',
                         _set("clusters", unlabeled_text=["biomedical_sentences"], window=1)),
    # Lever 3/4: L1/L2 balance around c1=0.01, c2=0.1.
    "c1_0.05": ("[training] c1 = 0.05", _set("training", c1=0.05)),
    "c1_0.001": ("[training] c1 = 0.001", _set("training", c1=0.001)),
    "c2_0.05": ("[training] c2 = 0.05", _set("training", c2=0.05)),
    "c2_0.2": ("[training] c2 = 0.2", _set("training", c2=0.2)),
    # Lever 4: larger conjunctions.
    "conj_wide": ("[context] conjunctions = [[-1, 0], [0, 1], [-1, 1], [-2, -1], [1, 2]]",
                  _set("context", conjunctions=[[-1, 0], [0, 1], [-1, 1], [-2, -1], [1, 2]])),
    "conj_tri": ("[context] conjunctions = [[-1, 0], [0, 1], [-1, 0, 1]]",
                 _set("context", conjunctions=[[-1, 0], [0, 1], [-1, 0, 1]])),
}
_BIOSENT = _set("clusters", unlabeled_text=["biomedical_sentences"])
for _name in ["c1_0.05", "c1_0.001", "c2_0.05", "c2_0.2", "conj_wide", "conj_tri"]:
    VARIANTS[f"unl_biosent_{_name}"] = ('[clusters] unlabeled_text = ["biomedical_sentences"]; ' + VARIANTS[_name][0],
                                        _both(_BIOSENT, VARIANTS[_name][1]))
VARIANTS["unl_biosent_c1_0.03"] = ('[clusters] unlabeled_text = ["biomedical_sentences"]; [training] c1 = 0.03',
                                   _both(_BIOSENT, _set("training", c1=0.03)))

_CTX512 = _set("context", features=["norm", "shape_short", "suf3", "gaz:*", "clu512"])
VARIANTS["unl_biosent_ctx128_512"] = ('[clusters] unlabeled_text = ["biomedical_sentences"]; [context] features + clu512 (beside clu128)',
                                      _both(_BIOSENT, _set("context", features=["norm", "shape_short", "suf3", "gaz:*", "clu128", "clu512"])))
VARIANTS["unl_biosent_ctx512_c2_0.2"] = ('[clusters] unlabeled_text = ["biomedical_sentences"]; [context] features clu128 -> clu512; [training] c2 = 0.2',
                                         _both(_BIOSENT, _CTX512, _set("training", c2=0.2)))
VARIANTS["unl_biosent_ctx512_c2_0.05"] = ('[clusters] unlabeled_text = ["biomedical_sentences"]; [context] features clu128 -> clu512; [training] c2 = 0.05',
                                          _both(_BIOSENT, _CTX512, _set("training", c2=0.05)))
_GAZTEXT = _set("clusters", gazetteer_text=True)
VARIANTS["gaztext"] = ("[clusters] gazetteer_text = true", _GAZTEXT)
VARIANTS["unl_biosent_gaztext_ctx512"] = (('[clusters] unlabeled_text = ["biomedical_sentences"], gazetteer_text = true; '
                                           "[context] features clu128 -> clu512"), _both(_BIOSENT, _GAZTEXT, _CTX512))
VARIANTS["unl_both_gaztext"] = ('[clusters] unlabeled_text = ["ohsumed", "biomedical_sentences"], gazetteer_text = true',
                                _set("clusters", unlabeled_text=["ohsumed", "biomedical_sentences"], gazetteer_text=True))
VARIANTS["candidate_v3"] = ("version 3 (candidate): " + VARIANTS["unl_biosent_gaztext"][0], VARIANTS["unl_biosent_gaztext"][1])
# Lever 3, on the candidate version 3 (the rows were made with it in the file): NCBI's own c1/c2, recorded only.
for _name in ["c1_0.05", "c2_0.05", "c2_0.2"]:
    VARIANTS[f"v3_{_name}"] = ("version 3 (candidate); " + VARIANTS[_name][0],
                               _both(VARIANTS["unl_biosent_gaztext"][1], VARIANTS[_name][1]))

#: Lever 2, a data-driven gazetteer stoplist learned from the training split (crfner.featurize.stoplist):
#: name -> (variant it builds on, min_count, min_o_share). The lists are filtered copies in a temporary folder.
STOPLISTS = {
    "stop_n5_95": ("baseline", 5, 0.95),
    "stop_n3_90": ("baseline", 3, 0.90),
    "stop_n10_99": ("baseline", 10, 0.99),
    "unl_biosent_stop_n5_95": ("unl_biosent", 5, 0.95),
    "unl_both_stop_n5_95": ("unl_both", 5, 0.95),
}
for _name, (_base, _n, _share) in STOPLISTS.items():
    VARIANTS[_name] = ((f"{VARIANTS[_base][0]}; gazetteer stoplist from the training split: a matched span is dropped "
                        f"when >= {_n} matches and >= {_share:.0%} all-O"), VARIANTS[_base][1])


def spec_for(variant: str) -> dict:
    from crfner.featurize.featureset import load_feature_set

    # Every variant but as_declared is a change to version 2, frozen beside the benchmark configs;
    # version 3 is candidate_v3 as it was adopted.
    spec = load_feature_set("biomedical" if variant == "as_declared" else VERSION_2).to_dict()
    VARIANTS[variant][1](spec)
    return spec


def apply_stoplist(spec: dict, variant: str, X, y, data_dir: str, folder: str) -> dict:
    """Point the spec's lists at copies without the terms stopped on (X, y); what was stopped."""
    from crfner.featurize.gazetteer import load_gazetteer
    from crfner.featurize.stoplist import learn_stoplist, write_filtered

    _, min_count, min_share = STOPLISTS[variant]
    lists, info = [], {}
    for name in spec["gazetteers"]["lists"]:
        source = os.path.join(data_dir, "gazetteers", f"{name}.tsv")
        stop = learn_stoplist(load_gazetteer(source, name), X, y, min_count, min_share)
        out = os.path.join(folder, f"{name}.tsv")
        dropped = write_filtered(source, stop, out)
        lists.append(out)
        info[name] = {"spans": len(stop), "terms_dropped": dropped, "first": [" ".join(s) for s in stop[:40]]}
    spec["gazetteers"]["lists"] = lists
    return info


def run(variant: str, corpus: str, data_dir: str, test: bool) -> dict:
    """Train and score one variant on one corpus (in this process)."""
    import crfner

    train_split, eval_split = ("train+devel", "test") if test else ("train", "devel")
    X, y = crfner.load_corpus(corpus, train_split, data_dir=data_dir)
    ids = crfner.load_document_ids(corpus, train_split, data_dir=data_dir)
    X_eval, y_eval = crfner.load_corpus(corpus, eval_split, data_dir=data_dir)
    ids_eval = crfner.load_document_ids(corpus, eval_split, data_dir=data_dir)
    import tempfile

    folder = tempfile.mkdtemp(prefix="levers-")
    started = time.perf_counter()
    spec = spec_for(variant)
    stoplist = apply_stoplist(spec, variant, X, y, data_dir, folder) if variant in STOPLISTS else None
    tagger = crfner.CRFTagger(features=spec, data_dir=data_dir).fit(X, y, documents=ids)
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    predicted = tagger.predict(X_eval, documents=ids_eval)
    tag_seconds = time.perf_counter() - started
    scores = crfner.evaluate(y_eval, predicted)
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    return {
        "variant": variant,
        "change": VARIANTS[variant][0],
        "feature_set": f"{tagger.feature_set_.name} v{tagger.feature_set_.version}",
        "corpus": corpus,
        "evaluation": f"{train_split} -> {eval_split}",
        "f1": round(scores.f1, 4),
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "per_type_f1": {t: round(s.f1, 4) for t, s in scores.per_type.items()},
        "train_seconds": round(train_seconds, 1),
        "tag_tokens_per_second": round(sum(map(len, X_eval)) / tag_seconds),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "training_parameters": tagger.training_params_,
        **({"stoplist": stoplist} if stoplist else {}),
    }


def print_table(path: str) -> int:
    """The recorded rows as a table: per variant, F1 (and its difference from the baseline) per corpus."""
    with open(path) as handle:
        rows = json.load(handle)["rows"]
    for evaluation in sorted({r["evaluation"] for r in rows}, reverse=True):
        got = {(r["variant"], r["corpus"]): r for r in rows if r["evaluation"] == evaluation}
        print(f"{evaluation}\n| variant | BC5CDR F1 | diff | NCBI F1 | diff | train s (BC5CDR/NCBI) |\n|---|---|---|---|---|---|")
        for variant in dict.fromkeys(v for v, _ in got):
            cells, seconds = [], []
            for corpus in ("bc5cdr", "ncbi_disease"):
                row, base = got.get((variant, corpus)), got.get(("baseline", corpus))
                cells += [f"{row['f1']:.4f}" if row else "", f"{row['f1'] - base['f1']:+.4f}" if row and base else ""]
                seconds.append(str(row["train_seconds"]) if row else "")
            print(f"| {variant} | " + " | ".join(cells) + f" | {'/'.join(seconds)} |")
    return 0


def other_levers(folder: str) -> list[str]:
    """Lines on the levers measured by the other scripts, read from their result files."""
    lines = ["Levers measured by other scripts (their rows keep their commands):", ""]
    consistency = os.path.join(folder, "document_consistency.json")
    if os.path.exists(consistency):
        with open(consistency) as handle:
            rows = {(r["base"], r["variant"], r["corpus"], r["evaluation"]): r for r in json.load(handle)["rows"]}

        def f1(base, variant, corpus, evaluation="train -> devel"):
            row = rows.get((base, variant, corpus, evaluation))
            return f"{row['f1']:.4f}" if row else "?"

        lines.append(
            "- Document consistency, a training-mention dictionary and abbreviation consistency (a cross-validated "
            "second pass, `document_consistency.json`), from version 3: BC5CDR devel "
            f"{f1('candidate_v3', 'baseline', 'bc5cdr')} -> {f1('candidate_v3', 'stack_mdict_abbr', 'bc5cdr')} "
            f"(stack_mdict_abbr; {f1('candidate_v3', 'stack_mdict_abbr@seed1', 'bc5cdr')} with another fold shuffle), "
            f"NCBI devel {f1('candidate_v3', 'baseline', 'ncbi_disease')} -> {f1('candidate_v3', 'stack_mdict_abbr', 'ncbi_disease')} "
            f"({f1('candidate_v3', 'stack_mdict_abbr@seed1', 'ncbi_disease')}); BC5CDR test, once, doc_mdict_abbr "
            f"{f1('candidate_v3', 'baseline', 'bc5cdr', 'train+devel -> test')} -> "
            f"{f1('candidate_v3', 'doc_mdict_abbr', 'bc5cdr', 'train+devel -> test')}, at 4.5x the training time (over "
            "10 minutes) and 2.6x the tagging time: not adopted.")
    auxiliary = os.path.join(folder, "auxiliary_taggers.json")
    if os.path.exists(auxiliary):
        with open(auxiliary) as handle:
            lines.append(f"- Taggers trained on other corpora as features (`auxiliary_taggers.json`): {json.load(handle)['summary']}")
    return lines


def write_markdown(path: str, out: str) -> int:
    """The ablation: every variant's devel and test F1 per corpus, and its difference from the
    version-2 baseline of the same split."""
    with open(path) as handle:
        rows = json.load(handle)["rows"]
    got = {(r["variant"], r["corpus"], r["evaluation"]): r for r in rows}
    splits = ("train -> devel", "train+devel -> test")
    corpora = ("bc5cdr", "ncbi_disease")
    lines = ["# Issue 15: accuracy levers of the `biomedical` feature set", "",
             "Strict micro-F1, document ids given. Devel: trained on train; test: trained on train+devel.",
             "Each difference is against version 2 (`baseline`) on the same split. Written by",
             f"`python benchmarks/accuracy_levers.py --markdown {out}` from `accuracy_levers.json`,",
             "where every row keeps its command.", "",
             "| variant | change | BC5CDR devel | BC5CDR test | NCBI devel | NCBI test |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for variant in dict.fromkeys(r["variant"] for r in rows):
        cells = []
        for corpus in corpora:
            for split in splits:
                row, base = got.get((variant, corpus, split)), got.get(("baseline", corpus, split))
                if row is None:
                    cells.append("")
                elif variant == "baseline" or base is None:
                    cells.append(f"{row['f1']:.4f}")
                else:
                    cells.append(f"{row['f1']:.4f} ({row['f1'] - base['f1']:+.4f})")
        lines.append(f"| {variant} | {VARIANTS.get(variant, ('?',))[0]} | " + " | ".join(cells) + " |")
    lines += ["", *other_levers(os.path.dirname(path))]
    text = "\n".join(lines) + "\n"
    from crfner.atomic import atomic_open

    with atomic_open(out) as handle:
        handle.write(text)
    print(text)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", metavar="FILE", help="write the devel/test ablation table to FILE and exit")
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--variant", choices=list(VARIANTS))
    parser.add_argument("--corpus", choices=["bc5cdr", "ncbi_disease"])
    parser.add_argument("--test", action="store_true", help="train on train+devel, score test (once, at the end)")
    parser.add_argument("--out", help="JSON file the row is merged into (default: a new folder in the temporary folder; "
                                      "--table and --markdown read benchmarks/results/accuracy_levers.json)")
    parser.add_argument("--list", action="store_true", help="list the variants and exit")
    parser.add_argument("--table", action="store_true", help="print the recorded devel F1 per variant (both corpora) and exit")
    args = parser.parse_args()
    if args.table:
        return print_table(args.out or RECORDED)
    if args.markdown:
        return write_markdown(args.out or RECORDED, args.markdown)
    if args.list or not (args.variant and args.corpus):
        for name, (change, _) in VARIANTS.items():
            print(f"{name:20} {change}")
        return 0
    from scratch import fresh_out

    from crfner.atomic import atomic_open

    if not args.out:
        args.out = fresh_out(__file__, "accuracy_levers.json")
    row = run(args.variant, args.corpus, args.data_dir, args.test)
    row["command"] = "python benchmarks/accuracy_levers.py " + " ".join(sys.argv[1:])
    row["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    result = {"rows": []}
    if os.path.exists(args.out):
        with open(args.out) as handle:
            result = json.load(handle)
    key = (row["variant"], row["corpus"], row["evaluation"])
    result["rows"] = [r for r in result["rows"] if (r["variant"], r["corpus"], r["evaluation"]) != key] + [row]
    with atomic_open(args.out) as handle:
        json.dump(result, handle, indent=1)
        handle.write("\n")
    print(f"{row['variant']:20} {row['corpus']:13} {row['evaluation']:20} F1 {row['f1']:.4f}  P {row['precision']:.4f}  "
          f"R {row['recall']:.4f}  train {row['train_seconds']} s  peak {row['peak_rss_mib']} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
