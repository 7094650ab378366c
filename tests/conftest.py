"""Shared fixtures: the real corpora in ../shared/data (or $CRFNER_DATA_DIR), sliced small."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _data_dir() -> Path:
    return Path(os.environ.get("CRFNER_DATA_DIR") or REPO.parent / "shared" / "data")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = _data_dir()
    if not (path / "BC5CDR-IOB" / "train.tsv").is_file():
        message = f"the corpora are not at {path}; set CRFNER_DATA_DIR"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def bc5cdr_train(data_dir):
    import crfner

    return crfner.load_corpus("bc5cdr", "train", data_dir=data_dir)


@pytest.fixture(scope="session")
def bc5cdr_devel(data_dir):
    import crfner

    return crfner.load_corpus("bc5cdr", "devel", data_dir=data_dir)


@pytest.fixture(scope="session")
def small_train(bc5cdr_train):
    """The first 800 sentences of BC5CDR train."""
    X, y = bc5cdr_train
    return X[:800], y[:800]


@pytest.fixture(scope="session")
def small_devel(bc5cdr_devel):
    """The first 300 sentences of BC5CDR devel."""
    X, y = bc5cdr_devel
    return X[:300], y[:300]


@pytest.fixture(scope="session")
def fitted(small_train):
    """A tutorial CRF trained on the slice (fewer iterations keep the suite fast)."""
    import crfner

    X, y = small_train
    return crfner.CRFTagger(max_iterations=50).fit(X, y, corpus="bc5cdr:train[:800]")


def write(path: Path, text: str, encoding="utf-8", bom=False) -> Path:
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def crfsuite_tagger(tagger):
    """CRFsuite's own tagger over a model fitted in this process (``crfsuite_model_``), to
    compare crfner's numpy decoder with while CRFsuite is at hand."""
    import pycrfsuite

    crfsuite = pycrfsuite.Tagger()
    crfsuite.open_inmemory(tagger.crfsuite_model_)
    return crfsuite


#: The terms of :func:`tiny_linker`: a few of BC5CDR's chemicals and diseases.
LINKER_TERMS = {
    "Chemical": [("cisplatin", "MESH:D002945"), ("famotidine", "MESH:D015738"), ("indomethacin", "MESH:D007213"),
                 ("aspirin", "MESH:D001241")],
    "Disease": [("nephrotoxicity", "MESH:D007674"), ("delirium", "MESH:D003693"), ("hypotension", "MESH:D007022"),
                ("renal failure", "MESH:D051437"), ("myocardial infarction", "MESH:D009203"), ("heart attack", "MESH:D009203")],
}


@pytest.fixture(scope="session")
def tiny_linker():
    """A concept linker fitted on :data:`LINKER_TERMS` only."""
    from crfner.link import Linker

    return Linker().fit(vocabularies=LINKER_TERMS, documents=None)


@pytest.fixture(scope="session")
def linker_dir(tiny_linker, tmp_path_factory):
    """:func:`tiny_linker` saved to a directory."""
    path = tmp_path_factory.mktemp("linker") / "tiny"
    tiny_linker.save(path)
    return path
