"""Concept hierarchies (each concept's parents) and the broader-concept rule the linker's
similarity fallback applies with them.

Character n-gram similarity can land on a narrower concept than a mention names: "computed
tomography" is nearest to "4D Computed Tomography", because MeSH 2024 spells X-ray CT only with
more words ("X-Ray Computed Tomography"). A mention that says nothing of what sets the narrower
concept apart is linked to its nearest ancestor that has a name holding every word of the mention.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..corpora.documents import concept_id
from ..errors import DataFormatError
from .tables import concept_number
from .vocabulary import medic_lines

#: How far up :func:`broader_concept` looks: MeSH trees are at most 13 levels deep.
MAX_LEVELS = 16


def medic_parents(path: str | os.PathLike) -> dict[str, set[str]]:
    """Each MEDIC disease's parents (``CTD_diseases.tsv[.gz]``'s fifth field, ParentIDs)."""
    path = Path(path)
    parents: dict[str, set[str]] = defaultdict(set)
    for number, fields in medic_lines(path):
        if len(fields) < 5:
            raise DataFormatError(f"a MEDIC line needs its ParentIDs in the fifth field, found {len(fields)} fields", path, number)
        parents[concept_id(fields[1])].update(concept_id(p) for p in fields[4].split("|") if p.strip())
    return dict(parents)


def tree_parents(trees: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """Each MeSH descriptor's parents, from its tree numbers (``C14.280.647`` is under ``C14.280``)."""
    at = {number: identifier for identifier, numbers in trees.items() for number in numbers}
    parents: dict[str, set[str]] = defaultdict(set)
    for identifier, numbers in trees.items():
        for number in numbers:
            above = at.get(number.rpartition(".")[0]) if "." in number else None
            if above is not None and above != identifier:
                parents[identifier].add(above)
    return dict(parents)


def merged(*hierarchies: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """One hierarchy holding every parent link of ``hierarchies``."""
    out: dict[str, set[str]] = defaultdict(set)
    for hierarchy in hierarchies:
        for identifier, parents in hierarchy.items():
            out[identifier].update(parents)
    return dict(out)


def broader_concept(identifier: str, words: frozenset[str], parents: Mapping[str, Iterable[str]],
                    names: Mapping[str, Iterable[frozenset[str]]]) -> str:
    """The nearest ancestor of ``identifier`` (breadth first, parents in sorted order) with a
    name (``names``: id -> each name's set of words) holding all of ``words``; ``identifier``
    itself when none does, or when ``words`` is empty."""
    if not words:
        return identifier
    seen, level = {identifier}, [identifier]
    for _ in range(MAX_LEVELS):
        above = []
        for concept in level:
            for parent in sorted(parents.get(concept, ())):
                if parent in seen:
                    continue
                seen.add(parent)
                if any(words <= name for name in names.get(parent, ())):
                    return parent
                above.append(parent)
        if not above:
            break
        level = above
    return identifier


def ancestor_names(tables: Mapping[tuple[str, str, str], Mapping[str, int]], concepts: Sequence[str],
                   parents: Mapping[str, Iterable[str]], types: Iterable[str]) -> dict[str, dict[str, list[frozenset[str]]]]:
    """Type -> id -> the word sets of its names (the bag keys of a linker's packed ``tables``), for
    the ``concepts`` that are a parent in the hierarchy: what :func:`broader_concept` reads."""
    above = {parent for parents_of in parents.values() for parent in parents_of}
    wanted = {number for number, identifier in enumerate(concepts) if identifier in above}
    sets: dict[str, dict[str, list[frozenset[str]]]] = defaultdict(lambda: defaultdict(list))
    for (etype, source, key_name), table in tables.items():
        if key_name == "bag" and source != "senses":  # the names of concepts, not short forms
            for key, value in table.items():
                number = concept_number(value)
                if number in wanted:
                    sets[etype][concepts[number]].append(frozenset(key.split()))
    return {etype: dict(sets.get(etype, {})) for etype in types}
