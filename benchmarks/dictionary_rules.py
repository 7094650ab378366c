"""What the linker's dictionary rules, the ``clinical-procedures`` names and a type alias's further types do on the
clinical corpora's gold mentions, for a developer to judge (neither MACCROBAT nor PHEE gives concept ids), and
whether one of the rules would serve more widely, on BC5CDR and NCBI Disease, which have ids.
The linker is ``clinical_linking.py``'s, with the clinical abbreviation senses.

``record_words`` (train, devel and test): the lenient key (:func:`crfner.link.normalize.lenient_form`)
reads "echocardiogram" and "radiograph" as "echocardiography" and "radiography"
(:func:`crfner.link.normalize.as_test`), as MeSH files "Angiogram" under Angiography but has no
"Echocardiogram". Every gold mention holding such a word, with its id, the concept's name and the
stage; a ``lenient`` link among them is the rule's work (before it, such a mention was NIL or found
by n-gram similarity).

``side_words`` (train, devel and test): the lenient key leaves out sides ("left", "right",
"bilateral", "unilateral", "both": :data:`crfner.link.normalize.SIDE_WORDS`), since MeSH names a
body part, not its side: every gold mention holding one, with its link; a ``lenient`` link among
them is most often this rule's work ("left arm" as Arm).

``defined_senses`` (train, devel and test: the linker learns nothing from these corpora, so train
is as unseen as test): a short form the document defines ("left eye (LE)") whose long form the
dictionary does not know is linked through a clinical sense only when the name nearest the long
form is that sense's concept (stage 2 in :mod:`crfner.link.linker`). Every such gold mention that a sense links, with
the long form, the sense's concept and the final link: ``kept`` when they agree, else what the
other stages give (LE as Lower Extremity is refused).

``defined_short_names`` (BC5CDR and NCBI Disease devel, which have gold ids): would the same gate
serve a short form the dictionary links by its own string (a training mention's or a vocabulary's
short name)? With ``linking.py``'s devel linker (train's mentions and the vocabularies), every
defined short form, with a long form the dictionary does not know, so linked,
with whether its id is right and whether the gate would keep it. (Not adopted: on BC5CDR devel it
would refuse as many right links as wrong ones.)

``clinical_procedures`` (train, devel and test): every gold mention whose id the names of imaging
and laboratory tests MeSH lacks or files outside E01-E04 (``--vocabulary clinical-procedures``,
crfner/link/clinical_procedures.tsv: "CT scan", "ultrasound", "chest X-ray", and since 2026-12-05
"laboratory tests", "histopathological examination", "PCR", "GCS") change, against the same linker
without them; a bare "CT" changes too, its sense "computed tomography" now being a name.

``clinical_measures`` (train, devel and test, since 2026-12-05): the same for the names of measures
MeSH lacks (``--vocabulary clinical-measures``, crfner/link/clinical_measures.tsv: "ejection
fraction", "platelets", "PaO2"); "EF" and "LVEF" change too, their senses now being names.

``clinical_signs`` (train, devel and test, since 2026-12-05): the same for the names of signs MEDIC
lacks (``--vocabulary clinical-signs``, crfner/link/clinical_signs.tsv: "murmur", "dilated", "orthopnea").

``clinical_anatomy`` (train, devel and test, since 2026-12-05): the same for the names of body
structures MeSH names with other words (``--vocabulary clinical-anatomy``, crfner/link/clinical_anatomy.tsv:
"LAD" and the other coronary arteries as Coronary Vessels, "mitral", "ventricular", "gall bladder").

``measure_words`` (train, devel and test): the lenient key leaves out a measurement's words
("level", "concentration", "value", "measurement", "titer", "titre", "serum":
:data:`crfner.link.normalize.MEASURE_WORDS`): every gold mention holding one, with its link.

``organ_adjectives`` (train, devel and test): the lenient key reads an organ's adjective as the
organ (:data:`crfner.link.normalize.ORGAN_ADJECTIVES`; since keys version 4 for forty more organs,
"abdominal" as Abdomen): every gold mention holding such an adjective, with its link.

``acronym_syndromes`` (train, devel and test): a name that dropping a generic head leaves as one
acronym ("MASS syndrome", "CHARGE Syndrome", "IMAGE Syndrome") has no lenient key since keys
version 5, as the English word ("mass") would otherwise find it: every gold mention holding such
a word, with its link.

``measured_by_name`` (train, devel and test): MACCROBAT's diagnostic procedures are linked under
Procedure, then, by name only, under Measure (``--vocabulary mesh-measures``, MeSH's G02, G03,
G07, G09 and G11) and Chemical (:mod:`crfner.link.aliases`), so that a test named by what it
measures ("creatinine", "oxygen saturation", "sodium level") gets that; every gold mention whose id
this changes, against the same linker with Procedure alone.

``therapies_by_name`` (train, devel and test, since 2026-12-05): MACCROBAT's medications are linked
under Chemical, then under Procedure, as the corpus annotates therapies named by their drugs as
medications ("chemotherapy" as Drug Therapy, "general anesthesia"); every gold mention whose id this
changes, against the same linker with Chemical alone.

    python benchmarks/dictionary_rules.py --data-dir ../shared/data --out benchmarks/results/dictionary_rules.json
"""

