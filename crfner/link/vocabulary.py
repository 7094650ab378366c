"""Concept vocabularies as ``(name, identifier, preferred)`` terms: MEDIC (CTD's disease
vocabulary), MeSH descriptors with their entry terms, any ``term<TAB>identifier`` list, and
the gold mentions of annotated documents (the training-mention dictionary).

Identifiers are written as the corpora write them once normalised: ``MESH:D009203``,
``OMIM:164400`` (a bare ``D009203`` gains its ``MESH:`` prefix).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Mapping
from numbers import Real
from pathlib import Path
from typing import NamedTuple

from ..corpora.documents import Document, concept_id, concept_ids
from ..corpora.lines import numbered_lines
from ..errors import DataFormatError, excerpt
from ..featurize.term_lists import MESH_TREES, read_tree_numbers

VOCABULARY_FOLDER = "vocabularies"
MEDIC_FILE = "CTD_diseases.tsv.gz"
MESH_FILE = "mesh2024_descriptor_terms.tsv"
GAZETTEER_FOLDER = "gazetteers"
CHEMICAL_LIST_FILE = "chemical.tsv"
#: The chemical list's names shorter than this are left out of the ``chemicals`` vocabulary: there
#: a short form names one chemical, in clinical text as often another (PHEE's TCA, triamcinolone
#: acetonide, is trichloroacetic acid there; PI, povidone-iodine, phosphate; AMD, actinomycin D,
#: methyldopa; RH, rifampicin and isoniazid, an alkane). Short forms are the abbreviation stages'.
SHORTEST_LIST_NAME = 4

#: MeSH branches whose descriptors name each type: chemicals and drugs (D); diseases (C) and
#: mental disorders (F03), as MEDIC draws them; anatomy (A01-A10, A14-A17: body regions, organ
#: systems, tissues; not cells, fluids and secretions, or animal structures) and diagnostic,
#: therapeutic, anaesthetic and surgical procedures (E01-E04), the branches the ``clinical``
#: feature set's term lists read, for clinical types linked under them (``type_aliases``); and
#: the measures of the body a test reads (G02, G03, G07, G09, G11: pH, oxygen saturation, body
#: temperature, blood pressure, heart rate, reflexes), for a test named by what it measures; and cells,
#: fluids and secretions (A11, A12: cytoplasm, CSF, urine, sputum), a type of their own, looked up by name
#: only after the anatomy (``Biological_structure=Anatomy,CellsFluids``): in the anatomy itself, the
#: similarity search found Cell Wall for an organ's "walls".
MESH_BRANCHES = {"Chemical": ("D",), "Disease": ("C", "F03"),
                 "Anatomy": ("A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A09", "A10", "A14", "A15", "A16", "A17"),
                 "Procedure": ("E01", "E02", "E03", "E04"), "Measure": ("G02", "G03", "G07", "G09", "G11"),
                 "CellsFluids": ("A11", "A12")}

class Term(NamedTuple):
    """A name of a concept; ``preferred`` when it is the concept's own heading."""

    name: str
    identifier: str
    preferred: bool = False


def as_term(term, etype: str) -> Term:
    """``term`` (a :class:`Term`, or a ``(name, id)`` or ``(name, id, preferred)`` sequence) as a
    Term, else a ValueError naming the type it was given under."""
    if not isinstance(term, Term):
        if isinstance(term, (str, bytes)) or not isinstance(term, (tuple, list)) or len(term) not in (2, 3):
            raise ValueError(f"vocabularies[{etype!r}]: each term is a Term or a (name, id) pair, not {term!r}")
        term = Term(*term)
    if not (isinstance(term.name, str) and isinstance(term.identifier, str) and term.identifier):
        raise ValueError(f"vocabularies[{etype!r}]: a term's name and id are strings, the id not empty: {tuple(term)!r}")
    return term


