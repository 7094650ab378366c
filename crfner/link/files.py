"""Linker directories: the dictionary tables as JSON and each type's n-gram index as raw
little-endian arrays, beside a ``crfner.json`` that lists every file with its size and
SHA-256 (as a model directory does, :mod:`crfner.crf.modelfile`). Nothing is pickled; a
damaged or crafted directory gives a one-line ``ModelFileError``."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import numpy as np
from scipy import sparse

from .. import __version__
from ..crf.modelfile import read_listed_files, read_metadata_file, write_model_files
from ..errors import ModelFileError, ParameterError
from .aliases import check_type_aliases
from .normalize import KEYS_VERSION
from .params import check_linker_params, check_settings
from .tables import unpack
from .tfidf import NgramIndex

FORMAT = "crfner-linker"
FORMAT_VERSION = 1
TABLES_FILE = "tables.json"
PARENTS_FILE = "parents.json"  # the concept hierarchy; a linker saved before it existed has none
KEY_NAMES = ("exact", "normal", "bag", "lenient")
SOURCE_NAMES = ("training", "vocabulary", "senses")
# file name suffix -> numpy dtype of an index array
ARRAYS = {"idf": "<f4", "data": "<f4", "indices": "<i4", "indptr": "<i8"}
# How far a saved idf and a name row's length may stray from what scikit-learn gives, by float32 rounding.
IDF_SLACK, ROW_SLACK = 1e-3, 1e-3


def _index_files(number: int, index: NgramIndex) -> dict[str, bytes]:
    matrix = index.matrix
    strings = {"ngrams": index.ngrams, "ids": index.ids, "ngram_range": list(index.ngram_range)}
    files = {f"index-{number}.json": json.dumps(strings, ensure_ascii=False).encode("utf-8")}
    for name, array in (("idf", index.idf), ("data", matrix.data), ("indices", matrix.indices), ("indptr", matrix.indptr)):
        files[f"index-{number}.{name}"] = np.ascontiguousarray(array, dtype=ARRAYS[name]).tobytes()
    return files


def save_linker(linker, path: str | os.PathLike, overwrite: bool = False) -> Path:
    """Write a fitted linker's tables and indexes into the directory ``path``, atomically."""
    tables = []
    for (etype, source, key), entries in sorted(linker.tables_.items()):
        pairs = [unpack(value, linker.concepts_) for value in entries.values()]
        tables.append({"type": etype, "source": source, "key": key, "keys": list(entries), "ids": [i for i, _ in pairs], "shares": [v for _, v in pairs]})
    files = {TABLES_FILE: json.dumps(tables, ensure_ascii=False).encode("utf-8"),
             PARENTS_FILE: json.dumps(linker.parents_, ensure_ascii=False, sort_keys=True).encode("utf-8")}
    indexes = {}
    for number, (etype, index) in enumerate(sorted(linker.indexes_.items())):
        files.update(_index_files(number, index))
        indexes[etype] = number
    check_linker_params(linker)  # set_params may have changed them since fit
    check_type_aliases(linker.type_aliases, linker.types_)
    params = linker.get_params()
    params["threshold"] = None if params["threshold"] is None else float(params["threshold"])  # numpy's too
    params["ngram_range"] = [int(n) for n in params["ngram_range"]]
    metadata = {"crfner_version": __version__, "parameters": params, "types": linker.types_, "indexes": indexes,
                "keys_version": KEYS_VERSION}
    return write_model_files(path, FORMAT, FORMAT_VERSION, metadata, files, overwrite, marker=TABLES_FILE)


def _damaged(path: Path, what: str) -> ModelFileError:
    return ModelFileError(f"{path}: damaged linker ({what})")


def _json(path: Path, name: str, data: bytes):
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise _damaged(path, f"{name} is not JSON: {str(error).splitlines()[0][:120]}") from None


def _tables(path: Path, raw, types: list[str]) -> dict:
    if not isinstance(raw, list):
        raise _damaged(path, f"{TABLES_FILE} must hold a list")
    tables = {}
    for table in raw:
        if not isinstance(table, dict) or table.get("type") not in types or table.get("source") not in SOURCE_NAMES or table.get("key") not in KEY_NAMES:
            raise _damaged(path, f"a table in {TABLES_FILE} has no known type, source and key")
        keys, ids, shares = (table.get(k) for k in ("keys", "ids", "shares"))
        if not (isinstance(keys, list) and isinstance(ids, list) and isinstance(shares, list) and len(keys) == len(ids) == len(shares)):
            raise _damaged(path, f"a table in {TABLES_FILE} needs keys, ids and shares of one length")
        if not (all(type(k) is str for k in keys) and all(type(i) is str and i for i in ids)):
            raise _damaged(path, f"a table in {TABLES_FILE} has a key or id that is not a string")
        if not all(type(v) in (int, float) and 0 < v <= 1 for v in shares):
            raise _damaged(path, f"a table in {TABLES_FILE} has a share outside (0, 1]")
        resolved = dict(zip(keys, zip(ids, map(float, shares))))
        tables[table["type"], table["source"], table["key"]] = resolved
    return tables


def _parents(path: Path, raw) -> dict[str, list[str]]:
    if not isinstance(raw, dict) or not all(isinstance(above, list) and above and all(type(p) is str and p for p in above)
                                            for above in raw.values()):
        raise _damaged(path, f"{PARENTS_FILE} must map concept ids to lists of their parents' ids")
    return raw