from __future__ import annotations

import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
#: The sections on a type linked under further types when its first finds nothing, and the type.
CHAINS = {"measured_by_name": "Diagnostic_procedure", "therapies_by_name": "Medication"}


def gold_links(corpus: str, split: str, linker, data_dir: str) -> list[tuple]:
    """``(text, start, end, type, link)`` for each of the split's gold mentions of a linked type."""
    from clinical_linking import ALIASES

    from crfner.corpora.clinical import split_documents

    documents = split_documents(corpus, split, data_dir)
    spans = [(d.text, [(m.start, m.end, m.type) for m in d.mentions if m.type in ALIASES[corpus]]) for d in documents]
    return [(text, start, end, etype, link) for (text, wanted), links in zip(spans, linker.link_batch(spans))
            for (start, end, etype), link in zip(wanted, links)]


def lenient_words(corpus: str, split: str, links: list[tuple], names: dict[str, str], holds) -> dict:
    """Every gold mention (``links``, :func:`gold_links`) holding a word for which ``holds`` is
    true (one the lenient key reads otherwise or leaves out), counted with its link."""
    from crfner.link.normalize import words

    found: Counter = Counter()
    for text, start, end, etype, link in links:
        if any(holds(word) for word in words(text[start:end])):
            found[etype, text[start:end].lower(), link.identifier, link.method] += 1
    return {"corpus": corpus, "split": split, "mentions": len(links), "with_such_a_word": sum(found.values()),
            "linked_by_lenient_key": sum(n for (_, _, _, method), n in found.items() if method.split(":")[0] in ("lenient", "training_lenient")),
            "rows": [{"type": etype, "mention": mention, "count": count, "id": identifier, "name": names.get(identifier), "method": method}
                     for (etype, mention, identifier, method), count in found.most_common()]}


def defined_senses(corpus: str, split: str, linker, links: list[tuple], names: dict[str, str]) -> dict:
    """Every gold short form (``links``, ``linker``'s) its document defines, with a long form the
    dictionary does not know, that a clinical sense links, and what the linker keeps."""
    from clinical_linking import ALIASES

    from crfner.link.abbreviations import document_abbreviations, short_key
    from crfner.link.aliases import alias_chain

    found: Counter = Counter()
    defined: dict[str, dict] = {}
    for text, start, end, etype, link in links:
        mention = text[start:end]
        if text not in defined:
            defined[text] = document_abbreviations(text)
        long_forms = defined[text]
        long_form = long_forms.get(short_key(mention))
        own = alias_chain(ALIASES[corpus][etype])[0]  # the type the senses are read under
        if long_form is None or linker.lookup(long_form, own) is not None:
            continue  # not defined, or linked through its long form (stage 1)
        sense = linker.lookup(mention, own)
        if sense is not None and sense.method == "sense":
            found[etype, mention, long_form, sense.identifier, link.identifier, link.method] += 1
    rows = [{"type": etype, "mention": mention, "long_form": long_form, "count": count, "sense": [sense, names.get(sense)],
             "link": [identifier, names.get(identifier), method], "kept": method == "sense"}
            for (etype, mention, long_form, sense, identifier, method), count in found.most_common()]
    return {"corpus": corpus, "split": split, "sense_links_of_defined_short_forms": sum(found.values()),
            "kept": sum(row["count"] for row in rows if row["kept"]), "rows": rows}


