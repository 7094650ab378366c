"""The biomedical feature set end to end on slices of BC5CDR: gazetteers and clusters learned,
saved and restored, featurizing identically after reload; gazetteer changes refused."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

import crfner
from crfner import CRFTagger, FeatureSetError, ModelFileError, load_feature_set
from crfner.crf.model import CRFModel
from crfner.cli import main
from conftest import crfsuite_tagger


@pytest.fixture(scope="module")
def bio(small_train, data_dir):
    X, y = small_train
    return CRFTagger(features="biomedical", max_iterations=30, data_dir=data_dir).fit(X[:500], y[:500])


def test_biomedical_declares_every_family():
    spec = load_feature_set("biomedical")
    assert {"prefixes", "suffixes", "flags", "shape", "norm", "case"} <= set(spec.token)
    assert spec.gazetteers["lists"] == ["disease", "chemical"] and spec.clusters["granularities"]
    assert spec.context["offsets"] == [-2, -1, 1, 2] and spec.context["conjunctions"]


def test_features_include_gazetteers_and_clusters(bio):
    tokens = ["Parkinson", "'", "s", "disease", "after", "haloperidol", "."]
    features = bio.feature_set_.featurizer(bio.resources_)(tokens)
    assert features[0]["gaz:disease"] == "B" and features[3]["gaz:disease"] == "I"
    assert features[5]["gaz:chemical"] == "B" and features[4]["+1:gaz:chemical"] == "B"
    assert "clu32" in features[4] and features[5]["shape"] == "xxxxxxxxxxx" and features[5]["norm"] == "haloperidol"
    assert features[0]["-1|+0:norm"] == "<s>|parkinson"


def test_saved_model_featurizes_identically_after_reload(bio, small_devel, tmp_path):
    path = bio.save(tmp_path / "bio")
    meta = json.loads((path / "crfner.json").read_text())
    assert [g["name"] for g in meta["resources"]["gazetteers"]] == ["chemical", "disease"]
    assert meta["resources"]["clusters"]["words"] == len(bio.resources_.clusters)
    assert (path / "clusters.tsv").is_file()
    loaded = CRFTagger.load(path)
    Xd, _ = small_devel
    for tokens in Xd[:50]:
        assert loaded.feature_set_.featurizer(loaded.resources_)(tokens) == bio.feature_set_.featurizer(bio.resources_)(tokens)
        assert loaded._featurizer.attributes(tokens) == bio._featurizer.attributes(tokens)
    assert loaded.predict(Xd) == bio.predict(Xd)
    script = "import json,sys,crfner; print(json.dumps(crfner.CRFTagger.load(sys.argv[1]).predict(json.loads(sys.argv[2]))))"
    out = subprocess.run([sys.executable, "-c", script, str(path), json.dumps(Xd[:40])], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == bio.predict(Xd[:40])


def test_leaving_out_unknown_features_changes_no_tag(bio, small_devel):
    Xd, _ = small_devel
    unfiltered = bio.feature_set_.featurizer(bio.resources_)
    reference = crfsuite_tagger(bio)
    assert [reference.tag(unfiltered.attributes(t)) for t in Xd] == bio.predict(Xd)


def test_a_changed_gazetteer_is_refused_unless_allowed(small_train, tmp_path):
    X, y = small_train
    terms = tmp_path / "drugs.tsv"
    terms.write_text("haloperidol\tX:1\ncocaine\tX:2\n", encoding="utf-8")
    model = CRFTagger(max_iterations=10, gazetteers={"drugs": terms}).fit(X[:200], y[:200])
    assert model.feature_set_.featurizer(model.resources_)(["cocaine"])[0]["gaz:drugs"] == "B"
    path = model.save(tmp_path / "m")
    terms.write_text("haloperidol\tX:1\n", encoding="utf-8")
    with pytest.raises(ModelFileError, match="gazetteer 'drugs' at .* differs from the list the model was trained with"):
        CRFTagger.load(path)
    assert CRFTagger.load(path, allow_gazetteer_change=True).predict([["cocaine"]])
    original = tmp_path / "original.tsv"
    original.write_text("haloperidol\tX:1\ncocaine\tX:2\n", encoding="utf-8")
    assert CRFTagger.load(path, gazetteers={"drugs": original}).predict([["cocaine"]])
    terms.unlink()
    shutil.rmtree(tmp_path / "elsewhere", ignore_errors=True)
    with pytest.raises(ModelFileError, match="gazetteer 'drugs' not found"):
        CRFTagger.load(path, data_dir=tmp_path / "elsewhere")
    with pytest.raises(FeatureSetError, match="no such file"):
        CRFTagger(gazetteers={"x": tmp_path / "absent.tsv"}).fit(X[:5], y[:5])


def test_damaged_cluster_table_is_refused(bio, tmp_path):
    path = bio.save(tmp_path / "bio")
    with open(path / "clusters.tsv", "a", encoding="utf-8") as handle:
        handle.write("zzzz\t1\t1\t1\n")
    with pytest.raises(ModelFileError, match="clusters.tsv: damaged"):
        CRFTagger.load(path)


def test_missing_gazetteer_folder_names_where_it_looked(small_train, tmp_path):
    X, y = small_train
    with pytest.raises(FeatureSetError, match="gazetteer 'disease' not found at .*gazetteers/disease.tsv"):
        CRFTagger(features="biomedical", data_dir=tmp_path).fit(X[:5], y[:5])


def _split_folder(folder, small_train, small_devel):
    """A folder of CoNLL splits cut from the BC5CDR slices: train 250 sentences, devel and test 100 each."""
    from crfner.corpora.conll import write_conll

    (X, y), (Xd, yd) = small_train, small_devel
    write_conll(folder / "train.tsv", X[:250], y[:250])
    write_conll(folder / "devel.tsv", Xd[:100], yd[:100])
    write_conll(folder / "test.tsv", Xd[100:200], yd[100:200])
    return folder


def test_tune_verb_searches_on_devel_and_refits(tmp_path, small_train, small_devel, capsys):
    folder = _split_folder(tmp_path / "corpus", small_train, small_devel)
    out = tmp_path / "tuned"
    code = main(["tune", str(folder), "--features", "tutorial", "--c1", "0", "2", "--max-iterations", "15",
                 "--n-jobs", "2", "--out", str(out), "--evaluate-on", "test", "--json", str(tmp_path / "t.json"), "-q"])
    assert code == 0
    report = json.loads((tmp_path / "t.json").read_text())
    assert len(report["candidates"]) == 2 and report["best_devel_f1"] == max(c["f1"] for c in report["candidates"])
    meta = json.loads((out / "crfner.json").read_text())
    assert meta["training"]["sentences"] == 350  # train + devel
    assert meta["parameters"]["c1"] == report["best_params"]["c1"]
    assert "test" in meta["metrics"] and "best:" in capsys.readouterr().out


def test_tune_searches_several_feature_sets(tmp_path, small_train, small_devel, capsys):
    """With several ``--features`` each set is a candidate of the grid; the final model is the best one's."""
    folder = _split_folder(tmp_path / "corpus", small_train, small_devel)
    weak = tmp_path / "weak.toml"  # the bias alone: it can only tag every token alike
    weak.write_text('name = "weak"\nversion = 1\n[token]\nbias = true\n', encoding="utf-8")
    out = tmp_path / "tuned"
    assert main(["tune", str(folder), "--features", str(weak), "tutorial", "--c1", "0.1", "--max-iterations", "15",
                 "--out", str(out), "--json", str(tmp_path / "t.json"), "-q"]) == 0
    report = json.loads((tmp_path / "t.json").read_text())
    assert sorted(c["params"]["features"] for c in report["candidates"]) == sorted([str(weak), "tutorial"])
    scores = {c["params"]["features"]: c["f1"] for c in report["candidates"]}
    assert scores["tutorial"] > scores[str(weak)] and report["best_params"]["features"] == "tutorial"
    assert json.loads((out / "crfner.json").read_text())["feature_set"]["name"] == "tutorial"


