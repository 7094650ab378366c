"""Whether two source trees of crfner link the clinical corpora's gold mentions alike.

Each tree (a fresh process with the tree first on the path) builds ``clinical_linking.py``'s linker
for MACCROBAT and for PHEE, links every gold mention of the aliased types in every split, and
returns each link's id and stage; the results file counts the mentions and lists every one whose id
or stage differs between the first tree and each other. For a change to the linker's rules that
should leave the corpora's links as they were, or to see exactly which it moves.

    git worktree add /tmp/before <commit>
    python benchmarks/linker_versions.py --tree before=/tmp/before --tree after=. --data-dir ../shared/data \\
        --out benchmarks/results/linker_versions.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from crfner.atomic import atomic_open

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_checkouts import run_in  # the tree first on the path, its own bytecode cache

# Run inside each tree (its benchmarks folder on the path): one JSON object, mention key -> link.
_LINK = """
import json, sys, warnings
sys.path.insert(0, "benchmarks")
warnings.simplefilter("ignore")  # the corpora's known stray tabs, read leniently
from clinical_linking import ALIASES, clinical_linker
from crfner.corpora.clinical import split_documents
data_dir = sys.argv[1]
out = {}
for corpus in ALIASES:
    linker = clinical_linker(corpus, data_dir)
    for split in ("train", "devel", "test"):
        documents = split_documents(corpus, split, data_dir)
        spans = [(d.text, [(m.start, m.end, m.type) for m in d.mentions if m.type in ALIASES[corpus]]) for d in documents]
        for document, (text, found), links in zip(documents, spans, linker.link_batch(spans)):
            for (start, end, etype), link in zip(found, links):
                out[f"{corpus}|{split}|{document.id}|{start}|{end}|{etype}"] = [text[start:end], link.identifier, link.method]
print(json.dumps(out))
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", required=True, metavar="NAME=PATH", help="two or more; the first is the reference")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    trees = dict(spec.split("=", 1) for spec in args.tree)
    data_dir = str(Path(args.data_dir).resolve())
    links = {name: json.loads(run_in(Path(path), ["-c", _LINK, data_dir]).stdout.strip().splitlines()[-1]) for name, path in trees.items()}
    (reference, first), *others = links.items()
    rows = []
    for name, found in others:
        moved = [{"mention": key, "text": first[key][0], reference: first[key][1:], name: found[key][1:]}
                 for key in first if first[key][1:] != found.get(key, [None, None, None])[1:]]
        rows.append({"tree": name, "against": reference, "mentions": len(first),
                     "ids_changed": sum(row[reference][0] != row[name][0] for row in moved), "stages_changed": len(moved), "moved": moved})
    out = {"command": " ".join(["python", "benchmarks/linker_versions.py", *(argv if argv is not None else sys.argv[1:])]),
           "trees": trees, "rows": rows}
    with atomic_open(args.out) as handle:
        json.dump(out, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    for row in rows:
        print(f"{row['tree']} against {row['against']}: {row['mentions']} mentions, {row['ids_changed']} ids and "
              f"{row['stages_changed']} links' ids or stages changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
