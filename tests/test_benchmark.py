"""The benchmark runner: config validation, a small real run, its cache, and its figures
checked against `crfner evaluate` and seqeval on the predictions it wrote."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from crfner.benchmark import run_benchmark, validate_config
from crfner.benchmark.config import load_config, slug
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
        ({"linking": ["medic"]}, "'linking' must be a table"),
        ({"linking": {"vocabularies": {"bc5cdr": ["medic"]}, "colour": 1}}, "'linking': unknown key(s) colour"),
        ({"linking": {"vocabularies": {"ncbi_disease": ["medic"]}}}, "'linking': corpus 'ncbi_disease' is not in 'corpora'"),
        ({"corpora": ["maccrobat"], "linking": {"vocabularies": {"maccrobat": ["medic"]}}},
         "'linking': corpus 'maccrobat' has no PubTator documents with concept ids for the split(s) train, test"),
        ({"linking": {"vocabularies": {"bc5cdr": []}}}, "the vocabularies of 'bc5cdr' must be a non-empty list"),
        ({"linking": {"vocabularies": {"bc5cdr": ["umls"]}}}, "'linking': unknown vocabulary 'umls'"),
        ({"linking": {"vocabularies": {"bc5cdr": ["Chemical=/no/such/terms.tsv"]}}}, "vocabulary file /no/such/terms.tsv does not exist"),
        ({"linking": {"vocabularies": {"bc5cdr": ["medic"]}, "threshold": 1.5}}, "'linking': 'threshold' must be a number from 0 to 1"),
        ({"linking": {"vocabularies": {"bc5cdr": ["medic"]}, "threshold": True}}, "'linking': 'threshold' must be a number from 0 to 1"),
        ({"linking": {"vocabularies": {"bc5cdr": ["medic"]}, "ngram_range": [4, 3]}}, "'linking': 'ngram_range' must be [shortest, longest]"),
        # names that make one file name would overwrite each other's predictions (and so the paired test's input)
        ({"systems": [{"name": "crf 10"}, {"name": "crf_10"}]},
         "'systems': 'crf 10' and 'crf_10' would share the predictions file 'crf_10'; rename one"),
        ({"corpora": ["A/data", "B/data"]}, "'corpora': 'A/data' and 'B/data' would share the folder of predictions 'data'"),
        # a CRF's parameters are checked before any system runs, not reported as a failed run at the end
        ({"systems": [{"name": "a", "params": {"bogus": 1}}]}, "[[systems]] #1: unknown CRF parameter(s) bogus"),
        ({"systems": [{"name": "a", "params": {"max_iterations": "x"}}]}, "[[systems]] #1: training parameter max_iterations='x'"),
        ({"systems": [{"name": "a", "features": 3}]}, "[[systems]] #1: 'features' must be a feature set's name or TOML file"),
        ({"systems": [{"name": "a", "features": "nosuch"}]}, "[[systems]] #1: unknown feature set 'nosuch'"),
        ({"limit_train": True}, "'limit_train' must be a whole number >= 1"),
        ({"bootstrap": 1}, "'bootstrap' must be 0 (no intervals) or at least 2 resamples"),
        ({"learning_curve": [True]}, "'learning_curve' must be a list of fractions"),
        ({"systems": [{"name": "p", "type": "predictions", "files": {"bc5cdr": 5}}]},
         "'files' must map each corpus to a predictions file (a path)"),
    ],
)
def test_config_errors_name_the_problem(change, message):
    with pytest.raises(ConfigError) as caught:
        validate_config(_config(**change), source="my.toml")
    assert str(caught.value).startswith("my.toml: ")
    assert message in str(caught.value)


def test_a_corpus_named_by_a_dot_folder_keeps_its_predictions_in_predictions():
    """A corpus folder given as 'data/..' (or '.') was slugged to '..', so its predictions went to
    predictions/../SYSTEM.conll, beside the report, not in a folder of their own."""
    root = Path("/out/predictions")
    for name in ("..", ".", "data/..", "../..", "a/.", ". .", "..."):
        folder = root / slug(name)
        assert folder.parent == root and folder.name not in (".", ".."), name
    assert slug("bc5cdr") == "bc5cdr" and slug("my data/v1.0") == "v1.0" and slug("crf 10") == "crf_10"


def test_config_file_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('corpora = ["bc5cdr"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="no such benchmark config file"):
        load_config(tmp_path / "missing.toml")


def test_default_config_pairs_and_shipped_configs():
    from conftest import REPO
    from crfner.cli import DEFAULT_BENCHMARK

    config = load_config(DEFAULT_BENCHMARK)
    assert config["corpora"] == ["bc5cdr", "ncbi_disease"]
    assert [s["name"] for s in config["systems"]][:2] == ["tutorial", "biomedical"]
    assert ["biomedical", "tutorial"] in config["compare"]
    assert "linking" not in config  # no [linking] table: the config validates as it did before linking existed
    linking = load_config(REPO / "benchmarks" / "configs" / "linking.toml")
    assert linking["linking"] == {"vocabularies": {"bc5cdr": ["medic", "mesh"], "ncbi_disease": ["medic"]},
                                  "threshold": 0.9, "ngram_range": [4, 4]}
    assert [s["name"] for s in linking["systems"]] == ["biomedical"] and linking["learning_curve"] == []
    # without 'compare', every pair is tested, the later-listed system first
    assert validate_config(_config())["compare"] == [["tutorial-l2", "tutorial"]]
    # every shipped benchmark config loads (biomedical_versions.toml names a feature set's TOML file beside it,
    # which was checked before it was looked for there, so the config stopped with 'no such feature-set file')
    configs = sorted((REPO / "benchmarks" / "configs").glob("*.toml"))
    benchmarks = [c for c in configs if "[[systems]]" in c.read_text(encoding="utf-8")]
    assert len(benchmarks) >= 4 and all(load_config(c)["systems"] for c in benchmarks)
    versions = load_config(REPO / "benchmarks" / "configs" / "biomedical_versions.toml")
    assert versions["systems"][1]["features"] == str(REPO / "benchmarks" / "configs" / "biomedical-v2.toml")


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
        X, _gold, _predicted = read_predictions(out / run["predictions"])
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
    unit = comparison["unit"]  # the report says what was resampled
    assert f"on the same test {unit}s (the units resampled)" in (out / "report.md").read_text(encoding="utf-8")
    # without [linking]: no concept scores, no linker figures, no tagged documents in the cache
    assert "linking" not in results and "linking" not in results["config"]
    assert not any("concepts" in run for run in results["runs"])
    assert not list((out / "cache").glob("*/tagged-*"))
    assert "Concept-level scores" not in (out / "report.md").read_text(encoding="utf-8")
    assert 0 < comparison["p_value"] <= 1
    # the bootstrap interval of the same difference, on the same units, and what the test set can detect
    spread = comparison["bootstrap"]
    assert spread["difference"] == pytest.approx(comparison["difference"], abs=1e-12) and spread["units"] == comparison["units"]
    assert spread["interval"][0] <= spread["interval"][1] and spread["resamples"] == 100
    assert spread["detectable"] is None or spread["detectable"] > 0


def test_figures_agree_with_crfner_evaluate_and_seqeval(first_run):
    out, results = first_run
    for run in results["runs"]:
        path = out / run["predictions"]
        done = subprocess.run([sys.executable, "-m", "crfner", "evaluate", "--predictions", str(path), "--json",
                               str(out / "check.json")], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        evaluated = json.loads((out / "check.json").read_text())
        _, gold, predicted = read_predictions(path)
        assert round(run["strict"]["f1"], 4) == round(evaluated["f1"], 4) == round(_seqeval_f1(gold, predicted), 4)
        assert round(run["strict"]["precision"], 4) == round(evaluated["precision"], 4)


def test_second_run_comes_from_the_cache(first_run, data_dir, monkeypatch):
    from crfner.benchmark import runner

    out, results = first_run

    def no_training(*args, **kwargs):
        raise AssertionError("a cached run was recomputed")

    monkeypatch.setattr(runner, "run_isolated", no_training)
    again = run_benchmark(_config(), out, data_dir=data_dir, progress=False, command="test")
    assert all(r["from_cache"] for r in again["runs"])
    assert [r["strict"] for r in again["runs"]] == [r["strict"] for r in results["runs"]]
    assert again["comparisons"][0]["p_value"] == results["comparisons"][0]["p_value"]


def test_a_cached_run_reads_its_predictions_once(tmp_path, data_dir, monkeypatch):
    """On a cache hit the runner read each run's predictions.conll twice: to check the entry
    against its score, and again for the paired test."""
    import crfner
    from crfner.corpora import conll

    X, y = crfner.load_corpus("bc5cdr", "test", data_dir=data_dir)
    X, y = X[:120], y[:120]
    write_conll(tmp_path / "perfect.conll", X, y)
    write_conll(tmp_path / "none.conll", X, [["O"] * len(tags) for tags in y])
    config = _config(learning_curve=[], bootstrap=0, permutations=100, systems=[
        {"name": name, "type": "predictions", "files": {"bc5cdr": str(tmp_path / f"{name}.conll")}}
        for name in ("perfect", "none")])
    first = run_benchmark(config, tmp_path / "out", data_dir=data_dir, progress=False)
    reads = []
    real = conll.read_predictions

    def counted(path, *args, **kwargs):
        reads.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(conll, "read_predictions", counted)
    again = run_benchmark(config, tmp_path / "out", data_dir=data_dir, progress=False)
    assert all(r["from_cache"] for r in again["runs"])
    assert [c["p_value"] for c in again["comparisons"]] == [c["p_value"] for c in first["comparisons"]]
    assert len(again["comparisons"]) == 1
    assert len(reads) == len(set(reads)) == 2, reads


def _counted_runs(monkeypatch) -> list[str]:
    """The names of the systems the runner trains from now on (each run still made), in order."""
    from crfner.benchmark import runner

    calls = []
    real = runner.run_isolated

    def counting(system, *args):
        calls.append(system["name"])
        return real(system, *args)

    monkeypatch.setattr(runner, "run_isolated", counting)
    return calls


def test_a_changed_system_alone_is_recomputed(first_run, data_dir, monkeypatch):
    out, _ = first_run
    calls = _counted_runs(monkeypatch)
    config = _config()
    config["systems"][1]["params"]["max_iterations"] = 10
    changed = run_benchmark(config, out, data_dir=data_dir, progress=False)
    assert calls == ["tutorial-l2", "tutorial-l2"]  # the full model and one learning-curve point
    assert [r["from_cache"] for r in changed["runs"]] == [True, False]


def test_changed_code_makes_every_run_again(first_run, data_dir, monkeypatch, tmp_path):
    """A cached run is reused only by the code that made it (crfner's code digest is in the key)."""
    from crfner.benchmark import runner

    out = tmp_path / "bench"
    shutil.copytree(first_run[0], out)
    calls = _counted_runs(monkeypatch)
    monkeypatch.setattr(runner, "code_digest", lambda: "0" * 64)
    again = run_benchmark(_config(), out, data_dir=data_dir, progress=False)
    assert not any(r["from_cache"] for r in again["runs"])
    assert sorted(set(calls)) == ["tutorial", "tutorial-l2"]


_CONFIG_TOML = """name = "test"
corpora = ["bc5cdr"]
train_split = "train"
test_split = "test"
limit_train = 300
limit_test = 120
learning_curve = [0.5, 1.0]
bootstrap = 100
permutations = 500

[[systems]]
name = "tutorial"
type = "crf"
features = "tutorial"
params = { max_iterations = 30 }

[[systems]]
name = "tutorial-l2"
type = "crf"
features = "tutorial"
params = { c1 = 0.0, c2 = 1.0, max_iterations = 30 }
"""


def test_cli_no_cache_recomputes_every_run(first_run, data_dir, monkeypatch, tmp_path, capsys):
    """``crfner benchmark`` reuses the cached runs of the same config; with ``--no-cache`` it trains them all again."""
    import shutil

    from crfner.cli import main

    config = tmp_path / "test.toml"
    config.write_text(_CONFIG_TOML, encoding="utf-8")
    assert {k: v for k, v in load_config(config).items() if k != "path"} == validate_config(_config())
    out = tmp_path / "bench"
    shutil.copytree(first_run[0], out)  # its cache, without touching the module's run
    calls = _counted_runs(monkeypatch)
    command = ["benchmark", "--config", str(config), "--out", str(out), "--data-dir", str(data_dir), "-q"]
    assert main(command) == 0
    printed = capsys.readouterr().out
    assert calls == [] and printed.count("(cached)") == 2
    # the comparison line carries the difference's interval and what the test sentences could detect
    comparison = json.loads((out / "results.json").read_text(encoding="utf-8"))["comparisons"][0]
    low, high = comparison["bootstrap"]["interval"]
    assert f"F1 difference {comparison['difference']:+.4f} [{low:+.4f}, {high:+.4f}], p = " in printed
    assert ("detectable with 80% power: " in printed) == (comparison["bootstrap"]["detectable"] is not None)
    assert main([*command, "--no-cache"]) == 0
    assert sorted(calls) == ["tutorial", "tutorial", "tutorial-l2", "tutorial-l2"]  # each model and its half-data point
    assert "(cached)" not in capsys.readouterr().out


def test_outside_predictions_are_scored_beside_ours(tmp_path, data_dir, request):
    import crfner

    try:  # a tiny BERT built in conftest trains in seconds; without the transformer extra the run is skipped
        transformer = {"model": request.getfixturevalue("tiny_model"), "params": {"epochs": 1, "max_length": 32}}
    except pytest.skip.Exception:
        transformer = {"params": {"epochs": 1}}

    X, y = crfner.load_corpus("bc5cdr", "test", data_dir=data_dir)
    X, y = X[:120], y[:120]
    perfect = tmp_path / "perfect.conll"
    write_conll(perfect, X, y)  # token and tag: a perfect outside tagger
    config = _config(learning_curve=[], systems=[
        {"name": "tutorial", "type": "crf", "features": "tutorial", "params": {"max_iterations": 20}},
        {"name": "oracle", "type": "predictions", "files": {"bc5cdr": str(perfect)}},
        {"name": "transformer", "type": "transformer", **transformer, "learning_curve": False},
    ])
    results = run_benchmark(config, tmp_path / "out", data_dir=data_dir, progress=False)
    runs = {r["system"]: r for r in results["runs"]}
    assert runs["oracle"]["strict"]["f1"] == 1.0 and runs["oracle"]["cost"] is None
    assert runs["transformer"]["status"] == ("ok" if "model" in transformer else "skipped")
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
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == f"crfner benchmark: error: {bad}: [[systems]] #1: unknown type 'svm'; choose one of crf, predictions, transformer"


def test_report_figures_checked_by_the_script(first_run):
    from conftest import REPO

    out, _ = first_run
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "check_report_scores.py"), str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("ok ") == 2


