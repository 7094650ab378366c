"""Benchmark configurations: a TOML file listing corpora × systems, validated into a plain dict.

The validated dict (not the file's text) is what the cache keys and results.json record, so
comments and key order never invalidate a cached run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from ..errors import ConfigError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

SYSTEM_TYPES = ("crf", "predictions", "transformer")
RESAMPLE_UNITS = ("sentence", "document")
DEFAULTS: dict[str, Any] = {
    "name": "benchmark",
    "train_split": "train+devel",
    "test_split": "test",
    "devel_split": None,  # where a transformer chooses its epoch when train_split holds no devel part
    "learning_curve": [0.1, 0.25, 0.5, 1.0],
    "bootstrap": 1000,
    "permutations": 10000,
    "resample_unit": "sentence",  # what the bootstrap and the paired test resample: sentences or documents
    "seed": 0,
    "examples": 5,
    "limit_train": None,
    "limit_test": None,
}
_TOP_KEYS = set(DEFAULTS) | {"corpora", "systems", "compare", "linking", "corpus_options"}
_LINKING_KEYS = {"vocabularies", "threshold", "ngram_range"}
_SYSTEM_KEYS = {
    "crf": {"name", "type", "features", "params", "learning_curve"},
    "predictions": {"name", "type", "files"},
    "transformer": {"name", "type", "model", "params", "learning_curve"},
}


def config_hash(value: Any) -> str:
    """SHA-256 of a JSON-able value with sorted keys: equal settings, equal hash."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def load_config(path: str | os.PathLike) -> dict:
    """Read and validate a benchmark config file; relative paths inside it are taken from its folder."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such benchmark config file")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # a byte-order mark is allowed
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    except (RecursionError, MemoryError):
        raise ConfigError(f"{path}: not a usable TOML file (nested too deeply, or too large)") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    config = validate_config(raw, source=str(path), base=path.parent)
    config["path"] = str(path)
    return config


def validate_config(raw: dict, source: str = "<config>", base: Path | None = None) -> dict:
    """Check every key and value, fill the defaults, and return a new dict."""

    def fail(problem: str) -> ConfigError:
        return ConfigError(f"{source}: {problem}")

    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise fail(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_TOP_KEYS))}")
    config = {**DEFAULTS, **{k: v for k, v in raw.items() if k in DEFAULTS}}
    corpora = raw.get("corpora")
    if not isinstance(corpora, list) or not corpora or not all(isinstance(c, str) and c for c in corpora):
        raise fail("'corpora' must be a non-empty list of corpus names or folders")
    if len(set(corpora)) != len(corpora):
        raise fail("'corpora' lists a corpus twice")
    config["corpora"] = list(corpora)
    config["locations"] = {c: _corpus_ref(c, base) for c in corpora}
    _distinct_slugs(corpora, "corpora", "folder of predictions", fail)
    if "corpus_options" in raw:  # absent: no key at all, so configs without it validate exactly as before
        config["corpus_options"] = _corpus_options(raw["corpus_options"], config, fail)

    curve = config["learning_curve"]
    if not isinstance(curve, list) or not all(isinstance(f, (int, float)) and not isinstance(f, bool) and 0 < f <= 1
                                              for f in curve):
        raise fail("'learning_curve' must be a list of fractions in (0, 1], e.g. [0.1, 0.25, 0.5, 1.0]")
    config["learning_curve"] = sorted({float(f) for f in curve} | ({1.0} if curve else set()))
    for key in ("bootstrap", "permutations", "examples", "seed"):
        if not isinstance(config[key], int) or isinstance(config[key], bool) or config[key] < 0:
            raise fail(f"'{key}' must be a whole number >= 0")
    if config["bootstrap"] == 1:
        raise fail("'bootstrap' must be 0 (no intervals) or at least 2 resamples: one resample gives no interval")
    for key in ("limit_train", "limit_test"):
        if config[key] is not None and (not isinstance(config[key], int) or isinstance(config[key], bool) or config[key] < 1):
            raise fail(f"'{key}' must be a whole number >= 1 (a slice of the first N sentences)")
    for key in ("train_split", "test_split", "name"):
        if not isinstance(config[key], str) or not config[key]:
            raise fail(f"'{key}' must be a non-empty string")
    if config["resample_unit"] not in RESAMPLE_UNITS:
        raise fail(f"'resample_unit' must be one of {', '.join(map(repr, RESAMPLE_UNITS))}")
    devel = config["devel_split"]
    if devel is not None:
        if not isinstance(devel, str) or not devel:
            raise fail("'devel_split' must be a split name, e.g. \"devel\"")
        if devel in config["train_split"].split("+") or devel == config["test_split"]:
            raise fail(f"'devel_split' {devel!r} must differ from the training and test splits")

    systems = raw.get("systems")
    if not isinstance(systems, list) or not systems:
        raise fail("declare at least one [[systems]] table")
    config["systems"] = [_system(s, i, fail, base) for i, s in enumerate(systems, 1)]
    names = [s["name"] for s in config["systems"]]
    if len(set(names)) != len(names):
        raise fail(f"two systems share a name: {', '.join(sorted({n for n in names if names.count(n) > 1}))}")
    _distinct_slugs(names, "systems", "predictions file", fail)

    compare = raw.get("compare")
    if compare is None:
        # every pair, the later-listed system first (configs list baselines first)
        compare = [[names[j], names[i]] for i in range(len(names)) for j in range(i + 1, len(names))]
    if not isinstance(compare, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(n in names for n in p) and p[0] != p[1] for p in compare
    ):
        raise fail(f"'compare' must be a list of [system, system] pairs among: {', '.join(names)}")
    config["compare"] = [list(p) for p in compare]
    for system in config["systems"]:
        for corpus in system.get("files", {}):
            if corpus not in corpora:
                raise fail(f"system {system['name']!r} has a file for {corpus!r}, which is not in 'corpora'")
    if "linking" in raw:  # absent: no key at all, so configs without it validate exactly as before
        config["linking"] = _linking(raw["linking"], config, fail, base)
    return config


def slug(name: str) -> str:
    """The file or folder name the runner gives a corpus or system (``predictions/<corpus>/<system>.conll``);
    never ``.`` or ``..``, which would put a corpus's predictions beside or above ``predictions/``."""
    name = re.sub(r"[^A-Za-z0-9_.+-]+", "_", Path(name).name or name).strip("_")
    return name if name not in ("", ".", "..") else "corpus"


