"""Whether two source trees of crfner negate the clinical corpora's gold entities alike.

A change to the negation rules (``crfner/assertion/negation.py``) written for notes should leave
case reports as they were read, where the rules were chosen. This runs ``crfner.negations`` in each
tree (a fresh process with the tree first on the path) over every gold entity of each split of
each corpus, with each splitter, and records how many entities each tree negates and every entity
whose answer or cue differs: its document, offsets, type and the two cues (not the corpus's text,
which stays in the data folder).

    git worktree add /tmp/before <commit>
    python benchmarks/negation_versions.py --tree before=/tmp/before --tree after=. --corpus maccrobat --corpus phee \\
        --data-dir ../shared/data --out benchmarks/results/negation_versions.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_checkouts import run_in
from corpus_cuts import SPLITS, tree_arguments, write_comparison

SPLITTERS = ("notes", "abstract")

# Run inside each tree: one JSON object, "split/splitter" -> [[document, start, end, type, cue or null], ...].
_READ = f"""
import json, sys, warnings
import crfner
from crfner.assertion import RULES_VERSION
from crfner.corpora.clinical import split_documents
name, data_dir = sys.argv[1], sys.argv[2]
out = {{"rules_version": RULES_VERSION}}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # the corpora's known stray tabs, read leniently
    for split in {SPLITS!r}:
        documents = split_documents(name, split, data_dir)
        for splitter in {SPLITTERS!r}:
            rows = []
            for document in documents:
                found = crfner.negations(document.text, document.mentions, splitter=splitter)
                rows += [[document.id, m.start, m.end, m.type, n.cue if n.negated else None]
                         for m, n in zip(document.mentions, found)]
            out[split + "/" + splitter] = rows
print(json.dumps(out))
"""


def read_in(tree: Path, corpus: str, data_dir: str) -> dict:
    """Each split's and splitter's gold entities with their cues, as the crfner of ``tree`` negates them."""
    done = run_in(tree, ["-c", _READ, corpus, str(Path(data_dir).resolve())], bytecode=False)
    return json.loads(done.stdout)


def main(argv=None) -> int:
    args, trees = tree_arguments(__doc__, argv, least=2, most=2)
    (first, first_path), (second, second_path) = trees.items()
    rows, versions = [], {}
    for corpus in args.corpus:
        a, b = read_in(Path(first_path), corpus, args.data_dir), read_in(Path(second_path), corpus, args.data_dir)
        versions = {first: a.pop("rules_version"), second: b.pop("rules_version")}
        for key in a:
            split, splitter = key.split("/")
            if [r[:4] for r in a[key]] != [r[:4] for r in b[key]]:
                raise SystemExit(f"{corpus} {key}: the two trees read other gold entities")
            differ = [[*x[:4], x[4], y[4]] for x, y in zip(a[key], b[key]) if x[4] != y[4]]
            rows.append({"corpus": corpus, "split": split, "splitter": splitter, "entities": len(a[key]),
                         "negated": {first: sum(r[4] is not None for r in a[key]), second: sum(r[4] is not None for r in b[key])},
                         "identical": not differ,
                         "differences": [dict(zip(("document", "start", "end", "type", first, second), d)) for d in differ]})
            row = rows[-1]
            print(f"{corpus:10} {split:6} {splitter:8} {'identical' if not differ else f'{len(differ)} DIFFER'}  "
                  f"entities {row['entities']}, negated {row['negated'][first]} / {row['negated'][second]}")
    write_comparison(args.out, "negation_versions.py", argv, trees, rows,
                     {name: {"rules_version": versions.get(name)} for name in trees})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
