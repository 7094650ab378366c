"""crfner: classical, fast, transparent named-entity recognition for biomedical text.

The public API: corpora (``load_corpus``, ``read_conll``), the estimator (``CRFTagger``), a
saved model for tagging alone (``CRFModel``) and the scorer (``evaluate``). Names are imported
on first use, so ``import crfner`` and ``crfner --help`` stay fast.
"""

import sys as _sys
from importlib import import_module as _import_module
from types import SimpleNamespace as _SimpleNamespace

__version__ = "0.1.0"


def _find_moved(fullname, path=None, target=None):
    """Old module paths (``crfner.metrics``): :mod:`crfner.moved` answers, loaded when first needed."""
    if fullname.startswith("crfner.") and fullname != "crfner.moved":
        return _import_module(".moved", __name__).find_spec(fullname)
    return None


# First, or the path finder would load crfner/corpora/conll.py again as crfner.formats.conll.
_sys.meta_path.insert(0, _SimpleNamespace(find_spec=_find_moved))

_EXPORTS = {
    "CRFTagger": ".crf.tagger",
    "CRFModel": ".crf.model",
    "load_corpus": ".corpora.registry",
    "load_document_ids": ".corpora.registry",
    "read_conll": ".corpora.conll",
    "read_sentences": ".corpora.conll",
    "read_predictions": ".corpora.conll",
    "write_conll": ".corpora.conll",
    "evaluate": ".evaluation.metrics",
    "Scores": ".evaluation.metrics",
    "CrfnerError": ".errors",
    "CorpusNotFoundError": ".errors",
    "DataFormatError": ".errors",
    "FeatureSetError": ".errors",
    "ModelFileError": ".errors",
    "FeaturizationChangedWarning": ".errors",
    "NotFittedError": ".errors",
    "ParameterError": ".errors",
    "load_feature_set": ".featurize.featureset",
    "TransformerTagger": ".transformer",
    "tag_text": ".tagging.annotate",
    "tag_documents": ".tagging.annotate",
    "evaluate_documents": ".evaluation.documents",
    "read_pubtator": ".corpora.pubtator",
    "write_pubtator": ".corpora.pubtator",
    "read_brat": ".corpora.brat",
    "write_brat": ".corpora.brat",
    "read_i2b2_assertions": ".corpora.i2b2_assertions",
    "read_i2b2_concepts": ".corpora.i2b2",
    "read_i2b2_concepts_iob": ".corpora.i2b2",
    "read_i2b2_medications": ".corpora.i2b2_medication",
    "read_n2c2": ".corpora.n2c2",
    "read_jsonl": ".corpora.jsonl",
    "read_csv_documents": ".corpora.csv_notes",
    "write_jsonl": ".corpora.jsonl",
    "Document": ".corpora.documents",
    "Mention": ".corpora.documents",
    "tag_files": ".tagging.batch",
    "run_benchmark": ".benchmark",
    "available_feature_sets": ".featurize.featureset",
    "inspect_model": ".explanations",
    "explain": ".explanations",
    "Linker": ".link",
    "build_linker": ".link",
    "load_documents": ".corpora.pubtator_splits",
    "evaluate_concepts": ".evaluation.concepts",
    "negations": ".assertion",
    "hypotheticals": ".assertion",
    "family_attributions": ".assertion",
    "uncertainties": ".assertion",
    "entity_sections": ".assertion",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(_import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    moved = _import_module(".moved", __name__) if name != "moved" else None
    if moved is not None and f"{__name__}.{name}" in moved.MOVED:
        return moved.resolve(f"{__name__}.{name}")
    raise AttributeError(f"module 'crfner' has no attribute {name!r}")


def __dir__():
    """The public API and the module's dunder names; private helpers stay out of ``dir()``."""
    return sorted({n for n in globals() if not n.startswith("_") or n.startswith("__")} | set(__all__))