# ---------------------------------------------------------------------------------------------
# Concept linking ([linking]): small term lists for vocabularies, the slices above


def _term_lists(folder, data_dir) -> list[str]:
    """Two small TYPE=PATH vocabularies: the single-id gold names of the first 20 BC5CDR training documents."""
    from crfner.corpora.pubtator_splits import load_documents

    terms = {"Chemical": {}, "Disease": {}}
    for document in load_documents("bc5cdr", "train", data_dir)[:20]:
        for mention in document.mentions:
            if mention.identifier and "|" not in mention.identifier and mention.identifier != "-1":
                terms[mention.type].setdefault(mention.text.lower(), mention.identifier)
    specs = []
    for etype, names in terms.items():
        path = folder / f"{etype.lower()}.tsv"
        path.write_text("".join(f"{name}\t{identifier}\n" for name, identifier in sorted(names.items())), encoding="utf-8")
        specs.append(f"{etype}={path}")
    return specs


def _linked_config(specs: list[str], **overrides) -> dict:
    return _config(linking={"vocabularies": {"bc5cdr": specs}, "threshold": 0.8, "ngram_range": [3, 4]}, **overrides)


@pytest.fixture(scope="module")
def linked_run(tmp_path_factory, data_dir):
    """A small linked run: the tutorial CRF and a perfect outside tagger on the BC5CDR slices."""
    import crfner

    folder = tmp_path_factory.mktemp("linked")
    X, y = crfner.load_corpus("bc5cdr", "test", data_dir=data_dir)
    write_conll(folder / "perfect.conll", X[:120], y[:120])
    systems = [{"name": "tutorial", "type": "crf", "features": "tutorial", "params": {"max_iterations": 30}},
               {"name": "oracle", "type": "predictions", "files": {"bc5cdr": str(folder / "perfect.conll")}}]
    config = _linked_config(_term_lists(folder, data_dir), systems=systems, learning_curve=[], permutations=0, bootstrap=50)
    results = run_benchmark(config, folder / "out", data_dir=data_dir, progress=False)
    return folder / "out", config, results


