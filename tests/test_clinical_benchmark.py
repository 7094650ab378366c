"""The clinical benchmark (benchmarks/configs/clinical.toml): its config, the transformer's
devel split, document resampling, the training peak memory, and the literature anchors
measured on other data, checked on a small real run of the config's CRFs on both corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crfner.benchmark import run_benchmark, validate_config
from crfner.benchmark.config import load_config
from crfner.benchmark.published import ANCHORS, OTHER_DATA, published_results
from crfner.errors import ConfigError
from crfner.report import build_document, markdown

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

CONFIG = Path(__file__).resolve().parent.parent / "benchmarks" / "configs" / "clinical.toml"


def test_the_clinical_config_loads_and_says_what_it_runs():
    config = load_config(CONFIG)
    assert config["corpora"] == ["maccrobat", "phee"]
    assert (config["train_split"], config["devel_split"], config["test_split"]) == ("train", "devel", "test")
    assert [s["name"] for s in config["systems"]] == ["tutorial", "biomedical", "clinical", "transformer"]
    assert {s["features"] for s in config["systems"] if s["type"] == "crf"} == {"tutorial", "biomedical", "clinical"}
    transformer = config["systems"][-1]
    assert transformer["type"] == "transformer" and transformer["learning_curve"] is False
    assert ["clinical", "biomedical"] in config["compare"] and ["clinical", "transformer"] in config["compare"]
    assert config["bootstrap"] >= 1000 and config["permutations"] >= 10000
    assert config["resample_unit"] == "document"
    assert config["limit_train"] is None and config["limit_test"] is None  # the full corpora


@pytest.mark.parametrize(
    "change, message",
    [
        ({"resample_unit": "token"}, "'resample_unit' must be one of 'sentence', 'document'"),
        ({"devel_split": "train"}, "'devel_split' 'train' must differ from the training and test splits"),
        ({"train_split": "train+devel"}, "'devel_split' 'devel' must differ"),
        ({"devel_split": "test"}, "must differ from the training and test splits"),
        ({"devel_split": 3}, "'devel_split' must be a split name"),
    ],
)
def test_devel_split_and_resample_unit_are_checked(change, message):
    raw = {**tomllib.loads(CONFIG.read_text(encoding="utf-8")), **change}
    with pytest.raises(ConfigError, match="^clinical.toml: ") as caught:
        validate_config(raw, source="clinical.toml")
    assert message in str(caught.value)


def test_defaults_leave_earlier_configs_as_they_were():
    config = validate_config({"corpora": ["bc5cdr"], "systems": [{"name": "t"}]})
    assert config["devel_split"] is None and config["resample_unit"] == "sentence"


def test_anchors_are_marked_as_measured_on_other_data():
    rows = published_results(["maccrobat", "phee"])
    assert [r["system"] for r in rows] == [a[1] for a in ANCHORS]
    assert all(r["comparable"] is False and OTHER_DATA in r["source"] for r in rows)
    by_system = {r["system"]: r for r in rows}
    assert by_system["Med7"]["f1"] == 0.893 and "MIMIC-III" in by_system["Med7"]["measured_on"]
    assert by_system["Med7"]["url"] == "https://doi.org/10.1016/j.artmed.2021.102086"
    medacy = by_system["medaCy CRF (n2c2 2018 track 2)"]
    assert (medacy["reported"], medacy["metric"]) == ("0.750", "strict micro-F1")
    assert "lenient micro-F1 0.871" in medacy["note"]
    assert by_system["best i2b2 2009 medication system"]["f1"] == 0.857
    phee = by_system["PHEE best argument extraction"]
    assert phee["reported"] == "68.60%" and phee["f1"] == 0.686 and phee["corpus"] == "phee"
    assert "another task" in phee["measured_on"]
    # an anchor is shown for the corpora it belongs to, and never for BC5CDR
    assert [r["corpus"] for r in published_results(["maccrobat"])] == ["maccrobat"] * 3
    assert not [r for r in published_results(["bc5cdr", "ncbi_disease"]) if r.get("comparable") is False]


def test_the_transformer_chooses_its_epoch_on_the_devel_split(monkeypatch, data_dir):
    """With train_split "train" and devel_split "devel", the transformer is fitted on train
    and given devel (sliced like the test split) for its epoch choice; without it, no devel."""
    import crfner.transformer
    from crfner.benchmark.systems import run_transformer

    if not (data_dir / "clinical" / "PHEE").is_dir():
        pytest.skip("no clinical corpora here")
    seen = []

    class Recorder:  # stands in for TransformerTagger: records what fit receives
        def __init__(self, **params):
            self.params = params
            self.base_model_ = {"name": "fake"}
            self.training_ = dict.fromkeys(("epochs_run", "best_epoch", "devel_f1", "stopped_by", "devel_sentences"))

        def get_params(self):
            return self.params

        def fit(self, X, y, X_dev=None, y_dev=None):
            seen.append((len(X), None if X_dev is None else len(X_dev), None if y_dev is None else len(y_dev)))

        def predict(self, X):
            return [["O"] * len(s) for s in X]

    monkeypatch.setattr(crfner.transformer, "TransformerTagger", Recorder)
    settings = {"train_split": "train", "test_split": "test", "devel_split": "devel", "limit_train": 30,
                "limit_test": 12, "seed": 0, "data_dir": str(data_dir)}
    result = run_transformer({"name": "t", "type": "transformer", "params": {}}, "phee", settings, 1.0, False)
    assert seen == [(30, 12, 12)]
    assert result["training_params"]["protocol"] == "fine-tuned on train, best epoch chosen on devel"
    assert result["train_peak_rss_mib"] > 0
    run_transformer({"name": "t", "type": "transformer", "params": {}}, "phee", {**settings, "devel_split": None},
                    1.0, False)
    assert seen[-1] == (30, None, None)


def _small_config() -> dict:
    """The clinical config as shipped, cut to CRF slices that train in seconds."""
    raw = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    raw["systems"] = [{**s, "params": {"max_iterations": 10}} for s in raw["systems"] if s["type"] == "crf"]
    raw["compare"] = [pair for pair in raw["compare"] if "transformer" not in pair]
    raw.update(limit_train=120, limit_test=80, learning_curve=[], bootstrap=200, permutations=500)
    return raw


@pytest.fixture(scope="module")
def clinical_run(tmp_path_factory, data_dir):
    if not (data_dir / "clinical" / "MACCROBAT2020").is_dir():
        pytest.skip("no clinical corpora here")
    out = tmp_path_factory.mktemp("clinical")
    return out, run_benchmark(_small_config(), out, data_dir=data_dir, progress=False, command="test")


def test_small_run_scores_every_corpus_and_system(clinical_run, data_dir):
    import crfner

    out, results = clinical_run
    assert list(results["corpora"]) == ["maccrobat", "phee"]
    assert [(r["corpus"], r["system"], r["status"]) for r in results["runs"]] == [
        (c, s, "ok") for c in ("maccrobat", "phee") for s in ("tutorial", "biomedical", "clinical")]
    for run in results["runs"]:
        documents = crfner.load_document_ids(run["corpus"], "test", data_dir=data_dir)[:80]
        # strict and partial-match scores, with document-level CIs per type
        assert run["partial"]["strict"]["f1"] == pytest.approx(run["strict"]["f1"])
        assert run["partial"]["partial"]["f1"] >= run["strict"]["f1"]
        assert run["partial"]["per_type"] and set(run["partial"]["per_type"]) >= set(run["strict"]["per_type"])
        assert run["ci"]["unit"] == "document" and run["ci"]["units"] == len(set(documents))
        assert set(run["ci"]["per_type"]) <= set(results["corpora"][run["corpus"]]["types"])
        assert run["strict"]["per_type"]
        # the cost: training time and its peak memory, tagging speed
        cost = run["cost"]
        assert cost["train_seconds"] > 0 and cost["tag_tokens_per_second"] > 0
        assert 0 < cost["train_peak_rss_mib"] <= cost["peak_rss_mib"]
    assert {(c["corpus"], c["a"], c["b"], c["unit"]) for c in results["comparisons"]} == {
        (corpus, "clinical", other, "document")
        for corpus in ("maccrobat", "phee") for other in ("tutorial", "biomedical")}
    assert json.loads((out / "results.json").read_text())["runs"][0]["cost"]["train_peak_rss_mib"] > 0


def test_small_run_report_has_both_corpora_the_memory_and_the_anchors(clinical_run):
    out, results = clinical_run
    text = (out / "report.md").read_text(encoding="utf-8")
    for corpus in ("maccrobat", "phee"):
        assert f"### {corpus}" in text  # its own block of examples
        assert f"| {corpus} | clinical |" in text
    speed = text.split("## Speed and cost", 1)[1].split("\n## ", 1)[0]
    assert "Train peak RSS MiB" in speed
    row = next(line for line in speed.splitlines() if line.startswith("| maccrobat | clinical |"))
    header = next(line for line in speed.splitlines() if line.startswith("| Corpus |"))
    cells = dict(zip(header.split(" | "), row.split(" | ")))
    run = next(r for r in results["runs"] if (r["corpus"], r["system"]) == ("maccrobat", "clinical"))
    assert cells["Train peak RSS MiB"] == f"{run['cost']['train_peak_rss_mib']:,}"
    assert "| Resampling unit (CI, significance) | document |" in text
    significance = text.split("## Significance", 1)[1].split("\n## ", 1)[0]
    for comparison in results["comparisons"]:
        assert f"500 resamples, {comparison['units']} document units" in significance
    published = text.split("## Published results", 1)[1]
    assert "measured on other data" in published and "not comparable" in published
    for system in ("Med7", "medaCy CRF (n2c2 2018 track 2)", "best i2b2 2009 medication system",
                   "PHEE best argument extraction"):
        line = next(line for line in published.splitlines() if f"| {system} |" in line)
        assert "reported, measured on other data: not comparable" in line
    assert "[Kormilitzin et al. 2021" in published and "(https://doi.org/10.1016/j.artmed.2021.102086)" in published
    assert "| 68.60% |" in published and "| 0.750 |" in published


def test_anchors_render_apart_from_same_corpus_rows():
    results = {"format": "crfner-benchmark/1", "config": {"name": "x"}, "corpora": {}, "runs": [],
               "comparisons": [], "published": published_results(["bc5cdr", "phee"])}
    document = build_document(results, ".", figures={})
    tables = next(s for s in document.sections if s.id == "published").blocks
    assert len(tables) == 2  # BC5CDR's rows, then the anchors
    assert all("other-data" not in c for c in tables[0].row_classes)
    assert tables[1].row_classes == ["reported other-data"] * 4
    text = markdown.render(document)
    assert text.index("| bc5cdr | BioBERT v1.1 |") < text.index("| phee | Med7 |")
    caption = text.split("| Anchor for |")[0].rstrip().splitlines()[-1]
    assert caption.startswith("*Anchors reported in the literature, measured on other data")
    assert "no row is comparable" in caption


@pytest.mark.parametrize(
    "options, message",
    [
        ({"maccrobat": {"types": ["Sign_symptom", "Nope"]}}, "'corpus_options.maccrobat': maccrobat: unknown entity type(s) 'Nope'"),
        ({"maccrobat": {"policy": "widest"}}, "'corpus_options.maccrobat': unknown flattening policy 'widest'"),
        ({"maccrobat": {"colour": "red"}}, "corpus 'maccrobat' takes no option colour (it takes only types, policy)"),
        ({"ncbi_disease": {"types": ["Disease"]}}, "'corpus_options': corpus 'ncbi_disease' is not in 'corpora'"),
        ({"maccrobat": ["Sign_symptom"]}, "'corpus_options.maccrobat' must be a table of options"),
        (["maccrobat"], "'corpus_options' must hold a [corpus_options.NAME] table per corpus"),
    ],
)
def test_corpus_options_are_checked_before_any_run(options, message):
    raw = {**tomllib.loads(CONFIG.read_text(encoding="utf-8")), "corpus_options": options}
    with pytest.raises(ConfigError, match="^clinical.toml: ") as caught:
        validate_config(raw, source="clinical.toml")
    assert message in str(caught.value)
    bc5cdr = {"corpora": ["bc5cdr"], "systems": [{"name": "t"}], "corpus_options": {"bc5cdr": {"types": ["Chemical"]}}}
    with pytest.raises(ConfigError, match=r"corpus 'bc5cdr' takes no option types \(it takes none\)"):
        validate_config(bc5cdr)


def test_a_run_loads_each_corpus_with_its_options_and_the_report_says_so(tmp_path, data_dir):
    if not (data_dir / "clinical" / "MACCROBAT2020").is_dir():
        pytest.skip("no clinical corpora here")
    raw = _small_config()
    raw.update(corpora=["maccrobat"], systems=[raw["systems"][0]], compare=[], bootstrap=0, permutations=0,
               corpus_options={"maccrobat": {"types": ["Sign_symptom", "Lab_value"], "policy": "innermost:span"}})
    results = run_benchmark(raw, tmp_path, data_dir=data_dir, progress=False, command="test")
    info = results["corpora"]["maccrobat"]
    assert info["types"] == ["Lab_value", "Sign_symptom"]
    assert info["options"] == {"types": ["Sign_symptom", "Lab_value"], "policy": "innermost:span"}
    assert set(results["runs"][0]["strict"]["per_type"]) <= {"Lab_value", "Sign_symptom"}
    assert "(loaded with policy = innermost:span; types = Sign_symptom, Lab_value)" in (tmp_path / "report.md").read_text()
    # the same config without the options is another run, of the corpus's twelve default types
    del raw["corpus_options"]
    again = run_benchmark(raw, tmp_path, data_dir=data_dir, progress=False, command="test")
    assert not again["runs"][0]["from_cache"] and len(again["corpora"]["maccrobat"]["types"]) > 2
