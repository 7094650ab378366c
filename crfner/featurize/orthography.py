"""Orthographic features: case pattern, character classes, Greek letters, Roman numerals,
chemical-looking tokens and length bins. Each flag is set only when it holds."""

from __future__ import annotations

import re
from typing import Callable, Sequence

Pairs = list[tuple[str, object]]

GREEK_NAMES = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
    "sigma tau upsilon phi chi psi omega".split()
)
_GREEK_CHAR = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
_ROMAN = re.compile(r"(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_FORMULA = re.compile(r"(?:[A-Z][a-z]?\d*){1,8}")  # element symbols with counts: H2O, CO2, NaHCO3
_ELEMENT = re.compile(r"([A-Z][a-z]?)\d*")
ELEMENTS = frozenset(
    "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr "
    "Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm "
    "Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No "
    "Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og".split()
)
_PUNCT = re.compile(r"[^\w\s]+|_+")


def is_greek(word: str) -> bool:
    """A Greek letter, or the spelled name of one (alpha, Beta, ...)."""
    return word.lower() in GREEK_NAMES or bool(_GREEK_CHAR.search(word))


def is_formula(word: str) -> bool:
    """Looks like a chemical formula: element symbols with at least one count (H2O, CO2, not IL6)."""
    if not any(c.isdigit() for c in word) or _FORMULA.fullmatch(word) is None:
        return False
    return all(symbol in ELEMENTS for symbol in _ELEMENT.findall(word))


FLAGS: dict[str, Callable[[str], bool]] = {
    "upper": str.isupper,
    "title": str.istitle,
    "digit": str.isdigit,
    "all_lower": str.islower,
    "has_digit": lambda w: any(c.isdigit() for c in w),
    "alnum_mix": lambda w: any(c.isdigit() for c in w) and any(c.isalpha() for c in w),
    "inner_upper": lambda w: any(c.isupper() for c in w[1:]) and any(c.islower() for c in w),
    "punct": lambda w: _PUNCT.fullmatch(w) is not None,
    "single_char": lambda w: len(w) == 1,
    "has_hyphen": lambda w: "-" in w and len(w) > 1,
    "has_slash": lambda w: "/" in w and len(w) > 1,
    "greek": is_greek,
    "roman": lambda w: _ROMAN.fullmatch(w) is not None,
    "formula": is_formula,
}


def flags(names: Sequence[str]) -> Callable[[str], Pairs]:
    """One feature per named flag (see ``FLAGS``) that holds for the word."""
    tests = [(name, FLAGS[name]) for name in names]
    return lambda word: [(name, 1.0) for name, test in tests if test(word)]


def case_pattern(word: str) -> str:
    """``upper``, ``lower``, ``title``, ``mixed``, or ``none`` for a word without letters."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return "none"
    if all(c.isupper() for c in letters):
        return "upper"
    if all(c.islower() for c in letters):
        return "lower"
    if letters[0].isupper() and all(c.islower() for c in letters[1:]):
        return "title"
    return "mixed"


def case(enabled: bool) -> Callable[[str], Pairs]:
    """The word's case pattern as one feature."""
    if not enabled:
        return lambda word: []
    return lambda word: [("case", case_pattern(word))]


LENGTH_BINS = ((1, "1"), (2, "2"), (4, "3-4"), (7, "5-7"), (12, "8-12"))


def length_bin(word: str) -> str:
    """The word's length, binned."""
    n = len(word)
    for limit, label in LENGTH_BINS:
        if n <= limit:
            return label
    return "13+"


def length(enabled: bool) -> Callable[[str], Pairs]:
    """The word's binned length as one feature."""
    if not enabled:
        return lambda word: []
    return lambda word: [("len", length_bin(word))]