def test_linked_run_carries_concept_scores(linked_run, data_dir):
    import crfner
    from crfner.benchmark.runner import fit_linker
    from crfner.corpora.jsonl import read_jsonl
    from crfner.corpora.pubtator_splits import load_documents
    from crfner.evaluation.concepts import evaluate_concepts, mention_accuracy

    out, config, results = linked_run
    runs = {r["system"]: r for r in results["runs"]}
    ids = crfner.load_document_ids("bc5cdr", "test", data_dir=data_dir)[:120]
    test = [d for d in load_documents("bc5cdr", "test", data_dir) if d.id in set(ids)]
    train_ids = set(crfner.load_document_ids("bc5cdr", "train", data_dir=data_dir)[:300])
    train = [d for d in load_documents("bc5cdr", "train", data_dir) if d.id in train_ids]

    linking = results["linking"]["bc5cdr"]
    assert linking["test_documents"] == len(test) and linking["train_documents"] == len(train)
    assert linking["params"]["threshold"] == 0.8 and linking["params"]["ngram_range"] == [3, 4]
    assert linking["fit_seconds"] >= 0 and results["config"]["linking"] == config["linking"]
    # the same linker, fit here, scores the tutorial CRF's tagged documents (kept in its cache entry) the same
    linker, _ = fit_linker(results["config"]["linking"], "bc5cdr", train, data_dir)
    gold = linker.link_documents([replace(d, mentions=[replace(m, identifier=None) for m in d.mentions]) for d in test])
    assert linking["accuracy_at_1"] == mention_accuracy(test, gold)
    (tagged_file,) = (out / "cache").glob("bc5cdr--tutorial--*/tagged-*.jsonl")
    tagged = list(read_jsonl(tagged_file))
    assert [d.id for d in tagged] == [d.id for d in test] and all(m.identifier is None for d in tagged for m in d.mentions)
    concepts = runs["tutorial"]["concepts"]
    assert concepts["status"] == "ok" and concepts["scores"] == evaluate_concepts(test, linker.link_documents(tagged)).to_dict()
    assert 0 < concepts["scores"]["f1"] < 1 and set(concepts["scores"]["per_type"]) == {"Chemical", "Disease"}
    lo, hi = concepts["ci"]["f1"]
    assert lo <= concepts["scores"]["f1"] <= hi and concepts["ci"]["unit"] == "document" and concepts["ci"]["resamples"] == 50
    assert concepts["tag_seconds"] > 0 and concepts["link_seconds"] >= 0 and concepts["tagged_from_cache"] is False
    # the share is of the unrounded times
    assert concepts["link_over_tag"] == pytest.approx(concepts["link_seconds"] / concepts["tag_seconds"], rel=0.2, abs=0.01)
    assert runs["oracle"]["concepts"] == {"status": "skipped", "note": "not linked: an outside tagger's predictions are tokens "
                                                                       "and tags, without the documents' text"}
    # the report's section shows these numbers
    md = (out / "report.md").read_text(encoding="utf-8")
    f1 = f"{concepts['scores']['f1']:.4f} [{lo:.4f}, {hi:.4f}]"
    assert "## Concept-level scores" in md and "| tutorial | " in md and f1 in md
    assert f"{linking['accuracy_at_1']['accuracy']:.4f}" in md and "not linked: an outside tagger" in md


