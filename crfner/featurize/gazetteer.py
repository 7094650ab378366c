"""Gazetteer features: which tokens lie inside a term of a disease or chemical list.

Terms are tokenised like the corpora (``tokenize_term``) and each term is compiled into two
variants: *exact* (its tokens as written) and *normalised* (lower-cased, punctuation tokens
dropped, so ``Parkinson's disease`` also matches ``parkinson ' s disease``). Short all-caps
abbreviations (``ALL``, ``AS``, ``CD``) and two-character symbols (``As``, ``In``) are
ambiguous with common words and get the exact variant only. Matching is greedy, left to
right, longest first, without overlaps. With ``strict_letters`` (a feature set's ``[gazetteers]
strict_letters``), terms whose words are all single characters (``C#O``, ``2,4-D``) get the exact
variant only, and a lone lower-case letter (``e-``, the electron) none: lower-cased, ``C#O`` matches
``c/o`` (complains of) in notes, and ``e`` the ``e`` of ``e.g.``.

A list compiles into one dict from a joined key (tokens joined by ``SEP``) to bit flags:
complete term or proper prefix, exact or normalised. Most terms are lower-case without
punctuation, so both variants share one entry, and no per-token trie nodes are built.

Measured on a 2-core machine, Python 3.11 (both shipped lists, 354,691 terms, 339,956 compiled
into 1,078,091 keys): compiling takes 2.7 s (disease 1.9 s, chemical 0.8 s), with a tracemalloc
peak of 126 MiB (114 MiB kept by the two dicts) and max RSS going from 19 to 172 MiB;
featurizing BC5CDR test (4,797 sentences, 124,750 tokens) with both lists takes 0.33-0.39 s.
``benchmarks/gazetteer_matching.py`` times this walker against pyahocorasick, ahocorasick-rs and
marisa-trie giving the same features (results/gazetteer_matching.json): none is faster build plus
matching BC5CDR test (best of 7 in one run: walker 1.79 + 0.18 s, marisa-trie 1.73 + 0.30 s,
the automata 3.1-3.5 s to build; reading the terms, common to all, is 1.15 s), so the walker stays.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

from ..errors import DataFormatError

Pairs = list[tuple[str, object]]

# Joins the tokens of a key; a whitespace character, so no token from ``tokenize_term`` holds it.
SEP = "\x1f"
_TOKEN = re.compile(r"[^\W_]+|\S")  # a run of letters/digits, or any other single non-space character
_WORD = re.compile(r"[^\W_]")  # a token holding a letter or digit is a word, any other punctuation
_ABBREVIATION_MAX = 5
_SYMBOL_MAX = 2

# Flags of a key: it ends a term or begins a longer one, in the exact or normalised variant.
EXACT_TERM, EXACT_PREFIX, NORM_TERM, NORM_PREFIX = 1, 2, 4, 8
_EXACT_ANY, _NORM_ANY = EXACT_TERM | EXACT_PREFIX, NORM_TERM | NORM_PREFIX


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
    ``strict_letters``: see the module's docstring."""
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


class Match(NamedTuple):
    """A term found in a sentence: token offsets (``end`` exclusive), and whether the span's
    tokens equal the term's case-exactly."""

    start: int
    end: int
    exact: bool


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


def read_terms(path: str | os.PathLike) -> tuple[list[str], bytes]:
    """The terms of a ``term<TAB>identifier`` file, and its bytes (for the checksum).

    UTF-8 with or without a BOM, or UTF-16 or UTF-32 with their byte-order mark (Excel's
    "Unicode Text"), as the corpus readers take them; LF or CRLF; blank lines are skipped. A
    line without a TAB, an empty term or bytes the encoding cannot read raise DataFormatError
    naming file and line."""
    from ..corpora.lines import decoded_text

    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise DataFormatError("no such file", path) from None
    except IsADirectoryError:
        raise DataFormatError("is a directory, not a file", path) from None
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


