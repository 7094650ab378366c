"""Cues that notes write by their shape rather than their words, for :mod:`crfner.assertion.negation`:
a minus sign opening an item of a list (``GI: -diarrhea``), a label whose whole answer is a cue
(``EtOH: denies.``), a table row's status cell (``Naproxen  500 mg  PO  STOPPED - AKI``), a
status after a spaced dash or in brackets (``lisinopril 20 mg daily - held today``); and, for the
other readings, a heading over what it says (``Family history:``, ``Return precautions:``)."""

from __future__ import annotations

from typing import Collection, Mapping, Sequence

import re

from bisect import bisect_right

from ..text.list_items import marker_end
from ..text.notes import note_sections
from ..text.section_names import COLUMN_GAP, normal_name
from ..text.splitter import LINE_BREAK
from .cues import find_cues

__all__ = ["AFTER_STATUS", "LABEL_MARK", "column_gaps", "cue_word", "dashed_status", "item_start", "joined_statuses", "label_answer",
           "listed_under_labels", "minus_signs", "opening_lists", "status_cell", "status_labels", "unchecked_boxes", "under_headings"]

#: A cue written as a label ("Denies: fever, chills", "Negative for: rash"): its colon ends nothing.
LABEL_MARK = ":"
_GAP = re.compile(COLUMN_GAP)
_BLANK_LINE = re.compile(rf"(?:{LINE_BREAK.pattern})[ \t]*(?:{LINE_BREAK.pattern})")
_DASHES = frozenset("- \u2013 \u2014".split())
#: What may follow a status after a dash or in brackets: the item's end, a mark, or a time or a
#: reason (``- held today``, ``- stopped on admission``, ``- discontinued due to AKI``).
_ENDS_ITEM = frozenset(". , ;".split())
# A status written as an order: it negates only where it ends the item ("meloxicam 15 mg - stop 7 days before
# surgery" is taken until then; "lisinopril - hold" is not taken now).
_ORDERS = frozenset("stop hold discontinue".split())
AFTER_STATUS = frozenset(". , ; ( today yesterday tonight now currently on since for due because per in at until x pending while".split())


def cue_word(text: str, token) -> str:
    """A token as the cue phrases are written: lower case, a curly apostrophe straight (didn’t is didn't)."""
    return text[token.start:token.end].lower().replace("\u2019", "'")


def minus_signs(text: str, sentence, words: Sequence[str], signs: Collection[str]) -> list[tuple[int, int]]:
    """``(first, end)`` of each minus sign in ``sentence`` that opens an item of a list, as
    review-of-systems and exam lines mark a finding absent: ``-`` or ``(-)`` before a word, after a
    colon, comma, semicolon or bracket (``GI: -diarrhea``, ``+ nausea, - diarrhea``, ``Resp: (-) cough``),
    or ``(-)`` opening its line. Not a result after its test (``anti-HBs (-), anti-HBc (+)``, as case
    reports write them), a hyphen (``x-ray``, ``right -sided``), or a bullet opening its line (``- aspirin``)."""
    found = []
    for k, word in enumerate(words):
        if word in signs:
            first, end = k, k + 1
        elif word == "(" and k + 2 < len(words) and words[k + 1] in signs and words[k + 2] == ")":
            first, end = k, k + 3
        else:
            continue
        if end >= len(words) or not words[end][:1].isalpha():
            continue
        k = sentence[first].start - 1
        while k >= 0 and text[k] in " \t":
            k -= 1
        if (text[k] in ",;:(") if k >= 0 and not LINE_BREAK.match(text, k) else end - first == 3:  # else it opens a line
            found.append((first, end))
    return found


def unchecked_boxes(words: Sequence[str]) -> list[tuple[int, int]]:
    """``(first, end)`` of each empty checkbox before a word, ``[ ]`` or ``[]``, as a form marks an option
    not chosen (``Isolation: [ ] contact [ ] droplet [x] none``): the option is absent."""
    return [(k, k + 2) for k in range(len(words) - 2) if words[k] == "[" and words[k + 1] == "]" and words[k + 2][:1].isalpha()]


def label_answer(words: Sequence[str], answers: Collection[tuple[str, ...]]) -> tuple[int, int, int] | None:
    """``(colon, start, end)`` where a sentence is a label and a colon answered by one of ``answers``
    and nothing else but a full stop (``EtOH : denies .``, ``Tobacco : never``): the label's words
    lie before ``colon``, the answer is ``words[start:end]``."""
    if ":" not in words:
        return None
    colon = words.index(":")
    end = len(words) - (words[-1] == ".")
    if colon == 0 or not any(c.isalnum() for w in words[:colon] for c in w) or tuple(words[colon + 1:end]) not in answers:
        return None
    return colon, colon + 1, end


