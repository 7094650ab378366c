"""Cue phrases, as the assertion rules (:mod:`crfner.assertion.negation` and the readings that share
its machinery) hold them: written as lines of comma-separated phrases, checked when given by
hand, indexed by their first word, and found in a sentence's lower-case words, longest first,
a pseudo-cue's words consumed so that they are no cue."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Collection, Mapping

__all__ = ["REQUIRED_KEYS", "checked_rules", "cue_index", "cue_phrases", "find_cues", "phrase_filter"]

#: The keys ``rules=`` must have; ``minus_signs``, ``answers``, ``statuses``, ``orders`` and ``list_openers`` may be left
#: out (then none is read).
REQUIRED_KEYS = ("before", "after", "pseudo", "terminators")


def cue_phrases(*lines: str) -> frozenset[tuple[str, ...]]:
    """Cue phrases as rules hold them: each line's comma-separated phrases as tuples of their words."""
    return frozenset(tuple(phrase.split()) for line in lines for phrase in line.split(",") if phrase.strip())


def checked_rules(rules) -> Mapping:
    """``rules`` as :data:`crfner.assertion.RULES` shapes them, else a ValueError saying what differs: a phrase
    given as a string or a list would otherwise never match, or fail deep inside."""
    missing = [key for key in REQUIRED_KEYS if not isinstance(rules, Mapping) or key not in rules]
    if missing:
        raise ValueError(f"rules needs the keys {', '.join(REQUIRED_KEYS)} (missing: {', '.join(missing)}); start from "
                         "crfner.assertion.RULES, e.g. {**RULES, 'before': RULES['before'] | {('reports',)}}")
    for key in ("before", "after", "pseudo", "answers", "statuses", "orders", "list_openers"):
        if key not in rules:
            continue  # answers, statuses, orders, list_openers: optional
        bad = next((p for p in rules[key] if not (isinstance(p, tuple) and p and all(isinstance(w, str) for w in p))), None)
        if bad is not None or isinstance(rules[key], (str, bytes)):
            raise ValueError(f"rules[{key!r}] must hold phrases as tuples of lower-case words, such as ('negative', 'for'), "
                             f"not {bad if bad is not None else rules[key]!r}")
    for key in ("terminators", "minus_signs"):
        words = rules.get(key, ())
        if isinstance(words, (str, bytes)) or not all(isinstance(w, str) for w in words):
            raise ValueError(f"rules[{key!r}] must be a set of words, not {words!r}")
    return rules


def phrase_filter(phrases: Collection[tuple[str, ...]]) -> re.Pattern:
    """A pattern that a text holding one of ``phrases`` holds (in any case), so that a text it is not found in
    needs no search for them: each one-word phrase, and each longer phrase that holds none of those
    written together (``d / c`` as ``d/c``, as notes write it)."""
    singles = {phrase[0] for phrase in phrases if len(phrase) == 1}
    words = singles | {"".join(phrase) for phrase in phrases if not singles.intersection(phrase)}
    return re.compile(rf"(?i)\b(?:{'|'.join(sorted(map(re.escape, words)))})\b")


def cue_index(rules: Mapping) -> dict:
    """The cue index (:func:`_build_index`) of ``rules``, kept for rules whose phrase sets are frozen (as
    :data:`crfner.assertion.RULES`'s are), so that each document does not build it again."""
    kinds = (rules["pseudo"], rules["before"], rules["after"])
    if all(isinstance(phrases, frozenset) for phrases in kinds):
        return _frozen_index(*kinds)
    return _build_index(rules)


@lru_cache(maxsize=8)
def _frozen_index(pseudo: frozenset, before: frozenset, after: frozenset) -> dict:
    return _build_index({"pseudo": pseudo, "before": before, "after": after})


def _build_index(rules: Mapping) -> dict[str, list[tuple[int, tuple[str, ...], tuple[str, ...]]]]:
    """For each first word of a cue or pseudo-cue, ``(size, phrase, kinds)`` of the phrases it
    opens, longest first, so that a sentence's words are matched against the few that can match."""
    index: dict[str, dict[tuple[str, ...], list[str]]] = {}
    for kind in ("pseudo", "before", "after"):
        for phrase in rules[kind]:
            if phrase:
                index.setdefault(phrase[0], {}).setdefault(phrase, []).append(kind)
    return {first: sorted(((len(p), p, tuple(k)) for p, k in phrases.items()), reverse=True)
            for first, phrases in index.items()}


def find_cues(words: list[str], index: Mapping) -> list[tuple[str, int, int]]:
    """``(kind, first, end)`` of each cue in ``words``, longest first at each word, pseudo-cues
    consumed and dropped."""
    found = []
    i = 0
    while i < len(words):
        match = next(((size, kinds) for size, phrase, kinds in index.get(words[i], ())
                      if tuple(words[i:i + size]) == phrase), None)
        if match is None:
            i += 1
            continue
        size, kinds = match
        if "pseudo" not in kinds:
            found.extend((kind, i, i + size) for kind in kinds)
        i += size
    return found
