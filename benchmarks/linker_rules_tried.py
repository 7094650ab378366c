"""Two linker rules tried on the clinical corpora's train and devel gold mentions and not adopted,
listed for a developer to judge (neither corpus gives concept ids). The linker is
``clinical_linking.py``'s, with the clinical abbreviation senses; each listing holds only the
mentions whose id the rule would change, with both ids and the concepts' names (not the corpora's
text, which stays in the data folder). Neither rule is in crfner: this script computes what each
would do.

``name_tails``: a mention the dictionary stages leave NIL or to n-gram similarity is linked to
the one concept of its type (or of a later type of its alias's chain) one of whose names ends in
the mention's words, by their normal form, when no other concept's name ends so ("murmur" in
"Heart Murmurs", "transfusion" in "Blood Transfusion"): the reverse of stage 4, which reads a
mention's final words as a name. Unique endings are still often narrower concepts ("EF" as EF
Hand Motifs, "histology" as Shadowing Technique, Histology).

``lenient_senses``: a short form's clinical sense is named under a type by the exact, normal and
bag keys (``crfner.link.linker``'s ``_named``); this tries the lenient key as well, so that
"left ventricular ejection fraction", the sense of LVEF, is Ventricular Ejection Fraction. The
listing takes, for each mention left NIL, its short form's senses in order of share, and the
first that only the lenient key finds (an approximation of the rule: the shares of senses found
by other keys do not compete, as none exists for a NIL mention).

    python benchmarks/linker_rules_tried.py --data-dir ../shared/data --out benchmarks/results/linker_rules_tried.json
"""

from __future__ import annotations

import os
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
SPLITS = ("train", "devel")


def tail_index(types) -> dict[str, dict[str, str]]:
    """Type -> (final words of a vocabulary name, normal form -> the one id whose names end so)."""
    from crfner.link.normalize import normal_form

    ends: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for etype, terms in types.items():
        for term in terms:
            words = normal_form(term.name).split()
            for k in range(1, len(words)):
                ends[etype][" ".join(words[k:])].add(term.identifier)
    return {etype: {tail: next(iter(ids)) for tail, ids in table.items() if len(ids) == 1} for etype, table in ends.items()}


def name_tails(corpus: str, split: str, links, tails, chains, names) -> dict:
    from dictionary_rules import change_listing

    from crfner.link.normalize import normal_form

    found: Counter = Counter()
    for text, start, end, etype, link in links:
        if link.identifiers and not link.method.startswith("tfidf"):
            continue
        key = normal_form(text[start:end])
        for target in chains[etype]:
            new = tails.get(target, {}).get(key)
            if new is not None:
                if new != link.identifier:
                    found[etype, text[start:end].lower(), link.identifier, link.method, new, target] += 1
                break
    return change_listing(corpus, split, found, names)


def lenient_senses(corpus: str, split: str, links, linker, senses, chains, names) -> dict:
    from dictionary_rules import change_listing

    from crfner.link.normalize import fold

    found: Counter = Counter()
    for text, start, end, etype, link in links:
        meanings = senses.get(fold(text[start:end]))
        if link.identifiers or not meanings:
            continue
        for sense, _share in sorted(meanings, key=lambda pair: -pair[1]):
            hits = [(target, linker.lookup(sense, target, ("training", "vocabulary"))) for target in chains[etype]]
            target, hit = next(((t, h) for t, h in hits if h is not None), (None, None))
            if hit is not None:
                if hit.method.endswith("lenient"):
                    found[etype, text[start:end].lower(), link.identifier, link.method, hit.identifier, f"{target}: {sense}"] += 1
                break
    return change_listing(corpus, split, found, names)


def listings(data_dir: str, names: dict[str, str]) -> dict:
    from clinical_linking import ALIASES, VOCABULARIES, clinical_linker
    from dictionary_rules import gold_links

    from crfner.corpora.abbreviation_senses import inventory_rows, sense_table
    from crfner.link.aliases import alias_chain
    from crfner.link.build import vocabulary_table

    senses = sense_table(inventory_rows("clinical", data_dir))
    tails = tail_index(vocabulary_table(VOCABULARIES, data_dir))
    result: dict[str, list] = {"name_tails": [], "lenient_senses": []}
    for corpus, aliases in ALIASES.items():
        linker = clinical_linker(corpus, data_dir)
        chains = {etype: alias_chain(target) for etype, target in aliases.items()}
        for split in SPLITS:
            links = gold_links(corpus, split, linker, data_dir)
            result["name_tails"].append(name_tails(corpus, split, links, tails, chains, names))
            result["lenient_senses"].append(lenient_senses(corpus, split, links, linker, senses, chains, names))
    return result


def main() -> int:
    from clinical_link_audit import write_listing

    result = write_listing(__doc__, "linker_rules_tried.py", listings)
    for section in ("name_tails", "lenient_senses"):
        for row in result[section]:
            print(f"{section}, {row['corpus']} {row['split']}: {row['changed']} gold mentions would change their id "
                  f"({len(row['rows'])} distinct)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