def test_gazetteer_head_words_are_an_option(tmp_path):
    from crfner.featurize.featureset import FeatureSet
    from crfner.featurize.featurizer import Resources
    from crfner.featurize.resources import resolve_gazetteers

    terms = tmp_path / "dis.tsv"
    terms.write_text("Rett syndrome\tX:1\nDown syndrome\tX:2\n", encoding="utf-8")
    spec = {"name": "h", "version": 1, "token": {"lower": True}, "gazetteers": {"lists": [str(terms)], "heads": True}}
    feature_set = FeatureSet.from_dict(spec)
    featurizer = feature_set.featurizer(Resources(gazetteers=resolve_gazetteers(feature_set)))
    assert featurizer(["Angelman", "syndrome"])[1]["gazhead:dis"] == "2-9"
    without = FeatureSet.from_dict({**spec, "gazetteers": {"lists": [str(terms)]}})
    assert "gazhead:dis" not in without.featurizer(Resources(gazetteers=resolve_gazetteers(without)))(["syndrome"])[0]


def test_strict_letters_reaches_the_term_files_and_the_mesh_lists(tmp_path):
    from crfner.featurize.featureset import FeatureSet
    from crfner.featurize.featurizer import Resources
    from crfner.featurize.resources import resolve_gazetteers
    from crfner.featurize.term_lists import TermLists

    terms = tmp_path / "chem.tsv"
    terms.write_text("C#O\tX:1\n", encoding="utf-8")
    mesh = TermLists({"mesh_gas": ("C#O",)})
    spec = {"name": "s", "version": 1, "token": {"lower": True}, "gazetteers": {"lists": [str(terms)]}}
    note = ["Pt", "c", "/", "o", "SOB"]
    for strict in (False, True):
        feature_set = FeatureSet.from_dict({**spec, "gazetteers": {**spec["gazetteers"], "strict_letters": strict}})
        featurizer = feature_set.featurizer(Resources(gazetteers=resolve_gazetteers(feature_set), term_lists=mesh))
        found = {name for name in featurizer(note)[1] if name.startswith("gaz:")}
        assert found == (set() if strict else {"gaz:chem", "gaz:mesh_gas"})