def test_linked_run_comes_from_the_cache(linked_run, data_dir, monkeypatch):
    from crfner.benchmark import runner

    out, config, results = linked_run

    def no_training(*args, **kwargs):
        raise AssertionError("a cached run was recomputed")

    monkeypatch.setattr(runner, "run_isolated", no_training)
    again = run_benchmark(config, out, data_dir=data_dir, progress=False)
    tutorial = next(r for r in again["runs"] if r["system"] == "tutorial")
    assert tutorial["from_cache"] and tutorial["concepts"]["tagged_from_cache"] is True
    assert tutorial["concepts"]["scores"] == results["runs"][0]["concepts"]["scores"]
    assert tutorial["concepts"]["ci"] == results["runs"][0]["concepts"]["ci"]


def test_linking_keeps_the_cache_keys_of_runs_without_it(first_run, data_dir, monkeypatch, tmp_path):
    """Adding [linking] reuses the cached runs; each CRF is trained once more, only to tag the raw test documents."""
    from crfner.benchmark import runner

    out, results = first_run
    calls = []
    real = runner.run_isolated

    def counting(system, location, settings, fraction, measure):
        calls.append((system["name"], fraction, "raw_documents" in settings))
        return real(system, location, settings, fraction, measure)

    monkeypatch.setattr(runner, "run_isolated", counting)
    linked = run_benchmark(_linked_config(_term_lists(tmp_path, data_dir)), out, data_dir=data_dir, progress=False)
    assert calls == [("tutorial", 1.0, True), ("tutorial-l2", 1.0, True)]
    assert [r["cache_key"] for r in linked["runs"]] == [r["cache_key"] for r in results["runs"]]
    assert all(r["from_cache"] and r["concepts"]["status"] == "ok" for r in linked["runs"])
    assert [r["strict"] for r in linked["runs"]] == [r["strict"] for r in results["runs"]]