def column_gaps(text: str, sentence) -> set[int]:
    """Each ``k`` where a table's cell gap (:data:`crfner.text.section_names.COLUMN_GAP`: a tab or three
    spaces) lies between ``sentence``'s tokens ``k - 1`` and ``k``."""
    if "\t" not in text[sentence[0].start:sentence[-1].end] and "   " not in text[sentence[0].start:sentence[-1].end]:
        return set()  # no cell gap: most sentences, read at once
    return {k for k in range(1, len(sentence)) if _GAP.fullmatch(text, sentence[k - 1].end, sentence[k].start)}


def status_cell(text: str, sentence, words: Sequence[str], statuses: Collection[tuple[str, ...]],
                gaps: Collection[int] | None = None) -> tuple[int, int, int] | None:
    """``(second, start, end)`` where a sentence is a table's row (cells apart by a tab or three
    spaces, :data:`crfner.text.section_names.COLUMN_GAP`) one of whose cells after the first opens
    with one of ``statuses`` (``Naproxen  500 mg  PO  BID  STOPPED - AKI``, a medication
    reconciliation's status column): what the first cell names (its words lie before ``second``,
    the second cell's first word) is negated by ``words[start:end]``; ``gaps``, the sentence's
    :func:`column_gaps` where the caller has them. Else, a :func:`dashed_status`."""
    if not statuses or len(sentence) < 2:
        return None
    opens = sorted(column_gaps(text, sentence) if gaps is None else gaps)
    longest = max(len(phrase) for phrase in statuses)
    for k in opens:
        size = _phrase_at(words, k, statuses, longest)
        if size:
            return opens[0], k, k + size
    return dashed_status(text, sentence, words, statuses)


def dashed_status(text: str, sentence, words: Sequence[str], statuses: Collection[tuple[str, ...]]) -> tuple[int, int, int] | None:
    """``(mark, start, end)`` where an item ends in one of ``statuses`` after a spaced dash, or in
    brackets, as medication lists write a drug not being given (``lisinopril 20 mg daily - held
    today``, ``HCTZ 25 mg (discontinued)``): what the words before ``mark`` name is negated by
    ``words[start:end]``. Only a status that ends the item, or that a time or a reason follows
    (:data:`AFTER_STATUS`, or a number: ``- stopped 2 weeks ago``), and an order (``stop``, ``hold``)
    only where it ends the item, so that a problem list's plan (``# DM2 - hold metformin``) and a
    drug to stop later (``meloxicam 15 mg daily - stop 7 days before surgery``) negate nothing."""
    if not statuses or "-" not in words and "(" not in words and "\u2013" not in words and "\u2014" not in words:
        return None
    longest = max(len(phrase) for phrase in statuses)
    for k in range(1, len(words) - 1):
        bracket = words[k] == "("
        if not bracket and not (words[k] in _DASHES and text[sentence[k].start - 1].isspace()
                                and sentence[k].end < len(text) and text[sentence[k].end].isspace()):
            continue
        size = _phrase_at(words, k + 1, statuses, longest)
        if not size:
            continue
        after = k + 1 + size
        if bracket:
            if after == len(words) or words[after] != ")":
                continue
            after += 1
        if after == len(words) or words[after] in _ENDS_ITEM or (
                words[k + 1] not in _ORDERS and (words[after] in AFTER_STATUS or words[after][:1].isdigit())):
            return k, k + 1, k + 1 + size
    return None


def _phrase_at(words: Sequence[str], k: int, phrases: Collection[tuple[str, ...]], longest: int) -> int:
    """How many words the longest of ``phrases`` (of at most ``longest`` words) that ``words`` holds from ``k`` has, or 0."""
    return next((n for n in range(min(longest, len(words) - k), 0, -1) if tuple(words[k:k + n]) in phrases), 0)


def item_start(text: str, sentence) -> int:
    """The index of a sentence's first token past the list marker opening it (``- Return if``, ``2) Call``;
    :func:`crfner.text.list_items.marker_end`), 0 where none does."""
    opened = marker_end(text, sentence[0].start, sentence[-1].end)
    return 0 if opened is None else next((i for i, t in enumerate(sentence) if t.start >= opened), len(sentence))


