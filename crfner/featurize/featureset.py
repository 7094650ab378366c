"""Declared feature sets: a TOML file names its feature families, their options and the
training parameters recommended for it; this module validates one and builds its extractor.

A saved model stores the resolved declaration (``FeatureSet.to_dict``), so it featurizes
exactly as it was trained, whatever the file on disk says later.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..errors import DataFormatError, FeatureSetError
from . import abbreviations, affixes, lexical, orthography, shape
from .context import Context, attribute

Pairs = list[tuple[str, object]]

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


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_list(value: Any, low: float, high: float, message: str, nonempty: bool = False) -> list[int]:
    """``value`` as a list of whole numbers from ``low`` to ``high``; ValueError(message) otherwise."""
    if not isinstance(value, list) or (nonempty and not value) or not all(_is_int(v) and low <= v <= high for v in value):
        raise ValueError(message)
    return list(value)


def _lengths(value: Any) -> list[int]:
    return _int_list(value, 1, 10, "expected a list of lengths from 1 to 10")


def _flag_names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of flag names")
    unknown = [v for v in value if v not in orthography.FLAGS]
    if unknown:
        raise ValueError(f"unknown flag(s) {', '.join(unknown)}; known: {', '.join(orthography.FLAGS)}")
    return list(value)


def _shape_kinds(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(v in ("long", "short") for v in value):
        raise ValueError('expected a list of "long" and/or "short"')
    return list(value)


def _conjunctions(value: Any) -> list[list[int]]:
    if not isinstance(value, list) or not all(
        isinstance(c, list) and len(c) >= 2 and all(_is_int(o) and -3 <= o <= 3 for o in c)
        for c in value
    ):
        raise ValueError("expected a list of offset lists, e.g. [[-1, 0], [0, 1]]")
    return [list(c) for c in value]


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("expected a non-empty string")
    return value


def _list_names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError("expected a list of gazetteer names or paths")
    return list(value)


def _granularities(value: Any) -> list[int]:
    return _int_list(value, 2, float("inf"), "expected a non-empty list of cluster counts (each 2 or more)", nonempty=True)


def _offsets(value: Any) -> list[int]:
    return _int_list(value, -5, 5, "expected a list of offsets from -5 to 5")


def _names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of feature names")
    return list(value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError("expected a non-negative number")
    return float(value)


def _count(value: Any) -> int:
    if not _is_int(value) or value < 1:
        raise ValueError("expected a positive whole number")
    return value


def _long_form(value: Any) -> list[str]:
    known = abbreviations.LONG_FORM_FEATURES
    if not isinstance(value, list) or not all(v in known for v in value):
        raise ValueError(f"expected a list of: {', '.join(known)}")
    return list(value)


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
}
CONTEXT_OPTIONS = {
    "offsets": _offsets,
    "features": _names,
    "boundaries": _bool,
    "conjunctions": _conjunctions,
    "conjoin": _string,
}
GAZETTEER_OPTIONS = {"lists": _list_names, "max_tokens": _count, "heads": _bool}
CLUSTER_OPTIONS = {
    "granularities": _granularities,
    "dims": _count,
    "window": _count,
    "min_count": _count,
    "gazetteer_text": _bool,
}
ABBREVIATION_OPTIONS = {"long_form": _long_form}
TRAINING_OPTIONS = {
    "algorithm": _algorithm,
    "c1": _number,
    "c2": _number,
    "max_iterations": _count,
    "all_possible_transitions": _bool,
}
TOP_LEVEL = {"name", "version", "description", "training", "token", "context", "gazetteers", "clusters", "abbreviations"}


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
    gazetteers: dict = field(default_factory=dict)
    clusters: dict = field(default_factory=dict)
    abbreviations: dict = field(default_factory=dict)

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
        gazetteers = _check_table(spec.get("gazetteers", {}), GAZETTEER_OPTIONS, "gazetteers", source)
        clusters = _check_table(spec.get("clusters", {}), CLUSTER_OPTIONS, "clusters", source)
        abbreviations = _check_table(spec.get("abbreviations", {}), ABBREVIATION_OPTIONS, "abbreviations", source)
        return cls(
            name, version, str(spec.get("description", "")), training, token, context, gazetteers, clusters, abbreviations
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


@dataclass
class Resources:
    """What a feature set needs beyond its declaration: gazetteer files and a cluster table.

    Gazetteers travel as (name, path) and are compiled once per process, so a Resources
    object stays small enough to send to joblib workers.
    """

    gazetteers: list[tuple[str, str]] = field(default_factory=list)
    clusters: Any = None  # a clusters.ClusterTable

    def compiled_gazetteers(self, max_tokens: int = 12) -> list:
        from .gazetteer import load_gazetteer

        return [load_gazetteer(path, name=name, max_tokens=max_tokens) for name, path in self.gazetteers]


class Featurizer:
    """Turns a token sequence into one feature dict per token, as its feature set declares.

    Token-local features depend on the word alone, so they (and what neighbours see of them)
    are computed once per word type; gazetteer matches need the whole sentence. With
    ``known`` (the attributes a trained model has weights for), features the model cannot
    use are left out: the tags come out the same, and CRFsuite has less to read.
    """

    CACHE_LIMIT = 300_000

    def __init__(self, feature_set: FeatureSet, resources: Resources | None = None, known: frozenset | None = None):
        resources = resources or Resources()
        self.feature_set = feature_set
        self.known = known
        self._token_functions = [TOKEN_FAMILIES[name][1](option) for name, option in feature_set.token.items()]
        if feature_set.clusters:
            if resources.clusters is None:
                raise FeatureSetError(f"feature set {feature_set.name!r} uses word clusters, but none were learned or loaded")
            self._token_functions.append(resources.clusters.features)
        self.gazetteers = (
            resources.compiled_gazetteers(feature_set.gazetteers.get("max_tokens", 12)) if resources.gazetteers else []
        )
        if feature_set.gazetteers.get("heads"):
            self._token_functions += [g.head_features for g in self.gazetteers]
        ctx = feature_set.context
        self.context = Context(
            ctx.get("offsets", []),
            ctx.get("features", []),
            ctx.get("boundaries", False),
            ctx.get("conjunctions", []),
            ctx.get("conjoin", "lower"),
        )
        self._cache: dict[bool, dict[str, tuple]] = {False: {}, True: {}}
        self._gazetteer_cache: dict[tuple, tuple] = {}
        self._long_form = feature_set.abbreviations.get("long_form")

    def token_features(self, word: str) -> dict:
        """Features of one word on its own."""
        features: dict = {}
        for function in self._token_functions:
            features.update(function(word))
        return features

    def word_items(self, word: str, as_attributes: bool) -> tuple:
        """Cached per word type: its own features and what neighbours see of them, as encoded
        attributes or as (name, value) pairs, and its conjunction value. Tuples, not lists:
        the garbage collector stops tracking tuples of strings, and the cache grows large."""
        cache = self._cache[as_attributes]
        entry = cache.get(word)
        if entry is None:
            if len(cache) >= self.CACHE_LIMIT:
                cache.clear()
            features = self.token_features(word)
            conjoined = str(features.get(self.context.conjoin, ""))
            entry = (*self._split(features, as_attributes), conjoined.encode() if as_attributes else conjoined)
            cache[word] = entry
        return entry

    def _split(self, features: dict, as_attributes: bool) -> tuple[tuple, tuple]:
        """Own items and, per context offset, the items neighbours see, of some features."""
        known = self.known
        triples = [(n, v, attribute(n, v).encode()) for n, v in features.items()]
        if known is not None:
            triples = [t for t in triples if t[2] in known]
        projections = self.context.project(features, known)
        if as_attributes:
            return tuple(a for _, _, a in triples), tuple(tuple(a for _, _, a in offset) for offset in projections)
        return tuple((n, v) for n, v, _ in triples), tuple(tuple((n, v) for n, v, _ in offset) for offset in projections)

    def gazetteer_items(self, pairs: list, as_attributes: bool) -> tuple:
        """Like a word's cache entry, for one token's gazetteer features (few distinct sets)."""
        key = (as_attributes, tuple(pairs))
        entry = self._gazetteer_cache.get(key)
        if entry is None:
            entry = self._gazetteer_cache[key] = self._split(dict(pairs), as_attributes)
        return entry

    def _assemble(self, tokens: Sequence[str], as_attributes: bool, document: Sequence | None = None) -> list[list]:
        """Items of one sentence; ``document`` holds per-token document-level pairs (abbreviations),
        which are the token's own and not seen by neighbours."""
        entries = [self.word_items(token, as_attributes) for token in tokens]
        own = [e[0] for e in entries]
        projections = [e[1] for e in entries]
        if self.gazetteers:
            from .gazetteer import gazetteer_features

            for i, pairs in enumerate(gazetteer_features(tokens, self.gazetteers)):
                if pairs:
                    extra = self.gazetteer_items(pairs, as_attributes)
                    own[i] = own[i] + extra[0]
                    projections[i] = tuple(a + b for a, b in zip(projections[i], extra[1]))
        out = self.context.assemble(own, projections, [e[2] for e in entries], as_attributes, self.known)
        if document is not None:
            self._add_document_items(out, document, as_attributes)
        return out

    def _add_document_items(self, out: list[list], document: Sequence[Pairs], as_attributes: bool) -> None:
        known = self.known
        for items, pairs in zip(out, document):
            for name, value in pairs:
                if as_attributes or known is not None:
                    encoded = attribute(name, value).encode()
                    if known is not None and encoded not in known:
                        continue
                items.append(encoded if as_attributes else (name, value))

    def document_pairs(self, sentences: Sequence[Sequence[str]]) -> list | None:
        """Per sentence, per token, the document-level pairs; None when the set has none."""
        if self._long_form is None:
            return None
        from .abbreviations import abbreviation_features

        return abbreviation_features(sentences, self._long_form, self.gazetteers)

    def document(self, sentences: Sequence[Sequence[str]]) -> list[list[dict]]:
        """Feature dicts of each sentence of one document: sentence features plus those that
        need the whole document (a short form defined in another sentence)."""
        extra = self.document_pairs(sentences) or [None] * len(sentences)
        return [[dict(items) for items in self._assemble(tokens, False, pairs)] for tokens, pairs in zip(sentences, extra)]

    def document_attributes(self, sentences: Sequence[Sequence[str]]) -> list[list[list[bytes]]]:
        """:meth:`document` as CRFsuite attributes."""
        extra = self.document_pairs(sentences) or [None] * len(sentences)
        return [self._assemble(tokens, True, pairs) for tokens, pairs in zip(sentences, extra)]

    def __call__(self, tokens: Sequence[str]) -> list[dict]:
        """One feature dict per token: ``{"lower": "aspirin", "title": 1.0, "-1:lower": ...}``;
        the sentence is taken as a document of its own."""
        return self.document([tokens])[0]

    def attributes(self, tokens: Sequence[str]) -> list[list[bytes]]:
        """The same features as CRFsuite attributes, UTF-8 encoded (``b"lower:aspirin"``,
        ``b"title"``): the fast form for training and tagging, as CRFsuite reads them without a
        conversion per call. Every numeric feature here is an indicator (1.0)."""
        return self.document_attributes([tokens])[0]


