"""Readers and writers, one module per file format."""

from .conll import read_conll, read_predictions, read_sentences, write_conll

__all__ = ["read_conll", "read_predictions", "read_sentences", "write_conll"]
