"""Term lists cut from a vocabulary when a model is trained: the MeSH descriptors under chosen
tree branches (``[gazetteers] mesh_branches``, e.g. anatomy ``A01``-``A17`` or signs and symptoms
``C23.888``), whose entry terms are matched like a gazetteer's (``gaz:NAME``). MACCROBAT's types
(anatomy, signs, diagnostic and therapeutic procedures) follow MeSH's branches more closely
than the disease and chemical lists do.

The lists are kept in the model directory (``term_lists.tsv``), so a model tags the same way
whatever vocabulary files the data folder holds later.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataFormatError
from .tsv_tables import SavedTable, read_rows

#: Where the MeSH files are in the data folder: descriptor -> tree numbers; descriptor -> entry terms.
MESH_TREES = "gazetteers/mesh_tree_numbers.tsv"
MESH_TERMS = "vocabularies/mesh2024_descriptor_terms.tsv"
TREE_NUMBER = re.compile(r"[A-Z][0-9]{2}(?:\.[0-9]{3})*")
LIST_NAME = re.compile(r"[a-z][a-z0-9_]*")
_HEADER = "list\tterm"


@dataclass(frozen=True)
class TermLists(SavedTable):
    """List name -> its terms (sorted, unique)."""

    lists: dict[str, tuple[str, ...]]

    def __post_init__(self) -> None:
        for name, terms in self.lists.items():
            if not LIST_NAME.fullmatch(name):
                raise DataFormatError(f"term list name {name!r}: expected lower-case letters, digits and _")
            for term in terms:
                if not term.strip() or "\t" in term or "\n" in term or "\r" in term:
                    raise DataFormatError(f"term list {name!r}: term {term!r} is empty or holds a TAB or line break")

    @classmethod
    def from_mesh(cls, data_dir: str | os.PathLike, branches: Mapping[str, Sequence[str]],
                  trees: Mapping[str, Sequence[str]] | None = None) -> TermLists:
        """The entry terms (permuted forms left out) of the descriptors with a tree number under
        one of each list's branch prefixes, from the MeSH files of ``data_dir`` (its tree file
        already read: ``trees``, :func:`read_tree_numbers`)."""
        from ..corpora.documents import concept_id

        trees = read_tree_numbers(Path(data_dir) / MESH_TREES) if trees is None else trees
        # a number is under a prefix if it is the prefix or starts with it and a dot
        under = {name: (frozenset(branches[name]), tuple(p + "." for p in branches[name])) for name in branches}
        found: dict[str, set[str]] = {name: set() for name in branches}
        lists_of: dict[str, tuple[str, ...]] = {}  # descriptor -> the lists it falls in, worked out once per descriptor
        path = Path(data_dir) / MESH_TERMS
        for number, line in _lines(path):
            fields = line.split("\t")
            if len(fields) != 4 or fields[3] not in ("Y", "N") or not fields[1].strip():
                raise DataFormatError("expected 'descriptor<TAB>term<TAB>Y|N<TAB>Y|N' (the last: permuted)", path, number)
            descriptor, term, _, permuted = fields
            if permuted == "Y":
                continue
            names = lists_of.get(descriptor)
            if names is None:
                numbers = trees.get(concept_id(descriptor), ())
                names = lists_of[descriptor] = tuple(
                    name for name, (exact, dotted) in under.items() if any(n in exact or n.startswith(dotted) for n in numbers))
            for name in names:
                found[name].add(term.strip())
        return cls({name: tuple(sorted(terms)) for name, terms in found.items()})

    def gazetteers(self, max_tokens: int = 12, strict_letters: bool = False) -> list:
        """Each list compiled as a gazetteer of its name (read back from the disk cache of compiled lists when it holds it)."""
        from .gazetteer import cached_term_gazetteer

        return [cached_term_gazetteer(terms, name, max_tokens, strict_letters) for name, terms in self.lists.items()]

    def _lines(self) -> Iterator[str]:
        yield _HEADER + "\n"
        for name, terms in self.lists.items():
            for term in terms:
                yield f"{name}\t{term}\n"

    @classmethod
    def load(cls, path: str | os.PathLike) -> TermLists:
        """Read lists written by ``save``; a malformed file raises ``DataFormatError`` naming the line."""
        lists: dict[str, list[str]] = {}
        for number, (name, term) in read_rows(path, _HEADER):
            if not LIST_NAME.fullmatch(name) or not term.strip():
                raise DataFormatError(f"expected a list name (a-z, 0-9, _) and a term, got {name[:30]!r}, {term[:30]!r}", path, number)
            terms = lists.setdefault(name, [])
            if terms and terms[-1] >= term:
                raise DataFormatError(f"term {term[:60]!r} is out of order or repeated in list {name!r}", path, number)
            terms.append(term)
        return cls({name: tuple(terms) for name, terms in lists.items()})

    def __len__(self) -> int:
        return sum(map(len, self.lists.values()))


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) of a vocabulary file, blank lines skipped: UTF-8, or UTF-16 or UTF-32
    with their byte-order mark, read as the linker reads the same files (:func:`numbered_lines`)."""
    from ..corpora.lines import numbered_lines

    for number, line in numbered_lines(path):
        if line.strip():
            yield number, line


def unknown_branches(trees: Mapping[str, Sequence[str]], branches: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """For each list of ``branches`` that names one, the tree numbers that are no descriptor's and lie
    over none (a mistyped or retired number), given the MeSH tree file's ``trees`` (:func:`read_tree_numbers`)."""
    known = {n for numbers in trees.values() for n in numbers}
    # every prefix of a known number is a branch: "C23.888.592" gives "C23", "C23.888" and itself
    known |= {n[:k] for n in known for k, c in enumerate(n) if c == "."}
    unknown = {name: [p for p in under if p not in known] for name, under in branches.items()}
    return {name: numbers for name, numbers in unknown.items() if numbers}


def read_tree_numbers(path: str | os.PathLike) -> dict[str, list[str]]:
    """Descriptor -> its tree numbers, from a MeSH tree file (``descriptor<TAB>number|number...``),
    for the branch lists and the linker alike; descriptors spelled as the corpora's ids are
    (:func:`~crfner.corpora.documents.concept_id`: ``D009203`` is ``MESH:D009203``)."""
    from ..corpora.documents import concept_id

    path = Path(path)
    trees: dict[str, list[str]] = {}
    for number, line in _lines(path):
        descriptor, tab, numbers = line.partition("\t")
        if not tab or not descriptor.strip() or not all(TREE_NUMBER.fullmatch(n) for n in numbers.split("|")):
            raise DataFormatError("expected 'descriptor<TAB>tree number|tree number...'", path, number)
        trees[concept_id(descriptor)] = numbers.split("|")
    return trees
