"""Keys under which a concept name and a mention are looked up: the string as written
(case folded), a normal form (punctuation, hyphens, plurals, Greek letters and Roman
numerals made uniform) and a bag of words (word order ignored).

"Non-Hodgkin's lymphomas", "non hodgkin lymphoma" and "lymphoma, non-Hodgkin" share a bag
key; "type II diabetes" and "type 2 diabetes" share a normal form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi",
    "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon",
    "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
}

# Unambiguous numerals always; "i", "v" and "x" only after a word that takes a number.
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "xi": "11", "xii": "12",
          "xiii": "13", "xiv": "14", "xv": "15", "xvi": "16", "xvii": "17", "xviii": "18", "xix": "19", "xx": "20"}
_SHORT_ROMAN = {"i": "1", "v": "5", "x": "10"}
_NUMBERED = frozenset({"type", "types", "class", "grade", "stage", "phase", "factor", "group", "complex", "degree"})

#: What the keys are, for a saved linker, whose tables hold them: 2 since 2026-12-05, when the
#: lenient key came to read a test's record as the test and to leave out sides; 3 since
#: 2026-12-05, when it came to leave out a measurement's words ("sodium level" -> sodium); 4 since
#: 2026-12-05, when it came to read more organs' adjectives as the organ ("abdominal" -> Abdomen); 5
#: since 2026-12-05, when an acronym's syndrome ("MASS syndrome") came to have no lenient key; 6
#: since 2026-12-05, when letters with no accent to drop ("œ", "æ", "ø", "ß") came to be spelled
#: out instead of dropped ("Senior-Løken" -> "senior loken", "œdema" -> "edema"), in every key; 7
#: since 2026-12-05, when a syndrome whose word left is of one or two letters, whatever its case,
#: came to have no lenient key either ("Sc Syndrome": SC is sclerosing cholangitis or subcutaneous); 8
#: since 2026-12-06, when a name that is one acronym in capitals ending in S came to keep its S
#: in every key (MEDIC's "EBVS" and "HCVS" had made "EBV" and "HCV" Lymphoproliferative Disorders
#: and Coronaviridae Infections; "CRPS" is no "CRP"); 9 since 2026-12-06, when an inner "oe" came
#: to be read as the British "e" only after a consonant ("lymphoedema", "diarrhoea"), so that
#: "angioedema" keeps its "oe" and the British "angiooedema" finds it.
KEYS_VERSION = 9

# Letters NFKD does not take apart, spelled as ASCII; dropping them made "œdema" "dema".
_SPELLED = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ß": "ss", "ð": "d", "þ": "th", "ł": "l", "đ": "d", "ı": "i"})

#: Words a bag key leaves out: they change nothing about which concept a name means.
STOPWORDS = frozenset({"of", "the", "a", "an", "in", "with", "to", "for", "by", "on", "nos", "s"})

_SPLIT = re.compile(r"[^0-9a-z]+")
# Words whose final s is not a plural.
_KEEP_S = re.compile(r"(ss|us|is|ys|os)$")
_KEEP_WORDS = frozenset({"pancreas", "gas", "atlas", "aids", "has", "was", "this", "thus", "plus", "always", "herpes", "rabies", "scabies", "series", "species", "diabetes", "measles", "mumps", "rickets", "tetanus"})
# British spellings to American ones, inside a word: anaemia, oedema, diarrhoea, tumour.
# An inner "oe" only after a consonant (since keys version 9): "angioedema" is American, its
# combining form's "o" before "edema", and "angiooedema" British, as "angio-oedema" joined.
_BRITISH = [(re.compile(r"(?<=[a-z])ae(?=[a-z])"), "e"), (re.compile(r"(?<=[a-z])ooe(?=[a-z])"), "oe"),
            (re.compile(r"(?<![a-z])oe(?=[a-z])|(?<=[b-df-hj-np-tv-z])oe(?=[a-rt-z])"), "e"),
            (re.compile(r"(?<=[a-z]{3})our(?=s?\b)"), "or")]
_POSSESSIVE = re.compile(r"['’]s\b")
# A name that is one acronym whose S is its own letter, not a plural's ("HCVS", "CRPS"; "PCBs" is a
# plural). Alone only: inside a name in capitals throughout, "STONES" is a plural.
_ACRONYM_WITH_S = re.compile(r"[A-Z]{3,}S")


def fold(text: str) -> str:
    """The string as written, case folded and with its spaces collapsed: the exact key."""
    return " ".join(text.casefold().split())


def _ascii(text: str) -> str:
    """Greek letters and letters such as "œ" spelled out, accents dropped, everything else lower case."""
    spelled = "".join(f" {GREEK[c]} " if c in GREEK else c for c in text.casefold()).translate(_SPELLED)
    plain = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode("ascii")
    for pattern, american in _BRITISH:
        plain = pattern.sub(american, plain)
    return plain


def singular(word: str) -> str:
    """A plural's singular by the common English endings; other words unchanged."""
    if len(word) <= 3 or word.isdigit() or word in _KEEP_WORDS:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not _KEEP_S.search(word):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The normalised words of ``text``: lower case ASCII, split at anything but letters and
    digits (so hyphens, apostrophes and brackets separate), singular (but for an acronym in
    capitals ending in S, alone), numerals as digits."""
    return list(_words(text))


# Each key reads a name's words, one key after the other: the last few names' words, kept, spare
# two of the three readings (the clinical quick start's linker, with the chemical list's 125,416
# names, built in 25.1 and 27.7 s instead of 33.4 and 40.3 s: benchmarks/results/linker_build_time.json).
@lru_cache(maxsize=1024)
def _words(text: str) -> tuple[str, ...]:
    out: list[str] = []
    acronym = _ACRONYM_WITH_S.fullmatch(text.strip()) is not None
    for word in _SPLIT.split(_ascii(_POSSESSIVE.sub("", text))):
        if not word:
            continue
        if word in _ROMAN:
            word = _ROMAN[word]
        elif word in _SHORT_ROMAN and out and out[-1] in _NUMBERED:
            word = _SHORT_ROMAN[word]
        out.append(word if acronym else singular(word))
    return tuple(out)


@lru_cache(maxsize=200_000)
def normal_form(text: str) -> str:
    """The normal key: :func:`words` joined by spaces."""
    return " ".join(_words(text))


@lru_cache(maxsize=200_000)
def bag_form(text: str) -> str:
    """The bag key: the distinct normalised words but stopwords, sorted."""
    return " ".join(sorted(set(_words(text)) - STOPWORDS))


#: Words a lenient key treats as one: the names MeSH files neoplasms under.
NEOPLASM_WORDS = frozenset({"cancer", "carcinoma", "tumor", "neoplasm", "neoplasia", "malignancy", "malignancie"})
#: Organ nouns and their adjectives as one word: "prostate cancer" finds "Prostatic Neoplasms", and
#: (since keys version 4) a body part written as its adjective, as clinical annotations mark it
#: ("abdominal" of "abdominal pain"), finds the part, "Abdomen". Not "neck" -> "cervical", which
#: would make "cervical neoplasm" both uterine and head and neck neoplasms.
ORGAN_ADJECTIVES = {"prostate": "prostatic", "pancreas": "pancreatic", "kidney": "renal", "liver": "hepatic", "heart": "cardiac",
                    "lung": "pulmonary", "stomach": "gastric", "colon": "colonic", "ovary": "ovarian", "brain": "cerebral",
                    "abdomen": "abdominal", "esophagus": "esophageal", "rectum": "rectal", "larynx": "laryngeal", "pelvis": "pelvic",
                    "vagina": "vaginal", "mediastinum": "mediastinal", "trachea": "tracheal", "thorax": "thoracic", "pharynx": "pharyngeal",
                    "duodenum": "duodenal", "ileum": "ileal", "jejunum": "jejunal", "uterus": "uterine", "spleen": "splenic",
                    "bronchi": "bronchial", "bronchus": "bronchial", "skin": "cutaneous", "mouth": "oral", "nose": "nasal", "eye": "ocular",
                    "tongue": "lingual", "gingiva": "gingival", "retina": "retinal", "cornea": "corneal", "aorta": "aortic",
                    "artery": "arterial", "vein": "venous", "muscle": "muscular", "testis": "testicular", "perineum": "perineal",
                    "peritoneum": "peritoneal", "pleura": "pleural", "pericardium": "pericardial", "myocardium": "myocardial",
                    "endometrium": "endometrial", "mandible": "mandibular", "maxilla": "maxillary", "axilla": "axillary", "groin": "inguinal",
                    "spine": "spinal"}
#: Generic heads a lenient key leaves out ("Addison disease", "Addison's syndrome" -> "addison").
GENERIC_WORDS = frozenset({"disease", "disorder", "syndrome", "condition", "abnormality"})
#: Sides a lenient key leaves out: MeSH names a body part, not its side ("left arm" -> Arm).
SIDE_WORDS = frozenset({"left", "right", "bilateral", "unilateral", "both"})
#: A measurement's words a lenient key leaves out: a test is named by what it measures, and
#: MeSH names that ("serum sodium level", "Sodium"; "ferritin concentration", "Ferritins"). Not
#: "plasma", which names cells ("Plasma Cells" is no "cells").
MEASURE_WORDS = frozenset({"level", "concentration", "value", "measurement", "titer", "titre", "serum"})
_RECORD = re.compile(r"(?<=[a-z]{4})gra(?:m|ph)$")
_TOKEN = re.compile(r"[0-9A-Za-z]+")


def _in_capitals(text: str) -> set[str]:
    """The normalised words ``text`` writes in capitals, as acronyms: "MASS" and "F" in "MASS
    syndrome" and "F SYNDROME", not "Down" nor a number."""
    return {word for token in _TOKEN.findall(text) if token == token.upper() and not token.isdigit() for word in words(token)}


