"""What a feature-set file may declare: its sections and their options, the validator of
each option's value, and the feature function each token family builds from its option.

Both the declaration (featureset.py) and the extractor (featurizer.py) read these tables.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from ..errors import FeatureSetError, is_whole
from . import abbreviations, affixes, clinical, lexical, orthography, shape


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _int_list(value: Any, low: float, high: float, message: str, nonempty: bool = False) -> list[int]:
    """``value`` as a list of whole numbers from ``low`` to ``high``; ValueError(message) otherwise."""
    if not isinstance(value, list) or (nonempty and not value) or not all(is_whole(v) and low <= v <= high for v in value):
        raise ValueError(message)
    return list(value)


def _lengths(value: Any) -> list[int]:
    return _int_list(value, 1, 10, "expected a list of lengths from 1 to 10")


def _known_names(value: Any, known, listed: str, unknown_label: str) -> list[str]:
    """``value`` as a list of names from ``known``; a ValueError saying what was expected."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of {listed}")
    unknown = [v for v in value if v not in known]
    if unknown:
        raise ValueError(f"unknown {unknown_label} {', '.join(unknown)}; known: {', '.join(known)}")
    return list(value)


def _flag_names(value: Any) -> list[str]:
    return _known_names(value, orthography.FLAGS, "flag names", "flag(s)")


def _shape_kinds(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(v in ("long", "short") for v in value):
        raise ValueError('expected a list of "long" and/or "short"')
    return list(value)


def _clinical_kinds(value: Any) -> list[str]:
    return _known_names(value, clinical.KINDS, "clinical feature kinds", "clinical kind(s)")


def _conjunctions(value: Any) -> list[list[int]]:
    if not isinstance(value, list) or not all(
        isinstance(c, list) and len(c) >= 2 and all(is_whole(o) and -3 <= o <= 3 for o in c)
        for c in value
    ):
        raise ValueError("expected a list of offset lists, e.g. [[-1, 0], [0, 1]]")
    if len({tuple(c) for c in value}) != len(value):  # each attribute came twice, so CRFsuite weighed it twice
        raise ValueError("expected a list of offset lists, each once")
    return [list(c) for c in value]


def _feature_conjunctions(value: Any) -> dict[str, list[list[int]]]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and k for k in value):
        raise ValueError("expected a table of feature name = offset lists, e.g. {clu128 = [[-1, 0], [0, 1]]}")
    return {name: _conjunctions(offsets) for name, offsets in value.items()}


def _mesh_branches(value: Any) -> dict[str, list[str]]:
    from .term_lists import LIST_NAME, TREE_NUMBER

    if not isinstance(value, dict) or not value or not all(
        isinstance(k, str) and LIST_NAME.fullmatch(k) and isinstance(v, list) and v
        and all(isinstance(n, str) and TREE_NUMBER.fullmatch(n) for n in v)
        for k, v in value.items()
    ):
        raise ValueError("expected a table of list name = MeSH tree-number prefixes, e.g. {mesh_sign = [\"C23.888\"]}")
    return {name: list(prefixes) for name, prefixes in value.items()}


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("expected a non-empty string")
    return value


def _list_names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError("expected a list of gazetteer names or paths")
    return list(value)


