"""Whether two source trees of crfner cut a corpus into the same training sentences.

A change to the notes splitter (``crfner/text``) also changes how MACCROBAT and PHEE are read for
training and scoring, since they are cut as tagging cuts notes. This reads every split of each
corpus in each tree (a fresh process with the tree first on the path) and records the number of
sentences and a SHA-256 of the sentences' tokens and tags; equal digests mean that every model and
figure on that corpus stands as it was. Since 2026-12-07 it also records a SHA-256 of what tagging
reads of each split's raw documents (:func:`crfner.text.notes.tagging_sentences`: the sentences'
offsets, and which are known headings, where no entity is reported), so that a change to the known
section names shows whether raw-text scores on the corpora can move.

    git worktree add /tmp/before <commit>
    python benchmarks/corpus_cuts.py --tree before=/tmp/before --tree after=. --corpus maccrobat --corpus phee \
        --data-dir ../shared/data --out benchmarks/results/corpus_cuts.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from crfner.atomic import atomic_open

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_checkouts import run_in  # the tree first on the path, its own bytecode cache

SPLITS = ("train", "devel", "test")

# Run inside each tree: one JSON object, split -> [sentences, sha256].
_READ = f"""
import hashlib, json, sys, warnings
import crfner
from crfner.corpora.clinical import split_documents
from crfner.text.notes import tagging_sentences
name, data_dir = sys.argv[1], sys.argv[2]
out = {{}}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the corpora's known stray tabs, read leniently
    for split in {SPLITS!r}:
        X, y = crfner.load_corpus(name, split, data_dir=data_dir)
        digest = hashlib.sha256(json.dumps([X, y], ensure_ascii=False).encode("utf-8")).hexdigest()
        # what tagging reads of the raw documents: its sentences' offsets and the known headings
        # among them, in which no entity is reported
        read = []
        for document in split_documents(name, split, data_dir):
            sentences, known = tagging_sentences(document.text, document.passages)
            read.append([[[t.start, t.end] for t in sentence] for sentence in sentences] + [sorted(known)])
        tagging = hashlib.sha256(json.dumps(read).encode("utf-8")).hexdigest()
        out[split] = [len(X), digest, tagging]
print(json.dumps(out))
"""


def read_in(tree: Path, corpus: str, data_dir: str) -> dict:
    """Each split's sentence count and digest, as the crfner of ``tree`` reads ``corpus``."""
    done = run_in(tree, ["-c", _READ, corpus, str(Path(data_dir).resolve())], bytecode=False)
    return json.loads(done.stdout)


def git_commit(tree: Path) -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=tree, capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=tree, capture_output=True, text=True, check=False)
    return done.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def tree_arguments(doc: str, argv, least: int = 2, most: int | None = None) -> tuple[argparse.Namespace, dict[str, str]]:
    """The options of a comparison of source trees (``--tree NAME=PATH``, ``--corpus``, ``--data-dir``,
    ``--out``), and the trees by name, ``least`` to ``most`` of them."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--tree", action="append", required=True, metavar="NAME=PATH", help="a source tree (repeatable)")
    parser.add_argument("--corpus", action="append", required=True, help="a registered corpus (repeatable)")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    trees = dict(spec.split("=", 1) for spec in args.tree)
    if not least <= len(trees) <= (most or len(trees)):
        parser.error(f"give {least}{'' if most == least else ' or more' if most is None else f' to {most}'} trees with distinct names")
    return args, trees


def main(argv=None) -> int:
    args, trees = tree_arguments(__doc__, argv)
    rows = []
    for corpus in args.corpus:
        found = {name: read_in(Path(path), corpus, args.data_dir) for name, path in trees.items()}
        for split in SPLITS:
            cuts = {name: {"sentences": found[name][split][0], "sha256": found[name][split][1],
                           "tagging_sha256": found[name][split][2]} for name in trees}
            same = len({cut["sha256"] for cut in cuts.values()}) == 1
            tagging = len({cut["tagging_sha256"] for cut in cuts.values()}) == 1
            rows.append({"corpus": corpus, "split": split, "identical": same, "tagging_identical": tagging, "trees": cuts})
            print(f"{corpus:10} {split:6} {'identical' if same else 'DIFFERENT'}  tagging {'identical' if tagging else 'DIFFERENT'}  "
                  + "  ".join(f"{n}: {c['sentences']}" for n, c in cuts.items()))
    write_comparison(args.out, "corpus_cuts.py", argv, trees, rows)
    return 0


def write_comparison(out: str, script: str, argv, trees: dict[str, str], rows: list, facts: dict | None = None) -> None:
    """Write a comparison of source trees as JSON, atomically: the command that made it, each tree's
    path and commit (with ``facts[name]``, what else the run recorded of it) and the rows."""
    result = {
        "command": f"python benchmarks/{script} " + " ".join(sys.argv[1:] if argv is None else argv),
        "trees": {name: {"path": path, "commit": git_commit(Path(path)), **(facts or {}).get(name, {})}
                  for name, path in trees.items()},
        "rows": rows,
    }
    with atomic_open(out) as handle:
        handle.write(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
