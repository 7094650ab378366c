"""Sentence splitting for clinical notes, where line breaks, headings and list items end
statements: the same tokens as :func:`crfner.text.tokenize`, cut into sentences note-style.

Rules, in order (each line is read after its leading and trailing whitespace):

* A blank line or a page break always ends a sentence.
* A rule line (``--``, ``-----``, ``=====``, ``____``, ``**``, ``\u2014\u2014``, a table's ``|---|---|``
  or ``+----+``: two or more of these marks and nothing else) is a sentence of its own, and
  layout: tagging leaves it out.
* A section heading is a sentence of its own: a line that is an ALL-CAPS, Title-Case or known
  (:func:`is_section_name`) name and a colon (``HPI:``, ``Discharge Medications:``), an ALL-CAPS
  line of two to six words or a known name without the colon (``ASSESSMENT AND PLAN``,
  ``Medications``), or such a name and colon opening a line (``ALLERGIES: NKDA``), the text
  after it starting a new sentence (not when a number follows: ``BP: 120/80`` is a value), or
  a known name and a spaced dash opening a line (``HPI -- 58M``, ``PLAN \u2014 ICU``) or alone
  on it (``Plan -``).
  A SOAP heading, one capital letter and a colon opening a line (``S: 34 yo F``, ``A/P:``), is
  a known heading too (:data:`SOAP_HEADINGS`), save ``P:`` before a number (a pulse); on a line
  that opens with one, so is each that follows a statement's end (``S: headache x3 days.
  O: BP 150/95. A: migraine. P: ibuprofen``).
  Markdown's headings are headings: a bold name and colon opening a line (``**Assessment:**``,
  ``__Plan__:``; not before a number, ``**BP:** 120/80``) and a ``#`` line naming a known
  section (``## Allergies``; ``## HTN`` is an item of a problem list).
* A list item is a sentence of its own (longer items may hold several): a line opening with
  ``#``, ``-`` (or ``--``, ``---``, an en or em dash), ``*``, ``|``, a bullet (``\u2022``,
  ``\u25aa``, ``\u25e6``, ``\u2713``, Word's ``\uf0b7`` ...), ``1.``, ``1)``, ``1:``, ``(1)``,
  ``a)``, ``a.``, an outline's ``II.``, ``IV)`` or ``1.2`` (before a capitalised word of three
  letters or more), Word's bullets pasted without their font
  (``o``, ``\u00a7``, ``\u00d8``), a checkbox (``[X]``, ``[ ]``) or an arrow (``->``, ``=>``,
  ``\u2192``); and, inside a line, ``#`` after ``. : ; ! ?``, ``1.`` / ``1)`` / ``1:`` / ``(1)``
  there (a list's first number: ``HR: 88.`` is a value), a further ``#`` on a line that already
  has a ``#`` item, the next number in the same style (``1. HTN 2. DM2``,
  ``(1) HTN (2) DM2``), ``-`` / ``*`` after ``. : ; ! ?``, any bullet or checkbox
  (``[X] fever [ ] chills``), a spaced ``-`` (or en or em
  dash) between words, as problem-oriented plans part a problem from its plan
  (``CD flare - start prednisone``, ``Exam \u2014 erythema``; not between numbers:
  ``2 - 3 days``), and a spaced arrow before words (``CHA2DS2-VASc 3 -> start apixaban``; not
  before a number, a trend: ``Cr 1.2 -> 1.9``). A table's row is one item, and tagging leaves
  each ``|`` out (a cell border), so the row reads as a line of prose, as a row of tabs does
  (``| Sodium | 131 | mmol/L |``: a value keeps its test and its unit). A run of measurements
  without commas is cut before each name after a value (``T 38.9 HR 118 BP 92/54``,
  ``Na 131 K 5.8``, MIMIC's ``WBC-8.2 RBC-3.45*``), as commas would part them in prose, and a
  finding written with its sign after ``. ? ! ;`` opens a new statement (``Abd soft. +BS``;
  not ``Pulses: +2``).
* A time stamp opening a line is an entry of its own, cut from what it stamps: four digits or a
  clock, perhaps after a date, then a dash or colon (``1435 - BP 168/94``, ``14:35: ASA given``,
  ``12/03 0800 -- pt resting``), or a clock before a capital (``2:15 PM BP 90/60``); not
  ``2000 calorie diet``, nor ``10:30 am by cardiology`` carrying on a wrapped line.
* A single line break ends a sentence unless the next line clearly continues the previous
  one: the next line is no heading or list item, the previous line is no heading or rule,
  does not end in ``. ? ! : ;`` (save after ``Dr.``, ``Mr.``, ``Mrs.``, ``Ms.``), the next line
  does not open with a label and a colon (``ekg: afib``, ``cxr: edema``), as the lines of a
  note written in lower case do, the two are not rows of a table (each with words three
  spaces or a tab apart), and either the previous line ends in ``,`` or a word such as
  ``and``, ``of``, ``with``, ``w/``, or the previous line was wrapped: the next line starts in
  lower case or with ``(`` (``(ACE) inhibitor``) and its first word would not have fitted on
  the previous line within 40 characters, or it starts otherwise (``the distal\nLAD``) or is
  indented deeper than the previous line's text after its list marker or label (with which a
  hanging indent aligns) and that word would not have fitted within 70 characters nor within
  the passage's longest line (of prose: a table's or form's row, words three spaces apart,
  does not count); ``CHANGE how you take these medications`` over an indented
  ``metoprolol succinate 50 mg tablet`` is no wrap.
  A line the word would have fitted on ended where its writer ended it: an item of an unmarked
  list (``aspirin 81 mg daily`` above ``metoprolol 25 mg bid``), a statement
  (``Pt stable\nLisinopril held``). A line with a dose that ends in its frequency or a status
  above a lower-case line that opens with a word or two and a number is a medication list's row,
  however long that word (``metoprolol succinate 50 mg daily`` above ``atorvastatin 40 mg qhs``).
* Inside that, prose is split by :func:`crfner.text.sentences` (the abstract splitter), whose
  dotted-abbreviation rule already keeps ``b.i.d.``, ``p.o.``, ``q.h.s.``, ``y.o.`` whole;
  a full stop after a word of :data:`NOTE_ABBREVIATIONS` (``Pt.``, ``Dr.``; a title in capitals
  before a word in capitals too, ``DR. PATEL``) never ends a sentence either (but for ``hx``, ``dx``, ``tx``, ``rx``, ``sx``, ``fx`` before a capital: ``No
  manic sx. Appetite ok.``), nor one after an initial that follows a title (``Dr. A. Patel``). In a line or item written in lower case, a full stop glued to a word
  ends a sentence before a lower-case word too (``no cp. tolerating po``, ``gen: nad. cv: rrr``),
  where prose would start with a capital; not after an abbreviation (``pt.``, ``vs.``, a dose
  form such as ``tab.`` in ``1 tab. po bid``), a single letter or a dotted form (``b.i.d.``). Doses and units (``20mg``, ``0.5 mg/kg``, ``q6h``, ``x7 days``) have
  no break in them to cut at.

The abbreviation inventory in ``clinical/lexicons`` lists its forms without full stops, so the
list here is built in.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import pairwise
from typing import Sequence

from .list_items import marker_end
from .note_lines import TITLES, heading_name_span, is_heading_line, line_units
from .note_values import is_date_time
from .section_names import (COLUMN_GAP, CUE_LABELS, SECTION_NAMES, SERVICES, SOAP_HEADINGS, is_column_header, is_section_name,
                            normal_name)
from .splitter import ABBREVIATIONS, LINE_BREAKS, clip_passages, sentences
from .tokenizer import Token, tokenize

__all__ = ["DOSE_FORM_ABBREVIATIONS", "NOTES_VERSION", "NOTE_ABBREVIATIONS", "SECTION_NAMES", "SOAP_HEADINGS", "is_heading_line", "is_section_name", "known_heading_spans", "note_sentences", "note_sections", "note_token_sections", "placeholder_spans", "sections_at", "tagging_sentences"]

#: The notes splitter's version, raised whenever it cuts or tokenises a note otherwise, so that a
#: partial output of tagging (``crfner tag`` resumes one) made by another version is tagged afresh:
#: 1 since rule lines of two marks (``--``, ``==``) are layout; partial outputs from before carry none;
#: 2 since a list marker alone on its line (``-``, ``#``, ``1.``: an empty item) is layout too;
#: 3 since a spaced dash after a word holding two letters or more (``DM2 - hold metformin``) parts two statements;
#: 4 since one after a letter with digits does too when a plain word follows (``B12 - replete``);
#: 5 since a full stop before a lower-case word ends a sentence in a line written in lower case;
#: 6 since an initial after a title (``Dr. A. Patel``) does not end one;
#: 7 since a service or ward names a known heading with a section word (``CARDIOLOGY CONSULT``);
#: 8 since a table's header row of column names (``Medication  Dose  Route``) is layout;
#: 9 since specialty notes' sections are known (``MSE:``, ``OB Hx:``, ``Oncologic history:``, ``Return precautions:``);
#: 10 since a date alone after a known heading on its line (``Progress Note - 12/01/2026``) is layout;
#: 11 since a form's row of dates after one is too (``Admission Date: 11/28/2026    Discharge Date: 12/02/2026``),
#: and a service (``NEW PATIENT VISIT - Cardiology``; ``new`` qualifies a heading);
#: 12 since a medication list's rows are apart however long the next drug's name (``sacubitril-valsartan``);
#: 13 since ``sx.``, ``hx.`` and their like end a sentence before a capital (``No manic sx. Appetite ok.``);
#: 14 since a title in capitals before a word in capitals (``DR.``, ``MRS.``) does not end one (``SEEN BY DR. PATEL``).
NOTES_VERSION = 14

#: Words that, followed by a full stop, do not end a sentence in a note: as listed or
#: capitalised (``Pt.``), never in capitals (``PT.`` is physical therapy). Dotted forms
#: (``b.i.d.``, ``y.o.``) are recognised by their shape in :mod:`crfner.text.splitter`.
NOTE_ABBREVIATIONS = frozenset(
    """
    pt pts dr drs mr mrs ms prof hx dx tx rx sx fx abd approx appt cont dept disp esp ext hosp
    incl inj sig st vs
    """.split()
)
# Of those, the nouns a statement often ends in: before a capital they end it ("No manic sx. Appetite ok."), as a
# plain word does; in a line written in lower case they still do not ("hx. of htn").
_STATEMENT_NOUNS = frozenset("hx dx tx rx sx fx".split())
# Titles a note written in capitals writes in capitals too ("SEEN BY DR. PATEL"), since version 14; not "MR." nor "MS.",
# mitral regurgitation and stenosis (or multiple sclerosis) ending a statement ("recurrent severe MR. Valvular ...")
_CAPITAL_TITLES = TITLES - {"mr", "ms"}
#: Dose forms a lower-case medication line abbreviates with a full stop before its route or
#: frequency (``1 tab. po bid``): after one, a lower-case word does not start a statement.
DOSE_FORM_ABBREVIATIONS = frozenset("amp amps cap caps elix gtt gtts neb nebs oint sol soln supp susp syr tab tabs".split())
# De-identification placeholders: MIMIC-II and III bracket each ("[**Hospital1 18**]"), MIMIC-IV
# writes three underscores ("Mr. ___ is a 70 yo M"). A bracketed one holds at most 100
# characters (MIMIC's hold under 60), so a line of unclosed "[**" is read in linear time.
_PLACEHOLDER = re.compile(rf"\[\*\*[^{LINE_BREAKS}]{{0,100}}?\*\*\]|(?<!\w)_{{3,}}(?!\w)")


def note_sentences(
    text: str, passages: Sequence[tuple[int, int]] | None = None, *, markers: bool = True
) -> list[list[Token]]:
    """Sentences of a clinical note as token lists (see the module's rules); every sentence has
    at least one token, and the tokens are ``tokenize``'s. ``passages`` as in ``sentences``.
    With ``markers=False`` the marker opening each list item (``#``, ``2.``, ``-``) and each rule
    line are left out, as tagging wants: they are layout, not part of what the item says; and
    each de-identification placeholder (:func:`placeholder_spans`) is left out, its sentence cut
    there, so that no entity is made of one or runs across it."""
    return _note_sentences(text, passages, markers)[0]


def tagging_sentences(text: str, passages: Sequence[tuple[int, int]] | None = None) -> tuple[list[list[Token]], frozenset[int]]:
    """What tagging a note reads, in one pass: ``note_sentences(text, passages, markers=False)``
    and the indices of those that are headings naming a known section (:func:`known_heading_spans`),
    in which no entity is reported."""
    out, units, starts = _note_sentences(text, passages, markers=False)
    layout = _layout_units(text, units)
    known = frozenset(i for i, sentence in enumerate(out) if layout[bisect_right(starts, sentence[0].start) - 1])
    return out, known


def _note_sentences(text: str, passages, markers: bool) -> tuple[list[list[Token]], list[tuple[int, int, str]], list[int]]:
    """The sentences, and the units (snapped to their tokens) and the units' starts they were cut by."""
    units = _snap(text, line_units(text, passages), passages)
    starts = [a for a, _, _ in units]
    out: list[list[Token]] = []
    previous_unit = -1
    for sentence in sentences(text, [(a, b) for a, b, _ in units]):
        unit = bisect_right(starts, sentence[0].start) - 1
        if unit == previous_unit and (_ends_in_abbreviation(out[-1], sentence) or _ends_in_titled_initial(out[-1])
                                      or _is_marker(text, out[-1], units[unit])):
            out[-1].extend(sentence)  # in place: a copy each time took time that grew with the run squared
        else:
            out.append(sentence)
        previous_unit = unit
    lower: dict[int, bool] = {}  # unit -> written in lower case, read once per unit, not once per sentence
    cut = []
    for sentence in out:
        unit = bisect_right(starts, sentence[0].start) - 1
        if unit not in lower:
            lower[unit] = not any(c.isupper() for c in text[units[unit][0]:units[unit][1]])
        cut.extend(_lower_case_statements(sentence) if lower[unit] else [sentence])
    out = cut
    if not markers:
        out = [[t for t in rest if t.text != "|"]  # a table's cell borders: the row reads as a line of prose
               for rest in (_without_marker(text, sentence, units, starts) for sentence in out)]
        out = [rest for rest in out if rest]
        holes = placeholder_spans(text)
        if holes:
            out = [part for sentence in out for part in _around(sentence, holes)]
    return out, units, starts


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each de-identification placeholder in ``text``: MIMIC-III's
    ``[**Known lastname 5678**]``, ``[**2150-3-4**]`` and MIMIC-IV's ``___``, in order. Tagging
    leaves them out and cuts the sentence there, so no entity is made of one or runs across it."""
    return [m.span() for m in _PLACEHOLDER.finditer(text)]


def _around(sentence: list[Token], holes: list[tuple[int, int]]) -> list[list[Token]]:
    """``sentence`` cut at the placeholders among ``holes`` (sorted spans), their tokens left out."""
    parts: list[list[Token]] = [[]]
    k = max(bisect_right(holes, (sentence[0].start,)) - 1, 0)  # the last placeholder starting before it
    for token in sentence:
        while k < len(holes) and holes[k][1] <= token.start:
            k += 1
        if k < len(holes) and holes[k][0] < token.end:
            if parts[-1]:
                parts.append([])
        else:
            parts[-1].append(token)
    return [part for part in parts if part]


def _without_marker(text: str, sentence: list[Token], units: list[tuple[int, int, str]], starts: list[int]) -> list[Token]:
    """``sentence`` without the tokens of the list marker it opens with, if it opens an item;
    nothing of a rule line."""
    unit = units[bisect_right(starts, sentence[0].start) - 1]
    if unit[2] == "rule":
        return []
    if unit[2] != "item" or sentence[0].start != unit[0]:
        return sentence
    marker = marker_end(text, unit[0])  # not cut at the unit's end: a lone "#" is followed by its line break
    if marker is None:
        return sentence
    return [token for token in sentence if token.start >= marker]


def note_sections(text: str, passages: Sequence[tuple[int, int]] | None = None, known: bool = False) -> list[tuple[int, int, str]]:
    """The section headings of a note as ``(start, end, name)``, ``name == text[start:end]``
    (the heading without its colon), in order; with ``known``, only those that name a known
    section (:func:`is_section_name`, a SOAP letter), not a problem list's ``Hypertension:``.
    A negation cue written as a label over a list (``Denies:``, :data:`CUE_LABELS`) is none."""
    out = []
    for start, end, kind in line_units(text, passages):
        if kind == "heading":
            a, b = heading_name_span(text, start, end)
            if normal_name(text[a:b]) not in CUE_LABELS and (not known or _is_known_name(text[a:b])):
                out.append((a, b, text[a:b]))
    return out


def known_heading_spans(text: str, passages: Sequence[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each heading, colon included, whose name is a known section
    (:func:`is_section_name`: ``ALLERGIES:``, ``Discharge medications``), and of each table's
    header row (:func:`crfner.text.section_names.is_column_header`: ``Medication  Dose  Route``):
    layout, never an entity, unlike a heading such as ``Hypertension:`` in a problem list; and of
    a date or time alone after such a heading on its line (``Progress Note - 12/01/2026 14:32``,
    :func:`crfner.text.note_values.is_date_time`), which names when the note was written."""
    units = line_units(text, passages)
    return [(start, start + len(text[start:end].rstrip())) for (start, end, _), layout in zip(units, _layout_units(text, units))
            if layout]  # the colon included


def _layout_units(text: str, units: Sequence[tuple[int, int, str]]) -> list[bool]:
    """For each unit, whether it is layout: a known heading, or after one on its line a date, a
    service or a form's row of dates (:func:`_title_cells`)."""
    out: list[bool] = []
    for k, (start, end, kind) in enumerate(units):
        if _is_known_heading(text, start, end, kind):
            out.append(True)
            continue
        previous = units[k - 1] if k else None
        out.append(previous is not None and kind == "text" and out[-1] and _is_known_heading(text, *previous)
                   and not any(c in text[previous[1]:start] for c in "\r\n")
                   and _title_cells(text[start:end], _is_title(text, previous[0], previous[1])))
    return out


# the heads of a note's title, after which a service is the note's, not a plan's ("PLAN - ICU")
_TITLE_HEADS = frozenset("consult consultation encounter note report summary visit".split())


def _is_title(text: str, start: int, end: int) -> bool:
    """Whether a heading names the note itself (``NEW PATIENT VISIT``, ``Progress Note``), not a section of it."""
    name = text[slice(*heading_name_span(text, start, end))]
    return any(word in _TITLE_HEADS for word in normal_name(name).split())


# what parts a title line's cells: a table's gap, or a spaced dash ("Progress Note - Internal Medicine - 12/01/2026")
_TITLE_CELL = re.compile(rf"{COLUMN_GAP}|\s+[-\u2013\u2014]\s+")


def _title_cells(line: str, title: bool = False) -> bool:
    """Whether each cell of ``line`` (cut at :data:`~crfner.text.section_names.COLUMN_GAP` and at spaced dashes) is a
    date or time, a service after a ``title`` (``Cardiology``, ``Internal Medicine``), or a known
    section's name, a colon and a date: the rest of a title's line (``NEW PATIENT VISIT - Cardiology``) or of a form's
    row of dates (``11/28/2026    Discharge Date: 12/02/2026`` after ``Admission Date:``)."""
    for cell in _TITLE_CELL.split(line.strip()):
        name, colon, value = cell.partition(":")
        words = cell.lower().split()
        if not (is_date_time(cell) or title and words and all(w in SERVICES for w in words)
                or colon and _is_known_name(name.strip()) and is_date_time(value)):
            return False
    return True


def _is_known_heading(text: str, start: int, end: int, kind: str) -> bool:
    if kind == "text":
        return is_column_header(text[start:end])
    if kind != "heading":
        return False
    return _is_known_name(text[slice(*heading_name_span(text, start, end))])


def _is_known_name(name: str) -> bool:
    return is_section_name(name) or name in SOAP_HEADINGS


def note_token_sections(text: str, tokens: Sequence[Token] | None = None) -> list[str | None]:
    """For each token (by default ``tokenize(text)``), the name of the last heading that starts
    at or before it (a heading's own tokens belong to it), or None above the first heading."""
    return sections_at(text, [t.start for t in (tokenize(text) if tokens is None else tokens)])


def sections_at(text: str, positions: Sequence[int], passages: Sequence[tuple[int, int]] | None = None,
                known: bool = False) -> list[str | None]:
    """For each character position, the name of the last heading that starts at or before it
    (with ``known``, the last that names a known section: :func:`note_sections`), or None above the first."""
    headings = note_sections(text, passages, known)
    starts = [start for start, _, _ in headings]
    out: list[str | None] = []
    for position in positions:
        index = bisect_right(starts, position) - 1
        out.append(headings[index][2] if index >= 0 else None)
    return out


def _snap(text: str, units: list[tuple[int, int, str]], passages) -> list[tuple[int, int, str]]:
    """Units narrowed to the tokens that start in them (a unit without tokens is dropped)."""
    tokens = [t for a, b in clip_passages(passages, len(text)) for t in tokenize(text, a, b)]
    starts = [t.start for t in tokens]
    out = []
    for a, b, kind in units:
        i, j = bisect_left(starts, a), bisect_left(starts, b)
        if i < j:
            out.append((tokens[i].start, tokens[j - 1].end, kind))
    return out


def _is_marker(text: str, sentence: list[Token], unit: tuple[int, int, str]) -> bool:
    """Whether a sentence is only the marker that opens a list item ("1." cut from "HTN")."""
    if unit[2] != "item" or sentence[0].start != unit[0]:
        return False
    marker = marker_end(text, unit[0], unit[1])
    return marker is not None and sentence[-1].end <= marker


def _lower_case_statements(sentence: list[Token]) -> list[list[Token]]:
    """A sentence of a line or item written in lower case, cut after each full stop that a lower-case
    word follows (``no cp. tolerating po``), as the abstract splitter cuts before a capital in prose;
    not after an abbreviation (``pt.``, ``vs.``, a dose form: ``tab.``), a single letter or a dotted form (``b.i.d.``)."""
    cuts = []
    for k in range(1, len(sentence) - 1):
        word, stop, after = sentence[k - 1], sentence[k], sentence[k + 1]
        if stop.text != "." or word.end != stop.start or after.start == stop.end or not after.text[:1].islower():
            continue
        dotted = k >= 2 and sentence[k - 2].text == "." and sentence[k - 2].end == word.start
        if not (dotted or len(word.text) == 1 or word.text in NOTE_ABBREVIATIONS or word.text in ABBREVIATIONS
                or word.text in DOSE_FORM_ABBREVIATIONS):
            cuts.append(k + 1)
    bounds = [0, *cuts, len(sentence)]
    return [sentence[a:b] for a, b in pairwise(bounds)]


def _ends_in_abbreviation(sentence: list[Token], following: list[Token]) -> bool:
    """Whether a sentence ends with a full stop glued to a word of NOTE_ABBREVIATIONS, or to a title in
    capitals before a word in capitals (``DR. PATEL``)."""
    if len(sentence) < 2 or sentence[-1].text != ".":
        return False
    word, stop = sentence[-2], sentence[-1]
    if word.end != stop.start:
        return False
    return (_listed(word.text, NOTE_ABBREVIATIONS) and not _listed(word.text, _STATEMENT_NOUNS)
            or word.text.isupper() and word.text.lower() in _CAPITAL_TITLES and following[0].text.isupper())


def _ends_in_titled_initial(sentence: list[Token]) -> bool:
    """Whether a sentence ends with an initial and its full stop after a title
    (:data:`crfner.text.note_lines.TITLES`), the title's own full stop or not: ``Dr. A.`` and
    ``Dr A.`` of ``Dr. A. Patel``, where the abstract splitter takes a lone initial before a
    capitalised word for a sentence's end (``vitamin E. The``), as the corpora were cut."""
    if len(sentence) < 3 or sentence[-1].text != ".":
        return False
    letter, stop = sentence[-2], sentence[-1]
    if not (len(letter.text) == 1 and letter.text.isupper() and letter.end == stop.start):
        return False
    title = sentence[-3]
    if title.text == "." and len(sentence) >= 4 and sentence[-4].end == title.start:
        title = sentence[-4]
    return _listed(title.text, TITLES)


def _listed(word: str, listed: frozenset[str]) -> bool:
    """Whether ``word`` is in ``listed`` as written or capitalised (``Dr``), not in capitals (``MS``)."""
    return word in listed or (word[1:].islower() and word.lower() in listed)
