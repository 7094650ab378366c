"""Clinical token features: doses, units, frequencies, routes and durations as case reports
and notes write them (``20mg``, ``mg/kg``, ``q6h``, ``b.i.d.``, ``po``, ``x7``, ``days``),
a small built-in list of clinical abbreviations, and case-free forms of the word, so that
ALL-CAPS and lower-case notes look alike.

Every function here is pure: a word in, a list of (feature, value) pairs out. Matching is on
the lower-cased word, so ``BID``, ``Bid`` and ``bid`` give the same features.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from .shape import short_shape

Pairs = list[tuple[str, object]]

# Units of mass, volume, amount, activity, pressure, length and concentration.
UNITS = frozenset(
    "mg g gm gram grams kg mcg µg μg ug ng pg microgram micrograms milligram milligrams ml mL l dl dL µl μl ul "
    "cc liter liters litre litres mmol mol µmol μmol umol nmol meq mEq iu u units unit mu miu % mmhg cmh2o "
    "cm mm µm μm um nm km bpm /min beats puffs puff tablet tablets tab tabs capsule capsules cap caps drops "
    "drop gtt mg% g/dl mg/dl".lower().split()
)
# Frequencies, Latin and English, with and without full stops (compared without them).
FREQUENCIES = frozenset(
    "qd qid tid bid od bd qod qh qhs hs qam qpm qds tds prn stat daily nightly weekly biweekly monthly "
    "hourly twice thrice once yearly annually fortnightly qwk qw qmonth ac pc".split()
)
_Q_EVERY = re.compile(r"q(?:\d+(?:-\d+)?)(?:h|hr|hrs|hours?|d|days?|w|wk|wks|weeks?|min|mo)")
_PER = re.compile(r"(?:/|per)(?:day|d|h|hr|hour|wk|week|month|min|minute)")
# Routes of administration.
ROUTES = frozenset(
    "po iv im sc sq sl pr pv ih inh ivp ivpb it id top td neb ng npo oral orally intravenous intravenously "
    "intramuscular intramuscularly subcutaneous subcutaneously sublingual sublingually topical topically "
    "inhaled inhalation transdermal intrathecal intrathecally intranasal nasal rectal rectally vaginal "
    "intravitreal intravesical epidural intraarterial intra-arterial intra-venous bolus infusion injection "
    "injections drip nebulized nebulised enteral parenteral".split()
)
# Units of time (``s`` and ``y`` count only glued to a number: alone they are mostly not).
TIME_UNITS = frozenset(
    "sec secs second seconds min mins minute minutes h hr hrs hour hours d day days wk wks week weeks "
    "mo mos month months yr yrs year years".split()
)
# Short forms that are also common words (``or``, ``it``, ``us``) count only in capitals or
# with full stops: ``OR``, ``IT``, ``i.t.``, ``US``.
AMBIGUOUS = frozenset("or it us id pc ac top ng ed er pe ms pt hr ra am pm as".split())
_NUMBER = r"(?:\d+(?:[.,]\d+)?|\.\d+)"
_RANGE = rf"{_NUMBER}(?:[-–/]{_NUMBER})?"
_TIMES = re.compile(rf"[x×]{_NUMBER}|{_NUMBER}[x×]")
_UNIT_WORD = r"(?:mg|g|gm|kg|mcg|µg|μg|ug|ng|ml|l|dl|cc|mmol|µmol|umol|nmol|meq|iu|u|units|mmhg|mm|cm|%)"
# One alternation after each "/": with "/kg" matching two branches, a near-miss ("mg/kg/kg.../kg!")
# made the regex try every split, doubling the time per two repeats (26 took 10 s).
_COMPOUND_UNIT = re.compile(rf"{_UNIT_WORD}(?:/(?:{_UNIT_WORD}|m2|m²|d|day|h|hr|min|dose|week|wk))+")
_DOSE = re.compile(rf"{_RANGE}{_UNIT_WORD}(?:/(?:{_UNIT_WORD}|m2|m²|d|day|h|hr|min|dose|week|wk))*")
_DURATION = re.compile(rf"{_RANGE}-?(?:sec|min|mins|h|hr|hrs|hour|hours|d|day|days|wk|wks|week|weeks|mo|month|months|y|yr|yrs|year|years)")

# Common abbreviations of case reports and notes (history, findings, tests, treatments), checked
# lower-cased with full stops removed. Written here by hand, not taken from a lexicon: the
# meta-inventory's source lists in the data folder name thousands of senses, most of them rare.
ABBREVIATIONS = frozenset(
    """
    hx sx dx tx rx fx px ddx pmh psh fh sh hpi ros cc c/o s/p r/o w/o h/o f/u pt pts yo y/o yr
    htn dm dm2 t2dm iddm niddm chf cad mi ami stemi nstemi cva tia dvt pe afib af copd ards aki ckd esrd
    uti uri gerd ibd ibs hiv aids hcv hbv tb sle ra oa ms als pd gi gu ent cns pns loc sob doe pnd
    cp n/v nv abd lle rle lue rue luq ruq llq rlq jvd nad wnl rrr ctab ntnd perrla eomi
    bp hr rr spo2 sao2 o2 temp wt ht bmi gcs
    cbc bmp cmp lft lfts wbc rbc hgb hb hct plt inr pt ptt aptt esr crp bun cr egfr alt ast alp ggt ldh
    ck cpk bnp tsh ft4 hba1c a1c abg vbg ua csf ana anca
    ct cta mri mra pet ekg ecg eeg emg echo tte tee cxr kub us eus ercp egd bx fna
    icu ed er or ccu picu nicu snf
    abx nsaid nsaids ppi ssri ivig tpa asa apap hctz ace acei arb bb ccb lmwh ufh tpn ngt peg
    """.split()
)

KINDS = ("dose", "unit", "frequency", "route", "duration", "abbreviation", "caseless")


def _plain(word: str) -> str:
    """Lower-cased, full stops removed: ``B.I.D.`` → ``bid``, ``p.o.`` → ``po``; a common
    word that is also a short form (:data:`AMBIGUOUS`) only when in capitals or with full stops."""
    plain = word.lower().replace(".", "")
    if plain in AMBIGUOUS and not (word.isupper() or "." in word):
        return ""
    return plain


def is_unit(word: str) -> bool:
    """A unit (``mg``, ``mL``, ``%``) or a compound one (``mg/kg``, ``mg/m2``, ``mL/min``)."""
    w = word.lower()
    return w in UNITS or _COMPOUND_UNIT.fullmatch(w) is not None


def is_dose(word: str) -> bool:
    """A number written with its unit: ``20mg``, ``0.5mg/kg``, ``5-10mg``, ``2g/day``, ``40%``."""
    return _DOSE.fullmatch(word.lower()) is not None


def is_frequency(word: str) -> bool:
    """``bid``, ``b.i.d.``, ``q6h``, ``q4-6h``, ``qhs``, ``prn``, ``daily``, ``/day``, ``per day``."""
    w = _plain(word)
    return w in FREQUENCIES or _Q_EVERY.fullmatch(w) is not None or _PER.fullmatch(w) is not None


def is_route(word: str) -> bool:
    """``po``, ``p.o.``, ``IV``, ``i.v.``, ``s.c.``, ``intravenous``, ``orally``, ``nebulized``."""
    return _plain(word) in ROUTES


def is_time_unit(word: str) -> bool:
    """A unit of time: ``days``, ``wk``, ``hrs``, ``months``."""
    return word.lower() in TIME_UNITS


def is_duration(word: str) -> bool:
    """A number glued to a unit of time (``7d``, ``3-day``, ``2wks``) or a count (``x7``, ``×3``, ``3x``)."""
    if word[-1:] == "D" and word[:-1].isdigit():
        return False  # 2D, 3D: imaging, not days
    w = word.lower()
    return _DURATION.fullmatch(w) is not None or _TIMES.fullmatch(w) is not None


def is_abbreviation(word: str) -> bool:
    """In the built-in list of clinical abbreviations (any case, full stops ignored)."""
    return _plain(word) in ABBREVIATIONS


def caseless(word: str) -> Pairs:
    """What the word looks like with case taken away: its lower-cased short shape and last
    three and four characters, so ``FEVER``, ``Fever`` and ``fever`` share them."""
    w = word.lower()
    return [("clin:lshape", short_shape(w)), ("clin:lsuf3", w[-3:]), ("clin:lsuf4", w[-4:])]


_TESTS: dict[str, Callable[[str], Pairs]] = {
    "dose": lambda w: [("clin:dose", 1.0)] if is_dose(w) else [],
    "unit": lambda w: ([("clin:unit", 1.0)] if is_unit(w) else []) + ([("clin:time", 1.0)] if is_time_unit(w) else []),
    "frequency": lambda w: [("clin:freq", 1.0)] if is_frequency(w) else [],
    "route": lambda w: [("clin:route", 1.0)] if is_route(w) else [],
    "duration": lambda w: [("clin:duration", 1.0)] if is_duration(w) else [],
    "abbreviation": lambda w: [("clin:abbr", 1.0)] if is_abbreviation(w) else [],
    "caseless": caseless,
}


def clinical(kinds: Sequence[str]) -> Callable[[str], Pairs]:
    """The clinical features ``kinds`` names (see :data:`KINDS`), in that order."""
    tests = [_TESTS[kind] for kind in kinds]

    def features(word: str) -> Pairs:
        out: Pairs = []
        for test in tests:
            out += test(word)
        return out

    return features
