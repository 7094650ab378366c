"""Declared feature sets: a TOML file names its feature families, their options and the
training parameters recommended for it; this module finds one, validates it against
schema.py and hands it to its extractor (featurizer.py).

A saved model stores the resolved declaration (``FeatureSet.to_dict``), so it featurizes
exactly as it was trained, whatever the file on disk says later.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..errors import FeatureSetError, excerpt
from .featurizer import Featurizer, Resources
from .schema import (
    ABBREVIATION_OPTIONS,
    CASING_OPTIONS,
    CLUSTER_OPTIONS,
    CONTEXT_OPTIONS,
    GAZETTEER_OPTIONS,
    SECTION_OPTIONS,
    TOKEN_FAMILIES,
    TOP_LEVEL,
    TRAINING_OPTIONS,
    check_context,
    check_table,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PACKAGE = "crfner.featuresets"
SPEC_FORMAT = 1


@dataclass
class FeatureSet:
    """A validated feature-set declaration: name, version, token families, context, training."""

    name: str
    version: int
    description: str = ""
    training: dict = field(default_factory=dict)
    token: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)
    gazetteers: dict = field(default_factory=dict)
    clusters: dict = field(default_factory=dict)
    abbreviations: dict = field(default_factory=dict)
    casing: dict = field(default_factory=dict)
    sections: dict = field(default_factory=dict)
    #: The TOML file the declaration was read from (None for a dict or a model's stored set);
    #: not part of what the set computes, so neither compared, stored nor fingerprinted.
    file: str | None = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        """How an error found only at fit time names the set: ``feature set 'NAME'``, after the
        file it came from (``features/x.toml: feature set 'x'``), as load-time errors name it."""
        named = f"feature set {self.name!r}"
        return f"{self.file}: {named}" if self.file else named

    @classmethod
    def from_dict(cls, spec: dict, source: str = "<feature set>") -> "FeatureSet":
        """Validate a declaration (as read from TOML, or stored in a model)."""
        if not isinstance(spec, dict):
            raise FeatureSetError(f"{source}: a feature set must be a table")
        unknown = set(spec) - TOP_LEVEL
        if unknown:
            raise FeatureSetError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(TOP_LEVEL))}")
        name, version = spec.get("name"), spec.get("version")
        if not isinstance(name, str) or not name:
            raise FeatureSetError(f"{source}: needs a name")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:  # 0 and -3 passed, as versions
            raise FeatureSetError(f"{source}: needs a whole-number version of 1 or more (version = {excerpt(version)})")
        if not isinstance(spec.get("description", ""), str):  # a number or a table was stored as its str()
            raise FeatureSetError(f"{source}: description = {excerpt(spec['description'])}: expected a string")
        token = check_table(spec.get("token", {}), {k: v[0] for k, v in TOKEN_FAMILIES.items()}, "token", source)
        context = check_table(spec.get("context", {}), CONTEXT_OPTIONS, "context", source)
        training = check_table(spec.get("training", {}), TRAINING_OPTIONS, "training", source)
        gazetteers = check_table(spec.get("gazetteers", {}), GAZETTEER_OPTIONS, "gazetteers", source)
        clusters = check_table(spec.get("clusters", {}), CLUSTER_OPTIONS, "clusters", source)
        abbreviations = check_table(spec.get("abbreviations", {}), ABBREVIATION_OPTIONS, "abbreviations", source)
        casing = check_table(spec.get("casing", {}), CASING_OPTIONS, "casing", source)
        sections = check_table(spec.get("sections", {}), SECTION_OPTIONS, "sections", source)
        check_context(context, token, clusters, source)
        if ("senses" in abbreviations or "min_share" in abbreviations) and "long_form" not in abbreviations:
            raise FeatureSetError(f"{source}: [abbreviations] senses gives undefined short forms the long_form features; declare long_form too")
        for option in ("min_share", "expand", "as_words"):
            if option in abbreviations and "senses" not in abbreviations:
                raise FeatureSetError(f"{source}: [abbreviations] {option} needs senses (the inventory it reads)")
        for option, what in (("spellings", "fills the truecasing table from the [abbreviations] senses inventory"),
                             ("keep_words", ("keeps the short forms the [abbreviations] senses read as words out of the "
                                             "truecasing table"))):
            if casing.get(option) and not (casing.get("truecase") and "senses" in abbreviations):
                raise FeatureSetError(f"{source}: [casing] {option} {what}; declare truecase = true and senses too")
        return cls(
            name, version, spec.get("description", ""), training, token, context, gazetteers, clusters, abbreviations,
            casing, sections,
        )

    def to_dict(self) -> dict:
        """The resolved declaration, as stored in a saved model."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "training": dict(self.training),
            "token": dict(self.token),
            "context": dict(self.context),
            "gazetteers": dict(self.gazetteers),
            "clusters": dict(self.clusters),
            **({"abbreviations": dict(self.abbreviations)} if self.abbreviations else {}),
            **({"casing": dict(self.casing)} if self.casing else {}),
            **({"sections": dict(self.sections)} if self.sections else {}),
        }

    def fingerprint(self) -> str:
        """A short hash of what the set computes (description excluded)."""
        spec = self.to_dict()
        spec.pop("description")
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]

    def featurizer(self, resources: "Resources | None" = None, known: frozenset | None = None) -> "Featurizer":
        """A fresh extractor for this set (it caches per-word features); ``resources`` holds the
        gazetteers and the cluster table, where the set uses them; ``known`` see Featurizer."""
        return Featurizer(self, resources, known)


def available_feature_sets() -> list[str]:
    """Names of the feature sets installed with crfner."""
    return sorted(p.name[:-5] for p in resources.files(PACKAGE).iterdir() if p.name.endswith(".toml"))


def load_feature_set(features: "str | os.PathLike | dict | FeatureSet") -> FeatureSet:
    """Resolve a feature set given by name (``"tutorial"``), by a path to a TOML file, or as a dict."""
    if isinstance(features, FeatureSet):
        return features
    if isinstance(features, dict):
        return FeatureSet.from_dict(features)
    text = str(features)
    path = Path(text)
    installed = not isinstance(features, os.PathLike) and text in available_feature_sets()  # a name, whatever file the folder holds
    if not installed and (text.endswith(".toml") or os.sep in text or path.is_file()):
        if not path.is_file():
            raise FeatureSetError(f"{path}: no such feature-set file")
        return _parse(_read_text(path), str(path))
    resource = resources.files(PACKAGE) / f"{text}.toml"
    if not resource.is_file():
        raise FeatureSetError(
            f"unknown feature set {text!r}; installed: {', '.join(available_feature_sets())} (or give a .toml path)"
        )
    return _parse(resource.read_text(encoding="utf-8"), f"{text}.toml")


def _read_text(path: Path) -> str:
    """A feature-set file's text: UTF-8, a BOM dropped; a one-line FeatureSetError otherwise."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FeatureSetError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FeatureSetError(f"{path}, line {line}: not UTF-8 text") from None


def _parse(text: str, source: str) -> FeatureSet:
    try:
        spec = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FeatureSetError(f"{source}: not valid TOML ({error})") from None
    except (RecursionError, MemoryError):
        raise FeatureSetError(f"{source}: not a usable TOML file (nested too deeply, or too large)") from None
    feature_set = FeatureSet.from_dict(spec, source)
    feature_set.file = source
    return feature_set
