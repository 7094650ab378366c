"""Corpora and their file formats: where a corpus becomes token lists and tag lists, or
documents with character offsets.

``registry`` names the corpora and finds them (local folder, hub id, splits); one module per
format reads and writes it (``conll``, ``pubtator``, ``brat``, ``jsonl``, ``hf_datasets``;
``i2b2``, ``i2b2_medication`` and ``n2c2`` read the clinical challenge formats);
``documents`` is the document model they share; ``document_ids`` recovers each IOB
sentence's document; ``medmentions`` builds MedMentions ST21pv from its PubTator release;
``clinical`` MACCROBAT2020 and PHEE from BRAT, flattened by a ``flatten`` policy.
"""

from .conll import read_conll, read_predictions, read_sentences, write_conll
from .registry import (
    DATA_DIR_ENV,
    DEFAULT_DATA_DIR,
    REGISTRY,
    SPLITS,
    Corpus,
    corpus_info,
    describe,
    load_corpus,
    load_document_ids,
    load_from_hub,
    locate,
    resolve_data_dir,
)

__all__ = [
    "DATA_DIR_ENV", "DEFAULT_DATA_DIR", "REGISTRY", "SPLITS", "Corpus", "corpus_info", "describe", "load_corpus", "load_document_ids", "load_from_hub",
    "locate", "resolve_data_dir", "read_conll", "read_predictions", "read_sentences", "write_conll",
]
