"""A CRF's weights on disk, read without native code: the attribute names as one UTF-8 file
and the weights as ``.npy`` arrays whose headers are parsed here, not by numpy's loader.

Every count, shape, dtype, offset and index is checked against the metadata and the file
sizes before it is used, and the arrays are views of bytes already read and hashed, so a
crafted file can neither allocate without bound nor read out of bounds.

- ``attributes.bin``: the attribute names (``b"w=aspirin"``), joined by NUL bytes, in row order;
- ``state_index.npy``: ``uint32 [entries, 2]``, each non-zero state weight's attribute row and label;
- ``state_weight.npy``: ``float64 [entries]``, those weights;
- ``transition.npy``: ``float64 [labels, labels]``, ``transition[from, to]``.
"""

from __future__ import annotations

import ast
import io
import struct

import numpy as np

from ..errors import ModelFileError
from .decoding import CRFWeights

ATTRIBUTES_FILE = "attributes.bin"
STATE_INDEX_FILE = "state_index.npy"
STATE_WEIGHT_FILE = "state_weight.npy"
TRANSITION_FILE = "transition.npy"
FILES = (ATTRIBUTES_FILE, STATE_INDEX_FILE, STATE_WEIGHT_FILE, TRANSITION_FILE)
MAX_LABELS = 4096
# The dense state table built at load time; 2**29 cells are 4 GiB of float64.
MAX_STATE_CELLS = 2**29
#: The largest weight magnitude loaded. Trained weights stay near 100 at most (the averaged
#: perceptron and unregularised L-BFGS on 3,000 BC5CDR sentences: 109 and 95). A crafted 1e308
#: made sums overflow to infinity and inf - inf gave NaN scores, marginals and inspect shares;
#: past about 1e13 the sums stay finite but the log-space marginals lose every digit and come
#: out as infinities. Below this bound they stay probabilities on sentences of 30,000 tokens.
MAX_WEIGHT = 1e6
_MAGIC = b"\x93NUMPY"
_MAX_HEADER = 4096


def weight_files(weights: CRFWeights) -> tuple[dict[str, bytes], dict]:
    """The files that hold ``weights`` and the counts the metadata records about them."""
    names = sorted(weights.attributes, key=weights.attributes.__getitem__)
    if any(b"\0" in name for name in names):
        raise ModelFileError("an attribute name holds a NUL byte, which the model file format cannot store")
    rows, labels = np.nonzero(weights.state)
    index = np.stack([rows, labels], axis=1).astype("<u4")
    files = {
        ATTRIBUTES_FILE: b"\0".join(names),
        STATE_INDEX_FILE: _npy(index),
        STATE_WEIGHT_FILE: _npy(weights.state[rows, labels].astype("<f8")),
        TRANSITION_FILE: _npy(weights.transition.astype("<f8")),
    }
    counts = {"attributes": len(names), "labels": len(weights.labels), "state_entries": len(rows)}
    return files, counts


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def read_weights(files: dict[str, bytes], counts: dict, labels: list[str], where: str) -> CRFWeights:
    """Weights from the files' bytes (already size- and hash-checked), ``counts`` and
    ``labels`` from the metadata; ``where`` names the model directory in errors."""
    n_labels = _count(counts, "labels", where, MAX_LABELS)
    n_attributes = _count(counts, "attributes", where, len(files[ATTRIBUTES_FILE]) + 1)
    entries = _count(counts, "state_entries", where, len(files[STATE_INDEX_FILE]) // 8)
    if n_labels != len(labels):
        raise ModelFileError(f"{where}: the metadata names {len(labels)} labels but counts {n_labels}")
    if n_attributes * n_labels > MAX_STATE_CELLS:
        raise ModelFileError(f"{where}: {n_attributes} attributes x {n_labels} labels is more than this crfner loads")
    attributes = _attribute_names(files[ATTRIBUTES_FILE], n_attributes, f"{where}/{ATTRIBUTES_FILE}")
    index = read_npy(files[STATE_INDEX_FILE], "<u4", (entries, 2), f"{where}/{STATE_INDEX_FILE}")
    values = read_npy(files[STATE_WEIGHT_FILE], "<f8", (entries,), f"{where}/{STATE_WEIGHT_FILE}")
    transition = read_npy(files[TRANSITION_FILE], "<f8", (n_labels, n_labels), f"{where}/{TRANSITION_FILE}")
    if entries and (int(index[:, 0].max()) >= n_attributes or int(index[:, 1].max()) >= n_labels):
        raise ModelFileError(f"{where}/{STATE_INDEX_FILE}: an index points past the {n_attributes} attributes or {n_labels} labels")
    for name, array in ((STATE_WEIGHT_FILE, values), (TRANSITION_FILE, transition)):
        if not np.isfinite(array).all():
            raise ModelFileError(f"{where}/{name}: a weight is not a finite number")
        if array.size and np.abs(array).max() > MAX_WEIGHT:
            raise ModelFileError(f"{where}/{name}: a weight of {array.flat[np.abs(array).argmax()]:g} is beyond "
                                 f"±{MAX_WEIGHT:g}, far outside any trained model's (scores from it would not be numbers)")
    state = np.zeros((n_attributes, n_labels))
    state[index[:, 0], index[:, 1]] = values
    return CRFWeights(list(labels), attributes, state, transition.copy())


def _count(counts: dict, key: str, where: str, limit: int) -> int:
    value = counts.get(key) if isinstance(counts, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= limit:
        raise ModelFileError(f"{where}: damaged metadata (weights.{key} is {value!r}; the files allow 0 to {limit})")
    return value


def _attribute_names(data: bytes, expected: int, where: str) -> dict[bytes, int]:
    names = data.split(b"\0") if expected else ([] if not data else None)
    if names is None or len(names) != expected:
        raise ModelFileError(f"{where}: holds {0 if names is None else len(names)} names, the metadata counts {expected}")
    rows = dict(zip(names, range(expected)))
    if len(rows) != expected:
        raise ModelFileError(f"{where}: an attribute name appears twice")
    return rows


def read_npy(data: bytes, dtype: str, shape: tuple[int, ...], where: str) -> np.ndarray:
    """The array in ``.npy`` bytes, after checking its header says ``dtype`` and ``shape`` and
    that the data fill the rest of the file exactly; a read-only view of ``data``."""
    if data[:6] != _MAGIC or len(data) < 10:
        raise ModelFileError(f"{where}: not a .npy file")
    major = data[6]
    if major == 1:
        (header_length,), start = struct.unpack_from("<H", data, 8), 10
    elif major in (2, 3):
        if len(data) < 12:
            raise ModelFileError(f"{where}: truncated .npy header")
        (header_length,), start = struct.unpack_from("<I", data, 8), 12
    else:
        raise ModelFileError(f"{where}: .npy version {major} is not one this crfner reads")
    if header_length > _MAX_HEADER or start + header_length > len(data):
        raise ModelFileError(f"{where}: the .npy header length {header_length} does not fit the file")
    try:
        header = ast.literal_eval(data[start : start + header_length].decode("latin-1"))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ModelFileError(f"{where}: the .npy header is not a readable dict") from None
    expected = {"descr": np.dtype(dtype).str, "fortran_order": False, "shape": shape}
    if header != expected:
        raise ModelFileError(f"{where}: the .npy header says {header!r}, expected {expected!r}")
    size = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
    if len(data) != start + header_length + size:
        raise ModelFileError(f"{where}: {len(data) - start - header_length} bytes of data, expected {size}")
    return np.frombuffer(data, dtype=dtype, count=int(np.prod(shape, dtype=np.int64)), offset=start + header_length).reshape(shape)
