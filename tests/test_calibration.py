"""Score calibration (crfner calibrate): the maps recover a known relation between score and
rightness, a calibrated model changes its entities' scores and nothing else, the map survives
saving and loading, and a crafted one is refused in one line."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

import crfner
from crfner.cli import main
from crfner.crf.calibration import METHODS, PER_TYPE_MIN, TypedCalibration, calibration_from_dict, fit_score_calibration
from crfner.errors import CrfnerError, ModelFileError
from crfner.tagging.annotate import tag_documents
from crfner.tagging.calibrate import calibrate_scores, judged_entities
from crfner.tagging.resume import fingerprint
from conftest import cdr_test_documents


def _odds(p):
    return np.log(p) - np.log1p(-p)


def _truth(scores):
    """The share right at each score in the synthetic data: over-confident, as the CRF's are."""
    return 1 / (1 + np.exp(-(0.6 * _odds(scores) - 0.6)))


@pytest.fixture(scope="module")
def synthetic():
    rng = np.random.default_rng(7)
    scores = rng.beta(5, 1.2, 40_000).clip(1e-6, 1 - 1e-6)
    return scores, rng.random(len(scores)) < _truth(scores)


@pytest.mark.parametrize("method", METHODS)
def test_each_map_recovers_the_share_right(synthetic, method):
    scores, right = synthetic
    calibration = fit_score_calibration(scores, right, method)
    grid = np.array([0.5, 0.7, 0.8, 0.9, 0.95, 0.99])
    assert np.abs(calibration(grid) - _truth(grid)).max() < 0.04
    dense = np.linspace(0, 1, 2001)
    assert np.all(np.diff(calibration(dense)) >= 0) and calibration(dense).min() >= 0 and calibration(dense).max() <= 1
    assert calibration.fitted_on["method"] == method and calibration.fitted_on["entities"] == len(scores)
    assert calibration.fitted_on["right"] == int(right.sum())
    if method == "platt":  # the relation is a logistic one in the log-odds: its two numbers come back
        assert calibration.slope == pytest.approx(0.6, abs=0.05) and calibration.intercept == pytest.approx(-0.6, abs=0.1)
        assert np.all(np.diff(calibration(dense)) > 0)  # every difference in rank kept
    again = calibration_from_dict(json.loads(json.dumps(calibration.to_dict())), "x")
    assert again == calibration and np.array_equal(again(dense), calibration(dense))


def test_nothing_to_learn_from_is_refused():
    with pytest.raises(CrfnerError, match="too little"):
        fit_score_calibration([0.9, 0.8, 0.7], [True, True, True])
    with pytest.raises(CrfnerError, match="too little"):
        fit_score_calibration([0.9, 0.9], [True, False])
    with pytest.raises(CrfnerError, match="too little"):
        fit_score_calibration([], [])
    with pytest.raises(CrfnerError, match="upside down"):  # right where the score is low: no calibration
        fit_score_calibration(np.linspace(0.1, 0.99, 200), np.linspace(0.1, 0.99, 200) < 0.5)
    with pytest.raises(CrfnerError, match="no calibration method"):
        fit_score_calibration([0.2, 0.9], [False, True], "beta")


def _truth_of(kind, scores):
    """Three types' shares right: over-confident, over-confident the other way (less so), and flat."""
    shift = {"Disease": -0.6, "Chemical": 0.8, "Gene": 0.0}[kind]
    return 1 / (1 + np.exp(-(0.6 * _odds(scores) + shift)))


