"""Hypothetical mentions among found entities, by rules: a finding the text names only as a
condition or a warning, not as the patient's ("return if fever persists", "go to the ED for
chest pain or syncope", "acetaminophen PRN pain"), as ConText calls them (Harkema et al. 2009,
J Biomed Inform 42:839) and i2b2 2010's assertions mark them ``hypothetical``. Return
precautions close most outpatient, emergency and discharge notes; read as findings, they list
symptoms the patient does not have.

The cues are read by the negation rules' machinery (:func:`crfner.negations`): a cue before an
entity reaches ``window`` words after it in its sentence and the items of a list after that, a
terminator ends its reach, and a phrase that holds a cue without one ("if any", "as if") is
none; a cue that opens a drug's indication (``PRN``) reaches across no comma. No corpus here marks hypothetical entities (MACCROBAT's case reports tell a
past course), so :data:`HYPOTHETICAL_RULES` and the reaches were written, not chosen on data;
``benchmarks/hypothetical.py`` says what they mark in MACCROBAT and PHEE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection, Mapping, Sequence

from ..text.splitters import split_text
from .cues import cue_phrases
from .negation import RULES, narrower_pass, negations
from .note_cues import cue_word, item_start, under_headings

__all__ = ["HYPOTHETICAL_FIELDS", "HYPOTHETICAL_RULES", "HYPOTHETICAL_RULES_VERSION", "Hypothetical", "PRECAUTION_HEADING",
           "PRECAUTION_LABEL", "PRECAUTION_VERBS", "hypotheticals"]

#: 1 since 2026-12-07; 2 since 2026-12-07: a drug's indication cue (``PRN``) reaches across no comma, so
#: that in a list of drugs the next drug and its dose are not the previous one's indication; 3 since
#: 2026-12-07: a label over a list may end in its cue and a few words (``Call your doctor if you have:``),
#: a sentence opening with "Should" is a condition up to its first comma, and ``return to the ED for``;
#: 4 since 2026-12-07: a procedure's risks as a consent names them (``risks ... including bleeding, infection``);
#: 5 since 2026-12-07: a return precaution's cue opening its sentence reaches the sentence's end or a terminator,
#: and ``call your doctor for`` and its like.
#: 6 since 2026-12-07: ``call 911 if``.
#: 7 since 2026-12-07: ``unless`` and ``only if`` ("CT abdomen only if fever", "needed unless active bleeding").
#: 8 since 2026-12-07: a label of return precautions (``Return precautions: fever > 101.5, worsening abdominal pain``,
#: ``Preterm labor precautions reviewed: call L&D for ...``), to its sentence's end, and over a list below it.
HYPOTHETICAL_RULES_VERSION = 8


#: The verbs a return precaution's cue opens with ("Return if", "Call your doctor for"): such a cue
#: opening its sentence reaches the sentence's end (see :func:`hypotheticals`).
PRECAUTION_VERBS = frozenset("call return come go seek contact notify".split())

#: A heading's name (:func:`crfner.text.section_names.normal_name`) that names return precautions: what it
#: heads, up to the next heading or a blank line, is a condition (version 8).
PRECAUTION_HEADING = re.compile(r"(?:strict |standard )?(?:return|ed|er|preterm labor|labor) precautions"
                                r"(?: (?:were |have been )?(?:reviewed|given|discussed|provided))?")
#: The same label opening a sentence inside a line (``Return precautions:``, ``Preterm labor precautions
#: reviewed:``): what follows its colon, to the sentence's end or a terminator, is a condition (version 8).
PRECAUTION_LABEL = re.compile(r"(?:strict |standard )?(?:return|ed|er|preterm labor|labor|return to (?:the )?(?:ed|er)) "
                              r"precautions(?: (?:were |have been )?(?:reviewed|given|discussed|provided|include|including))?"
                              r"[^\S\r\n]*:", re.IGNORECASE)

# Lower-case word sequences, as crfner's tokenizer cuts them ("p.r.n." is "p . r . n .").
HYPOTHETICAL_RULES = {
    "before": cue_phrases(
        "if, in case of, in the event of, unless, only if",  # the last two since version 7
        # "should" opening a condition ("should she develop a rash"), not advising ("should be aware that");
        # a sentence that opens with it ("Should palpitations recur, ...") is read apart: see hypotheticals
        "should he, should she, should they, should you, should the patient, should there be, should it",
        "call for, call if, call with, return for, return if, return with, come back for, come back if",
        "go to ed for, go to the ed for, go to er for, go to the er for, go to the emergency department for",
        "return to ed for, return to the ed for, return to er for, return to the er for, return to clinic for",
        "return to the clinic for, return to the emergency department for, call 911 for, call 911 if",
        "seek care for, seek medical care for, seek medical attention for, seek attention for",
        "call your doctor for, call your doctor if, call your physician for, call your physician if, call your provider for",
        "call your provider if, call the clinic for, call the clinic if, call us for, call us if, seek care if",
        "seek medical care if, seek medical attention if, return to the ed if, return to ed if, go to the ed if, go to ed if",
        "contact your doctor for, contact your doctor if, notify your doctor if",
        "watch for, monitor for, look out for, precautions for, warning signs of, warning signs such as",
        # a label of return precautions, since version 8, over a list below it (and see PRECAUTION_LABEL)
        "return precautions, strict return precautions, ed precautions, er precautions, labor precautions",
        # what a consent names as a procedure's risks ("Risks, benefits and alternatives, including bleeding,
        # infection and bile leak, were discussed"), since version 4
        "risks, alternatives, complications such as, complications including",
    ),
    # not "as needed" or "PRN" after an entity: "acetaminophen (as needed) was begun" was given
    "after": cue_phrases("if needed, if necessary, if required, if present, if it occurs, if they occur"),
    # phrases that hold a cue but state nothing hypothetical: matched first, so their words are no cue
    "pseudo": cue_phrases(
        "if any, if so, as if, even if, if not",
    ),
    # words that end a cue's reach: the negation rules' ("but", "however", ";" ...) and "then"
    "terminators": RULES["terminators"] | {"then"},
    # cues that open a drug's indication ("PRN pain", "as needed for nausea or vomiting"), read
    # like "before" cues but across no comma: in a list of drugs the next one follows one
    # ("morphine IV q3h PRN pain, ondansetron 4 mg IV q6h PRN nausea"); optional in rules= given by hand
    "indications": cue_phrases("as needed for, prn, p . r . n ., prn for"),
}


@dataclass(frozen=True)
class Hypothetical:
    """Whether an entity is hypothetical, and by which cue: ``text[cue_start:cue_end] == cue``."""

    hypothetical: bool
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None


#: The fields a hypothetical mention adds to an entity's record (``crfner tag --hypothetical``): JSON keys, CSV columns.
HYPOTHETICAL_FIELDS = ("hypothetical", "hypothetical_cue", "hypothetical_cue_start", "hypothetical_cue_end")


def hypotheticals(text: str, entities: Sequence, *, splitter: str = "abstract",
                  passages: Sequence[tuple[int, int]] | None = None, window: int = 4, post_window: int = 0, item: int = 2,
                  rules: Mapping | None = None, types: Collection[str] | None = None,
                  sentences: Sequence | None = None) -> list[Hypothetical]:
    """A :class:`Hypothetical` for each of ``entities`` (anything with character ``start`` and
    ``end`` in ``text``), in their order; the arguments are :func:`crfner.negations`'s, and
    ``rules`` replaces :data:`HYPOTHETICAL_RULES` (the same keys; ``indications`` may be left out)."""
    rules = HYPOTHETICAL_RULES if rules is None else rules
    if sentences is None:  # split once for the passes below
        sentences = split_text(text, passages or None, splitter)
    options = {"window": window, "post_window": post_window, "item": item, "types": types, "sentences": sentences}
    found = negations(text, entities, rules=rules, **options)
    indications = rules.get("indications") if isinstance(rules, Mapping) else None
    if indications:
        found = narrower_pass(text, entities, found, indications, rules, **options)
    out = _opening_clauses(text, entities, [Hypothetical(f.negated, f.cue, f.cue_start, f.cue_end) for f in found],
                           sentences, types, rules)
    if any(not f.hypothetical for f in out) and "precautions" in text.lower():
        for k, (start, end) in under_headings(text, entities, PRECAUTION_HEADING, passages, types, paragraph=True).items():
            if not out[k].hypothetical:
                cue_end = start + len(text[start:end].rstrip(" \t:"))
                out[k] = Hypothetical(True, text[start:cue_end], start, cue_end)
    return out


def _opening_clauses(text: str, entities: Sequence, found: list[Hypothetical], sentences: Sequence, types,
                     rules: Mapping) -> list[Hypothetical]:
    """``found``, with each entity marked that lies in a clause a sentence opens with: "Should" up to
    its first comma ("Should palpitations recur with syncope, she will go to the ED"), the inverted
    condition it is; or a return precaution, a cue of ``rules`` that opens with a verb of
    :data:`PRECAUTION_VERBS`, up to the sentence's end or a terminator, however long its items
    ("Return if fever persists > 48 h on antibiotics, or for stiff neck, lethargy or poor intake")."""
    openers = {phrase for phrase in rules["before"] if phrase[0] in PRECAUTION_VERBS}
    longest = max(map(len, openers), default=0)
    clauses = []  # (start of the opening cue, its end, where the clause ends)
    for sentence in sentences:
        sentence = sentence[item_start(text, sentence):] if sentence else sentence  # past a list's marker: "- Return if ..."
        first = cue_word(text, sentence[0]) if sentence else None
        if first == "should":
            comma = next((t for t in sentence if text[t.start:t.end] == ","), None)
            if comma is not None:
                clauses.append((sentence[0].start, sentence[0].end, comma.start))
        elif sentence and (label := PRECAUTION_LABEL.match(text, sentence[0].start, sentence[-1].end)):
            rest = [t for t in sentence if t.start >= label.end()]
            end = next((t.start for t in rest if cue_word(text, t) in rules["terminators"]), sentence[-1].end)
            clauses.append((label.start(), text.rindex(":", label.start(), label.end()), end))
        elif first in PRECAUTION_VERBS and openers:
            words = [cue_word(text, t) for t in sentence[:longest]]
            size = next((n for n in range(len(words), 0, -1) if tuple(words[:n]) in openers), 0)
            if size:
                end = next((t.start for t in sentence[size:] if cue_word(text, t) in rules["terminators"]), sentence[-1].end)
                clauses.append((sentence[0].start, sentence[size - 1].end, end))
    if not clauses:
        return found
    out = list(found)
    for k, entity in enumerate(entities):
        if out[k].hypothetical or types is not None and getattr(entity, "type", None) not in types:
            continue
        clause = next((c for c in clauses if c[1] <= entity.start and entity.end <= c[2]), None)
        if clause is not None:
            out[k] = Hypothetical(True, text[clause[0]:clause[1]], clause[0], clause[1])
    return out