def changed_links(corpus: str, split: str, links: list[tuple], before: list[tuple], names: dict[str, str]) -> dict:
    """Every gold mention whose id differs between ``links`` and ``before`` (:func:`gold_links` of
    the same linker without one rule or list), counted with both links."""
    found: Counter = Counter()
    for (text, start, end, etype, link), (*_, old) in zip(links, before):
        if link.identifier != old.identifier:
            found[etype, text[start:end].lower(), old.identifier, old.method, link.identifier, link.method] += 1
    return change_listing(corpus, split, found, names)


def change_listing(corpus: str, split: str, found: Counter, names: dict[str, str]) -> dict:
    """The listing of ``found``, ``(type, mention, old id, how, new id, how) -> count``, commonest
    first, each id with its concept's name."""
    return {"corpus": corpus, "split": split, "changed": sum(found.values()),
            "rows": [{"type": etype, "mention": mention, "count": count, "from": [a, names.get(a), how_a], "to": [b, names.get(b), how_b]}
                     for (etype, mention, a, how_a, b, how_b), count in found.most_common()]}


def defined_short_names(corpus: str, data_dir: str, names: dict[str, str]) -> dict:
    """On a corpus with gold ids (devel, ``linking.py``'s devel linker: train's mentions and the
    vocabularies), every short form the document defines, with a long form the dictionary does
    not know, that the dictionary links by its own string (a training mention's or a vocabulary's
    short name, not a sense): is the id right, and would the definition gate of the senses keep it
    (the name nearest the long form is its concept)?"""
    from linking import VOCABULARIES as LINKING_VOCABULARIES

    from crfner.corpora.pubtator_splits import load_documents
    from crfner.link.abbreviations import document_abbreviations, short_key
    from crfner.link.build import build_linker
    from crfner.link.normalize import normal_form
    from crfner.link.vocabulary import concept_ids

    linker = build_linker(data_dir=data_dir, corpora=[corpus], splits=["train"], vocabularies=LINKING_VOCABULARIES[corpus])
    found: Counter = Counter()
    for document in load_documents(corpus, "devel", data_dir):
        long_forms = document_abbreviations(document.text)
        for mention in document.mentions:
            long_form = long_forms.get(short_key(mention.text))
            if long_form is None or linker.lookup(long_form, mention.type) is not None:
                continue
            link = linker.lookup(mention.text, mention.type)
            if link is None or mention.type not in linker.indexes_:
                continue
            nearest = linker.indexes_[mention.type].nearest([normal_form(long_form)])[0][0]
            right = set(link.identifiers) == set(concept_ids(mention.identifier))
            found[mention.type, mention.text, long_form, link.identifier, link.method, right, nearest in link.identifiers] += 1
    rows = [{"type": etype, "mention": mention, "long_form": long_form, "count": count, "link": [identifier, names.get(identifier), method],
             "right": right, "gate_keeps": keeps} for (etype, mention, long_form, identifier, method, right, keeps), count in found.most_common()]
    tally = Counter((row["gate_keeps"], row["right"]) for row in rows for _ in range(row["count"]))
    return {"corpus": corpus, "split": "devel", "linked_by_own_string": sum(found.values()),
            "kept_right": tally[True, True], "kept_wrong": tally[True, False], "refused_right": tally[False, True],
            "refused_wrong": tally[False, False], "rows": rows}


def acronym_words(data_dir: str) -> frozenset[str]:
    """The words whose acronym's syndrome or disease has no lenient key ("mass" of "MASS
    syndrome"), over the names of ``clinical_linking.py``'s vocabularies."""
    from clinical_linking import VOCABULARIES

    from crfner.link.build import vocabulary_table
    from crfner.link.normalize import GENERIC_WORDS, STOPWORDS, lenient_form, words

    found = set()
    for terms in vocabulary_table(VOCABULARIES, data_dir).values():
        for term in terms:
            rest = set(words(term.name)) - STOPWORDS - GENERIC_WORDS
            if len(rest) == 1 and not lenient_form(term.name):
                found |= rest
    return frozenset(found)