def _mapping(value, wanted: str) -> Mapping:
    """``value`` when it is a mapping, {} for None, else a ValueError saying what is ``wanted``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{wanted}, not a {type(value).__name__}")
    return value


def checked_vocabularies(vocabularies) -> Mapping:
    """``vocabularies`` as :meth:`Linker.fit` takes them (None: none), else a ValueError: a mapping
    of type names to terms. A type that is no name (None, a number) made a linker that ``save``
    could not write, or wrote and ``Linker.load`` then refused."""
    vocabularies = _mapping(vocabularies, "vocabularies must map type names to their terms")
    for etype in vocabularies:
        check_type_name(etype, "vocabularies")
    return vocabularies


def checked_parents(parents) -> Mapping:
    """``parents`` as :meth:`Linker.fit` takes them (None: none), else a ValueError: id -> its
    parents' ids. A string of one parent was read as its characters and dropped unseen."""
    parents = _mapping(parents, "parents must map each id to its parents' ids")
    for identifier, above in parents.items():
        if isinstance(above, (str, bytes)) or not isinstance(above, Iterable):
            raise ValueError(f"parents: the parents of {identifier!r} must be a list of ids, not {excerpt(above, 60)}")
    return parents


def checked_senses(senses) -> Mapping:
    """``senses`` as :meth:`Linker.fit` takes them (None: none), else a ValueError naming the short
    form: short form -> ``(sense, share)`` pairs, each share a finite number of at least 0."""
    senses = _mapping(senses, "senses must map each short form to its (sense, share) pairs")
    for short, meanings in senses.items():
        pairs = [meanings] if isinstance(meanings, str) or not isinstance(meanings, Iterable) else meanings
        bad = next((pair for pair in pairs if not _is_sense(pair)), None)
        if bad is not None:
            raise ValueError(f"senses: {short!r}: each sense is a (name, share) pair, the share a number of at "
                             f"least 0, not {excerpt(bad, 60)}")
    return senses


def _is_sense(pair) -> bool:
    """Whether ``pair`` is a sense's name and its share: a string and a finite number of at least 0."""
    return (isinstance(pair, (tuple, list)) and len(pair) == 2 and isinstance(pair[0], str) and isinstance(pair[1], Real)
            and not isinstance(pair[1], bool) and math.isfinite(pair[1]) and pair[1] >= 0)


def check_type_name(etype, where: str) -> None:
    """A ValueError, naming ``where`` the type came from, unless ``etype`` is a non-empty string."""
    if not isinstance(etype, str) or not etype:
        raise ValueError(f"{where}: a type is a name (a non-empty string), not {excerpt(etype, 60)}")


def medic_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """MEDIC's data lines (``CTD_diseases.tsv[.gz]``), numbered and split at tabs; comments and blank lines left out."""
    for number, line in numbered_lines(path):
        if line and not line.startswith("#"):
            yield number, line.split("\t")


def read_medic(path: str | os.PathLike) -> Iterator[Term]:
    """MEDIC's diseases (``CTD_diseases.tsv[.gz]``): each name and each synonym."""
    path = Path(path)
    for number, fields in medic_lines(path):
        if len(fields) < 8:
            found = f"found {len(fields)}: {excerpt(chr(9).join(fields), 80)}"
            raise DataFormatError(f"a MEDIC line needs 8 tab-separated fields (name, id, ..., synonyms), {found}", path, number)
        name, identifier = fields[0].strip(), concept_id(fields[1])
        if not name or not identifier:
            raise DataFormatError("a MEDIC line without a disease name or id", path, number)
        yield Term(name, identifier, True)
        for synonym in fields[7].split("|"):
            if synonym.strip():
                yield Term(synonym.strip(), identifier, False)


def read_mesh(path: str | os.PathLike, branches: Iterable[str] | None = None, trees: dict[str, list[str]] | None = None) -> Iterator[Term]:
    """MeSH descriptor entry terms (``id<TAB>term<TAB>preferred Y/N<TAB>permuted Y/N``), only
    those of descriptors with a tree number in ``branches`` when given (``trees`` required)."""
    path = Path(path)
    branches = tuple(branches) if branches is not None else None
    if branches is not None and trees is None:
        raise ValueError("read_mesh: branches need the descriptors' tree numbers")
    for number, line in numbered_lines(path):
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0].strip() or not fields[1].strip():
            raise DataFormatError(f"a MeSH term line needs a descriptor id and a term separated by a TAB: {excerpt(line, 80)}", path, number)
        identifier = concept_id(fields[0])
        if branches is not None and not any(tree.startswith(branches) for tree in trees.get(identifier, ())):
            continue
        yield Term(fields[1].strip(), identifier, len(fields) > 2 and fields[2].strip() == "Y")