class Gazetteer:
    """A compiled term list that finds its terms in tokenised sentences."""

    def __init__(
        self, name: str, path: str, sha256: str, n_terms: int, keys: dict[str, int], max_tokens: int, n_compiled: int,
        heads: dict[str, int] | None = None, strict_letters: bool = False,
    ):
        self.name = name
        self.path = path
        self.sha256 = sha256
        self.n_terms = n_terms  # terms in the list, as read
        self.n_compiled = n_compiled  # terms matchable (not too long, not all punctuation)
        self.max_tokens = max_tokens
        self.strict_letters = strict_letters
        self._keys = keys
        self.heads = heads or {}  # lower-cased word -> multi-word terms ending in it
        self._head_feature = f"gazhead:{name}"
        self._feature = f"gaz:{name}"
        self._exact = (f"gaz:{name}:exact", 1.0)
        self._single = (f"gaz:{name}:single", 1.0)

    @classmethod
    def from_tsv(
        cls, path: str | os.PathLike, name: str | None = None, max_tokens: int = 12, strict_letters: bool = False,
    ) -> "Gazetteer":
        """Compile a ``term<TAB>identifier`` file; the name defaults to the file's stem."""
        terms, data = read_terms(path)
        heads: dict[str, int] = {}
        keys, compiled = compile_terms(terms, max_tokens, heads, strict_letters)
        name = name or Path(path).stem
        digest = hashlib.sha256(data).hexdigest()
        return cls(name, str(path), digest, len(terms), keys, max_tokens, compiled, heads, strict_letters)

    @classmethod
    def from_terms(cls, terms: Iterable[str], name: str, max_tokens: int = 12, strict_letters: bool = False) -> "Gazetteer":
        """Compile an in-memory list (tests, ad-hoc lists); its checksum is of the sorted terms."""
        terms = [t.strip() for t in terms]
        for number, term in enumerate(terms, start=1):
            if not term:
                raise DataFormatError("the term is empty", None, number)
        heads: dict[str, int] = {}
        keys, compiled = compile_terms(terms, max_tokens, heads, strict_letters)
        digest = hashlib.sha256("\n".join(sorted(terms)).encode("utf-8")).hexdigest()
        return cls(name, "", digest, len(terms), keys, max_tokens, compiled, heads, strict_letters)

    def renamed(self, name: str) -> "Gazetteer":
        """The same compiled list under another feature name, sharing its dict."""
        return type(self)(name, self.path, self.sha256, self.n_terms, self._keys, self.max_tokens, self.n_compiled, self.heads,
                          self.strict_letters)

    def head_features(self, word: str) -> list[tuple[str, object]]:
        """How often the word ends a multi-word term of the list, binned (``gazhead:NAME`` =
        ``2-9``, ``10-99``, ``100+``): ``syndrome`` or ``dystrophy`` mark a mention's last
        token even in names the list lacks."""
        count = self.heads.get(word.lower(), 0)
        if count < 2:
            return []
        return [(self._head_feature, "2-9" if count < 10 else "10-99" if count < 100 else "100+")]

    def match(self, tokens: Sequence[str]) -> list[Match]:
        """The terms in a sentence: greedy left to right, longest first, non-overlapping; an
        exact match wins over a normalised one of the same span."""
        return self._match(tokens, [t.lower() for t in tokens], [is_word(t) for t in tokens])

    def _match(self, tokens: Sequence[str], lowered: Sequence[str], words: Sequence[bool]) -> list[Match]:
        keys = self._keys
        n = len(tokens)
        matches = []
        i = 0
        while i < n:
            # Most tokens begin no term: test that before walking.
            if not words[i] or not (keys.get(tokens[i], 0) & _EXACT_ANY or keys.get(lowered[i], 0) & _NORM_ANY):
                i += 1
                continue
            exact_end = _walk_exact(keys, tokens, i)
            norm_end = _walk_normalised(keys, lowered, words, i)
            if exact_end or norm_end:
                exact = exact_end >= norm_end
                end = exact_end if exact else norm_end
                matches.append(Match(i, end, exact))
                i = end
            else:
                i += 1
        return matches

    def __reduce__(self):
        # A file-backed list travels to worker processes as its path and is compiled (once)
        # there, instead of pickling a dict of a million keys.
        if self.path:
            return (_restore, (self.path, self.name, self.max_tokens, self.sha256, self.strict_letters))
        return (
            type(self),
            (self.name, self.path, self.sha256, self.n_terms, self._keys, self.max_tokens, self.n_compiled, self.heads,
             self.strict_letters),
        )

    def __repr__(self) -> str:
        return f"Gazetteer(name={self.name!r}, path={self.path!r}, n_terms={self.n_terms}, sha256={self.sha256[:12]}…)"