@pytest.mark.parametrize("method", METHODS)
def test_per_type_maps_follow_each_types_own_relation(method):
    rng = np.random.default_rng(11)
    sizes = {"Disease": 40_000, "Chemical": 40_000, "Gene": PER_TYPE_MIN - 1}  # Gene: too few for a map of its own
    types = np.concatenate([[t] * n for t, n in sizes.items()])
    scores = rng.beta(5, 1.2, len(types)).clip(1e-6, 1 - 1e-6)
    truth = np.concatenate([_truth_of(t, scores[types == t]) for t in sizes])
    right = rng.random(len(scores)) < truth
    typed = fit_score_calibration(scores, right, method, {"documents": "synthetic"}, types=types.tolist())
    assert isinstance(typed, TypedCalibration) and sorted(typed.by_type) == ["Chemical", "Disease"]
    assert typed.pooled == fit_score_calibration(scores, right, method)  # the types' map of all entities
    assert typed.method == method and typed.fitted_on["documents"] == "synthetic" and typed.fitted_on["entities"] == len(scores)
    assert typed.by_type["Disease"].fitted_on == {"method": method, "entities": 40_000, "type": "Disease",
                                                  "right": int(right[types == "Disease"].sum())}
    grid = np.array([0.5, 0.7, 0.8, 0.9, 0.95, 0.99])
    for kind in ("Disease", "Chemical"):  # each tag of the type, in any scheme, reads the type's own map
        for prefix in "BIES":
            values = typed(grid, [f"{prefix}-{kind}"] * len(grid))
            assert np.abs(values - _truth_of(kind, grid)).max() < 0.04
            assert np.array_equal(values, typed.by_type[kind](grid))
    # the pooled map, far from both types' truth, for a type without a map, an O, a tag of no scheme, and no tags
    assert np.abs(typed.pooled(grid) - _truth_of("Chemical", grid)).max() > 0.1
    for tags in (["B-Gene"] * len(grid), ["O"] * len(grid), ["NN"] * len(grid), None):
        assert np.array_equal(typed(grid, tags), typed.pooled(grid))
    mixed = ["B-Disease", "I-Chemical", "B-Gene", "I-Disease", "O", "B-Chemical"]
    expected = [typed.by_type.get(t[2:], typed.pooled)([g])[0] for g, t in zip(grid, mixed)]
    assert typed(grid, mixed).tolist() == expected
    assert typed([], []).tolist() == []
    again = calibration_from_dict(json.loads(json.dumps(typed.to_dict())), "x")
    assert again == typed and np.array_equal(again(grid, mixed), typed(grid, mixed))


def test_shrinkage_pulls_each_types_map_toward_the_pooled_one():
    rng = np.random.default_rng(5)
    types = np.array(["Disease"] * 300 + ["Chemical"] * 3000)
    scores = rng.beta(5, 1.2, len(types)).clip(1e-6, 1 - 1e-6)
    right = rng.random(len(scores)) < np.concatenate([_truth_of("Disease", scores[:300]), _truth_of("Chemical", scores[300:])])
    free = fit_score_calibration(scores, right, types=types)
    assert fit_score_calibration(scores, right, types=types, shrinkage=0) == free
    distances = []
    for shrinkage in (0, 10, 100, 1000, 1e9):
        typed = fit_score_calibration(scores, right, types=types, shrinkage=shrinkage)
        assert typed.pooled == free.pooled  # the pool itself is not pulled
        gap = {t: math.hypot(m.slope - typed.pooled.slope, m.intercept - typed.pooled.intercept) for t, m in typed.by_type.items()}
        distances.append(gap)
    for kind in ("Disease", "Chemical"):
        assert [round(d[kind], 6) for d in distances] == sorted((round(d[kind], 6) for d in distances), reverse=True)
        assert distances[-1][kind] < 1e-3  # an overwhelming pull gives the pooled map
    # with as much pull, the type of 300 entities moves nearer the pool than the type of 3,000
    assert distances[2]["Disease"] / distances[0]["Disease"] < distances[2]["Chemical"] / distances[0]["Chemical"]
    assert np.abs(free.by_type["Disease"](np.array([0.9])) - _truth_of("Disease", np.array([0.9]))).max() < 0.05  # unpulled: its own
    for bad in (-1, float("nan"), True, "10"):
        with pytest.raises(CrfnerError, match="shrinkage is a number"):
            fit_score_calibration(scores, right, types=types, shrinkage=bad)
    with pytest.raises(CrfnerError, match="isotonic method has no parameters"):
        fit_score_calibration(scores, right, "isotonic", types=types, shrinkage=10)


