"""Feature ablation on BC5CDR and NCBI Disease: `tutorial`, `tutorial` plus each feature
family of `biomedical`, then the full `biomedical` set.

Each row trains on train+devel and is scored on test (strict entity micro-F1, per type),
in a fresh process so that its peak memory is its own; tagging speed is measured on a model
reloaded from disk (feature extraction plus Viterbi, one process, cold caches).

    python benchmarks/ablation.py --data-dir ../shared/data --out benchmarks/results/ablation
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from pathlib import Path

from fresh_process import run_one

from crfner.benchmark.machine import machine_info

RESULTS = Path(__file__).parent / "results"
CORPORA = ("bc5cdr", "ncbi_disease")


def row_specs() -> dict[str, dict | str]:
    """Feature-set declarations for every row, each family taken from `biomedical`."""
    from crfner import load_feature_set

    tutorial = load_feature_set("tutorial").to_dict()
    bio = load_feature_set("biomedical").to_dict()

    def plus(name: str, token: dict = None, context_names=(), **sections) -> dict:
        spec = copy.deepcopy(tutorial)
        spec["name"] = f"tutorial+{name}"
        spec["token"].update(token or {})
        spec["context"]["features"] = spec["context"]["features"] + list(context_names)
        spec.update(copy.deepcopy(sections))
        return spec

    token = bio["token"]
    rows: dict[str, dict | str] = {"tutorial": "tutorial"}
    rows["+orthography"] = plus("orthography", {k: token[k] for k in ("flags", "case") if k in token})
    rows["+shape"] = plus("shape", {"shape": token["shape"]}, ["shape_short"])
    rows["+affixes"] = plus("affixes", {k: token[k] for k in ("prefixes", "suffixes", "norm") if k in token})
    context = copy.deepcopy(tutorial)
    context["name"] = "tutorial+context"
    context["context"].update({k: bio["context"][k] for k in ("offsets", "conjunctions")})
    context["context"]["conjoin"] = "lower"
    rows["+context"] = context
    rows["+gazetteers"] = plus("gazetteers", context_names=["gaz:*"], gazetteers=bio["gazetteers"])
    rows["+clusters"] = plus("clusters", context_names=[f"clu{g}" for g in bio["clusters"]["granularities"][1:]],
                             clusters=bio["clusters"])
    rows["+abbreviations"] = plus("abbreviations", abbreviations=bio["abbreviations"])
    without = copy.deepcopy(bio)
    without["name"] = "biomedical-abbreviations"
    del without["abbreviations"]
    rows["biomedical-abbreviations"] = without
    rows["biomedical"] = "biomedical"
    return rows


def run_row(corpus: str, row: str, data_dir: str) -> dict:
    """Train one row on train+devel, score it on test; runs inside its own process."""
    import crfner
    from crfner.benchmark.systems import reload_and_tag

    features = row_specs()[row]
    X, y = crfner.load_corpus(corpus, "train+devel", data_dir=data_dir)
    Xt, yt = crfner.load_corpus(corpus, "test", data_dir=data_dir)
    documents = crfner.load_document_ids(corpus, "train+devel", data_dir=data_dir)
    documents_test = crfner.load_document_ids(corpus, "test", data_dir=data_dir)
    started = time.perf_counter()
    tagger = crfner.CRFTagger(features=features, data_dir=data_dir)
    tagger.fit(X, y, documents=documents, corpus=f"{corpus}:train+devel")
    train_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        path = tagger.save(Path(tmp) / "model")
        _, measured = reload_and_tag(path, lambda p: crfner.CRFTagger.load(p, data_dir=data_dir),
                                     lambda t: t.predict(Xt, documents=documents_test), sum(map(len, Xt)))
    scores = crfner.evaluate(yt, measured["predicted"])
    return {
        "corpus": corpus,
        "row": row,
        "f1": round(scores.f1, 4),
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "per_type_f1": {t: round(s.f1, 4) for t, s in scores.per_type.items()},
        "train_seconds": round(train_seconds, 1),
        "tag_tokens_per_second": measured["tag_tokens_per_second"],
        "peak_rss_mib": measured["peak_rss_mib"],
        "model_mib": measured["model_mib"],
        "training_parameters": tagger.training_params_,
    }


def markdown(rows: list[dict], command: str) -> str:
    lines = [
        "# Feature ablation: strict entity micro-F1 on test (trained on train+devel)",
        "",
        f"Command: `{command}`",
        "",
        "| corpus | features | F1 | P | R | F1 per type | train s | tag tokens/s | peak MiB | model MiB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        types = ", ".join(f"{t} {f:.4f}" for t, f in sorted(r["per_type_f1"].items()))
        lines.append(
            f"| {r['corpus']} | {r['row']} | {r['f1']:.4f} | {r['precision']:.4f} | {r['recall']:.4f} | {types} | "
            f"{r['train_seconds']:.1f} | {r['tag_tokens_per_second']:,} | {r['peak_rss_mib']:,} | {r['model_mib']:.2f} |"
        )
    lines += ["", "Rows `+X` add one family of `biomedical` to `tutorial` (with `tutorial`'s training parameters; "
              "`+abbreviations` without gazetteers, so the long form gives its last word and suffix only); "
              "`biomedical-abbreviations` is the full set without abbreviation features, with the same training "
              "parameters; `biomedical` is the full set with its own tuned parameters. Sentences are grouped by "
              "PubMed document (ids from the PubTator files) for training and tagging. Tagging speed: one process, a model "
              "reloaded from disk, BC5CDR or NCBI test, feature extraction plus Viterbi, a single run on a "
              "shared virtual machine whose speed varies by up to a third from minute to minute and by far more "
              "from one day to the next (compare rows of one run, not runs); "
              "`tagging_speed.json` gives the best and median of five runs for the final BC5CDR model."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA))
    parser.add_argument("--rows", nargs="+", help="only these rows (default: all)")
    parser.add_argument("--out", help="writes OUT.json and OUT.md (default: in a new folder in the temporary folder)")
    parser.add_argument("--update", action="store_true", help="replace only the rows run in an existing OUT.json")
    parser.add_argument("--one", nargs=2, metavar=("CORPUS", "ROW"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_row(args.one[0], args.one[1], args.data_dir)))
        return 0
    if not args.out:
        from scratch import fresh_out

        args.out = fresh_out(__file__, "ablation")
    command = "python benchmarks/ablation.py " + " ".join(sys.argv[1:])
    rows = []
    for corpus in args.corpora:
        for row in args.rows or list(row_specs()):
            rows.append(run_one(__file__, args.data_dir, corpus, row))
            print(json.dumps(rows[-1]), flush=True)
    if args.update and Path(args.out + ".json").is_file():
        fresh = {(r["corpus"], r["row"]): r for r in rows}
        old = json.loads(Path(args.out + ".json").read_text(encoding="utf-8"))
        rows = [fresh.pop((r["corpus"], r["row"]), r) for r in old["rows"]] + list(fresh.values())
        command = old["command"] + "; then " + command
    result = {"command": command, "machine": machine_info(), "rows": rows}
    Path(args.out + ".json").parent.mkdir(parents=True, exist_ok=True)
    from crfner.atomic import atomic_open

    with atomic_open(args.out + ".json") as handle:
        handle.write(json.dumps(result, indent=2) + "\n")
    with atomic_open(args.out + ".md") as handle:
        handle.write(markdown(rows, command))
    print(f"wrote {args.out}.json and {args.out}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
