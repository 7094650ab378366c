"""Negation of found entities by rules: whether the text says an entity is absent, denied, not
done, stopped or gone ("denies fever", "no evidence of metastasis", "without bleeding",
"aspirin was discontinued", "the rash resolved"), and the cue words that say so.

A cue before an entity (``no``, ``denies``, ``negative for`` ...) negates an entity that starts
within ``window`` words after it in its sentence, and in a list the items after it, each of
at most ``item`` words after a ``,``, ``or``, ``nor`` or ``/`` ("denies fever, chills or
night sweats"; "and" joins too much else: "no fever and was discharged"); a cue after one (``was ruled out``, ``resolved``)
an entity that ends within ``post_window`` words before it. A terminator (``but``,
``however``, ``;`` ...) between the cue and an entity ends the cue's reach, and a phrase that
holds a cue without negating (``no change``, ``could not be excluded``, ``not only``) is no
cue. An entity that opens with a cue and goes on past it (a model's span ``Denies CP``) is
negated by it. Sentences are cut by crfner's splitters (``splitter=``), as tagging cuts them. The cue
lists are :data:`RULES`, versioned. They were written against MACCROBAT2020's train split,
whose polarity annotations are the gold, and the three reaches chosen on its train and devel
splits together, devel's 79 negations being too few to tell them apart (``benchmarks/negation.py``;
the figures are in the README).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Collection, Mapping, Sequence

from ..text.splitters import split_text

__all__ = ["NEGATION_FIELDS", "Negation", "RULES", "RULES_VERSION", "negation_record", "negations"]

RULES_VERSION = 1


def _phrases(*lines: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(phrase.split()) for line in lines for phrase in line.split(",") if phrase.strip())


# Lower-case word sequences, as crfner's tokenizer cuts them ("didn't" is "didn ' t").
RULES = {
    "before": _phrases(
        "no, not, without, denies, denied, deny, denying, negative for, free of, absence of, absent, neither, nor, never",
        "none of, no evidence of, no sign of, no signs of, no history of, did not, does not, do not, was not, were not",
        "is not, are not, has not, have not, had not, cannot, could not, didn ' t, doesn ' t, wasn ' t, don ' t",
        "unremarkable for, resolution of, cessation of, discontinuation of, withdrawal of, withdrew, stopped, discontinued",
        "weaned from, weaned off, quit, ceased, ruled out, rule out, excluded, disappearance of, failed to show",
        "refused, declined, rejected, avoided",
    ),
    "after": _phrases(
        "was ruled out, were ruled out, ruled out, was excluded, were excluded, excluded, resolved, disappeared",
        "was discontinued, were discontinued, was stopped, were stopped, was withdrawn, were withdrawn, subsided",
        "was absent, were absent, not seen, not found, not detected, not observed, relieved, was relieved, were relieved",
        "normalized, normalised, was not, were not, free",
    ),
    # phrases that hold a cue but negate nothing: matched first, so their words are no cue
    "pseudo": _phrases(
        "no change, no changes, no increase, no further change, not only, not necessarily, no longer able",
        "not be excluded, not be ruled out, not ruled out, not excluded, cannot exclude, could not exclude",
        "no improvement, not improve, did not improve, not respond, did not respond",
        "cannot rule out, could not rule out, not rule out, without changes, not certain whether, gram negative",
    ),
    # words that end a cue's reach
    "terminators": frozenset(
        "but however although though except apart aside whereas while which who yet still nevertheless ; :".split()
    ),
}
_SEPARATORS = frozenset(", or nor /".split())


@dataclass(frozen=True)
class Negation:
    """Whether an entity is negated, and by which cue: ``text[cue_start:cue_end] == cue``."""

    negated: bool
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None


#: The fields a negation adds to an entity's record (``crfner tag --negation``): JSON keys, CSV columns.
NEGATION_FIELDS = ("negated", "negation_cue", "negation_cue_start", "negation_cue_end")


def negation_record(negation: Negation) -> dict:
    """The fields of :data:`NEGATION_FIELDS` a negation sets: ``negated``, and for a negated
    entity its cue and the cue's offsets."""
    if not negation.negated:
        return {"negated": False}
    return {"negated": True, "negation_cue": negation.cue, "negation_cue_start": negation.cue_start,
            "negation_cue_end": negation.cue_end}