def joined_statuses(text: str, sentences: Sequence, statuses: Collection[tuple[str, ...]]) -> list:
    """``sentences`` with each that opens with a spaced dash and a status (``- held today``), which the
    notes splitter cuts from the item before it on its line, joined to that item again, so that
    :func:`dashed_status` reads the two as one (``lisinopril 20 mg daily - held today``)."""
    out: list = []
    for sentence in sentences:
        if (statuses and out and cue_word(text, sentence[0]) in _DASHES and len(sentence) > 1
                and not LINE_BREAK.search(text, out[-1][-1].end, sentence[0].start)):
            joined = [*out[-1], *sentence]
            found = dashed_status(text, joined, [cue_word(text, t) for t in joined], statuses)
            if found is not None and found[0] == len(out[-1]):
                out[-1] = joined
                continue
        out.append(sentence)
    return out


#: Words a status label may hold between its status and its colon (``STOP taking these medications:``).
_LABEL_WORDS = frozenset("taking these the following medications medication meds drugs".split())
#: What ends a status label's reach in an item: a bracket's reason, a mark, or a condition (``ibuprofen
#: (took for pain)``, ``lisinopril until Cr improves``), whose findings the label does not stop.
_ENDS_REACH = frozenset("( ; . until for due because since while if after before when unless".split())


def status_labels(text: str, sentences: Sequence, statuses: Collection[tuple[str, ...]]) -> dict[int, tuple[int, int, int, int]]:
    """For each sentence a status label reaches, its number -> ``(cue start, cue end, reach start,
    reach end)`` in characters. A status label opens a sentence (past a list's marker) with one of
    ``statuses``, perhaps some of :data:`_LABEL_WORDS`, and a colon, as discharge medication lists
    write a drug's change (``STOP: ibuprofen``, ``Hold: lisinopril``, ``STOP taking these
    medications:`` over ``- ibuprofen``; alone on its line, with no colon if it says ``taking``, as
    Epic's discharge lists write ``STOP taking these medications`` over indented lines): it reaches
    the text after its colon on its line, or, alone on its line, each item of the list below it, a
    sentence with a marker or on a line indented deeper than the label's, up to the first that is
    neither or a blank line, in each up to a bracket, a mark or a condition (:data:`_ENDS_REACH`)."""
    found: dict[int, tuple[int, int, int, int]] = {}
    if not statuses:
        return found
    longest = max(len(phrase) for phrase in statuses)
    label = None  # a label alone on its line: its cue and its line's indent, over the list below
    for k, sentence in enumerate(sentences):
        first = item_start(text, sentence)
        if (label is not None and first < len(sentence) and (first > 0 or _indent(text, sentence[0].start) > label[2])
                and len(LINE_BREAK.findall(text, sentences[k - 1][-1].end, sentence[0].start)) < 2):  # no blank line between
            found[k] = (*label[:2], *_reach(text, sentence, first))
            continue
        label = None
        words = [cue_word(text, t) for t in sentence[first:first + longest + len(_LABEL_WORDS) + 1]]
        size = _phrase_at(words, 0, statuses, longest)
        colon = size
        while colon < len(words) and words[colon] in _LABEL_WORDS:
            colon += 1
        if not size or not (colon < len(words) and words[colon] == ":" or colon == len(sentence) - first and "taking" in words):
            continue  # no status label: with no colon, only one alone on its line that says "taking" ("STOP taking these medications")
        cue = (sentence[first].start, sentence[first + size - 1].end)
        if first + colon + 1 < len(sentence):
            found[k] = (*cue, *_reach(text, sentence, first + colon + 1))
        elif colon < len(words) and k + 1 < len(sentences) and not LINE_BREAK.search(text, sentence[-1].end, sentences[k + 1][0].start):
            found[k + 1] = (*cue, *_reach(text, sentences[k + 1], 0))  # cut from its label as a heading's text: "STOP: ibuprofen"
        else:
            label = (*cue, _indent(text, sentence[0].start))
    return found


def _indent(text: str, position: int) -> int:
    """How far the line holding ``position`` is indented: its blanks before its first character."""
    start = max(text.rfind("\n", 0, position), text.rfind("\r", 0, position)) + 1
    return len(text[start:position]) - len(text[start:position].lstrip(" \t"))


def _reach(text: str, sentence, first: int) -> tuple[int, int]:
    """``(start, end)`` in characters of what a status label reaches in ``sentence`` from token ``first``."""
    end = next((t for t in sentence[first + 1:] if cue_word(text, t) in _ENDS_REACH), None)
    return sentence[first].start, end.start if end is not None else sentence[-1].end


