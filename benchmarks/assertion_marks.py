"""What crfner's assertion rules that no corpus here has gold for mark on the clinical corpora's
gold entities: hypothetical mentions (``--attribute hypothetical``, ``crfner.hypotheticals``) or
a relative's entities (``--attribute family``, ``crfner.family_attributions``). This measures
what the rules do, not how well: on MACCROBAT, how many of the entities of each gold polarity
they mark (its annotators' ``UNCERTAIN``, ``MAYBE_POS`` and ``MAYBE_NEG`` hold hedged and planned
findings, the nearest the corpus comes to hypothetical ones), and on MACCROBAT and PHEE each
marked entity with its cue and the text around both, for reading by hand (``--judge FILE``, a
TSV with an empty ``judgement`` column).

    python benchmarks/assertion_marks.py --attribute hypothetical --data-dir ../shared/data \\
        --out benchmarks/results/hypothetical.json --judge /tmp/hypothetical_marked.tsv
    python benchmarks/assertion_marks.py --attribute family --data-dir ../shared/data \\
        --out benchmarks/results/family.json --judge /tmp/family_marked.tsv
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter

from negation import EVENTS, write  # the negation benchmark's event types, and its writer

from crfner.assertion import FAMILY_RULES_VERSION, HYPOTHETICAL_RULES_VERSION, family_attributions, hypotheticals
from crfner.atomic import atomic_open
from crfner.corpora.clinical import split_documents
from crfner.corpora.polarity import maccrobat_polarity

PHEE_TYPES = ("Drug", "Treat-Disorder", "Effect")
# each attribute: the function that reads it, the field of its answer, and its rules' version
ATTRIBUTES = {"hypothetical": (hypotheticals, "hypothetical", HYPOTHETICAL_RULES_VERSION),
              "family": (family_attributions, "family", FAMILY_RULES_VERSION)}


def marked(documents, corpus: str, polarity: bool, attribute: str = "hypothetical") -> tuple[list[dict], Counter, Counter]:
    """Each marked entity as a row (corpus, document, type, polarity, cue, entity, context), and
    the counts of entities and of marked ones by polarity (or by type, where there is none)."""
    read, field, _ = ATTRIBUTES[attribute]
    rows, total, hits = [], Counter(), Counter()
    for document in documents:
        entities = document.entities if polarity else document.mentions
        for entity, found in zip(entities, read(document.text, entities)):
            key = (entity.polarity or "affirmed") if polarity else entity.type
            total[key] += 1
            if not getattr(found, field):
                continue
            hits[key] += 1
            a, b = min(entity.start, found.cue_start), max(entity.end, found.cue_end)
            context = document.text[max(0, a - 60):b + 60].replace("\n", " ").replace("\t", " ")
            rows.append({"corpus": corpus, "document": document.id, "type": entity.type,
                         "polarity": key if polarity else "", "cue": found.cue,
                         "entity": document.text[entity.start:entity.end], "context": context})
    return rows, total, hits


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attribute", choices=sorted(ATTRIBUTES), default="hypothetical")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--out", default=None, help="write the counts here (JSON)")
    parser.add_argument("--judge", default=None, help="write each marked entity here, for reading by hand (TSV)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = {"command": "python benchmarks/assertion_marks.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "attribute": args.attribute, "rules_version": ATTRIBUTES[args.attribute][2]}
    field = ATTRIBUTES[args.attribute][1]
    rows = []
    for split in ("train", "devel", "test"):
        found, total, hits = marked(maccrobat_polarity(split, args.data_dir, types=EVENTS), "maccrobat", True, args.attribute)
        rows += found
        result[f"maccrobat_{split}"] = {key: {"entities": total[key], field: hits[key]} for key in sorted(total)}
        found, total, hits = marked(split_documents("phee", split, args.data_dir, types=PHEE_TYPES), "phee", False,
                                    args.attribute)
        rows += found
        result[f"phee_{split}"] = {key: {"entities": total[key], field: hits[key]} for key in sorted(total)}
        print(split, {k: v for k, v in result[f"maccrobat_{split}"].items()}, result[f"phee_{split}"], file=sys.stderr)
    result["cues"] = dict(Counter(row["cue"].lower() for row in rows).most_common())
    result["marked"] = len(rows)
    if args.judge:
        write_for_reading(args.judge, rows)
    return write(result, args.out, started)


def write_for_reading(path: str, rows: list[dict]) -> None:
    """``rows`` as a TSV with an empty ``judgement`` column, to read by hand; nothing if there are none."""
    if not rows:
        return
    with atomic_open(path, "w") as handle:
        writer = csv.DictWriter(handle, [*rows[0], "judgement"], delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "judgement": ""} for row in rows)


if __name__ == "__main__":
    raise SystemExit(main())
