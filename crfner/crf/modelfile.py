"""Model directories: the CRF's weights as plain arrays (:mod:`crfner.crf.weightfiles`)
beside a JSON metadata file.

Nothing is pickled and no native parser reads a model file. A directory is written
atomically and checked on reading: its format and version, every file it lists (a plain
name inside the directory, a regular file of the recorded size and SHA-256, read only after
its size checks out), then the weights themselves, so a damaged, crafted or foreign
directory gives a one-line ``ModelFileError``. Format 1 directories (CRFsuite's binary
``model.crfsuite``) are converted once by ``crfner convert`` (:mod:`crfner.crf.convert`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from pathlib import Path

from ..atomic import atomic_directory
from ..errors import ModelFileError
from ..schemes import is_valid_tag
from .decoding import CRFWeights
from .weightfiles import FILES as WEIGHT_FILES
from .weightfiles import read_weights, weight_files

FORMAT = "crfner-model"
FORMAT_VERSION = 2
METADATA_FILE = "crfner.json"
REQUIRED = ("crfner_version", "feature_set", "labels", "parameters", "weights", "files")
MAX_METADATA_BYTES = 64 * 2**20
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_model_dir(
    path: str | os.PathLike, weights: CRFWeights, metadata: dict, overwrite: bool = False,
    files: dict[str, bytes] | None = None,
) -> Path:
    """Write ``weights``, ``metadata`` and any extra ``files`` (name -> bytes, such as a cluster
    table) into the directory ``path``, atomically; every file's size and hash is recorded."""
    stored, counts = weight_files(weights)
    stored.update(files or {})
    metadata = {**metadata, "labels": list(weights.labels), "weights": counts}
    return write_model_files(path, FORMAT, FORMAT_VERSION, metadata, stored, overwrite)


def write_model_files(path: str | os.PathLike, fmt: str, format_version: int, metadata: dict, files: dict[str, bytes],
                      overwrite: bool = False, marker: str = METADATA_FILE) -> Path:
    """Write ``files`` (name -> bytes) and a ``crfner.json`` of ``metadata`` listing each one's
    size and SHA-256 into the directory ``path``, atomically (any kind in :data:`KINDS`);
    ``overwrite`` replaces only an empty folder or one of this kind, which holds ``marker``."""
    metadata = {
        "format": fmt,
        "format_version": format_version,
        **metadata,
        "files": {name: {"bytes": len(data), "sha256": sha256_bytes(data)} for name, data in files.items()},
    }
    kind = "linker" if fmt == "crfner-linker" else "model"
    try:
        with atomic_directory(path, overwrite=overwrite, replaceable=lambda p: check_replaceable(p, kind, marker)) as tmp:
            for name, data in files.items():
                (tmp / name).write_bytes(data)
            (tmp / METADATA_FILE).write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except FileExistsError as error:
        raise ModelFileError(str(error)) from None
    return Path(path)


# Each kind of model directory and the call that loads it, to name in an error.
KINDS = {"crfner-model": ("a CRF model", "CRFTagger.load"), "crfner-transformer": ("a transformer model", "TransformerTagger.load"),
         "crfner-linker": ("a concept linker", "Linker.load")}


def replaceable(path: str | os.PathLike, marker: str = METADATA_FILE) -> bool:
    """Whether saving over ``path`` may replace what is there: nothing, an empty folder, or a crfner
    folder of the kind that always holds ``marker``; never a file or a folder of other data, which
    a mistyped path would delete (the rule of the command line's ``--force`` too)."""
    path = Path(path)
    if not os.path.lexists(path):
        return True
    if not path.is_dir():
        return False
    if not any(path.iterdir()):
        return True
    # a linker folder holds crfner.json too (and tables.json): it is no model folder
    return (path / marker).is_file() and (marker != METADATA_FILE or saved_metadata(path).get("format") != "crfner-linker")


def check_replaceable(path: str | os.PathLike, kind: str = "model", marker: str = METADATA_FILE) -> None:
    """A ModelFileError where ``overwrite=True`` would replace what :func:`replaceable` keeps."""
    if not replaceable(path, marker):
        raise ModelFileError(f"{path}: is not a crfner {kind} folder (one holding {marker}), and overwrite=True replaces "
                             "only one (or an empty folder): choose another path, or remove it yourself")


