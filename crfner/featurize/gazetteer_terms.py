"""A term list's terms as the keys a gazetteer looks up: tokenising a term as the corpora are
tokenised, its exact and normalised variants, and compiling them into one dict from a joined key
(tokens joined by ``SEP``) to bit flags (a complete term or a proper prefix, exact or normalised);
reading a ``term<TAB>identifier`` file. :mod:`crfner.featurize.gazetteer` matches what this compiles.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import DataFormatError

# Joins the tokens of a key; a whitespace character, so no token from ``tokenize_term`` holds it.
SEP = "\x1f"
_TOKEN = re.compile(r"[^\W_]+|\S")  # a run of letters/digits, or any other single non-space character
_WORD = re.compile(r"[^\W_]")  # a token holding a letter or digit is a word, any other punctuation
_ABBREVIATION_MAX = 5
_SYMBOL_MAX = 2

# Flags of a key: it ends a term or begins a longer one, in the exact or normalised variant.
EXACT_TERM, EXACT_PREFIX, NORM_TERM, NORM_PREFIX = 1, 2, 4, 8


def tokenize_term(text: str) -> list[str]:
    """Split text as the corpora are split: runs of letters/digits, and each other non-space
    character on its own (``5-FU`` -> ``5 - FU``), so terms and sentences line up."""
    return _TOKEN.findall(text)


def is_word(token: str) -> bool:
    """True for a token with a letter or digit; the others are punctuation, which matches
    never start or end on and normalisation drops."""
    return token.isalnum() or _WORD.search(token) is not None


def is_abbreviation(words: Sequence[str]) -> bool:
    """A single token, all-caps and at most 5 characters (``ALL``, ``CD4``), or at most 2 with a
    capital (element symbols ``As``, ``In``, ``Mg``): lower-cased, these are common words."""
    if len(words) != 1:
        return False
    word = words[0]
    return (len(word) <= _ABBREVIATION_MAX and word.isupper()) or (len(word) <= _SYMBOL_MAX and word != word.lower())


def term_variants(tokens: Sequence[str], strict_letters: bool = False) -> tuple[list[str], list[str]]:
    """The exact and normalised tokens of a tokenised term (either may be empty).

    A match never starts or ends on punctuation, so the exact variant loses its leading and
    trailing punctuation tokens (``Na+`` -> ``Na``); the normalised one loses them all.
    ``strict_letters``: see :mod:`crfner.featurize.gazetteer`."""
    if all(map(str.isalnum, tokens)):  # the common case: no punctuation at all
        exact = words = list(tokens)
    else:
        flags = [is_word(t) for t in tokens]
        if not any(flags):
            return [], []
        words = [t for t, word in zip(tokens, flags) if word]
        first = flags.index(True)
        last = len(flags) - flags[::-1].index(True)
        exact = list(tokens[first:last])
    if strict_letters and all(len(w) == 1 for w in words):
        return ([] if len(words) == 1 and words[0].islower() else exact), []
    normalised = [] if is_abbreviation(words) else [w.lower() for w in words]
    return exact, normalised


def _add(keys: dict[str, int], key: str, term_flag: int, prefix_flag: int) -> None:
    """Flag a joined key as a term and each of its proper prefixes as a prefix."""
    keys[key] = keys.get(key, 0) | term_flag
    # Longest prefix first: once one already has the flags, so do all shorter ones.
    cut = key.rfind(SEP)
    while cut != -1:
        prefix = key[:cut]
        flags = keys.get(prefix, 0)
        if flags & prefix_flag == prefix_flag:
            return
        keys[prefix] = flags | prefix_flag
        cut = key.rfind(SEP, 0, cut)


def compile_terms(
    terms: Iterable[str], max_tokens: int, heads: dict[str, int] | None = None, strict_letters: bool = False,
) -> tuple[dict[str, int], int]:
    """The flag dict of a list's terms and the number of terms compiled; terms of more than
    ``max_tokens`` tokens (long systematic names never written out in text) are skipped.
    ``heads``, if given, counts how many multi-word terms end in each lower-cased word."""
    keys: dict[str, int] = {}
    compiled = 0
    for term in terms:
        tokens = tokenize_term(term)
        if len(tokens) > max_tokens:
            continue
        exact, normalised = term_variants(tokens, strict_letters)
        if not exact:
            continue
        compiled += 1
        if heads is not None and len(normalised) > 1:
            heads[normalised[-1]] = heads.get(normalised[-1], 0) + 1
        exact_key = SEP.join(exact)
        norm_key = SEP.join(normalised)
        if norm_key == exact_key:  # lower case, no punctuation: one entry serves both variants
            _add(keys, exact_key, EXACT_TERM | NORM_TERM, EXACT_PREFIX | NORM_PREFIX)
            continue
        _add(keys, exact_key, EXACT_TERM, EXACT_PREFIX)
        if norm_key:
            _add(keys, norm_key, NORM_TERM, NORM_PREFIX)
    return keys, compiled


def read_list_bytes(path: str | os.PathLike) -> bytes:
    """A list file's bytes; a missing file or a folder raises DataFormatError naming it."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise DataFormatError("no such file", path) from None
    except IsADirectoryError:
        raise DataFormatError("is a directory, not a file", path) from None


def read_terms(path: str | os.PathLike, data: bytes | None = None) -> tuple[list[str], bytes]:
    """The terms of a ``term<TAB>identifier`` file (of its bytes ``data``, when given), and its
    bytes (for the checksum).

    UTF-8 with or without a BOM, or UTF-16 or UTF-32 with their byte-order mark (Excel's
    "Unicode Text"), as the corpus readers take them; LF or CRLF; blank lines are skipped. A
    line without a TAB, an empty term or bytes the encoding cannot read raise DataFormatError
    naming file and line."""
    from ..corpora.lines import decoded_text

    if data is None:
        data = read_list_bytes(path)
    text = decoded_text(data, path)
    terms = []
    # split("\n"), not splitlines(): the latter also breaks on \x1c-\x1e, \x85 and \u2028.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        term, tab, _ = line.partition("\t")
        if not tab:
            raise DataFormatError("no TAB between the term and its identifier", path, number)
        term = term.strip()
        if not term:
            raise DataFormatError("the term is empty", path, number)
        terms.append(term)
    return terms, data