def negations(text: str, entities: Sequence, *, splitter: str = "abstract", passages: Sequence[tuple[int, int]] | None = None,
              window: int = 4, post_window: int = 0, item: int = 2, rules: Mapping | None = None,
              types: Collection[str] | None = None) -> list[Negation]:
    """A :class:`Negation` for each of ``entities`` (anything with character ``start`` and
    ``end`` in ``text``, such as :func:`crfner.tag_text`'s entities), in their order; see the
    module for the rules. ``passages`` (a title and an abstract) are split apart, as tagging
    splits them. ``window``, ``post_window`` and ``item`` count words (not
    punctuation). ``rules`` replaces :data:`RULES` (the same keys: cue phrases as tuples of
    lower-case tokens, terminators as a set), e.g. to add a cue of your notes. ``types``, type
    names, limits negation to the entities of those types (their ``type``); the others are not
    negated (MACCROBAT almost never negates a test, whatever words come before it)."""
    for name, value in (("window", window), ("post_window", post_window), ("item", item)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number of at least 0, not {value!r}")
    if isinstance(types, str) or types is not None and not all(isinstance(t, str) for t in types):
        raise ValueError(f"types must be a collection of type names, not {types!r}")
    types = None if types is None else frozenset(types)
    rules = RULES if rules is None else _checked_rules(rules)
    index = _index_of(rules)
    sentences = [s for s in split_text(text, passages or None, splitter) if s]
    starts = [s[0].start for s in sentences]
    read: dict[int, tuple[list[str], list]] = {}  # each sentence's words and cues, read once
    out = []
    for entity in entities:
        k = bisect_right(starts, entity.start) - 1
        if k < 0 or entity.start >= sentences[k][-1].end or types is not None and getattr(entity, "type", None) not in types:
            out.append(Negation(False))
            continue
        if k not in read:
            words = [text[t.start:t.end].lower() for t in sentences[k]]
            read[k] = (words, _cues(words, index))
        out.append(_negation(text, sentences[k], *read[k], entity, (window, post_window, item), rules["terminators"]))
    return out


def _checked_rules(rules) -> Mapping:
    """``rules`` as :data:`RULES` shapes them, else a ValueError saying what differs: a phrase
    given as a string or a list would otherwise never match, or fail deep inside."""
    missing = [key for key in RULES if not isinstance(rules, Mapping) or key not in rules]
    if missing:
        raise ValueError(f"rules needs the keys {', '.join(RULES)} (missing: {', '.join(missing)}); start from "
                         "crfner.assertion.RULES, e.g. {**RULES, 'before': RULES['before'] | {('reports',)}}")
    for key in ("before", "after", "pseudo"):
        bad = next((p for p in rules[key] if not (isinstance(p, tuple) and p and all(isinstance(w, str) for w in p))), None)
        if bad is not None or isinstance(rules[key], (str, bytes)):
            raise ValueError(f"rules[{key!r}] must hold phrases as tuples of lower-case words, such as ('negative', 'for'), "
                             f"not {bad if bad is not None else rules[key]!r}")
    if isinstance(rules["terminators"], (str, bytes)) or not all(isinstance(w, str) for w in rules["terminators"]):
        raise ValueError(f"rules['terminators'] must be a set of words, not {rules['terminators']!r}")
    return rules


def _negation(text: str, sentence, words: list[str], cues: list, entity, reaches: tuple[int, int, int],
              terminators) -> Negation:
    start, end = entity.start, entity.end
    window, post_window, item = reaches
    first = next((i for i, t in enumerate(sentence) if t.end > start), len(sentence))
    last = max((i for i, t in enumerate(sentence) if t.start < end), default=first)
    best = None
    for kind, a, b in cues:
        if kind == "before" and a == first and b <= last and sentence[a].start >= start:  # a span that took its cue in: "Denies CP"
            distance = 0
        elif kind == "before" and b <= first and _reaches(words, b, first, window, item, terminators):
            distance = first - b
        elif kind == "after" and a > last and _reaches(words, last + 1, a, post_window, item, terminators, backwards=True):
            distance = a - last
        else:
            continue
        if best is None or distance < best[0]:
            best = (distance, a, b)
    if best is None:
        return Negation(False)
    _, a, b = best
    cue_start, cue_end = sentence[a].start, sentence[b - 1].end
    return Negation(True, text[cue_start:cue_end], cue_start, cue_end)


def _reaches(words: list[str], a: int, b: int, limit: int, item: int, terminators, backwards: bool = False) -> bool:
    """Whether a cue reaches across ``words[a:b]``: no terminator, and at most ``limit`` words
    next to the cue, then a list's items (after ``,``, ``or``, ``nor``, ``/``) of at most
    ``item`` words each ("no fever, chills, night sweats or weight loss")."""
    between = words[a:b]
    if any(w in terminators for w in between):
        return False
    counts = [0]
    for w in reversed(between) if backwards else between:
        if w in _SEPARATORS:
            counts.append(0)
        elif any(c.isalnum() for c in w):
            counts[-1] += 1
    return counts[0] <= limit and all(n <= item for n in counts[1:])


def _index_of(rules: Mapping) -> dict:
    """:func:`_cue_index` of ``rules``, kept for rules whose phrase sets are frozen (as
    :data:`RULES`'s are), so that each document does not build it again."""
    kinds = (rules["pseudo"], rules["before"], rules["after"])
    if all(isinstance(phrases, frozenset) for phrases in kinds):
        return _frozen_index(*kinds)
    return _cue_index(rules)


@lru_cache(maxsize=8)
def _frozen_index(pseudo: frozenset, before: frozenset, after: frozenset) -> dict:
    return _cue_index({"pseudo": pseudo, "before": before, "after": after})


def _cue_index(rules: Mapping) -> dict[str, list[tuple[int, tuple[str, ...], tuple[str, ...]]]]:
    """For each first word of a cue or pseudo-cue, ``(size, phrase, kinds)`` of the phrases it
    opens, longest first, so that a sentence's words are matched against the few that can match."""
    index: dict[str, dict[tuple[str, ...], list[str]]] = {}
    for kind in ("pseudo", "before", "after"):
        for phrase in rules[kind]:
            if phrase:
                index.setdefault(phrase[0], {}).setdefault(phrase, []).append(kind)
    return {first: sorted(((len(p), p, tuple(k)) for p, k in phrases.items()), reverse=True)
            for first, phrases in index.items()}


def _cues(words: list[str], index: Mapping) -> list[tuple[str, int, int]]:
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
