"""Declared feature sets: a TOML file names its feature families, their options and the
training parameters recommended for it; this module validates one and builds its extractor.

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
from typing import Any, Callable, Iterable, Sequence

from ..errors import FeatureSetError
from . import affixes, lexical, orthography
from .context import add_context

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PACKAGE = "crfner.featuresets"
SPEC_FORMAT = 1


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _lengths(value: Any) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 10 for v in value):
        raise ValueError("expected a list of lengths from 1 to 10")
    return list(value)


def _flag_names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of flag names")
    unknown = [v for v in value if v not in orthography.FLAGS]
    if unknown:
        raise ValueError(f"unknown flag(s) {', '.join(unknown)}; known: {', '.join(orthography.FLAGS)}")
    return list(value)


def _offsets(value: Any) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and -5 <= v <= 5 for v in value):
        raise ValueError("expected a list of offsets from -5 to 5")
    return list(value)


def _names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of feature names")
    return list(value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError("expected a non-negative number")
    return float(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("expected a positive whole number")
    return value


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
}
CONTEXT_OPTIONS = {"offsets": _offsets, "features": _names, "boundaries": _bool}
TRAINING_OPTIONS = {
    "algorithm": _algorithm,
    "c1": _number,
    "c2": _number,
    "max_iterations": _count,
    "all_possible_transitions": _bool,
}
TOP_LEVEL = {"name", "version", "description", "training", "token", "context"}


def _check_table(table: Any, options: dict[str, Callable], where: str, source: str) -> dict:
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


@dataclass
class FeatureSet:
    """A validated feature-set declaration: name, version, token families, context, training."""

    name: str
    version: int
    description: str = ""
    training: dict = field(default_factory=dict)
    token: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)

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
        if isinstance(version, bool) or not isinstance(version, int):
            raise FeatureSetError(f"{source}: needs a whole-number version")
        token = _check_table(spec.get("token", {}), {k: v[0] for k, v in TOKEN_FAMILIES.items()}, "token", source)
        context = _check_table(spec.get("context", {}), CONTEXT_OPTIONS, "context", source)
        training = _check_table(spec.get("training", {}), TRAINING_OPTIONS, "training", source)
        return cls(name, version, str(spec.get("description", "")), training, token, context)

    def to_dict(self) -> dict:
        """The resolved declaration, as stored in a saved model."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "training": dict(self.training),
            "token": dict(self.token),
            "context": dict(self.context),
        }

    def fingerprint(self) -> str:
        """A short hash of what the set computes (description excluded)."""
        spec = self.to_dict()
        spec.pop("description")
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]

    def featurizer(self) -> "Featurizer":
        """A fresh extractor for this set (it caches per-word features)."""
        return Featurizer(self)


class Featurizer:
    """Turns a token sequence into one feature dict per token, as its feature set declares.

    Token-local features depend on the word alone, so they are computed once per word type.
    """

    CACHE_LIMIT = 500_000

    def __init__(self, feature_set: FeatureSet):
        self.feature_set = feature_set
        self._token_functions = [TOKEN_FAMILIES[name][1](option) for name, option in feature_set.token.items()]
        ctx = feature_set.context
        self._offsets = ctx.get("offsets", [])
        self._context_names = ctx.get("features", [])
        self._boundaries = ctx.get("boundaries", False)
        self._cache: dict[str, dict] = {}

    def token_features(self, word: str) -> dict:
        """Features of one word on its own."""
        cached = self._cache.get(word)
        if cached is None:
            if len(self._cache) >= self.CACHE_LIMIT:
                self._cache.clear()
            cached = {}
            for function in self._token_functions:
                cached.update(function(word))
            self._cache[word] = cached
        return cached

    def __call__(self, tokens: Sequence[str]) -> list[dict]:
        own = [self.token_features(token) for token in tokens]
        return add_context(own, self._offsets, self._context_names, self._boundaries)


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
    if text.endswith(".toml") or os.sep in text or path.is_file():
        if not path.is_file():
            raise FeatureSetError(f"{path}: no such feature-set file")
        return _parse(path.read_text(encoding="utf-8"), str(path))
    resource = resources.files(PACKAGE) / f"{text}.toml"
    if not resource.is_file():
        raise FeatureSetError(
            f"unknown feature set {text!r}; installed: {', '.join(available_feature_sets())} (or give a .toml path)"
        )
    return _parse(resource.read_text(encoding="utf-8"), f"{text}.toml")


def _parse(text: str, source: str) -> FeatureSet:
    try:
        spec = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FeatureSetError(f"{source}: not valid TOML ({error})") from None
    return FeatureSet.from_dict(spec, source)


def featurize_many(
    feature_set: FeatureSet, sentences: Sequence[Sequence[str]], n_jobs: int = 1, progress: bool | None = False, desc: str = "featurizing"
) -> list[list[dict]]:
    """Featurize many sentences, over ``n_jobs`` processes with joblib when ``n_jobs != 1``."""
    from tqdm.auto import tqdm

    if n_jobs == 1 or len(sentences) < 200:
        featurizer = feature_set.featurizer()
        iterator: Iterable = tqdm(sentences, desc=desc, unit="sent", disable=not progress, leave=False)
        return [featurizer(tokens) for tokens in iterator]

    from joblib import Parallel, delayed, effective_n_jobs

    workers = effective_n_jobs(n_jobs)
    size = max(50, -(-len(sentences) // (workers * 4)))
    chunks = [sentences[i : i + size] for i in range(0, len(sentences), size)]
    spec = feature_set.to_dict()
    results = Parallel(n_jobs=n_jobs, return_as="generator")(delayed(_featurize_chunk)(spec, chunk) for chunk in chunks)
    out: list[list[dict]] = []
    for part in tqdm(results, total=len(chunks), desc=desc, unit="chunk", disable=not progress, leave=False):
        out.extend(part)
    return out


def _featurize_chunk(spec: dict, chunk: Sequence[Sequence[str]]) -> list[list[dict]]:
    featurizer = FeatureSet.from_dict(spec).featurizer()
    return [featurizer(tokens) for tokens in chunk]