def _unlabeled_sources(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError("expected a list of unlabeled text names (ohsumed, biomedical_sentences) or paths")
    if len(set(value)) != len(value):  # a repeat was read twice, doubling its counts against the training text's
        raise ValueError("expected a list of unlabeled text names or paths, each once")
    return list(value)


def _granularities(value: Any) -> list[int]:
    return _int_list(value, 2, float("inf"), "expected a non-empty list of cluster counts (each 2 or more)", nonempty=True)


def _offsets(value: Any) -> list[int]:
    message = "expected a list of distinct offsets from -5 to 5 other than 0 (the token's own features are [token]'s)"
    offsets = _int_list(value, -5, 5, message)
    if 0 in offsets or len(set(offsets)) != len(offsets):  # 0 was dropped; a repeat weighed its features twice
        raise ValueError(message)
    return offsets


def _names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of feature names")
    return list(value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("expected a finite non-negative number")
    try:
        number = float(value)
    except OverflowError:
        raise ValueError("expected a finite non-negative number") from None
    if not math.isfinite(number) or number < 0:  # inf and nan pass a plain ``< 0`` test
        raise ValueError("expected a finite non-negative number")
    return number


#: The cluster counts a [clusters] table without ``granularities`` learns (one feature each: clu32 ...).
DEFAULT_GRANULARITIES = (32, 128, 512)
#: The widest co-occurrence window: words further apart say little, and the cost grows with it.
MAX_WINDOW = 20


def check_window(value: Any) -> int:
    """A co-occurrence window (``[clusters] window``, :func:`~crfner.featurize.clusters.learn_clusters`),
    else a ValueError saying what it must be."""
    if not is_whole(value) or not 1 <= value <= MAX_WINDOW:
        raise ValueError(f"expected a whole number of words from 1 to {MAX_WINDOW}")
    return value


def _count(value: Any) -> int:
    if not is_whole(value) or value < 1:
        raise ValueError("expected a positive whole number")
    return value


#: CRFsuite reads max_iterations as a C int: a larger count wrapped round (2**31 stopped after one iteration).
MAX_ITERATIONS = 2**31 - 1


def _iterations(value: Any) -> int:
    if not is_whole(value) or not 1 <= value <= MAX_ITERATIONS:
        raise ValueError(f"expected a whole number from 1 to {MAX_ITERATIONS}")
    return value


def _long_form(value: Any) -> list[str]:
    known = abbreviations.LONG_FORM_FEATURES
    if not isinstance(value, list) or not all(v in known for v in value):
        raise ValueError(f"expected a list of: {', '.join(known)}")
    return list(value)


def _sense_inventory(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("expected a sense inventory: clinical, or the path of an abbreviation<TAB>sense<TAB>share file")
    return value


def _expand(value: Any) -> str:
    if value not in ("words", "all"):
        raise ValueError('expected "words" (short forms written like words: neg, Abd) or "all"')
    return value


def _as_words(value: Any) -> str:
    if value not in ("rare", "spelled"):
        raise ValueError('expected "rare" (short forms rare as words in the training text) or "spelled" (and written like '
                         "words in notes, by the inventory's spellings)")
    return value


def _share(value: Any) -> float:
    number = _number(value)
    if not 0 < number <= 1:
        raise ValueError("expected a share above 0 and at most 1")
    return number


def _algorithm(value: Any) -> str:
    if value not in ("lbfgs", "l2sgd", "ap", "pa", "arow"):
        raise ValueError("expected one of lbfgs, l2sgd, ap, pa, arow")
    return value


# family name → (option validator, factory: option → function word → [(feature, value)])
TOKEN_FAMILIES: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Callable[[str], list]]]] = {
    "bias": (_bool, lexical.bias),
    "lower": (_bool, lexical.lower),
    "prefixes": (_lengths, affixes.prefixes),
    "suffixes": (_lengths, affixes.suffixes),
    "flags": (_flag_names, orthography.flags),
    "norm": (_bool, lexical.norm),
    "case": (_bool, orthography.case),
    "length": (_bool, orthography.length),
    "shape": (_shape_kinds, shape.shapes),
    "clinical": (_clinical_kinds, clinical.clinical),
}
CONTEXT_OPTIONS = {
    "offsets": _offsets,
    "features": _names,
    "boundaries": _bool,
    "conjunctions": _conjunctions,
    "conjoin": _string,
    "feature_conjunctions": _feature_conjunctions,
}
GAZETTEER_OPTIONS = {
    "lists": _list_names, "max_tokens": _count, "heads": _bool, "mesh_branches": _mesh_branches, "strict_letters": _bool,
}
CLUSTER_OPTIONS = {
    "granularities": _granularities,
    "dims": _count,
    "window": check_window,
    "min_count": _count,
    "gazetteer_text": _bool,
    "unlabeled_text": _unlabeled_sources,
}
ABBREVIATION_OPTIONS = {"long_form": _long_form, "senses": _sense_inventory, "min_share": _share, "expand": _expand,
                        "as_words": _as_words, "joined": _bool, "shorthand": _bool}
CASING_OPTIONS = {"truecase": _bool, "spellings": _bool, "keep_words": _bool}
SECTION_OPTIONS = {"context": _bool}
TRAINING_OPTIONS = {
    "algorithm": _algorithm,
    "c1": _number,
    "c2": _number,
    "max_iterations": _iterations,
    "all_possible_transitions": _bool,
    # CRFsuite's feature generation: drop (attribute, label) features seen fewer times than this,
    # and learn weights also for attribute-label pairs never seen together
    "min_freq": _count,
    "all_possible_states": _bool,
}
TOP_LEVEL = {
    "name", "version", "description", "training", "token", "context", "gazetteers", "clusters", "abbreviations", "casing",
    "sections",
}


def check_table(table: Any, options: dict[str, Callable], where: str, source: str) -> dict:
    """``table`` (one section of a declaration) with each value validated by ``options[key]``;
    FeatureSetError naming ``source`` and the option for anything unknown or invalid."""
    if not isinstance(table, dict):
        raise FeatureSetError(f"{source}: [{where}] must be a table")
    checked = {}
    for key, value in table.items():
        if key not in options:
            raise FeatureSetError(f"{source}: unknown option {where}.{key}; known: {', '.join(options)}")
        try:
            checked[key] = options[key](value)
        except ValueError as error:
            raise FeatureSetError(f"{source}: {where}.{key} = {value!r}: {error}") from None
    return checked


