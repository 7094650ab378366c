"""Raw text into sentences of tokens with character offsets, split and tokenised the way the
bundled corpora were: ``tokenizer`` makes the tokens, ``splitter`` the sentences."""

from .notes import note_sections, note_sentences, note_token_sections
from .splitter import ABBREVIATIONS, sentences, split_sentences
from .tokenizer import Token, tokenize

__all__ = ["Token", "tokenize", "split_sentences", "sentences", "ABBREVIATIONS", "note_sentences", "note_sections", "note_token_sections"]
