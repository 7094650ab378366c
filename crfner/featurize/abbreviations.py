"""Abbreviation features: a short form defined once in a document (``Duchenne muscular
dystrophy ( DMD )``) passes what its long form looks like to every later use of it.

Definitions are found with the algorithm of Schwartz and Hearst (2003), "A simple algorithm
for identifying abbreviation definitions in biomedical text", PSB 2003: the characters of
the short form must appear in order in the words just before the bracket, the first one
starting a word. Here it runs over tokens, as the corpora split them.

Most short forms are ambiguous on their own (``DM`` is myotonic dystrophy in one abstract
and diabetes mellitus in the next); the long form's last word, its suffix and whether a
term list knows it tell the tagger what this document means by it. A short form the document
does not define can get the same features from a sense inventory (``lexicon``, see
``sense_forms``), marked ``abbr:lexicon``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Pairs = list[tuple[str, object]]

#: What the long form may contribute: its last word, that word's last three characters, and
#: the term lists with a term ending where the long form ends (or covering all of it).
LONG_FORM_FEATURES = ("last_word", "suffix3", "gazetteers")

_OPEN = "("
_CLOSE = frozenset(")];,")
_STOP = frozenset("()[];,.")
_SHORT_MIN, _SHORT_MAX, _SHORT_TOKENS = 2, 10, 3
_SHORT_CHARS = frozenset("-/+'.")


def _short_form(tokens: Sequence[str]) -> str | None:
    """The short form the bracketed tokens spell, or None where they cannot be one."""
    text = "".join(tokens)
    if not _SHORT_MIN <= len(text) <= _SHORT_MAX or not text[0].isalnum():
        return None
    if not any(c.isalpha() for c in text):
        return None
    if not all(t.isalnum() or t in _SHORT_CHARS for t in tokens):
        return None
    if text.islower() and len(text) > 4:  # "(mice)", "(range)": a word, not an abbreviation
        return None
    return text


def long_form_start(short: str, words: Sequence[str]) -> int | None:
    """Index of the first of ``words`` in the shortest long form of ``short`` ending at the
    last word (Schwartz and Hearst), or None when the characters cannot be found."""
    target = [c for c in short.lower() if c.isalnum()]
    text = " ".join(words).lower()
    position = len(text) - 1
    for k in range(len(target) - 1, -1, -1):
        c = target[k]
        while position >= 0 and (text[position] != c or (k == 0 and position > 0 and text[position - 1].isalnum())):
            position -= 1
        if position < 0:
            return None
        position -= 1
    start_char = position + 1
    offset = 0
    for index, word in enumerate(words):
        if offset + len(word) > start_char:
            return index
        offset += len(word) + 1
    return None


def find_definitions(sentences: Sequence[Sequence[str]]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Short forms defined in a document as ``long form ( SF )``: short-form tokens → long-form
    tokens, the first definition of each kept."""
    definitions: dict[tuple[str, ...], tuple[str, ...]] = {}
    for tokens in sentences:
        n = len(tokens)
        for i, token in enumerate(tokens):
            if token != _OPEN or i == 0:
                continue
            close = next((k for k in range(i + 2, min(i + 2 + _SHORT_TOKENS, n)) if tokens[k] in _CLOSE), None)
            if close is None:
                continue
            short_tokens = tuple(tokens[i + 1 : close])
            short = _short_form(short_tokens)
            if short is None or short_tokens in definitions:
                continue
            letters = sum(c.isalnum() for c in short)
            start = i
            while start > 0 and i - start < min(letters + 5, 2 * letters) and tokens[start - 1] not in _STOP:
                start -= 1
            words = tokens[start:i]
            first = long_form_start(short, words) if words else None
            if first is None:
                continue
            long_tokens = tuple(words[first:])
            if len(long_tokens) == 1 and len(long_tokens[0]) <= len(short):
                continue
            definitions[short_tokens] = long_tokens
    return definitions


def long_form_features(long_tokens: Sequence[str], include: Sequence[str], gazetteers: Sequence = ()) -> Pairs:
    """What a short form learns from its long form, as ``abbr:...`` features."""
    pairs: Pairs = [("abbr", 1.0)]
    last = long_tokens[-1].lower()
    if "last_word" in include:
        pairs.append(("abbr:last", last))
    if "suffix3" in include:
        pairs.append(("abbr:suf3", last[-3:]))
    if "gazetteers" in include:
        for gazetteer in gazetteers:
            for start, end, _ in gazetteer.match(long_tokens):
                if end == len(long_tokens):
                    pairs.append((f"abbr:gaz:{gazetteer.name}", 1.0))
                    if start == 0:
                        pairs.append((f"abbr:gaz:{gazetteer.name}:whole", 1.0))
    return pairs


def abbreviation_features(
    sentences: Sequence[Sequence[str]], include: Sequence[str] = LONG_FORM_FEATURES, gazetteers: Sequence = (),
    lexicon: Callable[[str], Pairs | None] | None = None,
) -> list[list[Pairs]]:
    """For one document's sentences, per token, the features of the defined short form it is
    part of (empty lists elsewhere); every use in the document counts, the definition too.
    ``lexicon`` gives the features of a token the document does not define (its sense in an
    inventory, see ``sense_forms``), or None."""
    out: list[list[Pairs]] = [[[] for _ in tokens] for tokens in sentences]
    definitions = find_definitions(sentences)
    if not definitions and lexicon is None:
        return out
    by_first: dict[str, list[tuple[tuple[str, ...], Pairs]]] = {}
    for short_tokens, long_tokens in definitions.items():
        features = long_form_features(long_tokens, include, gazetteers)
        by_first.setdefault(short_tokens[0], []).append((short_tokens, features))
    for tokens, features in zip(sentences, out):
        for i, token in enumerate(tokens):
            for short_tokens, pairs in by_first.get(token, ()):
                if tuple(tokens[i : i + len(short_tokens)]) == short_tokens:
                    features[i].extend(pairs)
                    for k in range(i + 1, i + len(short_tokens)):
                        features[k].extend(pairs)
                        features[k].append(("abbr:inside", 1.0))
                    break
        if lexicon is not None:
            for i, token in enumerate(tokens):
                if not features[i]:
                    features[i].extend(lexicon(token) or ())
    return out