# The names of the features each token family computes, from its (validated) option.
_CLINICAL_NAMES = {
    "dose": ["clin:dose"], "unit": ["clin:unit", "clin:time"], "frequency": ["clin:freq"], "route": ["clin:route"],
    "duration": ["clin:duration"], "abbreviation": ["clin:abbr"], "caseless": ["clin:lshape", "clin:lsuf3", "clin:lsuf4"],
}
_FAMILY_NAMES: dict[str, Callable[[Any], list[str]]] = {
    "bias": lambda on: ["bias"] if on else [],
    "lower": lambda on: ["lower"] if on else [],
    "norm": lambda on: ["norm"] if on else [],
    "case": lambda on: ["case"] if on else [],
    "length": lambda on: ["len"] if on else [],
    "prefixes": lambda lengths: [f"pre{n}" for n in lengths],
    "suffixes": lambda lengths: [f"suf{n}" for n in lengths],
    "flags": list,
    "shape": lambda kinds: ["shape" if kind == "long" else "shape_short" for kind in kinds],
    "clinical": lambda kinds: [name for kind in kinds for name in _CLINICAL_NAMES[kind]],
}
# Gazetteer features are named after lists that may be given only at fit time.
_GAZETTEER_STEMS = ("gaz:", "gazhead:")


def computed_names(token: dict, clusters: dict) -> list[str]:
    """The token-level feature names a declaration computes (gazetteer features aside)."""
    names = [name for family, option in token.items() for name in _FAMILY_NAMES[family](option)]
    granularities = clusters.get("granularities", DEFAULT_GRANULARITIES) if clusters else []
    return names + [f"clu{g}" for g in granularities]


def _every_name() -> list[str]:
    """Every feature name some declaration can compute, to suggest a correction from."""
    options = {"bias": True, "lower": True, "norm": True, "case": True, "length": True, "prefixes": range(1, 6),
               "suffixes": range(1, 6), "flags": orthography.FLAGS, "shape": ["long", "short"], "clinical": clinical.KINDS}
    return computed_names(options, {"granularities": DEFAULT_GRANULARITIES})


def _unknown(value: str, names: list[str], why: str, source: str, key: str) -> FeatureSetError:
    import difflib
    import re

    every = _every_name() + ["pre", "suf", "clu"]
    if value in every or re.fullmatch(r"(pre|suf|clu)[0-9]+", value) or (
        value.endswith("*") and any(n.startswith(value[:-1]) for n in every)
    ):
        problem = f"a feature this set does not compute{why}; enable its family in [token] or [clusters]"
    else:
        close = difflib.get_close_matches(value, names, n=1) or difflib.get_close_matches(value, _every_name(), n=1)
        problem = "an unknown feature" + (f"; did you mean {close[0]!r}?" if close else "")
    return FeatureSetError(
        f"{source}: context.{key} names {value!r}, {problem} (this set computes: {', '.join(names) or 'nothing'})"
    )


def check_context(context: dict, token: dict, clusters: dict, source: str) -> None:
    """Each name in ``context.features`` (a name, or a prefix ending in ``*``) and the
    ``conjoin`` feature must be one the declaration computes: a typo (``lowr``) would
    otherwise give no feature at all. FeatureSetError naming the file, the key and the value."""
    names = computed_names(token, clusters)
    if context.get("features") and not context.get("offsets"):
        raise FeatureSetError(f"{source}: context.features needs offsets, the neighbours to copy them from (e.g. [-1, 1])")
    if "conjoin" in context and not context.get("conjunctions"):
        raise FeatureSetError(f"{source}: context.conjoin names what conjunctions join; declare conjunctions too")
    for name in context.get("features", []):
        stem = name[:-1] if name.endswith("*") else None
        if name in names or (stem is not None and any(n.startswith(stem) for n in names)):
            continue
        if name.startswith(_GAZETTEER_STEMS) or (stem is not None and any(s.startswith(stem) for s in _GAZETTEER_STEMS)):
            continue
        raise _unknown(name, names, "", source, "features")
    conjoin = context.get("conjoin")
    if (conjoin is not None or context.get("conjunctions")) and (conjoin or "lower") not in names and not (
        conjoin or ""
    ).startswith("gazhead:"):
        raise _unknown(conjoin or "lower", names, " (conjunctions join its values)", source, "conjoin")
    for name in context.get("feature_conjunctions", {}):
        if name not in names:
            raise _unknown(name, names, " (conjunctions join its values)", source, "feature_conjunctions")
