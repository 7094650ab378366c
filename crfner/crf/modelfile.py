"""Model directories: CRFsuite's own binary model beside a JSON metadata file.

Nothing is pickled. A directory is written atomically and checked on reading (format,
version, size and SHA-256 of the binary), so a damaged or foreign one gives a one-line
error instead of a crash inside CRFsuite.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..atomic import atomic_directory
from ..errors import ModelFileError

FORMAT = "crfner-model"
FORMAT_VERSION = 1
MODEL_FILE = "model.crfsuite"
METADATA_FILE = "crfner.json"
REQUIRED = ("crfner_version", "feature_set", "labels", "parameters", "model_sha256", "model_bytes")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_model_dir(
    path: str | os.PathLike, model: bytes, metadata: dict, overwrite: bool = False, files: dict[str, bytes] | None = None
) -> Path:
    """Write ``model`` (CRFsuite bytes), ``metadata`` and any extra ``files`` (name → bytes, such
    as a cluster table) into the directory ``path``, atomically; each file's hash is recorded."""
    files = files or {}
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        **metadata,
        "model_file": MODEL_FILE,
        "model_bytes": len(model),
        "model_sha256": sha256_bytes(model),
        "files": {name: {"bytes": len(data), "sha256": sha256_bytes(data)} for name, data in files.items()},
    }
    try:
        with atomic_directory(path, overwrite=overwrite) as tmp:
            (tmp / MODEL_FILE).write_bytes(model)
            for name, data in files.items():
                (tmp / name).write_bytes(data)
            (tmp / METADATA_FILE).write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except FileExistsError as error:
        raise ModelFileError(str(error)) from None
    return Path(path)


# Each kind of model directory and the call that loads it, to name in an error.
KINDS = {"crfner-model": ("a CRF model", "CRFTagger.load"), "crfner-transformer": ("a transformer model", "TransformerTagger.load")}


def read_metadata_file(path: str | os.PathLike, fmt: str, format_version: int, required: tuple[str, ...]) -> dict:
    """The checks every crfner model directory shares: the folder, its ``crfner.json`` as
    JSON, its format (``fmt``), a version this crfner reads, and the ``required`` keys."""
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"{path}: no such model directory")
    if not path.is_dir():
        raise ModelFileError(f"{path}: not a model directory (expected a folder holding {METADATA_FILE})")
    meta_path = path / METADATA_FILE
    if not meta_path.is_file():
        raise ModelFileError(f"{path}: no {METADATA_FILE}; not a crfner model directory, or a damaged one")
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelFileError(f"{meta_path}: damaged metadata ({error})") from None
    kind = metadata.get("format") if isinstance(metadata, dict) else None
    if kind != fmt and kind in KINDS:
        what, loader = KINDS[kind]
        raise ModelFileError(f"{path}: {what}, not {KINDS[fmt][0]}; load it with {loader}")
    if kind != fmt:
        raise ModelFileError(f"{meta_path}: not {KINDS[fmt][0]}'s metadata (no \"format\": \"{fmt}\")")
    version = metadata.get("format_version")
    if not isinstance(version, int):
        raise ModelFileError(f"{meta_path}: damaged metadata (format_version is {version!r})")
    if version > format_version:
        raise ModelFileError(
            f"{path}: model format {version} was written by crfner {metadata.get('crfner_version', '?')}; "
            f"this crfner reads format {format_version} or older, so upgrade crfner to load it"
        )
    missing = [key for key in required if key not in metadata]
    if missing:
        raise ModelFileError(f"{meta_path}: damaged metadata (missing {', '.join(missing)})")
    return metadata


def read_model_dir(path: str | os.PathLike) -> tuple[bytes, dict]:
    """Read and verify a model directory; returns the CRFsuite bytes and the metadata."""
    path = Path(path)
    metadata = read_metadata_file(path, FORMAT, FORMAT_VERSION, REQUIRED)
    model_path = path / MODEL_FILE
    if not model_path.is_file():
        raise ModelFileError(f"{path}: {MODEL_FILE} is missing")
    model = model_path.read_bytes()
    if len(model) != metadata["model_bytes"]:
        raise ModelFileError(
            f"{model_path}: damaged or truncated ({len(model)} bytes, the metadata records {metadata['model_bytes']})"
        )
    if sha256_bytes(model) != metadata["model_sha256"]:
        raise ModelFileError(f"{model_path}: damaged (its SHA-256 differs from the one in {METADATA_FILE})")
    for name, expected in (metadata.get("files") or {}).items():
        extra = path / name
        if not extra.is_file():
            raise ModelFileError(f"{path}: {name} is missing")
        if sha256_bytes(extra.read_bytes()) != expected.get("sha256"):
            raise ModelFileError(f"{extra}: damaged (its SHA-256 differs from the one in {METADATA_FILE})")
    return model, metadata
