"""Convert a format-1 model directory (CRFsuite's binary ``model.crfsuite``) to the current
format, whose files crfner reads without native code.

The conversion itself hands the old binary to CRFsuite's C parser, which a crafted file can
crash or worse: run it only on model files you trust. Loading never does this.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ModelFileError
from .decoding import CRFWeights
from .modelfile import FORMAT, FORMAT_VERSION, METADATA_FILE, read_listed_files, read_metadata_file, read_regular_file, sha256_bytes
from .modelfile import write_model_dir

OLD_MODEL_FILE = "model.crfsuite"
OLD_REQUIRED = ("crfner_version", "feature_set", "labels", "parameters", "model_sha256", "model_bytes")
TRUST_WARNING = (
    "crfner convert reads the old model with CRFsuite's native parser: run it only on model files you trust"
)


def convert_model_dir(source: str | os.PathLike, target: str | os.PathLike, overwrite: bool = False) -> Path:
    """Write ``source`` (a format-1 directory) to ``target`` in the current format: the same
    metadata, labels, weights and extra files (the cluster table), checked as before."""
    import pycrfsuite

    source = Path(source)
    metadata = read_metadata_file(source, FORMAT, FORMAT_VERSION, ())
    if metadata["format_version"] != 1:
        raise ModelFileError(f"{source}: already in format {metadata['format_version']}; nothing to convert")
    missing = [key for key in OLD_REQUIRED if key not in metadata]
    if missing:
        raise ModelFileError(f"{source / METADATA_FILE}: damaged metadata (missing {', '.join(missing)})")
    size = metadata["model_bytes"]
    if not isinstance(size, int) or isinstance(size, bool):
        raise ModelFileError(f"{source / METADATA_FILE}: damaged metadata (model_bytes is {size!r})")
    model = read_regular_file(source / OLD_MODEL_FILE, size=size)
    if sha256_bytes(model) != metadata["model_sha256"]:
        raise ModelFileError(f"{source / OLD_MODEL_FILE}: damaged (its SHA-256 differs from the one in {METADATA_FILE})")
    extra = read_listed_files(source, metadata.get("files") or {})
    tagger = pycrfsuite.Tagger()
    try:
        tagger.open_inmemory(model)
    except ValueError as error:
        raise ModelFileError(f"{source / OLD_MODEL_FILE}: CRFsuite cannot read the model ({error})") from None
    weights = CRFWeights.from_model(model)
    if sorted(weights.labels) != sorted(metadata["labels"]):
        raise ModelFileError(f"{source}: the model's labels differ from those in its metadata")
    kept = {k: v for k, v in metadata.items() if k not in ("format", "format_version", "model_file", "model_bytes",
                                                             "model_sha256", "files", "labels")}
    return write_model_dir(target, weights, kept, overwrite=overwrite, files=extra)
