"""What the linker's broader-concept rule changes on the clinical corpora's devel split.

The rule (``Linker(broader=True)``, :mod:`crfner.link.hierarchy`) lets a link found by n-gram
similarity give way to the nearest ancestor with a name holding every word of the mention. Neither
MACCROBAT nor PHEE gives concept ids, so this lists every devel gold mention whose id the rule
changes, with both concepts' names, for a developer to judge (the judgements:
``benchmarks/results/broader_concepts_judged.tsv``). BC5CDR devel, which has ids, measures the
rule in ``linking.py``'s ablation ("no broader concepts"). The linker is ``clinical_linking.py``'s,
with the clinical abbreviation senses.

    python benchmarks/broader_concepts.py --data-dir ../shared/data --out benchmarks/results/broader_concepts.json
"""

from __future__ import annotations

import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))


def changes(corpus: str, data_dir: str, names: dict[str, str]) -> dict:
    """Every devel gold mention of ``corpus`` whose id the broader rule changes, counted."""
    from clinical_linking import ALIASES, clinical_linker

    from crfner.corpora.clinical import split_documents

    linker = clinical_linker(corpus, data_dir)
    documents = split_documents(corpus, "devel", data_dir)
    spans = [(d.text, [(m.start, m.end, m.type) for m in d.mentions if m.type in ALIASES[corpus]]) for d in documents]
    broad = linker.link_batch(spans)
    narrow = linker.set_params(broader=False).link_batch(spans)
    changed: Counter = Counter()
    for (text, found), wide, tight in zip(spans, broad, narrow):
        for (start, end, etype), a, b in zip(found, wide, tight):
            if a.identifier != b.identifier:
                changed[etype, text[start:end].lower(), b.identifier, a.identifier] += 1
    linked = sum(1 for links in broad for link in links if link.identifiers)
    return {"corpus": corpus, "split": "devel", "mentions": sum(len(f) for _, f in spans), "linked": linked,
            "tfidf_links": sum(1 for links in narrow for link in links if link.method == "tfidf"),
            "changed": sum(changed.values()),
            "changes": [{"type": etype, "mention": mention, "count": count, "from": [old, names.get(old)], "to": [new, names.get(new)]}
                        for (etype, mention, old, new), count in changed.most_common()]}


def main() -> int:
    from clinical_link_audit import write_listing
    from clinical_linking import ALIASES

    result = write_listing(__doc__, "broader_concepts.py",
                           lambda data_dir, names: {"corpora": [changes(corpus, data_dir, names) for corpus in ALIASES]})
    for row in result["corpora"]:
        print(f"{row['corpus']}: {row['changed']} of {row['linked']} linked devel mentions changed ({row['tfidf_links']} by TF-IDF)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
