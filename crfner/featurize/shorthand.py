"""Ward shorthand written with a slash, read as the words it stands for: ``c / o``, ``s / p``,
``y / o`` and ``w /`` are how raw text's tokens spell a note's ``c/o`` (complains of), ``s/p``
(status post), ``y/o`` (years old) and ``w/`` (with). Case reports write the words, so a model
trained on them has weights for "complained of" and none for ``c``, ``/``, ``o``; there a lone
``/`` sits between a value and its unit (``mg / kg``, ``120 / 80``), and a trial model tagged
"c/o SOB" a diagnostic procedure and "64 y/o woman w/ HTN" a lab value. With ``[abbreviations]
shorthand`` each token of such a run is read as a word of what it stands for, before all
features: the last token as the last word, the tokens before it as the words before that, the
last of them repeated where the run has more tokens than the phrase has words before its last
(``c / o`` as "complained complained of", so the token after it has "complained of" before it,
as in prose; ``w /`` as "with with").

The forms are written here by hand: phrases of a note's grammar, which case reports spell out,
and ``n/v``. Each but ``w/`` is in Stetson's clinical abbreviation list
(``clinical/lexicons/abbreviations/stetson.tsv`` in the data folder) with that phrase as its
only or usual sense, save that ``y/o`` is read "year old", as case reports' "67-year-old" has
it, and ``c/o`` and ``p/w`` in the past tense case reports narrate in ("complained of",
"presented with"): in a trial the list's present tense, no word of MACCROBAT's training
reports, left "Pt c/o SOB." with ``c/`` tagged a diagnostic procedure. Left out: ``d/c``
(discharge or discontinue), ``b/l`` (bilateral, which case reports annotate inside anatomy
entities) and units (``g/dl``, ``U/L``), which case reports write with the slash too. A form is
read only when its run is not part of a longer one (``a/w/o``), and ``w /`` only when no
one-character part follows (``w/o`` is without; ``w/v`` and ``w/w`` are concentrations).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["SHORTHAND", "glued", "reading", "shorthand_words"]

#: Slash shorthand (lower case, as ``first/second`` or ``first/``) -> the phrase it is read as. Part of
#: what ``shorthand = true`` computes, which a saved model does not store: a change here is a new
#: version of each feature set that declares it (``clinical`` since version 14), and models saved
#: before it warn when loaded (:mod:`.probe`).
SHORTHAND = {
    "c/o": "complained of",
    "s/p": "status post",
    "h/o": "history of",
    "y/o": "year old",
    "w/o": "without",
    "w/": "with",
    "r/o": "rule out",
    "f/u": "follow up",
    "p/w": "presented with",
    "c/w": "consistent with",
    "c/b": "complicated by",
    "d/w": "discussed with",
    "n/v": "nausea / vomiting",
}
_MARK = "/"


def reading(phrase: str, n_tokens: int) -> tuple[str, ...]:
    """The words ``n_tokens`` tokens of a run read as (see the module docstring)."""
    words = phrase.split()
    before = words[:-1] or words
    return tuple(before[min(i, len(before) - 1)] for i in range(n_tokens - 1)) + (words[-1],)


def _cut(form: str) -> tuple[str, ...]:
    """A form's tokens as raw text's tokenizer cuts it: ``c/o`` -> ``c``, ``/``, ``o``."""
    return tuple(form.replace(_MARK, f" {_MARK} ").split())


_READINGS = {_cut(form): reading(phrase, len(_cut(form))) for form, phrase in SHORTHAND.items()}


def _part(token: str) -> bool:
    return len(token) == 1 and token.isalnum()


def _runs(tokens: Sequence[str]):
    """``(start, words)`` of each slash shorthand run read in ``tokens``, in order."""
    n = len(tokens)
    i = 0
    while i < n:
        if not _part(tokens[i]) or i + 1 >= n or tokens[i + 1] != _MARK or (i > 0 and tokens[i - 1] == _MARK):
            i += 1
            continue
        if i + 2 < n and _part(tokens[i + 2]):
            run = (tokens[i].lower(), _MARK, tokens[i + 2].lower())
            chained = i + 3 < n and tokens[i + 3] == _MARK
        else:
            run, chained = (tokens[i].lower(), _MARK), False
        words = None if chained else _READINGS.get(run)
        if words is not None:
            yield i, words
            i += len(run)
        else:
            i += 1


def shorthand_words(tokens: Sequence[str]) -> list[str]:
    """``tokens`` with each token of a slash shorthand run replaced by the word it reads as."""
    out = list(tokens)
    if _MARK not in out:  # most sentences: one scan in C instead of a loop over the tokens
        return out
    for start, words in _runs(tokens):
        out[start : start + len(words)] = words
    return out


def glued(tokens: Sequence[str]) -> list[bool] | None:
    """Per token, whether it continues a shorthand run read as one phrase (``s / p``: False, True,
    True), which an entity must take whole or leave out (``CAD s /`` is no entity); None where
    ``tokens`` hold no such run. ``n / v`` reads as two words apart, each of which may be an entity."""
    out = None
    if _MARK not in tokens:
        return out
    for start, words in _runs(tokens):
        if _MARK in words:
            continue
        if out is None:
            out = [False] * len(tokens)
        out[start + 1 : start + len(words)] = [True] * (len(words) - 1)
    return out
