"""A saved model records a digest of a probe document's features; loading featurizes the probe
again and warns when this crfner's feature code computes other features than the code that saved
the model (crfner.featurize.probe)."""

from __future__ import annotations

import json
import shutil
import warnings
from itertools import groupby

import pytest

import crfner
from crfner import CRFTagger, FeaturizationChangedWarning, ModelFileError
from crfner.cli import main as crfner_main
from crfner.crf.modelfile import METADATA_FILE
from crfner.featurize import shorthand
from crfner.featurize.featurizer import Featurizer
from crfner.featurize.probe import CURRENT, PROBES
from crfner.tagging.batch import tag_files

from conftest import cdr_test_documents


@pytest.fixture(scope="module")
def maccrobat_train(data_dir):
    if not (data_dir / "clinical" / "MACCROBAT2020").is_dir():
        pytest.skip("MACCROBAT2020 is not in the data folder")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the corpus's known stray tab, read leniently with a warning
        X, y = crfner.load_corpus("maccrobat", "train", data_dir=data_dir)
        ids = crfner.load_document_ids("maccrobat", "train", data_dir=data_dir)
    return X, y, ids


@pytest.fixture(scope="module")
def clinical(maccrobat_train, data_dir, tmp_path_factory):
    """A clinical model (the shipped set, shorthand reading included) trained briefly on a slice, and its directory."""
    X, y, ids = maccrobat_train
    tagger = CRFTagger(features="clinical", max_iterations=5, data_dir=data_dir).fit(X[:150], y[:150], documents=ids[:150])
    return tagger, tagger.save(tmp_path_factory.mktemp("probe") / "clinical")


def _load(path, data_dir):
    """The loaded model and the FeaturizationChangedWarnings its loading gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = CRFTagger.load(path, data_dir=data_dir)
    return loaded, [w for w in caught if issubclass(w.category, FeaturizationChangedWarning)]


def _copy_with_probe(model, copy, edit):
    """A copy of the model directory whose metadata's ``featurization_probe`` is ``edit(probe)``
    (a missing entry where ``edit`` returns None)."""
    copy = shutil.copytree(model, copy)
    metadata = json.loads((copy / METADATA_FILE).read_text(encoding="utf-8"))
    probe = edit(metadata.pop("featurization_probe"))
    if probe is not None:
        metadata["featurization_probe"] = probe
    (copy / METADATA_FILE).write_text(json.dumps(metadata), encoding="utf-8")
    return copy


@pytest.fixture()
def c_o_read_otherwise(monkeypatch):
    """This crfner's shorthand table as a later edit might leave it: c/o read in the present tense."""
    readings = dict(shorthand._READINGS)
    readings[("c", "/", "o")] = ("complains", "complains", "of")
    monkeypatch.setattr(shorthand, "_READINGS", readings)


def test_a_saved_model_records_the_probe_and_loads_without_a_warning(clinical, data_dir):
    _, path = clinical
    probe = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))["featurization_probe"]
    assert probe["version"] == CURRENT and len(probe["sha256"]) == 64
    _, changed = _load(path, data_dir)
    assert changed == []


def test_an_edited_shorthand_table_is_noticed_when_the_model_loads(clinical, data_dir, c_o_read_otherwise):
    _, path = clinical
    loaded, changed = _load(path, data_dir)
    assert len(changed) == 1
    message = str(changed[0].message)
    assert str(path) in message and "featurizes the model's probe document otherwise" in message
    assert changed[0].filename == __file__  # shown at the caller of load, not inside crfner
    assert len(loaded.predict([["Pt", "c", "/", "o", "SOB", "."]])[0]) == 6  # a warning: the model still tags


def test_an_edited_token_feature_is_noticed_in_any_feature_set(model, data_dir, monkeypatch):
    """The tutorial model (no shorthand, no lists): a token feature computed otherwise is noticed too."""
    assert _load(model, data_dir)[1] == []
    original = Featurizer.token_features
    monkeypatch.setattr(Featurizer, "token_features",
                        lambda self, word: {k: v for k, v in original(self, word).items() if k != "suf3"})
    assert len(_load(model, data_dir)[1]) == 1


