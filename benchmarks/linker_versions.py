"""Whether two source trees of crfner link the clinical corpora's gold mentions alike.

Each tree (a fresh process with the tree first on the path) builds ``clinical_linking.py``'s linker
for each corpus (``--corpus maccrobat --corpus phee``), links every gold mention of the aliased types in every split, and
returns each link's id and stage; the results file counts the mentions and lists every one whose id
or stage differs between the first tree and each other. For a change to the linker's rules that
should leave the corpora's links as they were, or to see exactly which it moves.

    git worktree add /tmp/before <commit>
    python benchmarks/linker_versions.py --tree before=/tmp/before --tree after=. --corpus maccrobat --corpus phee \\
        --data-dir ../shared/data --out benchmarks/results/linker_versions.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_checkouts import run_in  # the tree first on the path, its own bytecode cache
from corpus_cuts import tree_arguments, write_comparison

# Run inside each tree (its benchmarks folder on the path): one JSON object, mention key -> link.
_LINK = """
import json, sys, warnings
sys.path.insert(0, "benchmarks")
warnings.simplefilter("ignore")  # the corpora's known stray tabs, read leniently
from clinical_linking import ALIASES, clinical_linker
from crfner.corpora.clinical import split_documents
corpus, data_dir = sys.argv[1], sys.argv[2]
out = {}
linker = clinical_linker(corpus, data_dir)
for split in ("train", "devel", "test"):
    documents = split_documents(corpus, split, data_dir)
    spans = [(d.text, [(m.start, m.end, m.type) for m in d.mentions if m.type in ALIASES[corpus]]) for d in documents]
    for document, (text, found), links in zip(documents, spans, linker.link_batch(spans)):
        for (start, end, etype), link in zip(found, links):
            out[f"{corpus}|{split}|{document.id}|{start}|{end}|{etype}"] = [text[start:end], link.identifier, link.method]
print(json.dumps(out))
"""


def linked_in(tree: Path, corpus: str, data_dir: str) -> dict:
    """Every gold mention of ``corpus``'s aliased types, by key, with its text and the id and stage
    the crfner of ``tree`` links it to."""
    done = run_in(tree, ["-c", _LINK, corpus, str(Path(data_dir).resolve())])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    args, trees = tree_arguments(__doc__, argv)
    links = {name: {} for name in trees}
    for corpus in args.corpus:
        for name, path in trees.items():
            links[name].update(linked_in(Path(path), corpus, args.data_dir))
    (reference, first), *others = links.items()
    rows = []
    for name, found in others:
        moved = [{"mention": key, "text": first[key][0], reference: first[key][1:], name: found[key][1:]}
                 for key in first if first[key][1:] != found.get(key, [None, None, None])[1:]]
        rows.append({"tree": name, "against": reference, "mentions": len(first),
                     "ids_changed": sum(row[reference][0] != row[name][0] for row in moved), "stages_changed": len(moved), "moved": moved})
        print(f"{name} against {reference}: {len(first)} mentions, {rows[-1]['ids_changed']} ids and "
              f"{len(moved)} links' ids or stages changed")
    write_comparison(args.out, "linker_versions.py", argv, trees, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
