"""What the ``chemicals`` vocabulary (the data folder's chemical list, looked up by name last for a
medication or drug) changes on the clinical corpora's gold mentions.

The linker is ``clinical_linking.py``'s, with the clinical abbreviation senses, with and without
``ChemicalName=chemicals`` at the end of MACCROBAT's ``Medication`` and PHEE's ``Drug`` aliases.
Neither corpus gives concept ids, so this lists every gold mention of each split whose id the list
adds or changes, with the ids' names, for a developer to judge (the judgements of test's and of
every changed link: ``benchmarks/results/chemical_list_links_judged.tsv``). Train and devel chose
the list's one rule (names under four characters left out, :data:`crfner.link.vocabulary.SHORTEST_LIST_NAME`);
test is for the figure.

    python benchmarks/chemical_list_links.py --data-dir ../shared/data --out benchmarks/results/chemical_list_links.json
"""

from __future__ import annotations

import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
SPLITS = ("train", "devel", "test")
LIST_TYPE = "ChemicalName"


def without_list(aliases: dict) -> dict:
    """``aliases`` with the chemical list's type taken out of every chain."""
    out = {}
    for source, target in aliases.items():
        chain = [t for t in ([target] if isinstance(target, str) else target) if t != LIST_TYPE]
        out[source] = chain[0] if len(chain) == 1 else chain
    return out


def changes(corpus: str, data_dir: str, names: dict[str, str]) -> dict:
    """Per split, the gold mentions of ``corpus`` whose id the chemical list adds or changes, counted."""
    from clinical_linking import ALIASES, VOCABULARIES, clinical_linker

    from crfner.corpora.clinical import split_documents
    from crfner.link.build import build_linker

    drugs = [source for source, target in ALIASES[corpus].items() if LIST_TYPE in ([target] if isinstance(target, str) else target)]
    with_list = clinical_linker(corpus, data_dir)
    before = build_linker(data_dir=data_dir, type_aliases=without_list(ALIASES[corpus]), senses=("clinical",),
                          vocabularies=tuple(v for v in VOCABULARIES if not v.startswith(f"{LIST_TYPE}=")))
    rows = []
    for split in SPLITS:
        documents = split_documents(corpus, split, data_dir)
        spans = [(d.text, [(m.start, m.end, m.type) for m in d.mentions if m.type in drugs]) for d in documents]
        changed: Counter = Counter()
        linked = Counter()
        for (text, found), new, old in zip(spans, with_list.link_batch(spans), before.link_batch(spans)):
            for (start, end, etype), a, b in zip(found, new, old):
                linked["before"] += bool(b.identifiers)
                linked["after"] += bool(a.identifiers)
                if a.identifier != b.identifier:
                    changed[etype, text[start:end].lower(), b.identifier, a.identifier, a.method] += 1
        rows.append({"split": split, "types": drugs, "mentions": sum(len(f) for _, f in spans), "linked_before": linked["before"],
                     "linked_after": linked["after"], "added": sum(n for k, n in changed.items() if k[2] is None),
                     "changed": sum(n for k, n in changed.items() if k[2] is not None),
                     "changes": [{"type": etype, "mention": mention, "count": count, "from": [old, names.get(old)],
                                  "to": [new, names.get(new)], "stage": stage}
                                 for (etype, mention, old, new, stage), count in sorted(changed.items(), key=lambda kv: (-kv[1], kv[0][1]))]})
    return {"corpus": corpus, "splits": rows}


def main() -> int:
    from clinical_link_audit import write_listing
    from clinical_linking import ALIASES

    result = write_listing(__doc__, "chemical_list_links.py",
                           lambda data_dir, names: {"corpora": [changes(corpus, data_dir, names) for corpus in ALIASES]})
    for corpus in result["corpora"]:
        for row in corpus["splits"]:
            print(f"{corpus['corpus']} {row['split']}: {row['mentions']} mentions, linked {row['linked_before']} -> {row['linked_after']} "
                  f"({row['added']} added, {row['changed']} changed)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