def test_the_command_line_shows_the_warning_in_one_line_and_still_tags(clinical, data_dir, c_o_read_otherwise, capsys):
    _, path = clinical
    code = crfner_main(["tag", str(path), "--text", "Pt c/o SOB.", "--data-dir", str(data_dir), "-q"])
    lines = capsys.readouterr().err.splitlines()
    assert code == 0
    assert len(lines) == 1, lines  # one line, not Python's file, line and source
    assert lines[0].startswith(f"crfner tag: warning: {path}: this crfner") and "probe document otherwise" in lines[0]


def test_saving_a_loaded_model_keeps_the_digest_it_was_trained_with(clinical, data_dir, tmp_path, c_o_read_otherwise,
                                                                    monkeypatch):
    """Re-saving (as crfner calibrate does) must not make a model trained by other code look current."""
    _, path = clinical
    loaded, changed = _load(path, data_dir)
    assert len(changed) == 1
    again = loaded.save(tmp_path / "again")
    assert len(_load(again, data_dir)[1]) == 1
    monkeypatch.undo()
    assert _load(again, data_dir)[1] == []  # the code that trained it is back


def test_a_model_saved_before_probes_loads_unchecked(clinical, data_dir, tmp_path, c_o_read_otherwise):
    _, path = clinical
    old = _copy_with_probe(path, tmp_path / "old", lambda probe: None)
    assert _load(old, data_dir)[1] == []


@pytest.mark.parametrize("probe, problem", [
    ("abc", "must hold a version and a sha256"),
    ({"version": 1}, "must hold a version and a sha256"),
    ({"version": 1, "sha256": "0" * 64, "extra": 1}, "must hold a version and a sha256"),
    ({"version": True, "sha256": "0" * 64}, "version must be a positive whole number"),
    ({"version": 0, "sha256": "0" * 64}, "version must be a positive whole number"),
    ({"version": 1, "sha256": "0" * 63}, "sha256 must be 64 hex digits"),
    ({"version": 1, "sha256": "Z" * 64}, "sha256 must be 64 hex digits"),
])
def test_a_crafted_probe_entry_is_refused_in_one_line(model, data_dir, tmp_path, probe, problem):
    crafted = _copy_with_probe(model, tmp_path / "crafted", lambda _: probe)
    with pytest.raises(ModelFileError) as caught:
        CRFTagger.load(crafted, data_dir=data_dir)
    assert problem in str(caught.value) and str(crafted) in str(caught.value) and "\n" not in str(caught.value)


def test_a_probe_version_this_crfner_lacks_is_not_checked(model, data_dir, tmp_path):
    newer = _copy_with_probe(model, tmp_path / "newer", lambda _: {"version": max(PROBES) + 1, "sha256": "0" * 64})
    assert _load(newer, data_dir)[1] == []


def test_featurization_check_says_whether_the_model_is_featurized_as_saved(clinical, data_dir, tmp_path, monkeypatch):
    tagger, path = clinical
    recorded = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))["featurization_probe"]
    assert tagger.featurization_check() == {"status": "same", **recorded, "computed": recorded["sha256"]}
    loaded, _ = _load(path, data_dir)
    assert loaded.featurization_check()["status"] == "same"
    readings = dict(shorthand._READINGS)
    readings[("c", "/", "o")] = ("complains", "complains", "of")
    monkeypatch.setattr(shorthand, "_READINGS", readings)
    check = _load(path, data_dir)[0].featurization_check()
    assert check["status"] == "changed" and check["sha256"] == recorded["sha256"] != check["computed"]
    old = _copy_with_probe(path, tmp_path / "old", lambda probe: None)
    assert _load(old, data_dir)[0].featurization_check()["status"] == "not recorded"
    newer = _copy_with_probe(path, tmp_path / "newer", lambda probe: {**probe, "version": max(PROBES) + 1})
    assert _load(newer, data_dir)[0].featurization_check()["status"] == "unknown version"
    with pytest.raises(crfner.NotFittedError):
        CRFTagger(features="tutorial").featurization_check()