def test_a_cache_entry_that_disagrees_with_its_predictions_is_run_again(first_run, data_dir, monkeypatch, tmp_path):
    """An edited predictions file or a truncated run.json in the cache is noticed, and that run alone is made again."""
    import shutil

    out = tmp_path / "bench"
    shutil.copytree(first_run[0], out)
    entry = {r["system"]: out / "cache" / f"bc5cdr--{r['system']}--{r['cache_key'][:16]}" for r in first_run[1]["runs"]}
    edited, truncated = entry["tutorial-l2"], entry["tutorial"]  # other tests add entries of other settings beside them
    lines = (edited / "predictions.conll").read_text(encoding="utf-8").splitlines(keepends=True)
    (edited / "predictions.conll").write_text("".join(line.rsplit("\t", 1)[0] + "\tO\n" if "\t" in line else line
                                                      for line in lines), encoding="utf-8")
    (truncated / "run.json").write_text((truncated / "run.json").read_text(encoding="utf-8")[:100], encoding="utf-8")
    calls = _counted_runs(monkeypatch)
    again = run_benchmark(_config(), out, data_dir=data_dir, progress=False)
    assert calls == ["tutorial", "tutorial", "tutorial-l2", "tutorial-l2"]  # each model and its half-data point
    assert [r["strict"] for r in again["runs"]] == [r["strict"] for r in first_run[1]["runs"]]
    assert again["comparisons"][0]["p_value"] == first_run[1]["comparisons"][0]["p_value"]


def test_a_file_where_the_benchmark_writes_a_folder_stops_it_before_any_run(tmp_path, data_dir, monkeypatch):
    calls = _counted_runs(monkeypatch)
    (tmp_path / "bench").mkdir()
    (tmp_path / "bench" / "cache").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bench/cache: is a file; the benchmark writes a folder there"):
        run_benchmark(_config(), tmp_path / "bench", data_dir=data_dir, progress=False)
    assert calls == []
