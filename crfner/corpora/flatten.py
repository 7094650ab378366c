"""Flattening policies: nested, overlapping and discontinuous standoff annotations → one flat
layer of contiguous mentions, and IOB2 sentences from it, counting every annotation lost.

A policy is ``"NESTING:DISCONTINUOUS"``. NESTING is ``outermost`` (of overlapping mentions
keep the longest) or ``innermost`` (keep the shortest); ties go to the earlier start, then the
type name. DISCONTINUOUS is ``span`` (cover first to last fragment), ``first`` (the first
fragment only) or ``drop``. A bare NESTING takes ``first``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

from ..errors import CrfnerError
from ..text import sentences, tagging_sentences
from ..text.statements import FULL_STOP, full_stopped
from .documents import Document, Mention, sorted_mentions

NESTING = ("outermost", "innermost")
DISCONTINUOUS = ("span", "first", "drop")
POLICIES = tuple(f"{n}:{d}" for n in NESTING for d in DISCONTINUOUS)
# Why an annotation is not tagged; kept + these add up to the annotations read.
# Counted but not lost: discontinuous ones of the selected types (spanned, cut or dropped),
# mentions widened to whole tokens, mentions a sentence boundary cuts in two.
INFO = ("discontinuous_in_types", "widened", "crosses_sentence")
LOSSES = ("unselected_type", "discontinuous", "duplicate", "nested", "overlapping", "token_clash", "no_tokens")

Fragments = Sequence[tuple[int, int]]


class CorpusOptionError(CrfnerError, ValueError):
    """An unknown entity type or flattening policy asked of a corpus."""


def parse_policy(policy: str) -> tuple[str, str]:
    """``(nesting, discontinuous)`` of a policy string; CorpusOptionError when unknown."""
    nesting, _, discontinuous = str(policy).partition(":")
    discontinuous = discontinuous or "first"
    if nesting not in NESTING or discontinuous not in DISCONTINUOUS:
        raise CorpusOptionError(
            f"unknown flattening policy {policy!r}; choose NESTING[:DISCONTINUOUS] with NESTING one of "
            f"{', '.join(NESTING)} and DISCONTINUOUS one of {', '.join(DISCONTINUOUS)}"
        )
    return nesting, discontinuous


def check_types(types: Iterable[str], known: Iterable[str], corpus: str) -> tuple[str, ...]:
    """``types`` as a tuple (or a comma-separated string), checked against the corpus's type names."""
    if isinstance(types, str):
        types = [t for t in types.split(",") if t]
    given = types
    types = tuple(types) if hasattr(types, "__iter__") and not isinstance(types, bytes) else None
    if types is None or not all(isinstance(t, str) for t in types):
        raise CorpusOptionError(f"{corpus}: types must be type names (a list, or one comma-separated string), not {given!r}")
    unknown = sorted(set(types) - set(known))
    if unknown or not types:
        raise CorpusOptionError(
            f"{corpus}: unknown entity type(s) {', '.join(map(repr, unknown)) or '(none given)'}; "
            f"known types: {', '.join(sorted(known))}"
        )
    return types


def flatten(
    text: str, entities: Iterable[tuple[str, Fragments]], types: Iterable[str], policy: str, stats: Counter | None = None
) -> list[Mention]:
    """One layer of contiguous mentions of ``types`` from ``(type, fragments)`` entities, in
    reading order; each entity left out is counted in ``stats`` under its reason (LOSSES)."""
    nesting, discontinuous = parse_policy(policy)
    stats = stats if stats is not None else Counter()
    wanted = set(types)
    candidates: list[Mention] = []
    for etype, fragments in entities:
        stats["annotations"] += 1
        fragments = sorted(fragments)
        if etype not in wanted:
            stats["unselected_type"] += 1
            continue
        if len(fragments) > 1:
            stats["discontinuous_in_types"] += 1
            if discontinuous == "drop":
                stats["discontinuous"] += 1
                continue
            start, end = fragments[0] if discontinuous == "first" else (fragments[0][0], max(b for _, b in fragments))
        else:
            start, end = fragments[0]
        candidates.append(Mention(start, end, etype, text[start:end]))
    sign = -1 if nesting == "outermost" else 1
    kept: list[Mention] = []
    for mention in sorted(candidates, key=lambda m: (sign * (m.end - m.start), m.start, m.type)):
        clash = next((k for k in kept if k.start < mention.end and mention.start < k.end), None)
        if clash is None:
            kept.append(mention)
        elif (clash.start, clash.end) == (mention.start, mention.end):
            stats["duplicate"] += 1
        elif clash.start <= mention.start and mention.end <= clash.end or mention.start <= clash.start and clash.end <= mention.end:
            stats["nested"] += 1
        else:
            stats["overlapping"] += 1
    return sorted_mentions(kept)


def tagged_sentences(documents: Iterable[Document], stats: Counter | None = None,
                     splitter: str = "abstract") -> Iterator[tuple[str, list[str], list[str]]]:
    """``(document id, tokens, IOB2 tags)`` of each sentence (crfner's own splitter and tokenizer)
    of flat documents. A mention tags every token it overlaps (widened to whole tokens, counted
    as ``widened``); one whose tokens an earlier mention already took is lost (``token_clash``);
    one crossing a sentence boundary begins anew in the next sentence (``crosses_sentence``).
    ``splitter="notes"`` cuts the sentences as tagging a note does (list markers, rule lines and
    de-identification placeholders left out: a mention only they hold is ``no_tokens``) and
    closes them as it does (:func:`crfner.text.statements.full_stopped`, the stop tagged ``O``),
    so that a model trained on notes reads them as it will be given them."""
    stats = stats if stats is not None else Counter()
    for document in documents:
        if splitter == "notes":
            split = [s for s in tagging_sentences(document.text, document.passages)[0] if s]
        else:
            split = [s for s in sentences(document.text, document.passages) if s]
        tokens = [t for sentence in split for t in sentence]
        starts, ends = [t.start for t in tokens], [t.end for t in tokens]  # both ascending: tokens never overlap
        tags = ["O"] * len(tokens)
        for mention in document.mentions:
            covered = range(bisect_right(ends, mention.start), bisect_left(starts, mention.end))
            if not covered:
                stats["no_tokens"] += 1
                continue
            if any(tags[i] != "O" for i in covered):
                stats["token_clash"] += 1
                continue
            if tokens[covered[0]].start != mention.start or tokens[covered[-1]].end != mention.end:
                stats["widened"] += 1
            tags[covered[0]] = f"B-{mention.type}"
            for i in covered[1:]:
                tags[i] = f"I-{mention.type}"
            stats["kept"] += 1
        offset = 0
        for sentence in split:
            part = tags[offset: offset + len(sentence)]
            if part[0].startswith("I-"):
                stats["crosses_sentence"] += 1
                part[0] = "B-" + part[0][2:]
            words = [t.text for t in sentence]
            if splitter == "notes" and len(full_stopped([words])[0]) > len(words):
                words, part = [*words, FULL_STOP], [*part, "O"]
            yield document.id, words, part
            offset += len(sentence)