@contextlib.contextmanager
def paused_gc():
    """Pause the cyclic garbage collector for a batch of featurizing and tagging.

    Featurizing allocates many small containers and no reference cycles; with the collector
    on, its repeated passes over the large gazetteer and cache tables cost about a third of
    the tagging time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def document_groups(documents: Sequence | None, n: int) -> list[list[int]]:
    """Sentence indices grouped by document id, in order of first appearance; without ids,
    each sentence is a document of its own."""
    if documents is None:
        return [[i] for i in range(n)]
    if isinstance(documents, (str, bytes)) or len(documents) != n:
        found = "a string" if isinstance(documents, (str, bytes)) else f"{len(documents)} ids"
        raise DataFormatError(f"documents must give one document id per sentence: {n} sentences but {found}")
    groups: dict = {}
    for index, document in enumerate(documents):
        groups.setdefault(document, []).append(index)
    return list(groups.values())


def featurize_many(
    feature_set: FeatureSet,
    sentences: Sequence[Sequence[str]],
    n_jobs: int = 1,
    progress: bool | None = False,
    desc: str = "featurizing",
    resources: Resources | None = None,
    featurizer: "Featurizer | None" = None,
    documents: Sequence | None = None,
) -> list[list[list[bytes]]]:
    """CRFsuite attributes of many sentences, over ``n_jobs`` processes with joblib when
    ``n_jobs != 1``; ``documents`` (one id per sentence) groups them for document-level features."""
    from tqdm.auto import tqdm

    groups = document_groups(documents, len(sentences))
    if n_jobs == 1 or len(sentences) < 200:
        featurizer = featurizer or feature_set.featurizer(resources)
        out: list = [None] * len(sentences)
        with paused_gc():
            for group in tqdm(groups, desc=desc, unit="doc", disable=not progress, leave=False):
                for index, features in zip(group, featurizer.document_attributes([sentences[i] for i in group])):
                    out[index] = features
        return out

    from joblib import Parallel, delayed, effective_n_jobs

    workers = effective_n_jobs(n_jobs)
    size = max(50, -(-len(sentences) // (workers * 4)))
    chunks: list[list[list[int]]] = [[]]
    filled = 0
    for group in groups:
        if filled >= size:
            chunks.append([])
            filled = 0
        chunks[-1].append(group)
        filled += len(group)
    spec = feature_set.to_dict()
    jobs = (delayed(_featurize_chunk)(spec, resources, [[sentences[i] for i in g] for g in chunk]) for chunk in chunks)
    results = Parallel(n_jobs=n_jobs, return_as="generator")(jobs)
    out = [None] * len(sentences)
    for chunk, part in tqdm(zip(chunks, results), total=len(chunks), desc=desc, unit="chunk", disable=not progress, leave=False):
        for group, features in zip(chunk, part):
            for index, sentence_features in zip(group, features):
                out[index] = sentence_features
    return out


def _featurize_chunk(spec: dict, resources: Resources | None, documents: list[list[Sequence[str]]]) -> list[list[list[list[bytes]]]]:
    featurizer = FeatureSet.from_dict(spec).featurizer(resources)
    with paused_gc():
        return [featurizer.document_attributes(sentences) for sentences in documents]
