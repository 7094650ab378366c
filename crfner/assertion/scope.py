"""Where a sentence's cues reach: the walk that finds, for an entity, the closest cue that reaches
it across a window of words and a list's items, stopped by terminators, table cells and clauses.
The rules (which phrases are cues) are the caller's (:mod:`crfner.assertion.negation` and the
readings that reuse its walk); this module holds only how far a cue reaches."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Collection, Mapping

from .cues import find_cues
from .note_cues import LABEL_MARK, column_gaps, cue_word, label_answer, minus_signs, status_cell, unchecked_boxes

__all__ = ["SentenceCues"]

_SEPARATORS = frozenset(", or nor /".split())
_SERIAL = 4  # how near an "and" a comma before it, and the list's end after it, make it a list's last (SentenceCues.serial)
_LIST_ENDS = frozenset(". , ; :".split())


class SentenceCues:
    """A sentence's words and cues, read once for all the entities in it: the before-cues by the
    word they end at, the after-cues by the word they start at, and where its tokens start and end."""

    __slots__ = ("answer", "clause_openers", "ending", "ends", "first_end", "gaps", "label", "last_start", "opening",
                 "reached", "serial", "starts", "terminators", "words")

    def __init__(self, text: str, sentence, index: Mapping, terminators, label: tuple[int, int, int] | None = None,
                 signs: Collection[str] = (), answers: Collection[tuple[str, ...]] = (),
                 statuses: Collection[tuple[str, ...]] = (), clause_openers: Collection[str] = ()):
        self.words = [cue_word(text, t) for t in sentence]
        self.starts = [t.start for t in sentence]
        self.ends = [t.end for t in sentence]
        self.terminators = terminators
        self.clause_openers = clause_openers  # a word that, right after a comma, opens a clause that ends a reach
        # a table's cells, words three spaces or a tab apart, are read apart: no reach crosses the gap before word k
        self.gaps = column_gaps(text, sentence)
        # a list's last "and" after a cue ("Negative for fever, chills and weight loss."): one that a comma comes shortly
        # before, not right before (", and" joins clauses in prose), and the list's end shortly after (not "recurrence
        # and metastases were found"), separates items too, walking back to a before-cue
        self.serial = {k for k, w in enumerate(self.words)
                       if w == "and" and k and self.words[k - 1] != "," and "," in self.words[max(0, k - _SERIAL):k]
                       and (len(self.words) - k <= _SERIAL or any(v in _LIST_ENDS for v in self.words[k + 1:k + _SERIAL + 1]))}
        self.ending: dict[int, int] = {}  # a before-cue's end -> its start
        self.opening: dict[int, tuple[int, bool, bool]] = {}  # a cue's start -> (end, a before-cue, an after-cue)
        for kind, a, b in find_cues(self.words, index):  # cues never overlap: one phrase at a start, one at an end
            if kind == "before" and self._hyphenated(b):
                continue  # a word of a compound: "no-reflow", "not-for-profit"
            if kind == "before":
                self.ending[b] = a
            _, before, after = self.opening.get(a, (b, False, False))
            self.opening[a] = (b, before or kind == "before", after or kind == "after")
        for a, b in minus_signs(text, sentence, self.words, signs) + (unchecked_boxes(self.words) if signs else []):
            if b not in self.ending and a not in self.opening:
                self.ending[b] = a
                self.opening[a] = (b, True, False)
        # a label's answer, or a table row's status cell, that negates what comes before it
        self.answer = label_answer(self.words, answers) or status_cell(text, sentence, self.words, statuses, self.gaps)
        # a label's cue over the list this sentence is an item of: an empty before-cue where the item's words start
        self.label = label
        if label is not None:
            opened = bisect_left(self.starts, label[2])
            self.ending.setdefault(opened, opened)
        # the walks stop where no cue lies farther: the first before-cue's end, the last after-cue's start
        self.first_end = min(self.ending, default=len(self.words) + 1)
        self.last_start = max((a for a, (_, _, after) in self.opening.items() if after), default=-1)
        # (step, place just past a list separator) -> what the walk from there finds: the same for
        # every entity whose walk gets there, so a long list after one cue is walked once
        self.reached: dict[tuple[int, int], tuple[int, int] | None] = {}

    def _hyphenated(self, k: int) -> bool:
        """Whether words ``k`` and ``k + 1`` are a hyphen joined to the words on both sides, no space between."""
        return (k + 1 < len(self.words) and self.words[k] == "-" and self.ends[k - 1] == self.starts[k]
                and self.ends[k] == self.starts[k + 1])

    def cue(self, entity, window: int, post_window: int, item: int) -> tuple[int, int] | None:
        """The character offsets of the closest cue that reaches the entity (the earlier of two as
        close), or None: a before-cue ``first - end`` words before its first word, a span that opens with its cue (0), an
        after-cue ``start - last`` words after its last word. Each side is walked outward from the
        entity only as far as a cue could still reach, so that a sentence of many cues and
        entities is read in time that grows with its length, not with its length cubed."""
        first = bisect_right(self.ends, entity.start)
        last = bisect_left(self.starts, entity.end) - 1
        if last < 0:
            last = first
        best = None  # (distance, cue start, cue end)
        before = self._reach(first, -1, window, item)
        if before is not None:
            best = (first - before[1], *before)
        span = self.opening.get(first)
        if span is not None and span[1] and span[0] <= last and self.starts[first] >= entity.start and (best is None or best[0] > 0):
            best = (0, first, span[0])  # a span that took its cue in: "Denies CP"
        # a span that took in the end of a cue ending in "of" or "for" (since version 23): "No [signs of bleeding]"
        inside = next((b for b in range(first + 1, last + 1) if self.ending.get(b, first) < first
                       and self.words[b - 1] in ("of", "for")), None)
        if inside is not None and (best is None or best[0] > 0):
            best = (0, self.ending[inside], inside)
        after = self._reach(last + 1, 1, post_window, item)
        if after is not None and (best is None or after[0] - last < best[0]):
            best = (after[0] - last, *after)
        if best is None and self.answer is not None and last < self.answer[0]:
            best = (0, *self.answer[1:])  # in a label whose answer is a cue ("EtOH: denies."), a row's first cell
        if best is None:
            return None
        _, a, b = best
        return self.label[:2] if a == b else (self.starts[a], self.ends[b - 1])  # a == b: the label's

    def _reach(self, position: int, step: int, limit: int, item: int) -> tuple[int, int] | None:
        """``(start, end)`` of the closest cue that reaches the entity from one side, walking
        outward from ``position``: backwards (``step`` -1) from its first word to before-cues
        ending there, forwards (1) from the word after its last to after-cues starting there. A cue
        reaches across no terminator, at most ``limit`` words next to it, then a list's items (after
        ``,``, ``or``, ``nor``, ``/``) of at most ``item`` words each ("no fever, chills, night
        sweats or weight loss"); once the words walked break that for every farther cue, the walk
        stops. Past a separator, what the walk finds no longer depends on where it started (the
        items walked past were short enough, and only the words since count), so it is kept
        (:attr:`reached`) for the next entity's walk that gets there."""
        passed: list[tuple[int, int]] = []
        found = self._walk(position, step, limit, item, passed)
        for place in passed:
            self.reached[place] = found
        return found

    def _walk(self, position: int, step: int, limit: int, item: int, passed: list) -> tuple[int, int] | None:
        words, terminators = self.words, self.terminators
        widest = 0  # the most words of an item walked past (a run a separator closed)
        run = 0  # the words between the last separator walked and the place walked to
        depth = 0  # walking back: brackets closed and not yet opened; a cue inside one reaches no farther
        k = position
        while True:
            if k in self.gaps:  # since version 23: "Ibuprofen   400 mg   PRN pain   DISCONTINUED"
                return None
            if step < 0:
                a = self.ending.get(k)  # a before-cue words[a:k], words[k:position] between
                if a is not None and run <= limit and widest <= item and depth <= 0:
                    return a, k
                k -= 1
                if k < self.first_end:  # no cue ends before here
                    return None
                word = words[k]
                depth += (word == ")") - (word == "(")
            else:
                cue = self.opening.get(k)  # an after-cue words[k:end], words[position:k] between
                if cue is not None and cue[2] and run <= limit and widest <= item:
                    return k, cue[0]
                if k >= self.last_start:  # no cue starts after here
                    return None
                word = words[k]
                k += 1
            if word in terminators and not (step < 0 and word == LABEL_MARK and k in self.ending):
                return None
            following = k + 1 if step < 0 else k  # the word after this one
            if word == "," and following < len(words) and words[following] in self.clause_openers:
                return None
            if word in _SEPARATORS or word == "and" and step < 0 and k in self.serial:
                widest, run = max(widest, run), 0
                if widest > item:  # an item too long for any farther cue to reach across
                    return None
                if depth == 0 and (step, k) in self.reached:
                    return self.reached[step, k]
                if depth == 0:
                    passed.append((step, k))
            elif any(c.isalnum() for c in word):
                run += 1
            if run > max(limit, item):  # this run is next to a farther cue, or one of its items
                return None