def _array(path: Path, contents: dict[str, bytes], name: str, dtype: str) -> np.ndarray:
    data = contents.get(name)
    if data is None:
        raise _damaged(path, f"no {name}")
    if len(data) % np.dtype(dtype).itemsize:
        raise _damaged(path, f"{name} is not a whole number of values")
    return np.frombuffer(data, dtype=dtype)


def _index(path: Path, contents: dict[str, bytes], number: int) -> NgramIndex:
    name = f"index-{number}.json"
    if name not in contents:
        raise _damaged(path, f"no {name}")
    strings = _json(path, name, contents[name])
    ngrams, ids, ngram_range = (strings.get(k) if isinstance(strings, dict) else None for k in ("ngrams", "ids", "ngram_range"))
    if not (isinstance(ngrams, list) and all(isinstance(g, str) for g in ngrams) and isinstance(ids, list)
            and all(isinstance(i, str) and i for i in ids)):
        raise _damaged(path, f"{name} needs lists of n-grams and ids (ids not empty)")
    if not (isinstance(ngram_range, list) and len(ngram_range) == 2 and all(isinstance(n, int) and not isinstance(n, bool) for n in ngram_range)
            and 1 <= ngram_range[0] <= ngram_range[1] <= 10):
        raise _damaged(path, f"{name} has no n-gram range")
    arrays = {key: _array(path, contents, f"index-{number}.{key}", dtype) for key, dtype in ARRAYS.items()}
    idf, data, indices, indptr = arrays["idf"], arrays["data"], arrays["indices"], arrays["indptr"]
    if len(idf) != len(ngrams) or not np.all(np.isfinite(idf)) or len(set(ngrams)) != len(ngrams):
        raise _damaged(path, f"index {number}: the idf does not match the n-grams")
    if (len(indptr) != len(ids) + 1 or indptr[0] != 0 or np.any(np.diff(indptr) < 0) or indptr[-1] != len(data)
            or len(indices) != len(data) or (len(indices) and (indices.min() < 0 or indices.max() >= len(ngrams)))
            or not np.all(np.isfinite(data))):
        raise _damaged(path, f"index {number}: the name matrix is inconsistent")
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(ids), len(ngrams)))
    _check_weights(path, number, idf, matrix)
    return NgramIndex(ngrams, idf, matrix, ids, tuple(ngram_range))


def _check_weights(path: Path, number: int, idf: np.ndarray, matrix: sparse.csr_matrix) -> None:
    """Refuse numbers no saved index holds, since they make similarities, and so link scores, fall
    outside 0 to 1 (or overflow): scikit-learn's smoothed idf lies from 1 to 1 + ln(1 + names), and
    each name's row of TF-IDF weights is not negative and of length 1 (float32 rounding aside)."""
    if len(idf) and not (idf.min() >= 1 - IDF_SLACK and idf.max() <= 1 + np.log1p(matrix.shape[0]) + IDF_SLACK):
        raise _damaged(path, f"index {number}: an idf lies outside 1 to 1 + ln(1 + names)")
    squares = matrix.astype(np.float64).multiply(matrix.astype(np.float64)).sum(axis=1)
    if np.any(matrix.data < 0) or np.any(np.sqrt(squares) > 1 + ROW_SLACK):
        raise _damaged(path, f"index {number}: the name matrix has a negative weight or a row longer than 1")


def _check_keys_version(path: Path, version) -> None:
    """A linker saved with keys of another version: newer ones are refused, older ones (saved
    before the version was recorded: 1) load with a warning, since their lenient tables lack
    the later rules and a mention's lenient key may not find a name it would find after a refit."""
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= KEYS_VERSION:
        raise _damaged(path, f"keys_version must be a whole number from 1 to {KEYS_VERSION}")
    if version < KEYS_VERSION:
        warnings.warn(f"{path}: this linker's lenient keys are of version {version}, not {KEYS_VERSION} (the rules each version "
                      "added are listed at crfner.link.normalize.KEYS_VERSION), so its last-resort lookups may miss names a "
                      "rebuilt linker finds; rebuild it with crfner linker", UserWarning, stacklevel=4)


def read_linker(path: str | os.PathLike) -> tuple[dict, dict, dict, dict]:
    """The parameters, tables, indexes and concept hierarchy of the linker directory ``path``, checked."""
    path = Path(path)
    metadata = read_metadata_file(path, FORMAT, FORMAT_VERSION, ("parameters", "types", "indexes", "files"))
    types, indexes, params = metadata["types"], metadata["indexes"], metadata["parameters"]
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise _damaged(path, "types must be a list of names")
    if not isinstance(indexes, dict) or not all(t in types and isinstance(n, int) and not isinstance(n, bool) and 0 <= n < len(types) for t, n in indexes.items()):
        raise _damaged(path, "indexes must map types to numbers")
    if not isinstance(params, dict):
        raise _damaged(path, "parameters must be an object")
    try:  # what fit and save accept, so that a linker loads only as it could have been saved
        check_settings(params)
    except ParameterError as error:
        raise _damaged(path, f"parameters: {error}") from None
    _check_keys_version(path, metadata.get("keys_version", 1))
    try:
        check_type_aliases(params.get("type_aliases"), types)
    except ParameterError as error:
        raise _damaged(path, str(error)) from None
    contents = read_listed_files(path, metadata["files"])
    if TABLES_FILE not in contents:
        raise _damaged(path, f"no {TABLES_FILE}")
    tables = _tables(path, _json(path, TABLES_FILE, contents[TABLES_FILE]), types)
    parents = _parents(path, _json(path, PARENTS_FILE, contents[PARENTS_FILE])) if PARENTS_FILE in contents else {}
    return ({**params, "types": types}, tables, {etype: _index(path, contents, number) for etype, number in indexes.items()},
            parents)