def test_clusters_can_learn_from_gazetteer_terms(tmp_path):
    from crfner.featurize.featureset import FeatureSet
    from crfner.featurize.resources import build_resources, gazetteer_sentences

    terms = tmp_path / "dis.tsv"
    terms.write_text("Rett syndrome\tX:1\nasthma\tX:2\nnon-Hodgkin lymphoma\tX:3\n", encoding="utf-8")
    assert gazetteer_sentences([("dis", str(terms))]) == [["Rett", "syndrome"], ["non", "-", "Hodgkin", "lymphoma"]]
    spec = {"name": "c", "version": 1, "token": {"lower": True}, "gazetteers": {"lists": [str(terms)]},
            "clusters": {"granularities": [2], "dims": 2, "min_count": 1}}
    text = [["the", "cat", "sat"], ["the", "dog", "sat"]]
    plain = build_resources(FeatureSet.from_dict(spec), text).clusters
    spec["clusters"]["gazetteer_text"] = True
    with_terms = build_resources(FeatureSet.from_dict(spec), text).clusters
    assert "lymphoma" in with_terms.table and "lymphoma" not in plain.table


def test_cli_trains_with_a_term_list_and_unlabeled_text_and_tag_finds_the_list_again(small_train, tmp_path, capsys):
    """``crfner train --gazetteer NAME=PATH --unlabeled-text FILE``, then ``crfner tag``: a changed list is
    refused unless ``--allow-gazetteer-change``; a moved one is found by ``--gazetteer`` or in the data dir."""
    from crfner.corpora.conll import write_conll

    X, y = small_train
    train = tmp_path / "train.tsv"
    write_conll(train, X[:200], y[:200])
    features = tmp_path / "small.toml"
    features.write_text('name = "cli-resources"\nversion = 1\n[token]\nbias = true\nlower = true\nsuffixes = [3]\n'
                        "[clusters]\ngranularities = [4]\ndims = 8\n", encoding="utf-8")
    terms = tmp_path / "drugs.tsv"
    terms.write_text("haloperidol\tX:1\ncocaine\tX:2\n", encoding="utf-8")
    unlabeled = tmp_path / "unlabeled.txt"
    unlabeled.write_text("the patient took zolpidemix at night .\nzolpidemix was stopped .\n" * 20, encoding="utf-8")
    out = tmp_path / "model"
    assert main(["train", str(train), "--features", str(features), "--gazetteer", f"drugs={terms}",
                 "--unlabeled-text", str(unlabeled), "--max-iterations", "50", "--out", str(out), "-q"]) == 0
    model = CRFTagger.load(out)
    assert model.feature_set_.featurizer(model.resources_)(["cocaine"])[0]["gaz:drugs"] == "B"
    assert model.resources_.clusters.features("zolpidemix")  # a word only the unlabeled text holds
    assert not CRFTagger(features=str(features)).fit(X[:200], y[:200]).resources_.clusters.features("zolpidemix")

    tag = ["tag", str(out), "--text", "Cocaine caused seizures.", "-q"]
    capsys.readouterr()
    assert main(tag) == 0
    first = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["text"] for e in first if e["type"] == "Chemical"] == ["Cocaine"]
    terms.write_text("haloperidol\tX:1\n", encoding="utf-8")
    assert main(tag) == 2
    assert "gazetteer 'drugs'" in capsys.readouterr().err
    assert main([*tag, "--allow-gazetteer-change"]) == 0
    capsys.readouterr()
    original = tmp_path / "elsewhere" / "my-drugs.tsv"
    original.parent.mkdir()
    original.write_text("haloperidol\tX:1\ncocaine\tX:2\n", encoding="utf-8")
    assert main([*tag, "--gazetteer", f"drugs={original}"]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == first
    terms.unlink()  # gone from its recorded path: found under the data dir's gazetteers/, by its file name
    data = tmp_path / "data"
    (data / "gazetteers").mkdir(parents=True)
    (data / "gazetteers" / "drugs.tsv").write_text("haloperidol\tX:1\ncocaine\tX:2\n", encoding="utf-8")
    assert main([*tag, "--data-dir", str(data)]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == first
    assert main(tag) == 2
    assert "gazetteer 'drugs' not found" in capsys.readouterr().err


class _Captured(Exception):
    """Stops a command once the estimator has been called, with what it was called with."""


def test_commands_pass_document_ids_to_the_model(small_train, tmp_path, monkeypatch, data_dir):
    """``crfner train`` and ``evaluate`` give the model a registered corpus's document ids, and ``crfner tag``
    those of a CoNLL file's ``-DOCSTART-`` lines (features such as defined abbreviations reach across a document)."""
    X, y = small_train
    model = CRFTagger(max_iterations=5).fit(X[:50], y[:50]).save(tmp_path / "m")
    conll = tmp_path / "tokens.conll"
    conll.write_text("-DOCSTART- O\n\nDMD\tO\naffects\tO\n\nboys\tO\n\n-DOCSTART- O\n\nDMD\tO\n", encoding="utf-8")
    seen = []

    def capture(self, X, *args, documents=None, **kwargs):
        seen.append((len(X), documents))
        raise _Captured

    monkeypatch.setattr(CRFModel, "predict", capture)  # what crfner tag and evaluate load
    with pytest.raises(_Captured):
        main(["tag", str(model), str(conll), "-q"])
    assert seen.pop() == (3, ["1", "1", "2"])
    ids = crfner.load_document_ids("ncbi_disease", "test", data_dir=data_dir)
    with pytest.raises(_Captured):
        main(["evaluate", str(model), "ncbi_disease", "--split", "test", "--data-dir", str(data_dir), "-q"])
    assert seen.pop() == (len(ids), ids)
    monkeypatch.setattr(CRFTagger, "fit", capture)
    with pytest.raises(_Captured):
        main(["train", "ncbi_disease", "--out", str(tmp_path / "t"), "--data-dir", str(data_dir), "-q"])
    assert seen.pop() == (len(crfner.load_corpus("ncbi_disease", "train", data_dir=data_dir)[0]),
                          crfner.load_document_ids("ncbi_disease", "train", data_dir=data_dir))
