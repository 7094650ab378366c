"""CRFModel: a saved model loaded for tagging alone tags as CRFTagger.load does, and the commands
that only tag (``crfner tag``, ``crfner explain``) run without importing scikit-learn or SciPy."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import cli_without_sklearn

import crfner
from crfner.crf.model import CRFModel
from crfner.errors import NotFittedError

TEXT = "Cisplatin induced nephrotoxicity in a patient with lung cancer. Naloxone reversed the hypotension."


def test_the_model_predicts_as_the_estimator_does(model, small_devel):
    X, _ = small_devel
    estimator, loaded = crfner.CRFTagger.load(model), crfner.CRFModel.load(model)
    assert type(loaded) is CRFModel and not hasattr(loaded, "fit")
    assert loaded.predict(X[:60]) == estimator.predict(X[:60])
    assert loaded.predict_scored(X[:60]) == estimator.predict_scored(X[:60])
    assert loaded.predict_marginals(X[:5]) == estimator.predict_marginals(X[:5])
    assert loaded.tag_text(TEXT) == estimator.tag_text(TEXT)
    assert loaded.training_params_ == estimator.training_params_ and loaded.classes_ == estimator.classes_


def test_the_model_saves_what_loads_again(model, tmp_path, small_devel):
    X, _ = small_devel
    loaded = CRFModel.load(model)
    again = CRFModel.load(loaded.save(tmp_path / "again"))
    assert again.predict(X[:40]) == loaded.predict(X[:40])
    assert json.loads((tmp_path / "again" / "crfner.json").read_text())["training"] == \
        json.loads((model / "crfner.json").read_text())["training"]


def test_an_unloaded_model_says_how_to_load_one():
    with pytest.raises(NotFittedError, match=r"CRFModel\.load"):
        CRFModel().predict([["aspirin"]])


def test_tag_and_explain_import_neither_scikit_learn_nor_scipy(model):
    tagged = cli_without_sklearn("tag", str(model), "--text", TEXT)
    assert tagged.returncode == 0, tagged.stderr
    entities = [json.loads(line) for line in tagged.stdout.splitlines()]
    expected = crfner.CRFTagger.load(model).tag_text(TEXT)
    assert entities and [(e["start"], e["end"], e["type"]) for e in entities] == [(e.start, e.end, e.type) for e in expected]
    explained = cli_without_sklearn("explain", str(model), "--text", TEXT, "--json")
    assert explained.returncode == 0, explained.stderr
    as_usual = subprocess.run([sys.executable, "-m", "crfner", "explain", str(model), "--text", TEXT, "--json"],
                              capture_output=True, text=True, check=True)
    assert json.loads(explained.stdout)["entities"] and explained.stdout == as_usual.stdout


def test_the_blocked_import_does_block_what_trains(tmp_path):
    trained = cli_without_sklearn("train", "bc5cdr", "--out", str(tmp_path / "never-written"), "--data-dir", "/nonexistent")
    assert trained.returncode != 0 and "sklearn" in trained.stderr
