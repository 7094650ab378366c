"""Raw text into sentences of tokens with character offsets, split and tokenised the way the
bundled corpora were: ``tokenizer`` makes the tokens, ``splitter`` the sentences."""

from .notes import is_section_name, known_heading_spans, note_sections, note_sentences, note_token_sections, placeholder_spans, tagging_sentences
from .splitter import ABBREVIATIONS, SentenceColumns, sentence_columns, sentences, split_sentences
from .tokenizer import LONE_SURROGATE, Token, encodable, token_columns, tokenize

__all__ = ["Token", "tokenize", "token_columns", "LONE_SURROGATE", "encodable", "split_sentences", "sentences", "sentence_columns", "SentenceColumns", "ABBREVIATIONS", "note_sentences", "note_sections", "note_token_sections", "known_heading_spans", "is_section_name", "placeholder_spans", "tagging_sentences"]
