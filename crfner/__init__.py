"""crfner: classical, fast, transparent named-entity recognition for biomedical text.

The public API: corpora (``load_corpus``, ``read_conll``), the estimator (``CRFTagger``)
and the scorer (``evaluate``). Names are imported on first use, so ``import crfner`` and
``crfner --help`` stay fast.
"""

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "CRFTagger": ".tagger",
    "load_corpus": ".corpora",
    "load_document_ids": ".corpora",
    "read_conll": ".formats.conll",
    "read_sentences": ".formats.conll",
    "read_predictions": ".formats.conll",
    "write_conll": ".formats.conll",
    "evaluate": ".metrics",
    "Scores": ".metrics",
    "CrfnerError": ".errors",
    "CorpusNotFoundError": ".errors",
    "DataFormatError": ".errors",
    "FeatureSetError": ".errors",
    "ModelFileError": ".errors",
    "load_feature_set": ".featurize.featureset",
    "TransformerTagger": ".transformer",
    "tag_text": ".annotate",
    "tag_documents": ".annotate",
    "evaluate_documents": ".document_eval",
    "read_pubtator": ".formats.pubtator",
    "write_pubtator": ".formats.pubtator",
    "read_brat": ".formats.brat",
    "write_brat": ".formats.brat",
    "read_jsonl": ".formats.jsonl",
    "write_jsonl": ".formats.jsonl",
    "Document": ".formats.documents",
    "Mention": ".formats.documents",
    "tag_files": ".batch",
    "run_benchmark": ".benchmark",
    "available_feature_sets": ".featurize.featureset",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'crfner' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
