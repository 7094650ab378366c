"""The linker's head stage on clinical text, tried and not adopted: what ``heads=True`` (stage 4,
the longest final part of a mention the dictionary knows: "chronic cholecystitis" as
Cholecystitis) would change on MACCROBAT's and PHEE's train and devel gold mentions, with
``clinical_linking.py``'s linker and the clinical senses. BC5CDR devel chose the stage off when the
linker was written; it was never measured on clinical text. Neither corpus gives concept ids, so
each listing holds the mentions whose id the stage changes, with both ids and the concepts' names
(not the corpora's text), for a developer to judge; a seeded sample of the devel changes is judged
in ``results/clinical_heads_judged.tsv`` (``right``: the mention's concept; ``broader``: a concept
above it, "lung" for "middle lobe of the right lung", which the link audit counts as not right;
``wrong``). Test is not read.

    python benchmarks/clinical_heads.py --data-dir ../shared/data --out benchmarks/results/clinical_heads.json
"""

from __future__ import annotations

import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPLITS = ("train", "devel")
#: How many distinct devel changes per corpus the judged sample holds, and its seed.
SAMPLE, SEED = 40, "clinical-heads"


def drawn(rows: list[dict], size: int = SAMPLE) -> list[dict]:
    """The ``size`` distinct changes that hash first with :data:`SEED` (a draw that a later rule
    only displaces where its own changes hash before)."""
    key = lambda row: hashlib.sha256(f"{SEED}\t{row['type']}\t{row['mention']}\t{row['to'][0]}".encode()).hexdigest()
    return sorted(rows, key=key)[:size]


def listings(data_dir: str, names: dict[str, str]) -> dict:
    from clinical_linking import ALIASES, clinical_linker
    from dictionary_rules import changed_links, gold_links

    result: dict[str, list] = {"head_stage": [], "devel_sample": []}
    for corpus in ALIASES:
        plain, heads = clinical_linker(corpus, data_dir), clinical_linker(corpus, data_dir, heads=True)
        for split in SPLITS:
            row = changed_links(corpus, split, gold_links(corpus, split, heads, data_dir), gold_links(corpus, split, plain, data_dir), names)
            row["distinct"] = len(row["rows"])
            result["head_stage"].append(row)
            if split == "devel":
                result["devel_sample"].append({"corpus": corpus, "rows": drawn(row["rows"])})
    return result


def main() -> int:
    from clinical_link_audit import write_listing

    result = write_listing(__doc__, "clinical_heads.py", listings)
    for row in result["head_stage"]:
        print(f"{row['corpus']} {row['split']}: {row['changed']} gold mentions would change their id ({row['distinct']} distinct)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