def under_headings(text: str, entities: Sequence, named: re.Pattern, passages=None, types=None,
                   paragraph: bool = False) -> dict[int, tuple[int, int]]:
    """For each of ``entities`` (by its index) of ``types`` (None: any) that lies under a heading whose
    name (:func:`crfner.text.section_names.normal_name`) ``named`` matches whole, before the next heading
    of any kind and, with ``paragraph``, before a blank line: the heading's ``(start, end)``."""
    every = note_sections(text, passages or None)
    if not any(named.fullmatch(normal_name(name)) for _, _, name in every):
        return {}
    starts = [start for start, _, _ in every]
    found = {}
    for k, entity in enumerate(entities):
        if types is not None and getattr(entity, "type", None) not in types:
            continue
        index = bisect_right(starts, entity.start) - 1
        if index < 0 or every[index][1] > entity.start or not named.fullmatch(normal_name(every[index][2])):
            continue
        start, end, _ = every[index]
        if paragraph and _BLANK_LINE.search(text, end, entity.start):
            continue
        found[k] = (start, end)
    return found


def listed_under_labels(text: str, sentences: Sequence, index: Mapping, terminators=frozenset(),
                         window: int = 0) -> dict[int, tuple[int, int, int]]:
    """For each sentence that is an item of a list right below a label on its line that ends in a
    cue, or in a cue and at most ``window`` words with no terminator (``Denies:``, ``Patient denies
    the following:``, ``Call your doctor if you have:`` over ``- fever`` and ``- chills``): its
    number -> (the cue's start and end, where the item's marker ends); the item reads as if the
    cue stood there. The list ends at the first sentence with no marker."""
    found: dict[int, tuple[int, int, int]] = {}
    cue = None
    for k, sentence in enumerate(sentences):
        opened = marker_end(text, sentence[0].start, sentence[-1].end)
        if cue is not None and opened is not None:
            found[k] = (*cue, opened)
            continue
        cue = None
        if len(sentence) >= 2 and text[sentence[-1].start:sentence[-1].end] == LABEL_MARK:
            words = [cue_word(text, t) for t in sentence[:-1]]
            ends = [(a, b) for kind, a, b in find_cues(words, index) if kind == "before"]
            if ends:
                a, b = ends[-1]
                rest = words[b:]
                if not any(w in terminators for w in rest) and sum(any(c.isalnum() for c in w) for w in rest) <= window:
                    cue = (sentence[a].start, sentence[b - 1].end)
    return found


def opening_lists(text: str, sentences: Sequence, openers: Collection[tuple[str, ...]], terminators: Collection[str],
                  clause_openers: Collection[str] = ()) -> dict[int, tuple[int, int, int, int]]:
    """For each sentence that opens (past a list's marker, and perhaps a label, ``Gastrointestinal:``)
    with one of ``openers`` (``Negative for``, as Epic's review of systems writes it; ``Differential
    diagnosis includes``): its number -> ``(cue start, cue end, reach start, reach end)`` in characters,
    the reach running to the sentence's end, the first of ``terminators`` or a comma before one of
    ``clause_openers`` (``, positive for``), however long its items, since such a list is the cue's alone."""
    found: dict[int, tuple[int, int, int, int]] = {}
    firsts = {phrase[0] for phrase in openers}
    longest = max(map(len, openers), default=0)
    for k, sentence in enumerate(sentences):
        head = [cue_word(text, t) for t in sentence[:longest + 6]]
        if not firsts.intersection(head):
            continue  # no opener among its first words: most sentences, read at once
        first = item_start(text, sentence)
        words = [cue_word(text, t) for t in sentence[first:first + longest + 6]]
        size = _phrase_at(words, 0, openers, longest)
        if not size and ":" in words[:5]:  # past a label: "Gastrointestinal: Negative for ..."
            first += words.index(":") + 1
            size = _phrase_at(words, words.index(":") + 1, openers, longest)
        if not size or first + size >= len(sentence):
            continue
        rest = [cue_word(text, t) for t in sentence[first + size:]]
        end = next((t.start for t, word, after in zip(sentence[first + size:], rest, [*rest[1:], None])
                    if word in terminators or word == "," and after in clause_openers), sentence[-1].end)
        cue_end = sentence[first + size - 1 - (size > 1 and cue_word(text, sentence[first + size - 1]) == LABEL_MARK)].end
        found[k] = (sentence[first].start, cue_end, sentence[first + size - 1].end, end)
    return found
