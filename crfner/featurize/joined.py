"""Frequencies and routes the tokenizer cut at their marks, read whole: ``b . i . d``, ``p . o``
and ``q . 4 . h`` are how raw text's tokens spell ``b.i.d.``, ``p.o.`` and ``q.4.h.``, and no
token alone says what the run means. With ``[abbreviations] joined`` each token of such a run
is read as the run's joined form, so the clinical patterns (a frequency, a route) and the
abbreviation senses (``p.o``: by mouth) see ``b.i.d`` where they saw ``b``, ``.``, ``i``, ...

A run is short parts of letters or digits joined by single ``.`` or ``/`` tokens, read whole
only when the joined form is a frequency or a route (``clinical.is_frequency``, ``is_route``).
Other cut short forms stay cut: read whole as abbreviations, the ward shorthand ``c/o``, ``s/p``,
``h/o`` and ``y/o`` pulled their neighbours into entities (a trial model tagged ``h/o DVT`` a
diagnostic procedure and ``myocardial infarction s/p`` a disease), and units (``mg/kg``) have a
unit for each word already. A full stop after the last part is left out of the run: it may end
the sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .clinical import is_frequency, is_route

#: The tokens that join a run's parts.
MARKS = frozenset("./")
#: The longest part (``q4h``, ``prn``) and the most tokens a run may have (``q . 4 . h``).
PART_LENGTH = 4
RUN_TOKENS = 7


def _part(token: str) -> bool:
    return 0 < len(token) <= PART_LENGTH and token.isalnum()


def _run_end(tokens: Sequence[str], start: int) -> int:
    """The end of the longest alternation part, mark, part, ... starting at ``start``."""
    end = start + 1
    while end + 1 < len(tokens) and end + 2 - start <= RUN_TOKENS and tokens[end] in MARKS and _part(tokens[end + 1]):
        end += 2
    return end


def cut_pattern(form: str) -> bool:
    """A joined form worth reading whole: a frequency (``b.i.d``, ``q.4.h``) or a route (``p.o``)."""
    return is_frequency(form) or is_route(form)


def joined_forms(tokens: Sequence[str], known: Callable[[str], bool] = cut_pattern) -> list[str]:
    """``tokens`` with each token of a known cut form replaced by the form's joined text; the
    longest known run from each position wins, and a token is in one run at most."""
    out = list(tokens)
    i = 0
    while i < len(tokens):
        end = _run_end(tokens, i) if _part(tokens[i]) else i + 1
        for stop in range(end, i + 2, -2):
            form = "".join(tokens[i:stop])
            if known(form):
                out[i:stop] = [form] * (stop - i)
                i = stop
                break
        else:
            i += 1
    return out
