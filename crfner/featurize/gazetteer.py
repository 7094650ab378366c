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

A list compiles (:mod:`crfner.featurize.gazetteer_terms`) into one dict from a joined key
(tokens joined by ``SEP``) to bit flags: complete term or proper prefix, exact or normalised.
Most terms are lower-case without punctuation, so both variants share one entry, and no
per-token trie nodes are built. A compiled list is kept on disk and read back by the next process
(:mod:`crfner.featurize.gazetteer_cache`).

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
import threading
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

from ..errors import DataFormatError
from . import gazetteer_cache
from .gazetteer_terms import (
    EXACT_PREFIX,
    EXACT_TERM,
    NORM_PREFIX,
    NORM_TERM,
    SEP,
    compile_terms,
    is_word,
    read_list_bytes,
    read_terms,
)

Pairs = list[tuple[str, object]]

_EXACT_ANY, _NORM_ANY = EXACT_TERM | EXACT_PREFIX, NORM_TERM | NORM_PREFIX


class Match(NamedTuple):
    """A term found in a sentence: token offsets (``end`` exclusive), and whether the span's
    tokens equal the term's case-exactly."""

    start: int
    end: int
    exact: bool


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
        data: bytes | None = None,
    ) -> "Gazetteer":
        """Compile a ``term<TAB>identifier`` file; the name defaults to the file's stem. ``data``,
        the file's bytes when the caller has read them already."""
        terms, data = read_terms(path, data)
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
        return cls(name, "", terms_digest(terms), len(terms), keys, max_tokens, compiled, heads, strict_letters)

    @property
    def compiled_keys(self) -> dict[str, int]:
        """The compiled dict: a joined key (tokens joined by ``SEP``) -> its bit flags. Shared, not copied:
        read it, do not change it."""
        return self._keys

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
    list used by many extractors or calls is compiled once; another name shares the dict. A
    process that has not compiled it yet reads it from the disk cache of compiled lists when that
    holds it (:mod:`crfner.featurize.gazetteer_cache`)."""
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
                cached = cached_gazetteer(resolved, name, max_tokens, strict_letters)
            _CACHE[file_key + (name,)] = cached
        return cached


def cached_gazetteer(path: str | os.PathLike, name: str | None = None, max_tokens: int = 12,
                     strict_letters: bool = False) -> Gazetteer:
    """:meth:`Gazetteer.from_tsv` of ``path``, read from the disk cache of compiled lists when it
    holds the list compiled so (:mod:`crfner.featurize.gazetteer_cache`), and kept there when not."""
    data = read_list_bytes(path)
    sha256 = hashlib.sha256(data).hexdigest()
    return _through_disk_cache(sha256, name or Path(path).stem, str(path), sha256, max_tokens, strict_letters,
                               lambda: Gazetteer.from_tsv(path, name, max_tokens, strict_letters, data=data))


def terms_digest(terms: Iterable[str]) -> str:
    """The checksum of an in-memory list: SHA-256 of its sorted terms, one a line."""
    return hashlib.sha256("\n".join(sorted(terms)).encode("utf-8")).hexdigest()


def cached_term_gazetteer(terms: Iterable[str], name: str, max_tokens: int = 12, strict_letters: bool = False) -> Gazetteer:
    """:meth:`Gazetteer.from_terms` of ``terms``, read from the disk cache of compiled lists when it
    holds the same terms compiled so, and kept there when not: a model's MeSH branch lists
    (``term_lists.tsv``) are compiled once, not in every process that loads the model."""
    terms = [t.strip() for t in terms]
    digest = terms_digest(terms)
    # "terms:" keeps these keys apart from those of list files, which hash the file's bytes
    return _through_disk_cache("terms:" + digest, name, "", digest, max_tokens, strict_letters,
                               lambda: Gazetteer.from_terms(terms, name, max_tokens, strict_letters))


def _through_disk_cache(key: str, name: str, path: str, sha256: str, max_tokens: int, strict_letters: bool,
                        compile_list) -> Gazetteer:
    """The list whose cache entry ``key`` names, read back as a Gazetteer of ``name``, ``path`` and
    ``sha256``; else ``compile_list()``, kept in that entry."""
    entry = gazetteer_cache.entry_path(key, max_tokens, strict_letters)
    found = gazetteer_cache.lookup(entry) if entry is not None else None
    if found is not None:
        keys, counts = found
        return Gazetteer(name, path, sha256, counts["n_terms"], keys, max_tokens, counts["n_compiled"], counts["heads"],
                         strict_letters)
    gazetteer = compile_list()
    if entry is not None:
        gazetteer_cache.store(entry, gazetteer.compiled_keys, gazetteer.n_terms, gazetteer.n_compiled, gazetteer.heads)
    return gazetteer


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