def test_crfner_inspect_reports_the_featurization_check(clinical, data_dir, c_o_read_otherwise, capsys):
    _, path = clinical
    common = [str(path), "--top", "1", "--data-dir", str(data_dir), "-q"]
    assert crfner_main(["inspect", *common, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["featurization"]["status"] == "changed"
    assert crfner_main(["inspect", *common]) == 0
    out = capsys.readouterr()
    line = out.out.splitlines()[1]  # the second line, under the feature set's
    assert f"(probe version {CURRENT})" in line and "OTHER features" in line
    assert "probe document otherwise" in out.err  # and the load's warning


def _names(featurizer, X, ids) -> set[str]:
    """Every feature name the featurizer gives the sentences, read document by document."""
    names: set[str] = set()
    for _, group in groupby(range(len(X)), key=lambda k: ids[k]):
        for sentence in featurizer.document([X[k] for k in group]):
            for features in sentence:
                names.update(features)
    return names


def test_the_probe_reaches_every_feature_name_of_the_clinical_set_on_its_training_reports(clinical, maccrobat_train):
    """Name by name (values are open-ended): whatever family the shipped set computes on MACCROBAT's
    training reports, the probe computes too, so an edit to any of them changes the digest."""
    tagger, _ = clinical
    featurizer = tagger.feature_set_.featurizer(tagger.resources_)  # every feature, not only those with weights
    probe = _names(featurizer, [list(s) for s in PROBES[CURRENT]], [0] * len(PROBES[CURRENT]))
    X, _, ids = maccrobat_train
    missing = _names(featurizer, X, ids) - probe
    assert missing == set()


@pytest.mark.parametrize("features", ["tutorial", "biomedical"])
def test_the_probe_reaches_every_feature_name_of_the_abstract_sets_on_bc5cdr(features, small_train, data_dir):
    X, y = small_train
    tagger = CRFTagger(features=features, max_iterations=1, data_dir=data_dir).fit(X[:200], y[:200])
    featurizer = tagger.feature_set_.featurizer(tagger.resources_)
    probe = _names(featurizer, [list(s) for s in PROBES[CURRENT]], [0] * len(PROBES[CURRENT]))
    train_X, _ = crfner.load_corpus("bc5cdr", "train", data_dir=data_dir)
    ids = crfner.load_document_ids("bc5cdr", "train", data_dir=data_dir)
    assert _names(featurizer, train_X, ids) - probe == set()


@pytest.fixture(scope="module")
def documents(data_dir):
    return cdr_test_documents(data_dir, 12)


@pytest.fixture()
def trained_otherwise(model, tmp_path):
    """The tutorial model with the probe digest of other feature code (as if trained by it)."""
    return _copy_with_probe(model, tmp_path / "otherwise", lambda probe: {**probe, "sha256": probe["sha256"][::-1]})


@pytest.mark.parametrize("n_jobs, backend", [(1, "loky"), (2, "loky"), (2, "threading")])
def test_a_batch_run_warns_once_whatever_runs_the_tagging(trained_otherwise, model, inputs, tmp_path, n_jobs, backend):
    """Worker processes load the model each; the run shows the warning once, in the calling process,
    and tags as the unchanged model does."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tag_files(trained_otherwise, inputs, tmp_path / "out.jsonl", n_jobs=n_jobs, backend=backend, chunk_size=4,
                  progress=False)
    changed = [w for w in caught if issubclass(w.category, FeaturizationChangedWarning)]
    assert len(changed) == 1 and str(trained_otherwise) in str(changed[0].message)
    tag_files(model, inputs, tmp_path / "same.jsonl", chunk_size=4, progress=False)
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "same.jsonl").read_bytes()