def test_per_type_fit_needs_a_type_per_score_and_passes_over_types_it_cannot_fit():
    with pytest.raises(CrfnerError, match="one type per score"):
        fit_score_calibration([0.2, 0.9, 0.5], [False, True, True], types=["Disease"])
    scores = np.linspace(0.05, 0.99, 200)
    types = ["Disease"] * 100 + ["Chemical"] * 60 + ["Gene"] * 40
    right = [s > 0.5 for s in scores[:100]] + [True] * 60 + [s < 0.5 for s in scores[160:]]
    typed = fit_score_calibration(scores, right, types=types)  # Chemical all right, Gene's scores rank it upside down
    assert list(typed.by_type) == ["Disease"]


@pytest.mark.parametrize("stored", [
    {"method": "platt", "slope": 1, "intercept": 0, "by_type": []},
    {"method": "platt", "slope": 1, "intercept": 0, "by_type": {"": {"method": "platt", "slope": 1, "intercept": 0}}},
    {"method": "platt", "slope": 1, "intercept": 0, "by_type": {" X": {"method": "platt", "slope": 1, "intercept": 0}}},
    {"method": "platt", "slope": 1, "intercept": 0, "by_type": {"X": {"method": "platt", "slope": -1, "intercept": 0}}},
    {"method": "platt", "slope": 1, "intercept": 0, "by_type": {"X": None}},
    {"method": "platt", "slope": 1, "intercept": 0,
     "by_type": {"X": {"method": "platt", "slope": 1, "intercept": 0, "by_type": {}}}},  # no map per type within one
    {"method": "platt", "slope": 1, "by_type": {}},
    {"method": "platt", "slope": 1, "intercept": 0, "by_type": {f"T{k}": {"method": "platt", "slope": 1, "intercept": 0}
                                                                for k in range(10_001)}},
])
def test_a_crafted_stored_per_type_map_is_refused_in_one_line(stored):
    with pytest.raises(ModelFileError, match=r"^MODEL: damaged metadata \(score_calibration [^\n]+\)$"):
        calibration_from_dict(stored, "MODEL")


@pytest.mark.parametrize("stored", [
    None, [], "platt", {}, {"method": "beta"}, {"method": ["platt"]},
    {"method": "platt"}, {"method": "platt", "slope": 0, "intercept": 0}, {"method": "platt", "slope": -1, "intercept": 0},
    {"method": "platt", "slope": math.nan, "intercept": 0}, {"method": "platt", "slope": True, "intercept": 0},
    {"method": "platt", "slope": "1", "intercept": 0}, {"method": "platt", "slope": 1, "intercept": 1e308},
    {"method": "platt", "slope": 1, "intercept": 0, "fitted_on": []},
    {"method": "isotonic"}, {"method": "isotonic", "scores": [], "probabilities": []},
    {"method": "isotonic", "scores": [0.1, 0.2], "probabilities": [0.5]},
    {"method": "isotonic", "scores": [0.2, 0.1], "probabilities": [0.4, 0.5]},
    {"method": "isotonic", "scores": [0.1, 0.1], "probabilities": [0.4, 0.5]},
    {"method": "isotonic", "scores": [0.1, 0.2], "probabilities": [0.5, 0.4]},
    {"method": "isotonic", "scores": [0.1, 2], "probabilities": [0.4, 0.5]},
    {"method": "isotonic", "scores": [0.1, 0.2], "probabilities": [0.4, None]},
    {"method": "isotonic", "scores": [0.1, 0.2], "probabilities": [-0.1, 0.5]},
    {"method": "isotonic", "scores": "0.1", "probabilities": "0.4"},
    {"method": "isotonic", "scores": [0.5] * 100_001, "probabilities": [0.5] * 100_001},
])
def test_a_crafted_stored_map_is_refused_in_one_line(stored):
    with pytest.raises(ModelFileError, match=r"^MODEL: damaged metadata \(score_calibration [^\n]+\)$"):
        calibration_from_dict(stored, "MODEL")


@pytest.fixture(scope="module")
def documents(data_dir):
    return cdr_test_documents(data_dir, 60)


