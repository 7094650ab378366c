"""A transformer model directory's ``crfner.json``: the size and SHA-256 of every file, and
reading it back with every listed file verified before anything is loaded."""

from __future__ import annotations

import os
from pathlib import Path

from ..crf.modelfile import METADATA_FILE, read_metadata_file
from ..errors import ModelFileError
from ..featurize.resources import file_sha256
from ..schemes import is_valid_tag

FORMAT = "crfner-transformer"
FORMAT_VERSION = 1
REQUIRED = ("labels", "params", "base_model", "files")


# -- model files ---------------------------------------------------------------------------
def describe_files(folder: Path) -> dict[str, dict]:
    """Size and SHA-256 of every file under ``folder``, by relative POSIX path."""
    return {
        path.relative_to(folder).as_posix(): {"size": path.stat().st_size, "sha256": file_sha256(path)}
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def read_metadata(path: str | os.PathLike) -> dict:
    """Read and verify a transformer model directory's ``crfner.json`` and every file it lists."""
    path = Path(path)
    metadata = read_metadata_file(path, FORMAT, FORMAT_VERSION, REQUIRED)
    meta_path = path / METADATA_FILE
    labels, params, files = metadata["labels"], metadata["params"], metadata["files"]
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) and is_valid_tag(x) for x in labels):
        raise ModelFileError(f"{meta_path}: damaged metadata (labels is not a list of tags)")
    entries_ok = isinstance(files, dict) and all(isinstance(f, dict) for f in files.values())
    if not isinstance(params, dict) or not entries_ok:
        raise ModelFileError(f"{meta_path}: damaged metadata (params and files must be objects)")
    if not any(name.endswith(".safetensors") for name in files):
        raise ModelFileError(f"{meta_path}: damaged metadata (no safetensors weights listed)")
    for name, expected in files.items():
        _verify_file(path, name, expected)
    return metadata


def _verify_file(folder: Path, name: str, expected: dict) -> None:
    """Raise ModelFileError unless ``folder/name`` exists inside ``folder`` with the recorded size and SHA-256."""
    target = folder / name
    if Path(name).is_absolute() or ".." in Path(name).parts:
        raise ModelFileError(f"{folder / METADATA_FILE}: damaged metadata (file name {name!r} leaves the folder)")
    if not target.is_file():
        raise ModelFileError(f"{folder}: {name} is missing")
    size = target.stat().st_size
    if size != expected.get("size"):
        recorded = expected.get("size")
        raise ModelFileError(f"{target}: damaged or truncated ({size} bytes, the metadata records {recorded})")
    if file_sha256(target) != expected.get("sha256"):
        raise ModelFileError(f"{target}: damaged (its SHA-256 differs from the one in {METADATA_FILE})")

