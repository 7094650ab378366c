"""Import paths of modules that moved into the stage sub-packages (crfner 0.1 layout).

``import crfner.metrics`` (or ``from crfner.tagger import CRFTagger``) still works: it gives
the module at its new path, the very same module object, with a ``DeprecationWarning``
that names the new path. Nothing is copied, so old and new paths can never disagree.
"""

from __future__ import annotations

import sys
import warnings
from importlib import import_module

# old path -> new path; the README's "Moved import paths" table lists the same pairs.
MOVED = {
    "crfner.annotate": "crfner.tagging.annotate",
    "crfner.batch": "crfner.tagging.batch",
    "crfner.decoding": "crfner.crf.decoding",
    "crfner.doc_alignment": "crfner.corpora.document_ids",
    "crfner.document_eval": "crfner.evaluation.documents",
    "crfner.error_analysis": "crfner.evaluation.error_analysis",
    "crfner.formats": "crfner.corpora",
    "crfner.formats.brat": "crfner.corpora.brat",
    "crfner.formats.conll": "crfner.corpora.conll",
    "crfner.formats.documents": "crfner.corpora.documents",
    "crfner.formats.hf_datasets": "crfner.corpora.hf_datasets",
    "crfner.formats.jsonl": "crfner.corpora.jsonl",
    "crfner.formats.lines": "crfner.corpora.lines",
    "crfner.formats.pubtator": "crfner.corpora.pubtator",
    "crfner.link.senses": "crfner.corpora.abbreviation_senses",
    "crfner.medmentions": "crfner.corpora.medmentions",
    "crfner.metrics": "crfner.evaluation.metrics",
    "crfner.modelfile": "crfner.crf.modelfile",
    "crfner.partial_match": "crfner.evaluation.partial_match",
    "crfner.significance": "crfner.evaluation.significance",
    "crfner.tagger": "crfner.crf.tagger",
    "crfner.tuning": "crfner.crf.tuning",
}


def resolve(old: str):
    """The module now at ``MOVED[old]``, after a DeprecationWarning naming it."""
    new = MOVED[old]
    warnings.warn(f"{old} has moved to {new}; import it from there", DeprecationWarning, stacklevel=_caller_level())
    return import_module(new)


def _caller_level() -> int:
    """The stack level of the first frame outside this module and the import machinery, so
    that the warning points at the user's import line."""
    frame, level = sys._getframe(2), 2
    while frame is not None and (frame.f_code.co_filename == __file__ or "importlib" in frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    return level


class _AliasLoader:
    """Loads an old path as the module at its new path (no code runs twice)."""

    def create_module(self, spec):
        return resolve(spec.name)

    def exec_module(self, module):
        pass


def find_spec(fullname: str):
    """A spec that loads ``fullname`` as its new module, for an old path only (else None);
    ``crfner``'s meta path finder asks this for every crfner submodule."""
    if fullname not in MOVED:
        return None
    from importlib.machinery import ModuleSpec

    return ModuleSpec(fullname, _AliasLoader())