def listings(data_dir: str, names: dict[str, str]) -> dict:
    """Every section's rows for every corpus, each corpus with its own linker."""
    from clinical_linking import ALIASES, VOCABULARIES, clinical_linker

    from crfner.link.aliases import alias_chain
    from crfner.link.build import PACKAGED
    from crfner.link.normalize import MEASURE_WORDS, ORGAN_ADJECTIVES, SIDE_WORDS, as_test

    adjectives = frozenset(ORGAN_ADJECTIVES.values())
    acronyms = acronym_words(data_dir)
    tests = {"record_words": lambda word: as_test(word) != word, "side_words": lambda word: word in SIDE_WORDS,
             "measure_words": lambda word: word in MEASURE_WORDS, "organ_adjectives": lambda word: word in adjectives,
             "acronym_syndromes": lambda word: word in acronyms}
    lists = {name.replace("-", "_"): name for name in PACKAGED}  # a section per list crfner ships
    result: dict[str, list] = {**{section: [] for section in tests}, "defined_senses": [], **{section: [] for section in lists},
                               **{section: [] for section in CHAINS}}
    for corpus in ALIASES:
        linker = clinical_linker(corpus, data_dir)
        without = {section: clinical_linker(corpus, data_dir, vocabularies=[v for v in VOCABULARIES if v != name])
                   for section, name in lists.items()}
        for split in ("train", "devel", "test"):
            links = gold_links(corpus, split, linker, data_dir)
            for section, holds in tests.items():
                result[section].append(lenient_words(corpus, split, links, names, holds))
            result["defined_senses"].append(defined_senses(corpus, split, linker, links, names))
            for section, other in without.items():
                result[section].append(changed_links(corpus, split, links, gold_links(corpus, split, other, data_dir), names))
            for section, etype in CHAINS.items():  # the type's first linker type alone, the others as they are
                aliases = dict(ALIASES[corpus])
                if etype in aliases:
                    aliases[etype] = alias_chain(aliases[etype])[0]
                linker.set_params(type_aliases=aliases)
                before = gold_links(corpus, split, linker, data_dir)
                linker.set_params(type_aliases=ALIASES[corpus])
                result[section].append(changed_links(corpus, split, links, before, names))
    result["defined_short_names"] = [defined_short_names(corpus, data_dir, names) for corpus in ("bc5cdr", "ncbi_disease")]
    return result


def main() -> int:
    from clinical_link_audit import write_listing

    from crfner.link.build import PACKAGED

    result = write_listing(__doc__, "dictionary_rules.py", listings)
    for section in ("record_words", "side_words", "measure_words", "organ_adjectives", "acronym_syndromes"):
        for row in result[section]:
            print(f"{section.replace('_', ' ')}, {row['corpus']} {row['split']}: {row['with_such_a_word']} of {row['mentions']} gold "
                  f"mentions, {row['linked_by_lenient_key']} linked by the lenient key")
    for name in PACKAGED:
        for row in result[name.replace("-", "_")]:
            print(f"{name} names, {row['corpus']} {row['split']}: {row['changed']} gold mentions change their id")
    for row in result["measured_by_name"]:
        print(f"tests linked to what they measure, {row['corpus']} {row['split']}: {row['changed']} gold mentions change their id")
    for row in result["therapies_by_name"]:
        print(f"medications linked as therapies, {row['corpus']} {row['split']}: {row['changed']} gold mentions change their id")
    for row in result["defined_short_names"]:
        print(f"defined short forms linked by their own string, {row['corpus']} devel: {row['linked_by_own_string']}; the gate "
              f"would keep {row['kept_right']} right and {row['kept_wrong']} wrong, refuse {row['refused_right']} right and "
              f"{row['refused_wrong']} wrong")
    for row in result["defined_senses"]:
        print(f"defined short forms, {row['corpus']} {row['split']}: {row['sense_links_of_defined_short_forms']} a sense links, "
              f"{row['kept']} kept")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
