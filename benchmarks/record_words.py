"""What the linker's lenient key does with a test's record written for the test, on the clinical
corpora's devel and test splits.

The lenient key (:func:`crfner.link.normalize.lenient_form`) reads "echocardiogram" and
"radiograph" as "echocardiography" and "radiography" (:func:`crfner.link.normalize.as_test`), as
MeSH files "Angiogram" under Angiography but has no "Echocardiogram". Neither MACCROBAT nor PHEE
gives concept ids, so this lists every gold mention holding such a word with the id it gets, the
concept's name and the stage, for a developer to judge; a ``lenient`` link among them is the rule's
work when no stricter key knows the mention (before the rule, those were NIL). The linker is
``clinical_linking.py``'s, with the clinical abbreviation senses.

    python benchmarks/record_words.py --data-dir ../shared/data --out benchmarks/results/record_words.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))


def record_mentions(corpus: str, split: str, linker, data_dir: str, names: dict[str, str]) -> dict:
    """Every gold mention of ``corpus``'s ``split`` holding a word :func:`as_test` changes, counted with its link."""
    from clinical_linking import ALIASES

    from crfner.corpora.clinical import split_documents
    from crfner.link.normalize import as_test, words

    documents = split_documents(corpus, split, data_dir)
    spans = [(d.text, [(m.start, m.end, m.type) for m in d.mentions if m.type in ALIASES[corpus]]) for d in documents]
    found: Counter = Counter()
    for (text, wanted), links in zip(spans, linker.link_batch(spans)):
        for (start, end, etype), link in zip(wanted, links):
            mention = text[start:end]
            if any(as_test(word) != word for word in words(mention)):
                found[etype, mention.lower(), link.identifier, link.method] += 1
    return {"corpus": corpus, "split": split, "mentions": sum(len(w) for _, w in spans), "with_a_record_word": sum(found.values()),
            "linked_by_lenient_key": sum(n for (_, _, _, method), n in found.items() if method == "lenient"),
            "rows": [{"type": etype, "mention": mention, "count": count, "id": identifier, "name": names.get(identifier), "method": method}
                     for (etype, mention, identifier, method), count in found.most_common()]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--out", required=True, help="JSON file (written atomically)")
    args = parser.parse_args()
    from clinical_link_audit import concept_names
    from clinical_linking import ALIASES, clinical_linker

    from crfner.atomic import atomic_open
    from crfner.benchmark.machine import git_state

    names = concept_names(args.data_dir)
    rows = []
    for corpus in ALIASES:
        linker = clinical_linker(corpus, args.data_dir)
        rows += [record_mentions(corpus, split, linker, args.data_dir, names) for split in ("devel", "test")]
    result = {"command": " ".join(["python", "benchmarks/record_words.py", *sys.argv[1:]]), "git": git_state(HERE), "splits": rows}
    with atomic_open(args.out) as handle:
        handle.write(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    for row in rows:
        print(f"{row['corpus']} {row['split']}: {row['with_a_record_word']} of {row['mentions']} gold mentions hold a record word, "
              f"{row['linked_by_lenient_key']} linked by the lenient key")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