def read_term_list(path: str | os.PathLike, prefix: str = "") -> Iterator[Term]:
    """A ``term<TAB>identifier`` list (the gazetteers' format); with ``prefix``, only ids that start with it."""
    path = Path(path)
    for number, line in numbered_lines(path):
        if not line:
            continue
        term, tab, identifier = line.partition("\t")
        if not tab or not term.strip() or not identifier.strip():
            raise DataFormatError("a term list line needs a term and an identifier separated by a TAB", path, number)
        if "\t" in identifier:
            raise DataFormatError(f"a term list line is term<TAB>identifier; this one has {line.count(chr(9)) + 1} columns",
                                  path, number)
        if any(c.isspace() or c in "|+" for c in identifier.strip()):
            raise DataFormatError(f"identifier {excerpt(identifier.strip())} holds a space, '|' or '+': one concept's id has none",
                                  path, number)
        identifier = concept_id(identifier)
        if identifier.startswith(prefix):
            yield Term(term.strip(), identifier, False)


def chemical_list_path(data_dir: str | os.PathLike) -> Path:
    return Path(data_dir) / GAZETTEER_FOLDER / CHEMICAL_LIST_FILE


def chemical_list_terms(data_dir: str | os.PathLike) -> Iterator[Term]:
    """The data folder's chemical gazetteer (MeSH 2024, ChEBI and DrugBank names, each with its
    source's id) as a vocabulary, less the names shorter than :data:`SHORTEST_LIST_NAME`."""
    return (term for term in read_term_list(chemical_list_path(data_dir)) if len(term.name) >= SHORTEST_LIST_NAME)


def mention_terms(documents: Iterable[Document], type_map: dict[str, str] | None = None) -> Iterator[tuple[str, Term]]:
    """``(type, term)`` for each gold mention with a single concept id: what annotators linked
    each string to. Composite and unlinkable (``-1``) mentions are left out."""
    for document in documents:
        for mention in document.mentions:
            ids = concept_ids(mention.identifier)
            if len(ids) == 1:
                etype = (type_map or {}).get(mention.type, mention.type)
                check_type_name(etype, "type_map" if mention.type in (type_map or {}) else f"document {document.id}")
                yield etype, Term(mention.text, ids[0], False)


def medic_path(data_dir: str | os.PathLike) -> Path:
    return Path(data_dir) / VOCABULARY_FOLDER / MEDIC_FILE


def mesh_path(data_dir: str | os.PathLike) -> Path:
    return Path(data_dir) / VOCABULARY_FOLDER / MESH_FILE


def mesh_terms(data_dir: str | os.PathLike, etype: str) -> Iterator[Term]:
    """The MeSH 2024 entry terms of the descriptors under ``etype``'s branches (:data:`MESH_BRANCHES`)."""
    return iter(mesh_terms_by_type(data_dir, [etype])[etype])


def mesh_terms_by_type(data_dir: str | os.PathLike, etypes: Iterable[str], trees: dict[str, list[str]] | None = None) -> dict[str, list[Term]]:
    """:func:`mesh_terms` of each of ``etypes``, each in the file's order, with the term file read
    once for all of them (and the tree numbers, unless ``trees`` holds them already)."""
    data_dir = Path(data_dir)
    trees = read_tree_numbers(data_dir / MESH_TREES) if trees is None else trees
    branches = {etype: tuple(MESH_BRANCHES[etype]) for etype in etypes}
    out: dict[str, list[Term]] = {etype: [] for etype in branches}
    for term in read_mesh(mesh_path(data_dir)):
        numbers = trees.get(term.identifier, ())
        for etype, starts in branches.items():
            if any(tree.startswith(starts) for tree in numbers):
                out[etype].append(term)
    return out
