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
negated by it. A cue written as a label alone on its line (``Denies:``, ``Negative for:``) with
a list below it, as the notes splitter cuts them, reaches into each item of that list as if it
stood at the item's start ("Denies:" over "- fever, chills or night sweats"). Sentences are cut by crfner's splitters (``splitter=``), as tagging cuts them. The cue
lists are :data:`RULES`, versioned. They were written against MACCROBAT2020's train split,
whose polarity annotations are the gold, and the three reaches chosen on its train and devel
splits together, devel's 79 negations being too few to tell them apart (``benchmarks/negation.py``;
the figures are in the README).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from typing import Collection, Mapping, Sequence

from ..text.splitters import split_text
from .cues import checked_rules, cue_index, cue_phrases, phrase_filter
from .note_cues import joined_statuses, listed_under_labels, opening_lists, status_labels
from .scope import SentenceCues

__all__ = ["NEGATION_FIELDS", "Negation", "RULES", "RULES_VERSION", "cue_phrases", "narrower_pass", "negation_record",
           "negations"]

#: 2 since 2026-12-05: a colon right after a cue ends nothing ("Denies: fever, chills"), a
#: curly apostrophe reads as a straight one ("didn’t"), and "No. of" (a number) is no cue.
#: 3 since 2026-12-05: a cue as a label alone on its line reaches into the list below it, and a
#: cue before an entity joined by a hyphen to the next word ("no-reflow") is a word of a compound.
#: 4 since 2026-12-07: ward shorthand, as review-of-systems and exam lines write it: ``neg for``, ``w/o``,
#: ``r/o`` (as ``negative for``, ``without``, ``rule out``), and a minus sign or ``(-)`` opening an item
#: (``GI: -diarrhea``, ``nausea, - diarrhea``, ``Resp: (-) cough``); a plus sign (``+``, ``(+)``) ends a cue's reach.
#: 5 since 2026-12-07: a label's whole answer negates what the label names (``EtOH: denies.``, ``Tobacco: never``,
#: ``Lymphovascular invasion: not identified.``).
#: 6 since 2026-12-07: a table row's status cell (``STOPPED``, ``Held``, ``D/C``) negates the drug of its first cell.
#: 7 since 2026-12-07: a drug held and an order declined or refused (``lisinopril held``, ``colonoscopy was declined``).
#: 8 since 2026-12-07: a label over a list may end in its cue and a few words (``Patient denies the following:``).
#: 9 since 2026-12-07: ``rule out`` and ``r/o`` before an entity are no cue: a finding still in question, which
#: MACCROBAT marks uncertain (:func:`crfner.uncertainties`), not absent; ``ruled out`` still negates.
#: 10 since 2026-12-07: a drug stopped or discontinued for a reason does not negate the reason (``stopped for bleeding``).
#: 11 since 2026-12-07: a status after a spaced dash or in brackets that ends a list's item negates what the item names
#: (``lisinopril 20 mg daily - held today``, ``HCTZ 25 mg (discontinued)``; not ``# DM2 - hold metformin``).
#: 12 since 2026-12-07: a drug weaned off and a device not in use, after it (``Norepinephrine weaned off``, ``PCA not in use``).
#: 13 since 2026-12-07: ``no family history of``, ``no personal or family history of``, reaching as far as ``no history of``;
#: an order after a dash (``- stop``, ``- hold``) negates only where it ends the item (not ``- stop 7 days before surgery``).
#: 14 since 2026-12-07: a status label negates the drugs it reaches (``STOP: ibuprofen``, ``STOP taking these medications:``
#: over a list), up to a bracket or a condition.
#: 15 since 2026-12-07: a list's last "and" after a comma separates its items ("Negative for fever, chills and weight loss").
#: 16 since 2026-12-07: a status label alone on its line with no colon that says "taking" (Epic's ``STOP taking these
#: medications``) reaches the lines indented below it, as a marked list.
#: 17 since 2026-12-07: a cue inside brackets reaches no entity after them ("(PE excluded) vs viral pleuritis"), and "by"
#: ends a cue's reach ("ACS ruled out by serial troponins"), save in ``not accompanied by`` and its like.
#: 18 since 2026-12-07: "does not stop" and its like negate nothing ("bleeding that does not stop, or swelling";
#: "Do not stop taking clopidogrel").
#: 19 since 2026-12-07: an order to hold a drug negates the entity right after it (``Hold warfarin tonight``).
#: 20 since 2026-12-07: a comma followed by "with" or "normal" ends a cue's reach ("Negative for PE, with LLL
#: consolidation"; "no gallstones, normal liver echotexture"), and so do "if" and "unless" ("to be stopped if the
#: synovitis settles").
#: 21 since 2026-12-07: "discontinued" and "stopped" right after an entity ("chemotherapy discontinued 3 weeks ago"),
#: an order to stop or discontinue a drug (``Stop ibuprofen``), and a bracket after a status gives a reason, not an
#: absence ("metformin - discontinued (poor intake, risk of hypoglycemia)").
#: 22 since 2026-12-07: a drug stopped for a reason is negated, the reason still not ("Plavix stopped for GI bleed"),
#: and "given", "in view of", "secondary to" and "in the setting of" give a reason ("discontinued given Cr bump").
#: 23 since 2026-12-07: "during" and ", positive" end a reach ("menses stopped during chemotherapy"), a table's cells
#: are read apart, ``Negative for`` opening a sentence reaches its end (Epic's review of systems), ``declines``, ``not
#: started`` and their like are cues, and a span that took in the end of its cue is negated by it ("No [signs of bleeding]").
#: 24 since 2026-12-07: ``not performed``, ``not done``, ``not obtained`` and ``contraindicated`` after an entity, "pending"
#: ends a reach ("Avoided NSAIDs pending CTA"), and the sentence openers of version 23 are ``RULES["list_openers"]``.
#: 25 since 2026-12-07: an empty checkbox negates the option after it, and "[" ends a reach (``Isolation: [ ] contact
#: [ ] droplet [x] none``).
#: 26 since 2026-12-07: ``not suspected`` and ``deferred`` after an entity, and an order to avoid a drug (``Avoid
#: NSAIDs``; not "to avoid", a purpose).
#: 27 since 2026-12-07: ``Denies`` opening a sentence reaches its end as ``Negative for`` does (not ", endorses X").
#: 28 since 2026-12-08: an order with a limit after its drug is a ceiling, not an absence: neither the drug nor the
#: dose is negated ("Avoid acetaminophen > 2 g/day", "more than", "over", "exceeding" and a number).
#: 29 since 2026-12-08: an order reaches the drugs listed after its first ("Holding lisinopril and furosemide"),
#: each of its type and joined to the one before by a comma, "and", "or" or "/" alone, in a list not of commas alone.
RULES_VERSION = 29


