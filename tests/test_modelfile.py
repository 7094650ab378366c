"""Model directories: contents, reload in a new process, atomic writes and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import crfner
from crfner import CRFTagger, ModelFileError
from crfner.crf.modelfile import FORMAT_VERSION, METADATA_FILE, MODEL_FILE


@pytest.fixture()
def saved(fitted, tmp_path):
    return fitted.save(tmp_path / "model")


def test_directory_holds_crfsuite_binary_and_metadata(saved, fitted):
    assert sorted(p.name for p in saved.iterdir()) == [METADATA_FILE, MODEL_FILE]
    assert (saved / MODEL_FILE).read_bytes()[:4] == b"lCRF"
    meta = json.loads((saved / METADATA_FILE).read_text())
    assert meta["format_version"] == FORMAT_VERSION and meta["crfner_version"] == crfner.__version__
    assert (meta["feature_set_name"], meta["feature_set_version"]) == ("tutorial", 1)
    assert meta["feature_set"]["token"]["suffixes"] == [2, 3]
    assert sorted(meta["labels"]) == sorted(fitted.classes_)
    assert meta["parameters"]["max_iterations"] == 50 and meta["parameters"]["c1"] == 0.1
    assert meta["training"]["corpus"] == "bc5cdr:train[:800]" and len(meta["training"]["sha256"]) == 64


def test_reload_in_a_new_process_predicts_identically(saved, fitted, small_devel, tmp_path):
    Xd, _ = small_devel
    (tmp_path / "x.json").write_text(json.dumps(Xd))
    script = (
        "import json, sys, crfner\n"
        "X = json.load(open(sys.argv[2]))\n"
        "print(json.dumps(crfner.CRFTagger.load(sys.argv[1]).predict(X)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(saved), str(tmp_path / "x.json")],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == fitted.predict(Xd)


def test_loaded_model_featurizes_from_its_stored_feature_set(saved, fitted, small_devel):
    loaded = CRFTagger.load(saved)
    assert loaded.feature_set_.to_dict() == fitted.feature_set_.to_dict()
    tokens = small_devel[0][0]
    assert loaded.feature_set_.featurizer()(tokens) == fitted.feature_set_.featurizer()(tokens)


def _one_line_error(path) -> str:
    with pytest.raises(ModelFileError) as error:
        CRFTagger.load(path)
    message = str(error.value)
    assert "\n" not in message
    return message


def test_truncated_model_file(saved):
    data = (saved / MODEL_FILE).read_bytes()
    (saved / MODEL_FILE).write_bytes(data[: len(data) // 2])
    assert "damaged or truncated" in _one_line_error(saved)


def test_corrupted_model_bytes(saved):
    data = bytearray((saved / MODEL_FILE).read_bytes())
    data[100] ^= 0xFF
    (saved / MODEL_FILE).write_bytes(bytes(data))
    assert "SHA-256 differs" in _one_line_error(saved)


def test_missing_metadata(saved):
    (saved / METADATA_FILE).unlink()
    assert f"no {METADATA_FILE}" in _one_line_error(saved)


def test_metadata_from_a_newer_format(saved):
    meta = json.loads((saved / METADATA_FILE).read_text())
    meta.update(format_version=FORMAT_VERSION + 1, crfner_version="9.0.0")
    (saved / METADATA_FILE).write_text(json.dumps(meta))
    message = _one_line_error(saved)
    assert f"model format {FORMAT_VERSION + 1} was written by crfner 9.0.0" in message and "upgrade crfner" in message


@pytest.mark.parametrize(
    "content,expected",
    [("{not json", "damaged metadata"), ('{"format": "spacy"}', "not a CRF model's metadata"),
     ('{"format": "crfner-model", "format_version": 1}', "missing crfner_version"),
     ('{"format": "crfner-transformer", "format_version": 1}',
      "a transformer model, not a CRF model; load it with TransformerTagger.load")],
)
def test_damaged_or_foreign_metadata(saved, content, expected):
    (saved / METADATA_FILE).write_text(content)
    assert expected in _one_line_error(saved)


def test_not_a_model_directory(tmp_path):
    assert "no such model directory" in _one_line_error(tmp_path / "absent")
    (tmp_path / "file").write_text("x")
    assert "not a model directory" in _one_line_error(tmp_path / "file")


def test_existing_directory_is_kept_unless_overwritten(saved, fitted):
    before = (saved / MODEL_FILE).read_bytes()
    with pytest.raises(ModelFileError, match="already exists"):
        fitted.save(saved)
    fitted.save(saved, overwrite=True)
    assert (saved / MODEL_FILE).read_bytes() == before
    assert sorted(p.name for p in saved.parent.iterdir()) == ["model"]


def test_failed_write_leaves_nothing_behind(fitted, tmp_path, monkeypatch):
    import crfner.crf.modelfile as modelfile

    fitted.save(tmp_path / "model")
    before = (tmp_path / "model" / METADATA_FILE).read_text()

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(modelfile.json, "dumps", fail)
    with pytest.raises(OSError, match="disk full"):
        fitted.save(tmp_path / "model", overwrite=True)
    with pytest.raises(OSError, match="disk full"):
        fitted.save(tmp_path / "other")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    assert (tmp_path / "model" / METADATA_FILE).read_text() == before