def _walk_exact(keys: dict[str, int], tokens: Sequence[str], i: int) -> int:
    """End of the longest exact-variant term starting at token ``i``, or 0."""
    best = 0
    key = tokens[i]
    j = i
    n = len(tokens)
    while True:
        flags = keys.get(key, 0)
        if flags & EXACT_TERM:
            best = j + 1
        j += 1
        if not flags & EXACT_PREFIX or j == n:
            return best
        key += SEP + tokens[j]


def _walk_normalised(keys: dict[str, int], lowered: Sequence[str], words: Sequence[bool], i: int) -> int:
    """End of the longest normalised-variant term starting at word ``i``, or 0; punctuation
    tokens are stepped over, so a match still ends on a word."""
    best = 0
    key = lowered[i]
    j = i
    n = len(lowered)
    while True:
        flags = keys.get(key, 0)
        if flags & NORM_TERM:
            best = j + 1
        if not flags & NORM_PREFIX:
            return best
        j += 1
        while j < n and not words[j]:
            j += 1
        if j == n:
            return best
        key += SEP + lowered[j]


def gazetteer_features(tokens: Sequence[str], gazetteers: Sequence[Gazetteer]) -> list[Pairs]:
    """Per token, the features of the matches it lies in: ``gaz:NAME`` = B/I, plus
    ``gaz:NAME:exact`` for a case-exact match and ``gaz:NAME:single`` for a one-token one."""
    features: list[Pairs] = [[] for _ in tokens]
    if not gazetteers or not tokens:
        return features
    lowered = [t.lower() for t in tokens]
    words = [is_word(t) for t in tokens]
    for gazetteer in gazetteers:
        name = gazetteer._feature
        for start, end, exact in gazetteer._match(tokens, lowered, words):
            features[start].append((name, "B"))
            for k in range(start + 1, end):
                features[k].append((name, "I"))
            if exact:
                for k in range(start, end):
                    features[k].append(gazetteer._exact)
            if end - start == 1:
                features[start].append(gazetteer._single)
    return features


_CACHE: dict[tuple, Gazetteer] = {}
_LOCK = threading.Lock()


def load_gazetteer(
    path: str | os.PathLike, name: str | None = None, max_tokens: int = 12, strict_letters: bool = False,
) -> Gazetteer:
    """A compiled list, cached per process by (resolved path, size, mtime, compile options), so a
    list used by many extractors or calls is compiled once; another name shares the dict."""
    resolved = Path(path).resolve()
    try:
        stat = resolved.stat()
    except FileNotFoundError:
        raise DataFormatError("no such file", path) from None
    file_key = (str(resolved), stat.st_size, stat.st_mtime_ns, max_tokens, strict_letters)
    name = name or Path(path).stem
    with _LOCK:
        cached = _CACHE.get(file_key + (name,))
        if cached is None:
            same_file = [g for k, g in _CACHE.items() if k[:-1] == file_key]  # the key is file_key + (name,)
            if same_file:
                cached = same_file[0].renamed(name)
            else:
                _forget_changed(file_key)
                cached = Gazetteer.from_tsv(resolved, name, max_tokens, strict_letters)
            _CACHE[file_key + (name,)] = cached
        return cached


def _forget_changed(file_key: tuple) -> None:
    """Drop cached lists compiled from an earlier version of the same file."""
    for key in [k for k in _CACHE if k[0] == file_key[0] and k[1:3] != file_key[1:3]]:
        del _CACHE[key]


def _restore(path: str, name: str, max_tokens: int, sha256: str, strict_letters: bool = False) -> Gazetteer:
    """Unpickle a file-backed list by loading it; the file must not have changed."""
    gazetteer = load_gazetteer(path, name, max_tokens, strict_letters)
    if gazetteer.sha256 != sha256:
        raise DataFormatError("the gazetteer file changed since the list was compiled (checksum differs)", path)
    return gazetteer