# Lower-case word sequences, as crfner's tokenizer cuts them ("didn't" is "didn ' t").
RULES = {
    "before": cue_phrases(
        "no, not, without, denies, denied, deny, denying, negative for, free of, absence of, absent, neither, nor, never",
        "none of, no evidence of, no sign of, no signs of, no history of, did not, does not, do not, was not, were not",
        "is not, are not, has not, have not, had not, cannot, could not, didn ' t, doesn ' t, wasn ' t, don ' t",
        "unremarkable for, resolution of, cessation of, discontinuation of, withdrawal of, withdrew, stopped, discontinued",
        "weaned from, weaned off, quit, ceased, ruled out, excluded, disappearance of, failed to show",
        "refused, declined, rejected, avoided, not accompanied by, unaccompanied by, not caused by, not explained by",
        "declines, refuses",
        "was not accompanied by, were not accompanied by, is not accompanied by, are not accompanied by",
        "no family history of, no personal or family history of, no personal history of, no fhx of, no fh of, no family hx of",
        # ward shorthand, as the tokenizer cuts it: "neg for", "w/o" (a minus sign: minus_signs below); not "r/o" nor
        # "rule out", a finding still in question (crfner.assertion.uncertainty), since version 9
        "neg for, w / o",
    ),
    "after": cue_phrases(
        "was ruled out, were ruled out, ruled out, was excluded, were excluded, excluded, resolved, disappeared",
        "was discontinued, were discontinued, was stopped, were stopped, was withdrawn, were withdrawn, subsided",
        "was absent, were absent, not seen, not found, not detected, not observed, relieved, was relieved, were relieved",
        "normalized, normalised, was not, were not, free",
        "held, was held, were held, on hold, was declined, were declined, declined by, was refused, were refused, refused by",
        "weaned off, was weaned off, were weaned off, not in use",
        "discontinued, stopped",  # since version 21, as notes write it: "chemotherapy discontinued 3 weeks ago"
        "not started, not yet started, not given, not yet given, not initiated, not administered",
        "not performed, not done, not obtained, contraindicated, is contraindicated, was contraindicated",  # since 24
        "not suspected, was not suspected, is not suspected, deferred, was deferred",  # since 26
        # a drug stopped for a reason: the reason is no absence ("Plavix stopped for GI bleed"), since version 10 (pseudo-
        # cues until version 21; since 22 after-cues, which negate the drug and reach no entity after them)
        "stopped for, stopped due to, stopped because of, stopped owing to, discontinued for, discontinued due to",
        "discontinued because of, discontinued owing to, withdrawn due to, ceased due to, quit due to",
        "stopped given, discontinued given, stopped in view of, discontinued in view of, stopped secondary to",
        "discontinued secondary to, stopped in the setting of, discontinued in the setting of",
    ),
    # phrases that hold a cue but negate nothing: matched first, so their words are no cue
    "pseudo": cue_phrases(
        "no change, no changes, no increase, no further change, not only, not necessarily, no longer able",
        "not be excluded, not be ruled out, not ruled out, not excluded, cannot exclude, could not exclude",
        "no improvement, not improve, did not improve, not respond, did not respond",
        "does not stop, do not stop, did not stop, doesn ' t stop, don ' t stop, didn ' t stop, will not stop",
        "do not discontinue, don ' t discontinue, did not discontinue, should not be discontinued",
        "cannot rule out, could not rule out, not rule out, without changes, not certain whether, gram negative",
        "no . of",  # "No. of nodules": a number
        # a bracket after a status: a reason in notes, since version 21 ("metformin - discontinued (poor intake)")
        "stopped (, discontinued (, held (, d / c (, d / c ' d (, dc ' d (",
    ),
    # words that end a cue's reach
    "terminators": frozenset(
        "but however although though except apart aside whereas while which who yet still nevertheless by if unless during"
        " pending ; : + [".split()  # "[": a checkbox opens the next option of a form (version 25)
    ),
    # signs that, opening an item of a list, mark its finding absent: "GI: -diarrhea", "Resp: (-) cough"
    # (see crfner.assertion.note_cues.minus_signs); optional in rules= given by hand, which predate it
    "minus_signs": frozenset("- \u2212".split()),
    # a label's answer: "EtOH: denies.", "Tobacco: never", "Illicit drugs: none", as social-history and
    # review-of-systems templates write them, negate what the label names (see crfner.assertion.note_cues.label_answer); optional
    # in rules= given by hand, which predate it
    "answers": cue_phrases("denies, denied, deny, none, no, negative, neg, absent, never, not present",
                        "not identified, not seen, not found, not detected"),
    # a table row's status cell: "Naproxen  500 mg  PO  STOPPED - AKI" in a medication reconciliation
    # negates the drug of its first cell, and so does a status ending an item after a spaced dash
    # (crfner.assertion.note_cues.status_cell, dashed_status); optional in rules= given by hand, which predate it
    "statuses": cue_phrases("stopped, stop, discontinued, discontinue, d / c, d / c ' d, dc ' d, held, hold, not taking",
                         "suspended, cancelled, canceled"),
    # an order to hold a drug ("Hold warfarin tonight", "continue to hold home lisinopril"), since version 19, or to stop
    # it ("Stop ibuprofen"), since version 21: negates the entity within one word after it and no list, so not the
    # reason ("hold anticoagulation for now given thrombocytopenia") nor a parameter ("hold for SBP < 90", a
    # pseudo-cue); optional in rules= given by hand
    "orders": cue_phrases("hold, holding, continue to hold, will hold, hold off on, stop, discontinue, d / c, avoid"),
    # a cue opening a sentence (past a marker and a label) that reaches its end however long its items (Epic's review of
    # systems: "GI: Negative for abdominal pain, blood in stool and vomiting."), since version 23 (note_cues.opening_lists)
    "list_openers": cue_phrases("negative for, neg for, denies, pt denies, patient denies, he denies, she denies"),
}
_ORDER_WORDS = phrase_filter(RULES["orders"])
# a limit after an order's drug ("Avoid acetaminophen > 2 g/day"): the order is a ceiling, since version 28
_LIMIT = re.compile(r"(?:>=?|\u2265|\b(?:more than|greater than|over|above|exceeding|in excess of))\s*\d", re.IGNORECASE)
# what joins the items of an order's list ("Hold lisinopril, HCTZ and metformin"), since version 29
_JOINED = re.compile(r"\s*(?:,|/|(?:,\s*)?(?:and|or)(?=\s))\s*", re.IGNORECASE)
_ORDER_PSEUDO = cue_phrases("hold for, hold if, hold parameter, hold parameters, hold off, holding area, to avoid")
# a word that, right after a comma, opens a clause of its own ("Negative for PE, with LLL consolidation"), since version 20
# ("positive" since 23, "Negative for fever, positive for cough"; "endorses", "reports" ... since 27)
_CLAUSE_OPENERS = frozenset("with normal positive endorses reports admits complains notes has".split())


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
              types: Collection[str] | None = None, sentences: Sequence | None = None) -> list[Negation]:
    """A :class:`Negation` for each of ``entities`` (anything with character ``start`` and
    ``end`` in ``text``, such as :func:`crfner.tag_text`'s entities), in their order; see the
    module for the rules. ``passages`` (a title and an abstract) are split apart, as tagging
    splits them. ``window``, ``post_window`` and ``item`` count words (not
    punctuation). ``rules`` replaces :data:`RULES` (the same keys: cue phrases as tuples of
    lower-case tokens, terminators as a set), e.g. to add a cue of your notes. ``types``, type
    names, limits negation to the entities of those types (their ``type``); the others are not
    negated (MACCROBAT almost never negates a test, whatever words come before it). ``sentences``
    is the text already split, as ``split_text(text, passages, splitter)`` gives it: a caller that
    reads several rule sets over one text (:data:`crfner.assertion.READINGS`) splits it once."""
    for name, value in (("window", window), ("post_window", post_window), ("item", item)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number of at least 0, not {value!r}")
    if isinstance(types, str) or types is not None and not all(isinstance(t, str) for t in types):
        raise ValueError(f"types must be a collection of type names, not {types!r}")
    types = None if types is None else frozenset(types)
    rules = RULES if rules is None else checked_rules(rules)
    index = cue_index(rules)
    sentences = [s for s in (split_text(text, passages or None, splitter) if sentences is None else sentences) if s]
    sentences = joined_statuses(text, sentences, rules.get("statuses", ()))
    reached = status_labels(text, sentences, rules.get("statuses", ())) if ":" in text or "taking" in text.lower() else {}
    if rules.get("list_openers"):  # see RULES["list_openers"]
        reached = {**opening_lists(text, sentences, rules["list_openers"], rules["terminators"], _CLAUSE_OPENERS), **reached}
    starts = [s[0].start for s in sentences]
    read: dict[int, SentenceCues] = {}  # each sentence's words and cues, read once
    labels = listed_under_labels(text, sentences, index, rules["terminators"], window)
    out = []
    for entity in entities:
        k = bisect_right(starts, entity.start) - 1
        if k < 0 or entity.start >= sentences[k][-1].end or types is not None and getattr(entity, "type", None) not in types:
            out.append(Negation(False))
            continue
        if k not in read:
            read[k] = SentenceCues(text, sentences[k], index, rules["terminators"], labels.get(k), rules.get("minus_signs", ()),
                                   rules.get("answers", ()), rules.get("statuses", ()), _CLAUSE_OPENERS)
        cue = read[k].cue(entity, window, post_window, item)
        found = Negation(False) if cue is None else Negation(True, text[cue[0]:cue[1]], *cue)
        label = reached.get(k)  # a status label's or a list opener's reach: (cue start, cue end, from, to)
        if not found.negated and label is not None and label[2] <= entity.start and entity.end <= label[3]:
            found = Negation(True, text[label[0]:label[1]], *label[:2])  # under a status label: "STOP: ibuprofen"
        out.append(found)
    if rules.get("orders") and (rules is not RULES or _ORDER_WORDS.search(text)):  # no first word of one, no second pass
        again = narrower_pass(text, entities, out, rules["orders"], rules, _ORDER_PSEUDO, window=1, item=0, types=types,
                              sentences=sentences)
        ordered = {i for i, (first, second, entity) in enumerate(zip(out, again, entities))
                   if second.negated and not first.negated and not _limited(text, second, entity)}
        out = _order_lists(text, entities, [again[i] if i in ordered else n for i, n in enumerate(out)], ordered)
    return out


def _order_lists(text: str, entities: Sequence, found: list[Negation], ordered: set[int]) -> list[Negation]:
    """``found``, with an order's reach carried from its drug to the entities of the same type listed after it,
    each joined to the one before by a comma, "and", "or" or "/" alone, in a list that is not commas alone
    ("Holding lisinopril and furosemide"; not "hold metformin, SSI", a plan's next step), since version 29."""
    if not ordered:
        return found
    ranked = sorted(range(len(entities)), key=lambda i: (entities[i].start, entities[i].end))
    runs: list[list[int]] = []  # entities each joined to the one before
    for i, j in pairwise(ranked):
        a, b = entities[i], entities[j]
        if getattr(a, "type", None) == getattr(b, "type", None) and a.end <= b.start and _JOINED.fullmatch(text, a.end, b.start):
            if not runs or runs[-1][-1] != i:
                runs.append([i])
            runs[-1].append(j)
    for run in runs:
        joiners = {text[entities[i].end:entities[j].start].strip() for i, j in pairwise(run)}
        first = next((k for k, i in enumerate(run) if i in ordered), None)
        if first is None or joiners == {","}:
            continue
        for j in run[first + 1:]:
            if not found[j].negated:
                found[j] = found[run[first]]
    return found


def _limited(text: str, order: Negation, entity) -> bool:
    """Whether a limit follows the entity an order negates, or lies between the order and it: "Avoid
    acetaminophen > 2 g/day" sets a ceiling on the drug and its dose, and negates neither."""
    return bool(_LIMIT.match(text[entity.end:entity.end + 40].lstrip()) or _LIMIT.search(text, order.cue_end, entity.end))


def narrower_pass(text: str, entities: Sequence, found: list[Negation], cues, rules: Mapping, pseudo=frozenset(),
                  **options) -> list[Negation]:
    """``found``, each entity it leaves unmarked read again with ``cues`` alone as before-cues that
    reach across no comma (the pseudo-cues of ``rules`` and ``pseudo`` matched first, its
    terminators ending a reach; ``options`` are :func:`negations`'s): a second, narrower pass, as an
    order to hold a drug is read ("Hold warfarin", :data:`RULES`) and a drug's indication (``PRN
    pain``, :mod:`crfner.assertion.hypothetical`)."""
    again = negations(text, entities, rules={"before": cues, "after": frozenset(), "pseudo": rules["pseudo"] | pseudo,
                                             "terminators": rules["terminators"] | {","}}, **options)
    return [first if first.negated else second for first, second in zip(found, again)]