def _letters(word: str, most: int) -> bool:
    """Whether ``word`` is letters only, ``most`` of them or fewer: a short form, not a number."""
    return word.isalpha() and len(word) <= most


def as_test(word: str) -> str:
    """A test's record or instrument as the test, as MeSH files "Angiogram" under Angiography:
    "echocardiogram" and "radiograph" as "echocardiography" and "radiography"; four letters or
    more must come before the ending, so "program" and "diagram" stay as they are."""
    return _RECORD.sub("graphy", word)


@lru_cache(maxsize=200_000)
def lenient_form(text: str) -> str:
    """The lenient key: a bag of words with neoplasm words as one, organ nouns as their
    adjectives, a test's record as the test, and generic heads, sides and a measurement's
    words dropped; found only when the stricter keys find nothing. None ("") for a name that
    dropping a generic head leaves as one acronym, as an English word or a ward short form
    would then find it: a word in capitals ("MASS syndrome"), or of one or two letters ("Sc Syndrome")."""
    kept = set()
    for word in _words(text):
        if word in NEOPLASM_WORDS:
            word = "neoplasm"
        word = as_test(word)
        kept.add(ORGAN_ADJECTIVES.get(word, word))
    left = kept - STOPWORDS - GENERIC_WORDS - SIDE_WORDS - MEASURE_WORDS
    if len(left) == 1 and kept & GENERIC_WORDS and (left & _in_capitals(text) or _letters(next(iter(left)), 2)):
        return ""  # "MASS syndrome" is no "mass" (since keys version 5), nor "Sc Syndrome" an "SC" (version 7)
    return " ".join(sorted(left))
