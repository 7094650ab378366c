"""Concept normalisation: mentions to MeSH, MEDIC or OMIM ids (see :mod:`crfner.link.linker`)."""

from .build import build_linker
from .linker import NIL, Link, Linker
from ..corpora.documents import concept_id, concept_ids
from .vocabulary import Term

__all__ = ["NIL", "Link", "Linker", "Term", "build_linker", "concept_id", "concept_ids"]
