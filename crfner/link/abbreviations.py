"""The abbreviations a document defines, as strings: ``{"DMD": "Duchenne muscular dystrophy"}``,
so a mention of a short form is linked through its long form.

Definitions are found lazily: a regular expression lists the bracketed candidates, and only
a candidate some mention uses is checked, by the Schwartz and Hearst rule of
:func:`crfner.featurize.abbreviations.find_definitions` over the tokens just before its
bracket (the rule never looks further back than a punctuation mark or twenty tokens).
"""

from __future__ import annotations

import re

from ..featurize.abbreviations import find_definitions
from ..text import tokenize

# "(" then a candidate short form (spaces aside, 2 to 10 characters), closed as the rule allows
_BRACKET = re.compile(r"\(\s*([A-Za-z0-9][A-Za-z0-9\-/+'. ]{1,20}?)\s*[);,\]]")
_WINDOW = 200  # characters before the bracket: room for twenty tokens of a long form


# A short form in capitals written as a plural: "ABGs", "PFTs", "CXRs".
_PLURAL_SHORT = re.compile(r"([A-Z][A-Z0-9]+)s")
# A hyphen after three letters, before a small one: "anti-nuclear" (not "L-AMB", "T-cell", "COVID-19").
_JOINED = re.compile(r"(?<=[A-Za-z]{3})-(?=[a-z])")
# An organism as notes shorten it, a genus's initial and a clipped species: "C. diff", "E coli".
_CLIPPED_SPECIES = re.compile(r"([A-Za-z])(?:\. ?| )([a-z]{3,6})")


def short_key(text: str) -> str:
    """A short form as it is compared: without spaces ("5 - FU" and "5-FU" are one)."""
    return "".join(text.split())


def singular_short_form(text: str) -> str | None:
    """A short form in capitals written as a plural without its "s" ("ABGs" -> "ABG"), else None:
    notes write many tests so, where the abbreviation inventories list the singular."""
    match = _PLURAL_SHORT.fullmatch(text.strip())
    return match.group(1) if match else None


def sense_keys(text: str) -> list[str]:
    """Other keys under which an abbreviation inventory may list ``text`` (case folded), when
    its own is not there: a plural short form's singular ("ABGs": "abg"), and a genus's initial
    with a clipped species written as one word, as the inventories do ("C. diff": "cdiff")."""
    keys = [single.casefold()] if (single := singular_short_form(text)) else []
    if clipped := _CLIPPED_SPECIES.fullmatch(text.strip()):
        keys.append("".join(clipped.groups()).casefold())
    return keys


def expanded(text: str, abbreviations: dict[str, str]) -> str:
    """``text`` with a defined short form, whole or as one of its words, written as its long form."""
    if short_key(text) in abbreviations:
        return abbreviations[short_key(text)]
    return " ".join(abbreviations.get(short_key(word), word) for word in text.split())


def joined_form(text: str) -> str:
    """``text`` with a hyphen between letters, before a small one, left out: a combining form and
    its word as one ("angio-oedema", "anti-nuclear", "temporo-mandibular"), as names write them."""
    return _JOINED.sub("", text)


class DocumentAbbreviations:
    """Short form (spaces removed) -> long form for one document; the first definition of a
    short form wins. Reads like a dict: ``key in abbreviations``, ``abbreviations.get(key)``."""

    def __init__(self, text: str):
        self.text = text
        self._candidates: dict[str, list[re.Match]] = {}
        for match in _BRACKET.finditer(text):
            self._candidates.setdefault(short_key(match.group(1)), []).append(match)
        self._found: dict[str, str | None] = {}

    def _long_form(self, key: str) -> str | None:
        if key not in self._found:
            self._found[key] = None
            for match in self._candidates.get(key, ()):
                start = max(0, match.start() - _WINDOW)
                before = [token.text for token in tokenize(self.text, start, match.start())]
                if start > 0:
                    before = before[1:]  # the first token may be cut
                tokens = [*before, "(", *(token.text for token in tokenize(self.text, match.start(1), match.end(1))), ")"]
                # The window may hold earlier definitions ("... (HDL) ... disease (CHD)"): take this key's own.
                for short, long in find_definitions([tokens]).items():
                    if short_key("".join(short)) == key:
                        self._found[key] = " ".join(long)
                        break
                if self._found[key] is not None:
                    break
        return self._found[key]

    def __contains__(self, key: str) -> bool:
        return key in self._candidates and self._long_form(key) is not None

    def __getitem__(self, key: str) -> str:
        found = self._long_form(key) if key in self._candidates else None
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def as_dict(self) -> dict[str, str]:
        """Every definition in the document."""
        return {key: self[key] for key in self._candidates if key in self}


def document_abbreviations(text: str) -> DocumentAbbreviations:
    return DocumentAbbreviations(text)
