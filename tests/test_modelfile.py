"""Model directories: contents, reload in a new process without CRFsuite, atomic writes,
clear errors, and the conversion of format-1 directories."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import crfner
from crfner import CRFTagger, ModelFileError
from crfner.crf.modelfile import FORMAT_VERSION, METADATA_FILE
from crfner.crf.weightfiles import ATTRIBUTES_FILE, STATE_INDEX_FILE, STATE_WEIGHT_FILE, TRANSITION_FILE

WEIGHTS = STATE_WEIGHT_FILE  # a weight file the damage tests pick on


@pytest.fixture()
def saved(fitted, tmp_path):
    return fitted.save(tmp_path / "model")


def test_directory_holds_plain_arrays_and_metadata(saved, fitted):
    assert sorted(p.name for p in saved.iterdir()) == sorted(
        [METADATA_FILE, ATTRIBUTES_FILE, STATE_INDEX_FILE, STATE_WEIGHT_FILE, TRANSITION_FILE])
    meta = json.loads((saved / METADATA_FILE).read_text())
    assert meta["format_version"] == FORMAT_VERSION == 2 and meta["crfner_version"] == crfner.__version__
    assert (meta["feature_set_name"], meta["feature_set_version"]) == ("tutorial", 1)
    assert meta["feature_set"]["token"]["suffixes"] == [2, 3]
    assert meta["labels"] == fitted.classes_ == fitted.weights_.labels
    assert meta["parameters"]["max_iterations"] == 50 and meta["parameters"]["c1"] == 0.1
    assert meta["training"]["corpus"] == "bc5cdr:train[:800]" and len(meta["training"]["sha256"]) == 64
    for name, recorded in meta["files"].items():
        data = (saved / name).read_bytes()
        assert recorded == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def test_the_documented_layout_reads_back_with_plain_numpy(saved, fitted):
    """The files are what the README says: anyone can read the weights without crfner."""
    names = (saved / ATTRIBUTES_FILE).read_bytes().split(b"\0")
    index = np.load(saved / STATE_INDEX_FILE, allow_pickle=False)
    values = np.load(saved / STATE_WEIGHT_FILE, allow_pickle=False)
    state = np.zeros((len(names), len(fitted.classes_)))
    state[index[:, 0], index[:, 1]] = values
    rows = [fitted.weights_.attributes[name] for name in names]
    assert rows == list(range(len(names)))
    np.testing.assert_array_equal(state, fitted.weights_.state)
    np.testing.assert_array_equal(np.load(saved / TRANSITION_FILE, allow_pickle=False), fitted.weights_.transition)


def test_loading_and_tagging_never_import_crfsuite(saved, small_devel, tmp_path):
    Xd, _ = small_devel
    (tmp_path / "x.json").write_text(json.dumps(Xd[:50]))
    script = (
        "import json, sys\n"
        "sys.modules['pycrfsuite'] = sys.modules['sklearn_crfsuite'] = None  # any import of them fails\n"
        "import crfner\n"
        "tagger = crfner.CRFTagger.load(sys.argv[1])\n"
        "X = json.load(open(sys.argv[2]))\n"
        "tags = tagger.predict(X)\n"
        "tagger.predict_marginals(X)\n"
        "entities = crfner.tag_text(tagger, ' '.join(X[0]) + '. Cisplatin induced nephrotoxicity.')\n"
        "print(json.dumps(tags))\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(saved), str(tmp_path / "x.json")],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == CRFTagger.load(saved).predict(Xd[:50])


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
    data = (saved / WEIGHTS).read_bytes()
    (saved / WEIGHTS).write_bytes(data[: len(data) // 2])
    assert "damaged or truncated" in _one_line_error(saved)


def test_corrupted_model_bytes(saved):
    data = bytearray((saved / WEIGHTS).read_bytes())
    data[100] ^= 0xFF
    (saved / WEIGHTS).write_bytes(bytes(data))
    assert "SHA-256 differs" in _one_line_error(saved)


def _rewrite(saved, name: str, data: bytes, **metadata) -> None:
    """Replace a file and make the metadata's size and hash agree, as a crafted model would."""
    (saved / name).write_bytes(data)
    meta = json.loads((saved / METADATA_FILE).read_text())
    meta["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    for key, value in metadata.items():
        meta[key] = value
    (saved / METADATA_FILE).write_text(json.dumps(meta))


def test_a_consistent_but_crafted_array_header_is_refused(saved):
    data = (saved / TRANSITION_FILE).read_bytes()
    _rewrite(saved, TRANSITION_FILE, data.replace(b"'<f8'", b"'|O' "))
    assert "header says" in _one_line_error(saved)


def test_huge_counts_are_refused_before_any_allocation(saved):
    meta = json.loads((saved / METADATA_FILE).read_text())
    meta["weights"]["attributes"] = 2**40
    (saved / METADATA_FILE).write_text(json.dumps(meta))
    assert "weights.attributes is 1099511627776" in _one_line_error(saved)


def test_an_index_past_the_table_is_refused(saved):
    index = np.load(saved / STATE_INDEX_FILE, allow_pickle=False).copy()
    index[0, 1] = 999
    buffer = __import__("io").BytesIO()
    np.save(buffer, index)
    _rewrite(saved, STATE_INDEX_FILE, buffer.getvalue())
    assert "points past" in _one_line_error(saved)


def test_a_weight_that_is_not_finite_is_refused(saved):
    values = np.load(saved / STATE_WEIGHT_FILE, allow_pickle=False).copy()
    values[3] = np.nan
    buffer = __import__("io").BytesIO()
    np.save(buffer, values)
    _rewrite(saved, STATE_WEIGHT_FILE, buffer.getvalue())
    assert "not a finite number" in _one_line_error(saved)


@pytest.mark.parametrize("name", [STATE_WEIGHT_FILE, TRANSITION_FILE])
def test_a_weight_so_huge_its_sums_overflow_is_refused_and_one_within_bounds_inspects_finitely(saved, name, capsys):
    """1e308 weights loaded: their sums overflowed to inf, inf - inf made crfner inspect's family
    shares (and the tags' scores and marginals) NaN. The loader now refuses any beyond ±1e6."""
    from crfner.cli import main
    from crfner.explanations import inspect_model

    original = np.load(saved / name, allow_pickle=False)

    def craft(value):
        values = np.where(original > 0, value, np.where(original < 0, -value, 0.0))
        buffer = __import__("io").BytesIO()
        np.save(buffer, values)
        _rewrite(saved, name, buffer.getvalue())

    craft(1e308)
    message = _one_line_error(saved)
    assert re.search(rf"{re.escape(name)}: a weight of -?1e\+308 is beyond ±1e\+06", message) and str(saved) in message
    capsys.readouterr()
    assert main(["inspect", str(saved), "--json"]) == 2
    assert re.search(rf"{re.escape(name)}: a weight of -?1e\+308 is beyond", capsys.readouterr().err)
    craft(1e6)  # the bound itself loads, and everything computed from it is a number
    tagger = CRFTagger.load(saved)
    inspection = inspect_model(tagger, top=3)
    shares = [row["share"] for row in inspection.families]
    assert all(np.isfinite(row["weight"]) for row in inspection.families) and sum(shares) == pytest.approx(1.0)
    assert main(["inspect", str(saved), "--json"]) == 0
    json.loads(capsys.readouterr().out, parse_constant=lambda constant: pytest.fail(f"inspect printed {constant}"))
    sentence = ["Cisplatin", "induced", "nephrotoxicity", "in", "rats", "."] * 500
    assert np.isfinite([p for token in tagger.predict_marginals([sentence])[0] for p in token.values()]).all()


@pytest.mark.parametrize("name", ["../outside.bin", "/etc/passwd", "sub/file", ".hidden"])
def test_listed_files_stay_inside_the_model_directory(saved, name):
    meta = json.loads((saved / METADATA_FILE).read_text())
    meta["files"][name] = {"bytes": 1, "sha256": "0" * 64}
    (saved / METADATA_FILE).write_text(json.dumps(meta))
    assert "not a plain name inside the model directory" in _one_line_error(saved)


def test_a_listed_file_that_is_a_fifo_is_refused_unread(saved):
    (saved / WEIGHTS).unlink()
    os.mkfifo(saved / WEIGHTS)  # opening it for reading would block forever
    assert "not a regular file" in _one_line_error(saved)


def test_an_edited_feature_set_that_would_compute_nothing_is_refused(saved):
    meta = json.loads((saved / METADATA_FILE).read_text())
    meta["feature_set"]["context"]["features"] = ["lowr", "title"]
    (saved / METADATA_FILE).write_text(json.dumps(meta))
    message = _one_line_error(saved)
    assert "stored feature set is unusable" in message and "context.features names 'lowr'" in message
    assert "did you mean 'lower'?" in message


@pytest.mark.parametrize("edit", [
    lambda spec: spec["token"].pop("suffixes"),
    lambda spec: spec["token"].update(suffixes=[2, 4]),
    lambda spec: spec["token"].update(bias=False),
    lambda spec: spec["context"].update(offsets=[-2, 2]),
    lambda spec: spec["context"].pop("boundaries"),
    lambda spec: spec.pop("context"),
    lambda spec: spec.update(version=2),
])
def test_an_edited_feature_set_is_refused_not_featurized_otherwise(saved, edit):
    """Each of these edits of crfner.json's feature set loaded before and tagged with features
    other than those the weights were trained on, silently; the description alone may change."""
    meta = json.loads((saved / METADATA_FILE).read_text())
    edit(meta["feature_set"])
    (saved / METADATA_FILE).write_text(json.dumps(meta))
    assert "feature_set was changed after training: its fingerprint is" in _one_line_error(saved)


def test_a_feature_set_with_only_its_description_edited_or_no_fingerprint_loads(saved, fitted):
    meta = json.loads((saved / METADATA_FILE).read_text())
    assert meta["feature_set_fingerprint"] == fitted.feature_set_.fingerprint()
    meta["feature_set"]["description"] = "mine"
    (saved / METADATA_FILE).write_text(json.dumps(meta))
    assert CRFTagger.load(saved).feature_set_.description == "mine"
    del meta["feature_set_fingerprint"]  # as saved before the fingerprint was recorded
    (saved / METADATA_FILE).write_text(json.dumps(meta))
    assert CRFTagger.load(saved).predict([["Aspirin", "."]]) == fitted.predict([["Aspirin", "."]])


def test_a_listed_file_that_is_a_symbolic_link_is_refused(saved, tmp_path):
    copy = tmp_path / "elsewhere.npy"
    copy.write_bytes((saved / WEIGHTS).read_bytes())  # same size and hash: only the link is wrong
    (saved / WEIGHTS).unlink()
    (saved / WEIGHTS).symlink_to(copy)
    assert "a symbolic link" in _one_line_error(saved)


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
     ('{"format": "crfner-model", "format_version": 2}', "missing crfner_version"),
     ('{"format": "crfner-model", "format_version": 1}', "convert it once with `crfner convert"),
     ('{"format": ["crfner-model"], "format_version": 2}', "not a CRF model's metadata"),
     ('[1, 2]', "not a CRF model's metadata"), ('{"format": "crfner-model", "format_version": true}', "format_version"),
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
    before = (saved / WEIGHTS).read_bytes()
    with pytest.raises(ModelFileError, match="already exists"):
        fitted.save(saved)
    fitted.save(saved, overwrite=True)
    assert (saved / WEIGHTS).read_bytes() == before
    assert sorted(p.name for p in saved.parent.iterdir()) == ["model"]


def test_failed_write_leaves_nothing_behind(fitted, tmp_path, monkeypatch):
    from crfner.crf import modelfile

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


def _format_one(fitted, path):
    """A model directory as crfner wrote it before format 2: CRFsuite's binary beside the metadata."""
    path.mkdir()
    model = fitted.crfsuite_model_
    (path / "model.crfsuite").write_bytes(model)
    meta = {
        "format": "crfner-model", "format_version": 1, "crfner_version": "0.1.0",
        "feature_set": fitted.feature_set_.to_dict(), "feature_set_name": "tutorial", "feature_set_version": 1,
        "labels": fitted.classes_, "parameters": {**fitted.training_params_, "n_jobs": 1},
        "training": {"corpus": "bc5cdr:train[:800]"}, "resources": {"gazetteers": [], "clusters": None}, "metrics": {},
        "model_file": "model.crfsuite", "model_bytes": len(model), "model_sha256": hashlib.sha256(model).hexdigest(),
        "files": {},
    }
    (path / METADATA_FILE).write_text(json.dumps(meta))
    return path


def test_a_format_one_directory_is_refused_with_the_way_to_convert_it(fitted, tmp_path):
    old = _format_one(fitted, tmp_path / "old")
    message = _one_line_error(old)
    assert f"crfner convert {old} NEW_DIR" in message and "trust" in message


def test_crfner_convert_gives_a_model_that_tags_identically(fitted, small_devel, tmp_path):
    old = _format_one(fitted, tmp_path / "old")
    result = subprocess.run([sys.executable, "-m", "crfner", "convert", str(old), str(tmp_path / "new")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "only on model files you trust" in result.stderr
    converted = CRFTagger.load(tmp_path / "new")
    Xd, _ = small_devel
    assert converted.predict(Xd) == fitted.predict(Xd)
    assert converted.training_corpus_ == "bc5cdr:train[:800]"
    again = subprocess.run([sys.executable, "-m", "crfner", "convert", str(tmp_path / "new"), str(tmp_path / "x")],
                           capture_output=True, text=True, check=False)
    assert again.returncode == 2 and "nothing to convert" in again.stderr
