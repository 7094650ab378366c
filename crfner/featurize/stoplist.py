"""A data-driven gazetteer stoplist: the matches a term list makes in labelled training text
that are almost never (part of) an entity there, such as ``or`` and sentence-initial ``In``
in a chemical list or ``can`` in a disease list.

A matched span (its tokens as written) is stopped when it was matched at least ``min_count``
times and every token of the match was labelled ``O`` in at least ``min_o_share`` of them.
:func:`filter_terms` then drops the list's terms that could produce a stopped match (their
exact tokens, or their normalised ones, equal the span's), so the greedy matcher no longer
finds them. Experimental (issue 15, lever 2): measured by ``benchmarks/accuracy_levers.py``
on filtered copies of the lists; a tagger does not yet compute or store it at fit time.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from .gazetteer import Gazetteer
from .gazetteer_terms import is_word, read_terms, term_variants, tokenize_term

OUTSIDE = "O"


def match_counts(gazetteer: Gazetteer, X: Sequence[Sequence[str]], y: Sequence[Sequence[str]]) -> tuple[Counter, Counter]:
    """How often each matched span (tokens as written, as a tuple) occurs in the sentences,
    and how often every one of its tokens is labelled ``O``."""
    total: Counter = Counter()
    outside: Counter = Counter()
    for tokens, labels in zip(X, y):
        for start, end, _ in gazetteer.match(tokens):
            span = tuple(tokens[start:end])
            total[span] += 1
            if all(label == OUTSIDE for label in labels[start:end]):
                outside[span] += 1
    return total, outside


def learn_stoplist(
    gazetteer: Gazetteer, X: Sequence[Sequence[str]], y: Sequence[Sequence[str]], min_count: int = 5, min_o_share: float = 0.95
) -> list[tuple[str, ...]]:
    """The spans matched at least ``min_count`` times and labelled all-``O`` in at least
    ``min_o_share`` of them, sorted (so the result is reproducible)."""
    if min_count < 1 or not 0.0 < min_o_share <= 1.0:
        raise ValueError("min_count must be >= 1 and min_o_share in (0, 1]")
    total, outside = match_counts(gazetteer, X, y)
    return sorted(span for span, n in total.items() if n >= min_count and outside[span] >= min_o_share * n)


def _stop_keys(stoplist: Sequence[Sequence[str]]) -> tuple[set, set]:
    exact = {tuple(span) for span in stoplist}
    normalised = {tuple(t.lower() for t in span if is_word(t)) for span in stoplist}
    return exact, normalised


def filter_terms(terms: Sequence[str], stoplist: Sequence[Sequence[str]]) -> list[str]:
    """``terms`` less those whose exact variant equals a stopped span or whose normalised
    variant equals the span's normalised words (those are the terms that matched it)."""
    exact_stop, norm_stop = _stop_keys(stoplist)
    kept = []
    for term in terms:
        exact, normalised = term_variants(tokenize_term(term))
        if tuple(exact) in exact_stop or (normalised and tuple(normalised) in norm_stop):
            continue
        kept.append(term)
    return kept


def write_filtered(path: str | os.PathLike, stoplist: Sequence[Sequence[str]], out: str | os.PathLike) -> int:
    """Copy a ``term<TAB>identifier`` file to ``out`` without the stopped terms' lines; the
    number of lines dropped."""
    terms, data = read_terms(path)
    kept = set(filter_terms(terms, stoplist))
    dropped = 0
    lines = []
    for line in data.decode("utf-8-sig").split("\n"):
        term = line.rstrip("\r").partition("\t")[0].strip()
        if term and term not in kept:
            dropped += 1
            continue
        lines.append(line)
    Path(out).write_text("\n".join(lines), encoding="utf-8")
    return dropped
