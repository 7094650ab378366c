"""Organisms read as the infections they cause: a disease mention that names a pathogen
("HIV", "Cytomegalovirus", "MRSA infection" in a problem list) means the infection.

MeSH 2024 names infections after their organisms ("HIV Infections", "Cytomegalovirus
Infections") but files the organisms' own names (B01-B04) apart from the diseases (C), so a
disease linker finds no name for "HIV". Each organism descriptor is read as the disease whose
entry term is one of its names, or MeSH's adjective of it ("Streptococcal"), followed by
"Infection(s)", else as its nearest ancestor's (Helicobacter pylori as Helicobacter Infections);
one whose names lead to two diseases is left out, unless one falls under the other. A virus's
name that is a disease's name without "virus" is read as that disease instead ("Hepatitis C
virus": Hepatitis C, not its genus Hepacivirus's Flaviviridae Infections). A species' name is
also given clipped, as notes write it ("H. pylori"), and a resistant strain's as its
susceptible strain's ("methicillin-sensitive Staphylococcus aureus": "MSSA").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from .normalize import bag_form, fold
from .vocabulary import MESH_BRANCHES, Term

#: MeSH's organisms: bacteria, viruses, fungi and other eukaryota (B01-B04).
ORGANISM_BRANCHES = ("B01", "B02", "B03", "B04")
#: MeSH's diseases (C) and mental disorders (F03): the ``Disease`` type's branches.
DISEASE_BRANCHES = MESH_BRANCHES["Disease"]
_SUFFIXES = (" infections", " infection")
_VIRUS = (" viruses", " virus")
#: Latin endings an organism's name drops before the adjective's ("streptococc-us": "streptococc-al").
_LATIN = ("aceae", "us", "um", "ae", "a", "i")
_ADJECTIVE = ("al", "an")
#: A species' name as notes clip it: "Helicobacter pylori" as "H. pylori".
_BINOMIAL = re.compile(r"([A-Z])[a-z]+ ([a-z]{3,})")
#: A resistant strain's name: "Methicillin-Resistant Staphylococcus aureus".
_RESISTANT = re.compile(r"(\w+)[- ]Resistant (.+)", re.IGNORECASE)


def _under(numbers: Iterable[str], branches: tuple[str, ...]) -> bool:
    return any(number.startswith(branches) for number in numbers)


def _adjectives(name: str) -> set[str]:
    """``name`` (folded) and the adjectives MeSH makes of it: "streptococcus": "streptococcal",
    "gram-positive bacteria": "gram-positive bacterial", "protozoa": "protozoan"."""
    stems = {name.removesuffix(ending) for ending in _LATIN if name.endswith(ending) and len(name) > len(ending) + 2}
    return {name} | {stem + ending for stem in stems for ending in _ADJECTIVE}


def _own_infections(names: Iterable[str], diseases: Mapping[str, set[str]]) -> set[str]:
    """The diseases whose entry term is one of ``names`` (folded), or its adjective, followed by "infection(s)"."""
    return {identifier for name in names for form in _adjectives(name) for suffix in _SUFFIXES for identifier in diseases.get(form + suffix, ())}


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


def _narrowest(found: set[str], trees: Mapping[str, Iterable[str]]) -> set[str]:
    """``found`` less each disease that another of them falls under in MeSH's tree: an organism
    filed both under a family with an infection and under "Gram-Positive Bacteria" is the family's."""
    def under(narrow: str, broad: str) -> bool:
        return any(n.startswith(b + ".") for n in trees.get(narrow, ()) for b in trees.get(broad, ()))

    return {disease for disease in found if not any(other != disease and under(other, disease) for other in found)}


def _clipped(read: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each species' name of ``read`` (name, infection) clipped ("H. pylori"), where it names one
    infection. The bag key drops "a" and "s", so "S. aureus" is looked up as "aureus" too: such a
    form is given only where its epithet names one infection ("S. pneumoniae" is not, as
    Klebsiella, Mycoplasma and Chlamydia pneumoniae are others)."""
    clipped: dict[str, set[str]] = defaultdict(set)
    epithets: dict[str, set[str]] = defaultdict(set)
    for name, identifier in read:
        if match := _BINOMIAL.fullmatch(name):
            clipped[f"{match[1]}. {match[2]}"].add(identifier)
            epithets[match[2]].add(identifier)
    named = {name for name, _ in read}
    return [(short, next(iter(ids))) for short, ids in clipped.items() if len(ids) == 1 and short not in named
            and (bag_form(short) != (epithet := short.partition(" ")[2]) or len(epithets[epithet]) == 1)]


def _susceptible(read: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A resistant strain's name of ``read`` (name, infection) made "-Sensitive" and "-Susceptible",
    read as the infection of the organism it names: MeSH has MRSA but no "methicillin-sensitive
    Staphylococcus aureus", the inventories' sense of "MSSA"."""
    infection = {fold(name): identifier for name, identifier in read}
    out: dict[str, str] = {}
    for name, _ in read:
        if (match := _RESISTANT.fullmatch(name)) and (identifier := infection.get(fold(match[2]))):
            for word in ("Sensitive", "Susceptible"):
                if fold(strain := f"{match[1]}-{word} {match[2]}") not in infection:
                    out.setdefault(strain, identifier)
    return list(out.items())


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
    read: list[tuple[str, str]] = []
    for organism, names in organisms.items():
        found = _narrowest(set().union(*(_nearest(number, at, own) for number in trees[organism] if number in at)), trees)
        for name in names:
            identifier = _virus_disease(fold(name), diseases) or (next(iter(found)) if len(found) == 1 else None)
            if identifier is not None:
                read.append((name, identifier))
    return [term for name, identifier in read + _clipped(read) + _susceptible(read) for term in (Term(name, identifier, False), Term(f"{name} infection", identifier, False))]
