"""Which feature family a CRF attribute belongs to, read from its name, so that weights can be
summed and shown by the family that made them (the feature-set table of the README)."""

from __future__ import annotations

import re

from ..featurize.orthography import FLAGS

# An attribute is `name:value` (`norm:aspirin`, `suf3:ine`) or a bare `name` (`title`);
# its family is decided by the name's prefix, first match wins (the README lists the families too):
#
# `conjunctions`          `-1|+0:norm:...`, `+0|+1:norm:...` (words at several offsets)
# `context`               `-2:...`, `+1:...`: any feature of a neighbouring token
# `boundaries`            `BOS`, `EOS`
# `bias`                  `bias`
# `word`                  `lower:...`, `norm:...`
# `affixes`               `pre2:...` to `pre10:...`, `suf2:...` to `suf10:...`
# `orthography`           the flags (`upper`, `title`, `has_digit`, ... `formula`),
#                         `case:...`, `len:...`
# `shape`                 `shape:...`, `shape_short:...`
# `gazetteers`            `gaz:LIST...`, `gazhead:LIST:...`
# `clusters`              `clu32:...`, `clu128:...` (any `cluN`)
# `abbreviations`         `abbr`, `abbr:last:...`, `abbr:suf3:...`, `abbr:gaz:LIST...`, `abbr:lexicon`
# `clinical`              `clin:...` (the clinical set's dose, unit, frequency, route, duration and
#                         abbreviation patterns, and its case-free forms)
# `sections`              `section:...`, `heading` (the note's section a token falls under)
# `other`                 anything else (a feature a newer crfner added)
FAMILIES = (
    "bias", "word", "affixes", "orthography", "shape", "gazetteers", "clusters", "abbreviations",
    "clinical", "sections", "context", "conjunctions", "boundaries", "other",
)

_CONJUNCTION = re.compile(r"[+-]\d+(?:\|[+-]\d+)+:")
_CONTEXT = re.compile(r"[+-]\d+:")
_AFFIX = re.compile(r"(?:pre|suf)\d+:")
_CLUSTER = re.compile(r"clu\d+:")
_BARE = {"bias": "bias", "BOS": "boundaries", "EOS": "boundaries", "abbr": "abbreviations", "heading": "sections",
         **{flag: "orthography" for flag in FLAGS}}
_PREFIXES = (
    ("lower:", "word"), ("norm:", "word"), ("case:", "orthography"), ("len:", "orthography"),
    ("shape:", "shape"), ("shape_short:", "shape"), ("gaz:", "gazetteers"), ("gazhead:", "gazetteers"),
    ("abbr:", "abbreviations"), ("clin:", "clinical"), ("section:", "sections"),
)


def family(attribute: str | bytes) -> str:
    """The family (one of `FAMILIES`) of an attribute name such as `"-1:norm:of"`."""
    if isinstance(attribute, bytes):
        attribute = attribute.decode("utf-8", "replace")
    if _CONJUNCTION.match(attribute):
        return "conjunctions"
    if _CONTEXT.match(attribute):
        return "context"
    bare = _BARE.get(attribute)
    if bare is not None:
        return bare
    for prefix, name in _PREFIXES:
        if attribute.startswith(prefix):
            return name
    if _AFFIX.match(attribute):
        return "affixes"
    if _CLUSTER.match(attribute):
        return "clusters"
    return "other"


def attribute_name(attribute: bytes) -> str:
    """An attribute as text (they are UTF-8; anything else is shown escaped, never dropped)."""
    return attribute.decode("utf-8", "backslashreplace")