def _distinct_slugs(names: list[str], key: str, what: str, fail) -> None:
    """Two corpora or systems whose names make the same file name would overwrite each other's predictions."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(slug(name), name)
        if other != name:
            raise fail(f"'{key}': {other!r} and {name!r} would share the {what} {slug(name)!r}; rename one")


def _check_crf(system: dict, where: str, fail) -> None:
    """A CRF system's feature set and parameters checked now, not after the other systems ran."""
    from ..crf.tagger import CRFTagger
    from ..errors import CrfnerError

    if not isinstance(system["features"], str) or not system["features"]:
        raise fail(f"{where}: 'features' must be a feature set's name or TOML file")
    known = set(CRFTagger().get_params()) - {"features", "data_dir", "verbose"}
    unknown = sorted(set(system["params"]) - known)
    if unknown:
        raise fail(f"{where}: unknown CRF parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    try:
        CRFTagger(features=system["features"], **system["params"]).resolved_training_params()
    except (CrfnerError, ValueError) as error:
        raise fail(f"{where}: {error}") from None


def _corpus_ref(name: str, base: Path | None) -> str:
    from ..corpora.registry import REGISTRY

    if name in REGISTRY or base is None or Path(name).is_absolute():
        return name
    return str((base / name).resolve()) if (base / name).exists() else name


def _system(table: Any, index: int, fail, base: Path | None) -> dict:
    where = f"[[systems]] #{index}"
    if not isinstance(table, dict):
        raise fail(f"{where} must be a table")
    kind = table.get("type", "crf")
    if kind not in SYSTEM_TYPES:
        raise fail(f"{where}: unknown type {kind!r}; choose one of {', '.join(SYSTEM_TYPES)}")
    unknown = sorted(set(table) - _SYSTEM_KEYS[kind])
    if unknown:
        raise fail(f"{where}: unknown key(s) {', '.join(unknown)} for type {kind!r}")
    name = table.get("name")
    if not isinstance(name, str) or not name or any(c in name for c in "/\\\n\t"):
        raise fail(f"{where}: 'name' must be a non-empty string without slashes")
    system = {"name": name, "type": kind}
    if kind == "crf":
        system["features"] = table.get("features", "tutorial")
        system["params"] = table.get("params", {})
        if not isinstance(system["params"], dict):
            raise fail(f"{where}: 'params' must be a table of CRFTagger parameters")
        # a TOML file named relative to the config is taken from its folder, before it is checked
        if isinstance(system["features"], str) and system["features"].endswith(".toml") and base is not None:
            candidate = base / system["features"]
            system["features"] = str(candidate.resolve()) if candidate.is_file() else system["features"]
        _check_crf(system, where, fail)
    elif kind == "predictions":
        files = table.get("files")
        if not isinstance(files, dict) or not files or not all(isinstance(p, (str, os.PathLike)) and str(p)
                                                               for p in files.values()):
            raise fail(f"{where}: 'files' must map each corpus to a predictions file (a path)")
        system["files"] = {c: str((base / p).resolve()) if base is not None and not Path(p).is_absolute() else str(p)
                           for c, p in files.items()}
    else:
        system["model"] = table.get("model", "")
        system["params"] = table.get("params", {})
    if kind != "predictions":
        system["learning_curve"] = table.get("learning_curve", True)
        if not isinstance(system["learning_curve"], bool):
            raise fail(f"{where}: 'learning_curve' must be true or false (whether to train on the config's fractions)")
    return system


def _linking(table: Any, config: dict, fail, base: Path | None) -> dict:
    """The ``[linking]`` table checked: vocabularies per corpus, the Linker's optional threshold and n-gram range."""
    if not isinstance(table, dict):
        raise fail("'linking' must be a table: vocabularies = {corpus = [vocabulary, ...]}, optional threshold, ngram_range")
    unknown = sorted(set(table) - _LINKING_KEYS)
    if unknown:
        raise fail(f"'linking': unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_LINKING_KEYS))}")
    vocabularies = table.get("vocabularies")
    if not isinstance(vocabularies, dict) or not vocabularies:
        raise fail("'linking': 'vocabularies' must map each corpus to link to a list of vocabularies, e.g. {bc5cdr = [\"medic\"]}")
    linking: dict[str, Any] = {"vocabularies": {c: _vocabularies(c, specs, config, fail, base) for c, specs in vocabularies.items()}}
    if "threshold" in table:
        threshold = table["threshold"]
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
            raise fail("'linking': 'threshold' must be a number from 0 to 1 (the least TF-IDF cosine similarity a link needs)")
        linking["threshold"] = float(threshold)
    if "ngram_range" in table:
        ngrams = table["ngram_range"]
        if (not isinstance(ngrams, list) or len(ngrams) != 2 or not all(isinstance(n, int) and not isinstance(n, bool) for n in ngrams)
                or not 1 <= ngrams[0] <= ngrams[1]):
            raise fail("'linking': 'ngram_range' must be [shortest, longest] character n-gram lengths, 1 <= shortest <= longest")
        linking["ngram_range"] = list(ngrams)
    return linking


def _vocabularies(corpus: str, specs: Any, config: dict, fail, base: Path | None) -> list[str]:
    """One corpus's vocabulary specs checked (names or TYPE=PATH, a relative PATH taken from the config's folder)."""
    from ..link.build import VOCABULARIES

    if corpus not in config["corpora"]:
        raise fail(f"'linking': corpus {corpus!r} is not in 'corpora'")
    _check_documents(corpus, config, fail)
    if not isinstance(specs, list) or not specs or not all(isinstance(s, str) and s for s in specs):
        raise fail(f"'linking': the vocabularies of {corpus!r} must be a non-empty list of names or TYPE=PATH strings")
    checked = []
    for spec in specs:
        etype, equals, path = spec.partition("=")
        if spec in VOCABULARIES:
            checked.append(spec)
        elif not equals or not etype or not path:
            raise fail(f"'linking': unknown vocabulary {spec!r}; give one of {', '.join(VOCABULARIES)} or TYPE=PATH to a term<TAB>id list")
        else:
            file = Path(path) if base is None or Path(path).is_absolute() else (base / path).resolve()
            if not file.is_file():
                raise fail(f"'linking': vocabulary file {file} does not exist")
            checked.append(f"{etype}={file}")
    return checked


def _corpus_options(raw, config: dict, fail) -> dict:
    """``[corpus_options.NAME]`` tables: what each listed corpus is loaded with (MACCROBAT's and
    PHEE's ``types`` and ``policy``), checked here so that a mistyped type stops the run before
    any training, not when its corpus's turn comes."""
    from ..corpora.flatten import CorpusOptionError
    from ..corpora.registry import check_corpus_options

    if not isinstance(raw, dict):
        raise fail("'corpus_options' must hold a [corpus_options.NAME] table per corpus, e.g. types = [\"Sign_symptom\"]")
    checked = {}
    for corpus, options in raw.items():
        if corpus not in config["corpora"]:
            raise fail(f"'corpus_options': corpus {corpus!r} is not in 'corpora'")
        if not isinstance(options, dict):
            raise fail(f"'corpus_options.{corpus}' must be a table of options, e.g. types = [\"Sign_symptom\"]")
        try:
            check_corpus_options(config["locations"][corpus], options)
        except CorpusOptionError as error:
            raise fail(f"'corpus_options.{corpus}': {error}") from None
        checked[corpus] = dict(options)
    return checked


def _check_documents(corpus: str, config: dict, fail) -> None:
    """Refuse a corpus without PubTator documents (offsets and concept ids) for the training and test splits."""
    from ..corpora.registry import REGISTRY

    entry = REGISTRY.get(config["locations"][corpus])
    splits = [*config["train_split"].split("+"), config["test_split"]]
    missing = [s for s in splits if entry is None or s not in entry.pubtator_files]
    if missing:
        raise fail(f"'linking': corpus {corpus!r} has no PubTator documents with concept ids for the split(s) {', '.join(missing)}")
