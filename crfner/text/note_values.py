"""The values notes write and where the notes splitter (:mod:`crfner.text.note_lines`) cuts
around them: runs of vital signs and lab results without commas, and the time stamps that open
the entries of a log of care, and the dates after a note's title. Numbers that only continue a
statement (a range, a trend, a count) are told apart here."""

from __future__ import annotations

import re

__all__ = ["MEASURE", "after_value", "before_words", "is_date_time", "stamp_end"]

#: A vital sign or a common lab test's short name and its value, as notes run them together
#: without commas ("VS: T 38.9 HR 118 BP 92/54 RR 24 SpO2 89%", "Na 131 K 5.8 Cr 2.4"); after a
#: value with no comma, each starts a new statement (a list with commas is prose's own). A
#: one-letter name needs a space before its value ("T10" is a vertebra); those that are units in
#: lower case ("hr", "mg") count only as written here.
MEASURE = re.compile(
    r"(?:[TPRK](?=[^\S\r\n]|[:=-][^\S\r\n])|HR|Hr|Mg"
    r"|(?i:t ?max|tc|temp|pulse|bp|sbp|dbp|map|rr|resp|spo2|sao2|o2(?: ?sats?)?|sats?|fio2|wt|weight|ht|bmi|gcs"
    r"|wbc|rbc|hgb|hb|hct|mcv|mchc?|rdw|plt(?: ct)?|platelets|na|sodium|k|potassium|cl|chloride|hco3|co2|bun|urean"
    r"|cr|creat|creatinine|glu|glucose|ca|calcium|magnesium|phos|angap|inr|ptt|ast|alt|alp|alkphos|t ?bili|totbili"
    r"|alb|lipase|trop|troponin|bnp|lactate|crp|esr|a1c|hba1c|tsh))"
    r"[^\S\r\n]*(?:[:=-][^\S\r\n]*)?\d"
)
# A value: a word whose number opens it or follows a sign ("118", "<5", "WBC-8.2"); not a name
# with a digit in it ("SpO2", "o2").
_VALUE = re.compile(r"(?:^|[-=:<>~(+])\.?\d")
_UNITS = frozenset("% mmhg bpm c f \u00b0c \u00b0f kg lb lbs ra min /min breaths/min beats/min mg/dl mmol/l g/dl k/ul".split())
# A time stamp opening a line, as logs of care write one ("1435 - BP 168/94", "14:35: ASA given",
# "12/03 0800 -- pt resting", "2:15 PM BP 90/60"). A separator follows it, or, after a clock with
# a colon, a capital ("Seen at\n10:30 am by cardiology" is wrapped prose; "2000 calorie diet" is
# no time).
_CLOCK = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:[^\S\r\n]?(?i:[ap]\.?m\.?))?"
_STAMP = re.compile(
    r"(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?[^\S\r\n]+)?"
    rf"(?:(?:(?:[01]\d|2[0-3])[0-5]\d|{_CLOCK})[^\S\r\n]*(?:-{{1,2}}|[\u2013\u2014]|:)|{_CLOCK}(?=[^\S\r\n]+[A-Z]))"
    r"(?=[^\S\r\n])"
)


def after_value(text: str, start: int, position: int) -> bool:
    """Whether the word before ``position`` (within ``text[start:position]``) ends a measurement,
    with no comma after it: a number, a percentage or a unit ("38.9", "89%", "118bpm", "mmHg",
    "RA"), before any "|"."""
    words = [w for w in text[max(start, position - 60):position].split() if w != "|"]  # a table's border is no word
    word = words[-1] if words else ""
    return not word.endswith((",", ";")) and (_VALUE.search(word) is not None or word.lower() in _UNITS)


def before_words(text: str, after: int, end: int) -> bool:
    """Whether what follows a spaced dash, an arrow or a time stamp ending at ``after`` is words,
    so that it parts two statements ("CD flare - start prednisone", "CHA2DS2-VASc 3 -> start
    apixaban"), not a range or a trend of numbers ("2 - 3 days", "Cr 1.2 -> 1.9")."""
    following = after + len(text[after:end]) - len(text[after:end].lstrip())
    return following < end and not text[following].isdigit() and text[following] not in "-*.+"


def stamp_end(text: str, start: int, end: int) -> int | None:
    """Where the time stamp opening the line ``text[start:end]`` ends (its separator included),
    if one does and words follow it; else None."""
    stamp = _STAMP.match(text, start, end)
    return stamp.end() if stamp and before_words(text, stamp.end(), end) else None


# A date or a time, and what writes one out: "12/01/2026", "2026-12-01", "Dec 1, 2026", "14:32", "2:15 PM".
_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_PIECE = re.compile(
    rf"(?P<date>\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}|{_CLOCK})|(?P<month>{_MONTH})"
    r"|(?P<day>\d{1,2}(?:st|nd|rd|th)?|\d{4})|(?i:[ap]\.?m\.?|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|(?i:at|on)|@"
    r"|[-\u2013\u2014,]"
)


def is_date_time(text: str) -> bool:
    """Whether ``text`` is only a date or a time stamp, as a note's title line writes one after its
    name ("Progress Note \u2013 12/01/2026 14:32", "Discharge summary - Dec 1, 2026"): a full date, a
    clock or a month with its day or year, and nothing but days, years, weekdays and separators
    besides. Not a value a heading gives ("Vitals: 120/80"; "12/1", no year, could be a pressure)."""
    pieces = text.replace(",", " , ").split()
    matches = [_DATE_PIECE.fullmatch(piece) for piece in pieces]
    if not pieces or not all(matches):
        return False
    found = {name for m in matches for name, value in m.groupdict().items() if value}
    return "date" in found or {"month", "day"} <= found
