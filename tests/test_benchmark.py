"""The benchmark runner: config validation, a small real run, its cache, and its figures
checked against `crfner evaluate` and seqeval on the predictions it wrote."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from crfner.benchmark import run_benchmark, validate_config
from crfner.benchmark.config import load_config
from crfner.corpora.conll import read_predictions, write_conll
from crfner.errors import ConfigError, DataFormatError


def _config(**overrides) -> dict:
    config = {
        "name": "test",
        "corpora": ["bc5cdr"],
        "train_split": "train",
        "test_split": "test",
        "limit_train": 300,
        "limit_test": 120,
        "learning_curve": [0.5, 1.0],
        "bootstrap": 100,
        "permutations": 500,
        "systems": [
            {"name": "tutorial", "type": "crf", "features": "tutorial", "params": {"max_iterations": 30}},
            {"name": "tutorial-l2", "type": "crf", "features": "tutorial", "params": {"c1": 0.0, "c2": 1.0, "max_iterations": 30}},
        ],
    }
    config.update(overrides)
    return config


@pytest.mark.parametrize(
    "change, message",
    [
        ({"colour": "red"}, "unknown key(s) colour"),
        ({"corpora": []}, "'corpora' must be a non-empty list"),
        ({"learning_curve": [0, 0.5]}, "fractions in (0, 1]"),
        ({"systems": [{"name": "a", "type": "svm"}]}, "unknown type 'svm'"),
        ({"systems": [{"name": "a"}, {"name": "a"}]}, "two systems share a name: a"),
        ({"systems": [{"name": "a", "feature": "x"}]}, "unknown key(s) feature"),
        ({"compare": [["tutorial", "nobody"]]}, "'compare' must be a list of [system, system] pairs"),
        ({"systems": [{"name": "p", "type": "predictions", "files": {"ncbi_disease": "x.conll"}}]},
         "has a file for 'ncbi_disease', which is not in 'corpora'"),
        ({"bootstrap": -1}, "'bootstrap' must be a whole number"),
    ],
)
def test_config_errors_name_the_problem(change, message):
    with pytest.raises(ConfigError) as caught:
        validate_config(_config(**change), source="my.toml")
    assert str(caught.value).startswith("my.toml: ")
    assert message in str(caught.value)


def test_config_file_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('corpora = ["bc5cdr"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="no such benchmark config file"):
        load_config(tmp_path / "missing.toml")


def test_default_config_pairs_and_shipped_configs():
    from crfner.cli import DEFAULT_BENCHMARK

    config = load_config(DEFAULT_BENCHMARK)
    assert config["corpora"] == ["bc5cdr", "ncbi_disease"]
    assert [s["name"] for s in config["systems"]][:2] == ["tutorial", "biomedical"]
    assert ["biomedical", "tutorial"] in config["compare"]
    # without 'compare', every pair is tested, the later-listed system first
    assert validate_config(_config())["compare"] == [["tutorial-l2", "tutorial"]]


def _seqeval_f1(gold, predicted) -> float:
    from seqeval.metrics import f1_score

    return f1_score(gold, predicted)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, data_dir):
    out = tmp_path_factory.mktemp("bench")
    results = run_benchmark(_config(), out, data_dir=data_dir, progress=False, command="test")
    return out, results


def test_run_writes_results_predictions_and_reports(first_run):
    out, results = first_run
    assert json.loads((out / "results.json").read_text())["format"] == "crfner-benchmark/1"
    assert (out / "report.md").is_file() and (out / "report.html").is_file()
    assert results["machine"]["cores"] >= 1 and results["packages"]["crfner"]
    assert results["corpora"]["bc5cdr"]["test_sentences"] == 120
    assert [r["system"] for r in results["runs"]] == ["tutorial", "tutorial-l2"]
    for run in results["runs"]:
        assert run["status"] == "ok" and run["from_cache"] is False
        X, gold, predicted = read_predictions(out / run["predictions"])
        assert len(X) == 120
        lo, hi = run["ci"]["f1"]
        assert lo <= run["strict"]["f1"] <= hi
        assert run["partial"]["strict"]["f1"] == pytest.approx(run["strict"]["f1"])
        assert run["cost"]["train_sentences"] == 300 and run["cost"]["tag_tokens_per_second"] > 0
        assert run["cost"]["peak_rss_mib"] > 0 and run["cost"]["model_mib"] > 0
        curve = run["learning_curve"]
        assert [p["fraction"] for p in curve] == [0.5, 1.0]
        assert curve[0]["train_sentences"] == 150 and curve[-1]["f1"] == run["strict"]["f1"]
        assert sum(run["errors"]["categories"][k] for k in ("correct", "type_error", "boundary_error",
                                                            "boundary_and_type_error", "missed")) == run["strict"]["support"]
    (comparison,) = results["comparisons"]
    assert (comparison["a"], comparison["b"]) == ("tutorial-l2", "tutorial")
    assert 0 < comparison["p_value"] <= 1


def test_figures_agree_with_crfner_evaluate_and_seqeval(first_run):
    out, results = first_run
    for run in results["runs"]:
        path = out / run["predictions"]
        done = subprocess.run([sys.executable, "-m", "crfner", "evaluate", "--predictions", str(path), "--json",
                               str(out / "check.json")], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        evaluated = json.loads((out / "check.json").read_text())
        _, gold, predicted = read_predictions(path)
        assert round(run["strict"]["f1"], 4) == round(evaluated["f1"], 4) == round(_seqeval_f1(gold, predicted), 4)
        assert round(run["strict"]["precision"], 4) == round(evaluated["precision"], 4)


def test_second_run_comes_from_the_cache(first_run, data_dir, monkeypatch):
    import crfner.benchmark.runner as runner

    out, results = first_run

    def no_training(*args, **kwargs):
        raise AssertionError("a cached run was recomputed")

    monkeypatch.setattr(runner, "run_isolated", no_training)
    again = run_benchmark(_config(), out, data_dir=data_dir, progress=False, command="test")
    assert all(r["from_cache"] for r in again["runs"])
    assert [r["strict"] for r in again["runs"]] == [r["strict"] for r in results["runs"]]
    assert again["comparisons"][0]["p_value"] == results["comparisons"][0]["p_value"]


def test_a_changed_system_alone_is_recomputed(first_run, data_dir, monkeypatch):
    import crfner.benchmark.runner as runner

    out, _ = first_run
    calls = []
    real = runner.run_isolated

    def counting(system, *args):
        calls.append(system["name"])
        return real(system, *args)

    monkeypatch.setattr(runner, "run_isolated", counting)
    config = _config()
    config["systems"][1]["params"]["max_iterations"] = 10
    changed = run_benchmark(config, out, data_dir=data_dir, progress=False)
    assert calls == ["tutorial-l2", "tutorial-l2"]  # the full model and one learning-curve point
    assert [r["from_cache"] for r in changed["runs"]] == [True, False]


def test_outside_predictions_are_scored_beside_ours(tmp_path, data_dir):
    import crfner

    X, y = crfner.load_corpus("bc5cdr", "test", data_dir=data_dir)
    X, y = X[:120], y[:120]
    perfect = tmp_path / "perfect.conll"
    write_conll(perfect, X, y)  # token and tag: a perfect outside tagger
    config = _config(learning_curve=[], systems=[
        {"name": "tutorial", "type": "crf", "features": "tutorial", "params": {"max_iterations": 20}},
        {"name": "oracle", "type": "predictions", "files": {"bc5cdr": str(perfect)}},
        {"name": "transformer", "type": "transformer", "params": {"epochs": 1}, "learning_curve": False},
    ])
    results = run_benchmark(config, tmp_path / "out", data_dir=data_dir, progress=False)
    runs = {r["system"]: r for r in results["runs"]}
    assert runs["oracle"]["strict"]["f1"] == 1.0 and runs["oracle"]["cost"] is None
    if runs["transformer"]["status"] == "skipped":
        assert "transformer" in runs["transformer"]["note"] and "\n" not in runs["transformer"]["note"]
    pairs = {(c["a"], c["b"]) for c in results["comparisons"]}
    assert ("oracle", "tutorial") in pairs
    assert "oracle" in (tmp_path / "out" / "report.md").read_text()

    X[3] = list(X[3])
    X[3][2] = "WRONG"
    write_conll(perfect, X, y)
    with pytest.raises(DataFormatError) as caught:
        run_benchmark(config, tmp_path / "out2", data_dir=data_dir, progress=False)
    assert "perfect.conll, line" in str(caught.value) and "'WRONG'" in str(caught.value)


def test_cli_benchmark_errors_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('corpora = ["bc5cdr"]\n[[systems]]\nname = "x"\ntype = "svm"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "crfner", "benchmark", "--config", str(bad), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip() == f"crfner benchmark: error: {bad}: [[systems]] #1: unknown type 'svm'; choose one of crf, predictions, transformer"


def test_report_figures_checked_by_the_script(first_run):
    from conftest import REPO

    out, _ = first_run
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "check_report_scores.py"), str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("ok ") == 2