@pytest.mark.parametrize("method", METHODS)
def test_a_calibrated_model_changes_scores_only(fitted, documents, method, tmp_path):
    blank = [replace(d, mentions=[]) for d in documents]
    raw = tag_documents(fitted, blank)
    calibration = calibrate_scores(fitted, documents[:40], method=method, fitted_on="cdr test[:40]")
    scores, right = judged_entities(documents[:40], raw[:40])
    assert calibration == fit_score_calibration(scores, right, method)  # fitted on the raw scores of the tagged text
    assert calibration.fitted_on["documents"] == "cdr test[:40]" and calibration.fitted_on["splitter"] == "abstract"
    assert getattr(fitted, "score_calibration_", None) is None  # the tagger is left as it was

    fitted.score_calibration_ = calibration
    try:
        calibrated = tag_documents(fitted, blank)
        again = calibrate_scores(fitted, documents[:40], method=method)  # from raw scores, not the calibrated ones
        assert fitted.score_calibration_ is calibration  # and the tagger keeps its map
        saved = fitted.save(tmp_path / "model")
    finally:
        fitted.score_calibration_ = None
    assert again == calibration
    pairs = [(r, c) for rd, cd in zip(raw, calibrated) for r, c in zip(rd.mentions, cd.mentions)]
    assert sum(map(len, (d.mentions for d in raw))) == len(pairs) == sum(map(len, (d.mentions for d in calibrated)))
    assert all((r.start, r.end, r.type) == (c.start, c.end, c.type) for r, c in pairs)
    assert np.allclose([c.score for _, c in pairs], calibration([r.score for r, _ in pairs]), atol=1e-12)
    assert any(abs(r.score - c.score) > 0.01 for r, c in pairs)

    loaded = crfner.CRFTagger.load(saved)
    assert loaded.score_calibration_ == calibration
    reloaded = tag_documents(loaded, blank)
    assert [[(m.start, m.end, m.score) for m in d.mentions] for d in reloaded] == \
           [[(m.start, m.end, m.score) for m in d.mentions] for d in calibrated]
    meta = json.loads((saved / "crfner.json").read_text())
    meta["score_calibration"]["method"] = "sigmoid"
    (saved / "crfner.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="score_calibration"):
        crfner.CRFTagger.load(saved)


def test_calibrate_command_rewrites_the_model_or_writes_a_copy(model, data_dir, tmp_path, capsys):
    out = tmp_path / "calibrated"
    assert main(["calibrate", str(model), "bc5cdr", "--split", "devel", "--data-dir", str(data_dir), "--out", str(out), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "calibrated (platt) on bc5cdr devel: 500 documents" in printed and "0.95" in printed
    before, after = (json.loads((d / "crfner.json").read_text()) for d in (model, out))
    assert "score_calibration" not in before and after["score_calibration"]["method"] == "platt"
    assert {k: v for k, v in after.items() if k != "score_calibration"} == before  # the rest of the model as it was
    calibration = calibration_from_dict(after["score_calibration"], "out")
    assert calibration.fitted_on["documents"] == "bc5cdr devel"

    text = "Famotidine-associated delirium. A series of six cases."
    raw, calibrated = (crfner.CRFTagger.load(d).tag_text(text) for d in (model, out))
    assert [(e.start, e.end, e.type) for e in raw] == [(e.start, e.end, e.type) for e in calibrated] != []
    assert [e.score for e in calibrated] == pytest.approx(calibration([e.score for e in raw]).tolist())

    notes = tmp_path / "note.txt"
    notes.write_text(text, encoding="utf-8")
    assert fingerprint(notes, out, "text", "jsonl") != fingerprint(notes, model, "text", "jsonl")  # no resuming across maps

    assert main(["calibrate", str(out), "--remove", "-q"]) == 0  # in place
    assert json.loads((out / "crfner.json").read_text()) == before


def test_explain_and_the_spacy_component_give_the_calibrated_score(fitted, documents):
    """The README's promise: ``explain`` and the spaCy component score as ``tag_text`` does once a map is stored."""
    text = " ".join(d.text for d in documents[:5])
    raw = crfner.tag_text(fitted, text)
    fitted.score_calibration_ = calibrate_scores(fitted, documents[:40], method="platt")
    try:
        calibrated = crfner.tag_text(fitted, text)
        explained = crfner.explain(fitted, text).entities
        spacy = pytest.importorskip("spacy")
        from crfner.spacy import CrfnerComponent

        doc = CrfnerComponent(fitted)(spacy.blank("en")(text))
    finally:
        fitted.score_calibration_ = None
    assert len(raw) > 10 and any(abs(r.score - c.score) > 0.01 for r, c in zip(raw, calibrated))
    expected = [(e.start, e.end, e.type, pytest.approx(e.score, abs=1e-9)) for e in calibrated]
    assert [(e.start, e.end, e.type, e.score) for e in explained] == expected
    spans = {(s.start_char, s.end_char, s.label_): s._.crfner_score for s in doc.ents}  # those spaCy's tokens align with
    same = [(e.start, e.end, e.type, spans[e.start, e.end, e.type]) for e in calibrated if (e.start, e.end, e.type) in spans]
    assert len(same) > 10 and same == [x for x in expected if x[:3] in spans]


def test_a_per_type_calibration_gives_each_entity_its_types_value(fitted, documents, tmp_path):
    blank = [replace(d, mentions=[]) for d in documents]
    raw = tag_documents(fitted, blank)
    typed = calibrate_scores(fitted, documents[:40], per_type=True, fitted_on="cdr test[:40]")
    scores, right = judged_entities(documents[:40], raw[:40])
    types = [m.type for d in raw[:40] for m in d.mentions]
    assert typed == fit_score_calibration(scores, right, "platt", types=types)
    assert sorted(typed.by_type) == ["Chemical", "Disease"] and typed.fitted_on["documents"] == "cdr test[:40]"
    with pytest.raises(CrfnerError, match="per_type is True or False"):
        calibrate_scores(fitted, documents[:40], per_type="yes")
    fitted.score_calibration_ = typed
    try:
        saved = fitted.save(tmp_path / "model")
        calibrated = tag_documents(fitted, blank)
    finally:
        fitted.score_calibration_ = None
    pairs = [(r, c) for rd, cd in zip(raw, calibrated) for r, c in zip(rd.mentions, cd.mentions)]
    assert [(r.start, r.end, r.type) for r, _ in pairs] == [(c.start, c.end, c.type) for _, c in pairs]
    assert len(pairs) == sum(len(d.mentions) for d in raw)
    for kind in ("Chemical", "Disease"):  # each entity by its own type's map, not the other's nor the pooled one
        mine = [(r.score, c.score) for r, c in pairs if r.type == kind]
        assert np.allclose([c for _, c in mine], typed.by_type[kind]([r for r, _ in mine]), atol=1e-12)
        other = typed.by_type["Disease" if kind == "Chemical" else "Chemical"]
        assert not np.allclose([c for _, c in mine], other([r for r, _ in mine]), atol=1e-3)
    loaded = crfner.CRFTagger.load(saved)
    assert loaded.score_calibration_ == typed
    assert [[m.score for m in d.mentions] for d in tag_documents(loaded, blank)] == [[m.score for m in d.mentions] for d in calibrated]


def test_calibrate_command_per_type(model, data_dir, tmp_path, capsys):
    out = tmp_path / "calibrated"
    assert main(["calibrate", str(model), "bc5cdr", "--per-type", "--data-dir", str(data_dir), "--out", str(out), "-q"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[1].startswith("a map of its own for 2 types (30 entities or more")
    assert [line.split()[0] for line in printed[2:]] == ["score", "(all", "Chemical", "Disease"]
    stored = calibration_from_dict(json.loads((out / "crfner.json").read_text())["score_calibration"], "out")
    assert isinstance(stored, TypedCalibration) and sorted(stored.by_type) == ["Chemical", "Disease"]
    assert printed[4].split()[1:] == [f"{v:.3f}" for v in stored.by_type["Chemical"]([0.5, 0.7, 0.8, 0.9, 0.95, 0.99])]


def test_calibrate_command_says_when_no_type_gets_its_own_map(capsys):
    from crfner.cli.calibrate import _show

    scores = [k / 50 for k in range(1, 50)]
    typed = fit_score_calibration(scores, [k % 3 != 0 and k > 12 for k in range(1, 50)], "platt",
                                  {"document_count": 3, "gold_entities": 60}, types=["Disease"] * 25 + ["Chemical"] * 24)
    assert typed.by_type == {}
    _show(typed, "notes")
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "calibrated (platt) on notes: 3 documents, 49 entities tagged, 51.0% exactly right (60 gold entities)"
    assert printed[1].startswith("no type gets a map of its own (30 entities or more") and len(printed) == 3 + 6


@pytest.mark.parametrize("args, message", [
    ([], "give CORPUS to calibrate on, or --remove"),
    (["--remove", "--per-type"], "--remove drops the calibration"),
    (["--remove", "--method", "isotonic"], "--remove drops the calibration"),
    (["bc5cdr", "--remove"], "give CORPUS to calibrate on, or --remove"),
    (["bc5cdr", "--split", "nosuch"], "nosuch"),
    (["bc5cdr", "--types", "Chemical"], "--types goes with --input-format"),
])
def test_calibrate_command_errors_in_one_line(model, data_dir, tmp_path, capsys, args, message):
    out = tmp_path / "out"
    assert main(["calibrate", str(model), *args, "--data-dir", str(data_dir), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and not out.exists()


def test_calibrate_refuses_the_text_the_model_learned_from(model, data_dir, tmp_path, capsys):
    copy = tmp_path / "model"
    crfner.CRFTagger.load(model).save(copy)
    meta = json.loads((copy / "crfner.json").read_text())
    meta["training"]["corpus"] = "bc5cdr:train+devel"  # as crfner train bc5cdr --split train+devel records it
    (copy / "crfner.json").write_text(json.dumps(meta))
    assert main(["calibrate", str(copy), "bc5cdr", "--split", "devel", "--data-dir", str(data_dir), "-q"]) == 2
    assert "learned from bc5cdr:train+devel: calibrate on documents it did not learn from" in capsys.readouterr().err
    assert "score_calibration" not in json.loads((copy / "crfner.json").read_text())
    # a corpus of other types is calibrated on, with a note that its other types never match
    assert main(["calibrate", str(copy), "ncbi_disease", "--data-dir", str(data_dir), "-q"]) == 0
    assert "note: the model tags Chemical, Disease; the documents hold Disease" in capsys.readouterr().err


def test_calibrate_command_on_annotated_documents_you_hold(model, fitted, documents, tmp_path, capsys, monkeypatch):
    """``--input-format``: the documents of a file you hold calibrate the model as the Python API does on them,
    and the file the model was trained on (``crfner train FILE --input-format ...`` records it) is refused."""
    from crfner.corpora.pubtator import write_pubtator

    held = tmp_path / "held.pubtator"
    write_pubtator(documents[:40], held)
    out = tmp_path / "calibrated"
    assert main(["calibrate", str(model), str(held), "--input-format", "pubtator", "--out", str(out), "-q"]) == 0
    assert f"calibrated (platt) on {held} (pubtator): 40 documents" in capsys.readouterr().out
    stored = calibration_from_dict(json.loads((out / "crfner.json").read_text())["score_calibration"], "out")
    assert stored == calibrate_scores(fitted, documents[:40], fitted_on=f"{held} (pubtator)")

    copy = tmp_path / "model"
    crfner.CRFTagger.load(model).save(copy)
    meta = json.loads((copy / "crfner.json").read_text())
    meta["training"]["corpus"] = f"{held} (pubtator, abstract splitter)"  # as crfner train records it
    (copy / "crfner.json").write_text(json.dumps(meta))
    monkeypatch.chdir(tmp_path)
    assert main(["calibrate", str(copy), "./held.pubtator", "--input-format", "pubtator", "-q"]) == 2  # spelled otherwise
    assert f"learned from {held} (pubtator, abstract splitter): calibrate on documents it did not" in capsys.readouterr().err
    assert "score_calibration" not in json.loads((copy / "crfner.json").read_text())