def saved_metadata(path: str | os.PathLike) -> dict:
    """A model directory's ``crfner.json``, read without loading or checking the model (which is
    slower, and which says what is wrong with a damaged one); empty if it cannot be read as a
    JSON object. For the few fields a command reads before it loads the model."""
    try:
        metadata = json.loads((Path(path) / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return metadata if isinstance(metadata, dict) else {}


def read_metadata_file(path: str | os.PathLike, fmt: str, format_version: int, required: tuple[str, ...]) -> dict:
    """The checks every crfner model directory shares: the folder, its ``crfner.json`` as
    JSON, its format (``fmt``), a version this crfner reads, and the ``required`` keys."""
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"{path}: no such model directory (expected {KINDS[fmt][0]})")
    if not path.is_dir():
        raise ModelFileError(f"{path}: not a model directory (expected a folder holding {METADATA_FILE})")
    meta_path = path / METADATA_FILE
    if not meta_path.is_file():
        raise ModelFileError(f"{path}: no {METADATA_FILE}; not a crfner model directory, or a damaged one")
    try:
        metadata = json.loads(read_regular_file(meta_path, max_bytes=MAX_METADATA_BYTES).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ModelFileError(f"{meta_path}: damaged metadata ({str(error).splitlines()[0][:200]})") from None
    except (RecursionError, MemoryError):
        raise ModelFileError(f"{meta_path}: damaged metadata (JSON nested too deeply, or too large)") from None
    kind = metadata.get("format") if isinstance(metadata, dict) else None
    kind = kind if isinstance(kind, str) else None
    if kind != fmt and kind in KINDS:
        what, loader = KINDS[kind]
        raise ModelFileError(f"{path}: {what}, not {KINDS[fmt][0]}; load it with {loader}")
    if kind != fmt:
        raise ModelFileError(f"{meta_path}: not {KINDS[fmt][0]}'s metadata (no \"format\": \"{fmt}\")")
    version = metadata.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
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


def _identity(path: Path):
    with contextlib.suppress(OSError):
        info = os.stat(path)
        return info.st_dev, info.st_ino, info.st_ctime_ns
    return None


def load_consistently(path: str | os.PathLike, load, attempts: int = 10):
    """``load()``, tried again when it fails with ModelFileError because a save replaced the
    directory at ``path`` meanwhile (files of the old and the new model read together do not
    match the metadata's hashes): a reader polling during saves gets one whole model."""
    for attempt in range(attempts):
        before = _identity(Path(path))
        try:
            return load()
        except ModelFileError:
            if attempt == attempts - 1 or _identity(Path(path)) == before:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def read_regular_file(path: Path, max_bytes: int | None = None, size: int | None = None) -> bytes:
    """The bytes of ``path`` once it is known to be a regular file, not a symbolic link, of at
    most ``max_bytes`` (or exactly ``size``) bytes: a link (to ``/etc/passwd``, ``/dev/zero``),
    a FIFO, a device or an endless file is refused unread. The file opened is the file checked."""
    try:
        info = os.lstat(path)
    except OSError as error:
        raise ModelFileError(f"{path}: cannot be read ({error.strerror})") from None
    if stat.S_ISLNK(info.st_mode):
        raise ModelFileError(f"{path}: a symbolic link; a model's files must be regular files inside its directory")
    if not stat.S_ISREG(info.st_mode):
        raise ModelFileError(f"{path}: not a regular file")
    if size is not None and info.st_size != size:
        raise ModelFileError(f"{path}: damaged or truncated ({info.st_size} bytes, the metadata records {size})")
    if max_bytes is not None and info.st_size > max_bytes:
        raise ModelFileError(f"{path}: {info.st_size} bytes, more than the {max_bytes} a model's metadata may hold")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise ModelFileError(f"{path}: cannot be read ({error.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(fd)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino) or not stat.S_ISREG(opened.st_mode):
            raise ModelFileError(f"{path}: changed while it was read")
        data = handle.read(info.st_size + 1)
    if len(data) != info.st_size:
        raise ModelFileError(f"{path}: changed while it was read")
    return data


def read_model_dir(path: str | os.PathLike) -> tuple[CRFWeights, dict]:
    """Read and verify a model directory; returns the weights and the metadata."""
    path = Path(path)
    metadata = read_metadata_file(path, FORMAT, FORMAT_VERSION, ())
    if metadata["format_version"] < FORMAT_VERSION:
        raise ModelFileError(
            f"{path}: a model in format {metadata['format_version']} (CRFsuite's binary), which crfner no longer "
            f"loads; convert it once with `crfner convert {path} NEW_DIR` (only for a model you trust: the "
            "conversion runs CRFsuite's native parser)"
        )
    missing = [key for key in REQUIRED if key not in metadata]
    if missing:
        raise ModelFileError(f"{path / METADATA_FILE}: damaged metadata (missing {', '.join(missing)})")
    labels = metadata["labels"]
    if not isinstance(labels, list) or not labels or not all(isinstance(label, str) and is_valid_tag(label) for label in labels):
        raise ModelFileError(f"{path / METADATA_FILE}: damaged metadata (labels must be a list of IOB tags)")
    if len(set(labels)) != len(labels):
        raise ModelFileError(f"{path / METADATA_FILE}: damaged metadata (a label appears twice)")
    contents = read_listed_files(path, metadata["files"])
    missing = [name for name in WEIGHT_FILES if name not in contents]
    if missing:
        raise ModelFileError(f"{path}: the metadata lists no {', '.join(missing)}")
    weights = read_weights(contents, metadata["weights"], labels, str(path))
    return weights, metadata


def read_listed_files(path: Path, listed) -> dict[str, bytes]:
    """Every file the metadata lists, checked: a plain name inside ``path``, a regular file of
    the recorded size (checked before reading) and SHA-256."""
    if not isinstance(listed, dict):
        raise ModelFileError(f"{path / METADATA_FILE}: damaged metadata (files must be an object)")
    contents = {}
    for name, expected in listed.items():
        if not _PLAIN_NAME.fullmatch(name) or name == METADATA_FILE:
            raise ModelFileError(f"{path / METADATA_FILE}: the file name {name!r} is not a plain name inside the model directory")
        size = expected.get("bytes") if isinstance(expected, dict) else None
        digest = expected.get("sha256") if isinstance(expected, dict) else None
        if not isinstance(size, int) or isinstance(size, bool) or size < 0 or not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise ModelFileError(f"{path / METADATA_FILE}: damaged metadata (the size or SHA-256 of {name})")
        if not os.path.lexists(path / name):
            raise ModelFileError(f"{path}: {name} is missing")
        data = read_regular_file(path / name, size=size)
        if sha256_bytes(data) != digest:
            raise ModelFileError(f"{path / name}: damaged (its SHA-256 differs from the one in {METADATA_FILE})")
        contents[name] = data
    return contents
