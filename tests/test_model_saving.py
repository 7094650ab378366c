"""Saving over a model directory: the path holds the old or the new whole model at every
instant, files reach the disk before the swap, concurrent saves take turns, nothing is left
behind, and a reader polling during saves never fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from crfner import atomic
from crfner import CRFTagger, ModelFileError
from crfner.crf.modelfile import METADATA_FILE


@pytest.fixture(scope="module")
def other(small_train):
    """A second model whose weights differ from ``fitted``'s, so that files of the two mixed
    together do not match either's metadata."""
    X, y = small_train
    return CRFTagger(max_iterations=5, c2=1.0).fit(X[:200], y[:200])


def _loads(path) -> bool:
    try:
        CRFTagger.load(path)
        return True
    except ModelFileError:
        return False


def test_the_path_holds_a_whole_model_at_every_step_of_a_save(fitted, other, tmp_path, monkeypatch):
    path = tmp_path / "model"
    fitted.save(path)
    checked = []

    def checking(function):
        def wrapper(*args, **kwargs):
            result = function(*args, **kwargs)
            checked.append(_loads(path))  # a reader at this instant
            return result
        return wrapper

    monkeypatch.setattr(atomic.os, "replace", checking(os.replace))
    monkeypatch.setattr(atomic.os, "rename", checking(os.rename))
    if hasattr(atomic, "exchange"):
        monkeypatch.setattr(atomic, "exchange", checking(atomic.exchange))
    other.save(path, overwrite=True)
    monkeypatch.undo()
    assert checked and all(checked), checked
    assert CRFTagger.load(path).weights_.transition.tolist() == other.weights_.transition.tolist()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_files_and_folders_are_flushed_before_the_swap(fitted, tmp_path, monkeypatch):
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to name what was flushed")
    flushed = []
    real = os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (flushed.append(os.readlink(f"/proc/self/fd/{fd}")), real(fd)))
    path = fitted.save(tmp_path / "model")
    monkeypatch.undo()
    names = {os.path.basename(p) for p in flushed}
    assert {p.name for p in path.iterdir()} <= names  # each file, under its temporary folder's name
    assert str(tmp_path) in flushed  # the parent, after the rename


def test_a_system_without_an_atomic_exchange_still_replaces_cleanly(fitted, other, tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "exchange", lambda a, b: False)
    path = fitted.save(tmp_path / "model")
    other.save(path, overwrite=True)
    assert CRFTagger.load(path).weights_.transition.tolist() == other.weights_.transition.tolist()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def _slow(function, seconds):
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        time.sleep(seconds)
        return result
    return wrapper


def test_concurrent_saves_take_turns_and_leave_nothing_behind(fitted, other, tmp_path, monkeypatch):
    from crfner.crf import modelfile

    # Every save passes its first check before any reaches the swap, and each step is slow.
    monkeypatch.setattr(modelfile.json, "dumps", _slow(json.dumps, 0.3))
    monkeypatch.setattr(atomic.os, "replace", _slow(os.replace, 0.01))
    path = tmp_path / "model"
    errors = []

    def save(model, overwrite):
        try:
            model.save(path, overwrite=overwrite)
        except Exception as error:  # noqa: BLE001 - every outcome is inspected below
            errors.append(error)

    threads = [threading.Thread(target=save, args=(m, True)) for m in (fitted, other) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert _loads(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]

    fresh = tmp_path / "fresh"
    threads = [threading.Thread(target=save, args=(m, False)) for m in (fitted, other) * 2]
    path = fresh
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 3 and all(isinstance(e, ModelFileError) and "already exists" in str(e) for e in errors)
    assert all("\n" not in str(e) for e in errors)
    assert _loads(fresh)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "model"]


READER = r"""
import json, sys, time
import crfner
path, stop = sys.argv[1], sys.argv[2]
loads, failures = 0, []
deadline = time.monotonic() + 300
while time.monotonic() < deadline:
    done = __import__("os").path.exists(stop)
    try:
        crfner.CRFTagger.load(path)
        loads += 1
    except Exception as error:
        failures.append(f"{type(error).__name__}: {error}")
    if done:
        break
print(json.dumps({"loads": loads, "failures": failures[:5], "failed": len(failures)}))
"""


def test_a_reader_polling_during_repeated_saves_never_fails(fitted, other, tmp_path, monkeypatch):
    monkeypatch.setattr(atomic.os, "replace", _slow(os.replace, 0.02))  # a slow disk
    path = fitted.save(tmp_path / "model")
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(path), str(stop)], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)  # the reader's imports
        for number in range(40):
            (other if number % 2 == 0 else fitted).save(path, overwrite=True)
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=120)
    result = json.loads(out)
    assert result["failed"] == 0, result
    assert result["loads"] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "stop"]
    assert json.loads((path / METADATA_FILE).read_text())["format"] == "crfner-model"


def test_overwrite_replaces_only_a_crfner_folder_or_an_empty_one(fitted, tiny_linker, tmp_path, monkeypatch):
    """save(..., overwrite=True) replaced whatever stood at the path, so a mistyped one (a home or
    data folder) lost its files; now it replaces only an empty folder or one of its kind, as --force
    does, and checks again at the swap what is there by then."""
    import shutil

    from crfner.crf import modelfile

    data, note = tmp_path / "data", tmp_path / "note.txt"
    data.mkdir()
    (data / "notes.txt").write_text("keep me", encoding="utf-8")
    note.write_text("keep me too", encoding="utf-8")
    for path in (data, note):
        with pytest.raises(ModelFileError) as caught:
            fitted.save(path, overwrite=True)
        assert str(caught.value) == (f"{path}: is not a crfner model folder (one holding crfner.json), and overwrite=True "
                                     "replaces only one (or an empty folder): choose another path, or remove it yourself")
    assert (data / "notes.txt").read_text(encoding="utf-8") == "keep me" and note.read_text(encoding="utf-8") == "keep me too"
    model = fitted.save(tmp_path / "model")
    with pytest.raises(ModelFileError, match=r"model: is not a crfner linker folder \(one holding tables\.json\)"):
        tiny_linker.save(model, overwrite=True)
    linker = tiny_linker.save(tmp_path / "linker")  # it holds crfner.json too, yet is no model folder
    with pytest.raises(ModelFileError, match=r"linker: is not a crfner model folder \(one holding crfner\.json\)"):
        fitted.save(linker, overwrite=True)
    shutil.rmtree(linker)
    (tmp_path / "empty").mkdir()
    fitted.save(tmp_path / "empty", overwrite=True)
    fitted.save(model, overwrite=True)
    assert _loads(tmp_path / "empty") and _loads(model)

    real = json.dumps

    def data_arrives(*args, **kwargs):  # the model folder becomes a data folder while the new one is written
        if model.joinpath(METADATA_FILE).exists():
            shutil.rmtree(model)
            model.mkdir()
            (model / "notes.txt").write_text("new data", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(modelfile.json, "dumps", data_arrives)
    with pytest.raises(ModelFileError, match="model: is not a crfner model folder"):
        fitted.save(model, overwrite=True)
    monkeypatch.undo()
    assert [p.name for p in model.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "empty", "model", "note.txt"]  # no temporary folder left
