"""Organisms read as the infections they cause: a disease mention that names a pathogen
("HIV", "Cytomegalovirus", "MRSA infection" in a problem list) means the infection.

MeSH 2024 names infections after their organisms ("HIV Infections", "Cytomegalovirus
Infections") but files the organisms' own names (B01-B04) apart from the diseases (C), so a
disease linker finds no name for "HIV". Each organism descriptor is read as the disease whose
entry term is one of its names followed by "Infection(s)", else as its nearest ancestor's
(Helicobacter pylori as Helicobacter Infections); one whose names lead to two diseases is left
out. A virus's name that is a disease's name without "virus" is read as that disease instead
("Hepatitis C virus": Hepatitis C, not its genus Hepacivirus's Flaviviridae Infections).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from .normalize import fold
from .vocabulary import MESH_BRANCHES, Term

#: MeSH's organisms: bacteria, viruses, fungi and other eukaryota (B01-B04).
ORGANISM_BRANCHES = ("B01", "B02", "B03", "B04")
#: MeSH's diseases (C) and mental disorders (F03): the ``Disease`` type's branches.
DISEASE_BRANCHES = MESH_BRANCHES["Disease"]
_SUFFIXES = (" infections", " infection")
_VIRUS = (" viruses", " virus")


def _under(numbers: Iterable[str], branches: tuple[str, ...]) -> bool:
    return any(number.startswith(branches) for number in numbers)


def _own_infections(names: Iterable[str], diseases: Mapping[str, set[str]]) -> set[str]:
    """The diseases whose entry term is one of ``names`` (folded) followed by "infection(s)"."""
    return {identifier for name in names for suffix in _SUFFIXES for identifier in diseases.get(name + suffix, ())}


def _virus_disease(name: str, diseases: Mapping[str, set[str]]) -> str | None:
    """The one disease named by a virus's ``name`` (folded) without "virus", or None."""
    for ending in _VIRUS:
        if name.endswith(ending):
            found = diseases.get(name.removesuffix(ending), set())
            return next(iter(found)) if len(found) == 1 else None
    return None


def _nearest(number: str, at: Mapping[str, str], own: Mapping[str, set[str]]) -> set[str]:
    """The infections of the organism at tree number ``number``, else of its nearest ancestor that has one."""
    while True:
        found = own.get(at.get(number, ""), set())
        if found or "." not in number:
            return found
        number = number.rpartition(".")[0]


def infection_terms(terms: Iterable[Term], trees: Mapping[str, Iterable[str]]) -> list[Term]:
    """Each organism's entry terms among MeSH ``terms``, and each followed by "infection", with
    the id of the infection it causes (see the module); ``trees`` are the descriptors' tree
    numbers. Pure: reads nothing."""
    organisms: dict[str, list[str]] = defaultdict(list)
    diseases: dict[str, set[str]] = defaultdict(set)
    for term in terms:
        numbers = trees.get(term.identifier, ())
        if _under(numbers, ORGANISM_BRANCHES):
            organisms[term.identifier].append(term.name)
        if _under(numbers, DISEASE_BRANCHES):
            diseases[fold(term.name)].add(term.identifier)
    own = {organism: _own_infections({fold(name) for name in names}, diseases) for organism, names in organisms.items()}
    at = {number: organism for organism in organisms for number in trees[organism] if _under((number,), ORGANISM_BRANCHES)}
    out = []
    for organism, names in organisms.items():
        found = set().union(*(_nearest(number, at, own) for number in trees[organism] if number in at))
        for name in names:
            identifier = _virus_disease(fold(name), diseases) or (next(iter(found)) if len(found) == 1 else None)
            if identifier is not None:
                out += [Term(name, identifier, False), Term(f"{name} infection", identifier, False)]
    return out
