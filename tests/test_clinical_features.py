"""The clinical feature set: dose, unit, frequency, route, duration and abbreviation features
on hand-written words, case-free forms, the declaration, and a model trained on a slice of
MACCROBAT train that saves, reloads and tags identically."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, write

from crfner import CRFTagger, FeatureSetError, load_feature_set
from crfner.featurize.clinical import (
    KINDS,
    caseless,
    clinical,
    is_abbreviation,
    is_dose,
    is_duration,
    is_frequency,
    is_route,
    is_time_unit,
    is_unit,
)


@pytest.mark.parametrize("word", ["20mg", "0.5mg/kg", "5-10mg", "2g/day", "40%", "100MG", "1,5mg", "75mcg"])
def test_doses(word):
    assert is_dose(word)


@pytest.mark.parametrize("word", ["20", "mg", "mg20", "aspirin", "2010", "II"])
def test_not_doses(word):
    assert not is_dose(word)


def test_units():
    assert all(is_unit(w) for w in ["mg", "MG", "mL", "mg/kg", "mg/m2", "mL/min", "IU", "mmHg", "%"])
    assert not any(is_unit(w) for w in ["20mg", "mgkg", "heart", "kgs"])
    assert is_time_unit("days") and is_time_unit("WKS") and not is_time_unit("daily")


@pytest.mark.parametrize("word", ["q6h", "Q6H", "q4-6h", "b.i.d.", "BID", "bid", "t.i.d.", "qhs", "PRN", "daily", "/day", "q.d."])
def test_frequencies(word):
    assert is_frequency(word)


def test_not_frequencies():
    assert not any(is_frequency(w) for w in ["q", "bidding", "day", "6h", "quit"])


def test_routes():
    assert all(is_route(w) for w in ["po", "PO", "p.o.", "iv", "IV", "i.v.", "s.c.", "intravenous", "Orally", "nebulized"])
    assert not any(is_route(w) for w in ["pot", "ivy", "oral-b", "vein"])


def test_durations():
    assert all(is_duration(w) for w in ["x7", "X3", "×2", "3x", "7d", "3-day", "2wks", "10days"])
    assert not any(is_duration(w) for w in ["x", "days", "7", "xray", "d7", "1960s", "2D"])  # 2D: imaging


def test_abbreviations_any_case_and_full_stops():
    assert all(is_abbreviation(w) for w in ["HTN", "htn", "Htn", "CHF", "s/p", "c/o", "Hx", "CBC", "WBC", "b.p."])
    assert not any(is_abbreviation(w) for w in ["heart", "HTNX", "aspirin"])


def test_short_forms_that_are_common_words_count_only_in_capitals_or_with_full_stops():
    assert not is_abbreviation("or") and is_abbreviation("OR")
    assert not is_route("it") and is_route("IT") and is_route("i.t.")
    assert not is_time_unit("s") and is_time_unit("h") and is_time_unit("d")


def test_all_caps_and_lower_case_notes_get_the_same_clinical_features():
    every = clinical(list(KINDS))
    for upper, lower in [("FEVER", "fever"), ("BID", "bid"), ("IV", "iv"), ("20MG", "20mg"), ("HTN", "htn"), ("X7", "x7")]:
        assert every(upper) == every(lower)
    assert every("PO") == [("clin:route", 1.0), ("clin:lshape", "x"), ("clin:lsuf3", "po"), ("clin:lsuf4", "po")]
    assert caseless("Metoprolol") == [("clin:lshape", "x"), ("clin:lsuf3", "lol"), ("clin:lsuf4", "olol")]


def test_kinds_are_emitted_only_as_asked():
    assert clinical(["dose"])("20mg") == [("clin:dose", 1.0)]
    assert clinical(["route"])("20mg") == []
    assert clinical(["unit"])("days") == [("clin:time", 1.0)]
    assert clinical([])("q6h") == []


def test_the_clinical_set_loads_and_validates():
    spec = load_feature_set("clinical")
    assert (spec.name, spec.version) == ("clinical", 14)
    assert spec.clusters["unlabeled_text"] == ["ohsumed"]  # version 2: clusters learned also from OHSUMED
    # version 3: sentences in one case are truecased (10: shorthand too; 11: short forms read as words stay words),
    assert spec.casing == {"truecase": True, "spellings": True, "keep_words": True}
    assert spec.sections == {"context": True}  # and tokens know their section heading
    v2 = load_feature_set(REPO / "benchmarks" / "configs" / "clinical-v2.toml")
    v3 = load_feature_set(REPO / "benchmarks" / "configs" / "clinical-v3.toml")
    assert v2.version == 2 and not v2.casing and not v2.sections
    assert {**v2.to_dict(), "version": 3, "description": ""} == {
        **{k: v for k, v in v3.to_dict().items() if k not in ("casing", "sections")}, "description": ""}
    # version 4: word n-grams (bigrams to four-grams) and nothing else changed
    v4 = load_feature_set(REPO / "benchmarks" / "configs" / "clinical-v4.toml")
    assert v3.version == 3 and v3.context["conjunctions"] == [[-1, 0], [0, 1]]
    assert sorted(map(len, v4.context["conjunctions"])) == [2, 2, 2, 2, 3, 3, 3, 4, 4]
    changed = {"version": 4, "description": "", "context": {**v3.context, "conjunctions": v4.context["conjunctions"]}}
    assert {**v3.to_dict(), **changed} == {**v4.to_dict(), "description": ""}
    # version 5: MeSH branch term lists and nothing else changed
    v5 = load_feature_set(REPO / "benchmarks" / "configs" / "clinical-v5.toml")
    branches = v5.gazetteers["mesh_branches"]
    assert branches["mesh_sign"] == ["C23"] and branches["mesh_anatomy"][0] == "A01" and len(branches) == 5
    changed = {"version": 5, "description": "", "gazetteers": {**v4.gazetteers, "mesh_branches": branches}}
    assert {**v4.to_dict(), **changed} == {**v5.to_dict(), "description": ""}
    # version 6: abbreviations read through their usual senses, and nothing else changed
    v6 = load_feature_set(REPO / "benchmarks" / "configs" / "clinical-v6.toml")
    assert v6.abbreviations == {**v5.abbreviations, "senses": "clinical", "expand": "words"}
    changed = {"version": 6, "description": "", "abbreviations": v6.abbreviations}
    assert {**v5.to_dict(), **changed} == {**v6.to_dict(), "description": ""}
    # version 7: words read through their senses only as notes spell them, and nothing else changed
    v7 = load_feature_set(REPO / "benchmarks" / "configs" / "clinical-v7.toml")
    assert v7.abbreviations == {**v6.abbreviations, "as_words": "spelled"}
    changed = {"version": 7, "description": "", "abbreviations": v7.abbreviations}
    assert {**v6.to_dict(), **changed} == {**v7.to_dict(), "description": ""}
    # version 8: weights also for attribute-label pairs never seen together, and nothing else changed
    v8 = load_feature_set(REPO / "benchmarks" / "configs" / "clinical-v8.toml")
    assert v8.training == {**v7.training, "all_possible_states": True}
    changed = {"version": 8, "description": "", "training": v8.training}
    assert {**v7.to_dict(), **changed} == {**v8.to_dict(), "description": ""}
    # version 9: up to 300 iterations and the clinical patterns in the window, and nothing else changed
    v9 = load_feature_set(REPO / "benchmarks" / "configs" / "clinical-v9.toml")
    assert v9.training == {**v8.training, "max_iterations": 300}
    window = [f for f in v9.context["features"] if f not in v8.context["features"]]
    assert window == ["clin:dose", "clin:unit", "clin:time", "clin:freq", "clin:route", "clin:duration", "clin:abbr"]
    changed = {"version": 9, "description": "", "training": v9.training, "context": {**v8.context, "features": v9.context["features"]}}
    assert {**v8.to_dict(), **changed} == {**v9.to_dict(), "description": ""}
    # version 10: the truecasing table also takes how notes spell the inventory's short forms, and nothing else changed
    v10 = load_feature_set(REPO / "benchmarks" / "configs" / "clinical-v10.toml")
    changed = {"version": 10, "description": "", "casing": {**v9.casing, "spellings": True}}
    assert {**v9.to_dict(), **changed} == {**v10.to_dict(), "description": ""}
    # version 11: short forms the senses read as words keep a word's case when a sentence in one case is recased
    v11 = load_feature_set(REPO / "benchmarks" / "configs" / "clinical-v11.toml")
    changed = {"version": 11, "description": "", "casing": {**v10.casing, "keep_words": True}}
    assert {**v10.to_dict(), **changed} == {**v11.to_dict(), "description": ""}
    # the lever tried as version 12 and not adopted (results/strict_letters.json): version 11 and strict_letters
    lever = load_feature_set(REPO / "benchmarks" / "configs" / "clinical-strict-letters.toml")
    changed = {"version": 12, "description": "", "gazetteers": {**v11.gazetteers, "strict_letters": True}}
    assert {**v11.to_dict(), **changed} == {**lever.to_dict(), "description": ""}
    # the lever tried as version 13 and not adopted (results/joined_forms.json): version 11 and joined
    lever = load_feature_set(REPO / "benchmarks" / "configs" / "clinical-joined.toml")
    changed = {"version": 13, "description": "", "abbreviations": {**v11.abbreviations, "joined": True}}
    assert {**v11.to_dict(), **changed} == {**lever.to_dict(), "description": ""}
    # version 14: slash shorthand read as its words (results/shorthand.json, whose clinical-shorthand it is)
    changed = {"version": 14, "description": "", "abbreviations": {**v11.abbreviations, "shorthand": True}}
    assert {**v11.to_dict(), **changed} == {**spec.to_dict(), "description": ""}
    measured = json.loads((REPO / "benchmarks" / "results" / "shorthand.json").read_text(encoding="utf-8"))["rows"]
    assert {r["feature_set"]["fingerprint"] for r in measured if r["system"] == "clinical-shorthand"} == {spec.fingerprint()}
    assert spec.token["clinical"] == ["dose", "unit", "frequency", "route", "duration", "abbreviation"]
    assert spec.gazetteers["lists"] == ["disease", "chemical"] and spec.clusters["granularities"]
    assert spec.context["offsets"] == [-2, -1, 1, 2]
    assert load_feature_set(spec.to_dict()).fingerprint() == spec.fingerprint()


@pytest.mark.parametrize(
    "text,message",
    [
        ('name = "x"\nversion = 1\n[token]\nclinical = ["dosage"]\n', r"^\S+: token.clinical = \['dosage'\]: unknown clinical kind\(s\) dosage; known: dose, "),
        ('name = "x"\nversion = 1\n[token]\nclinical = "dose"\n', "token.clinical = 'dose': expected a list of clinical feature kinds"),
        ('name = "x"\nversion = 1\n[token]\nclinicals = ["dose"]\n', "unknown option token.clinicals"),
    ],
)
def test_an_unknown_option_is_refused_in_one_line(tmp_path, text, message):
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(FeatureSetError, match=message) as error:
        load_feature_set(path)
    assert "\n" not in str(error.value) and str(path) in str(error.value)


@pytest.fixture(scope="module")
def maccrobat_slice(data_dir):
    import crfner

    if not (data_dir / "clinical" / "MACCROBAT2020").is_dir():
        pytest.skip("MACCROBAT2020 is not in the data folder")
    X, y = crfner.load_corpus("maccrobat", "train", data_dir=data_dir)
    ids = crfner.load_document_ids("maccrobat", "train", data_dir=data_dir)
    return X[:150], y[:150], ids[:150], X[150:200]


def test_a_clinical_model_trains_saves_reloads_and_tags_identically(maccrobat_slice, data_dir, tmp_path):
    X, y, ids, held = maccrobat_slice
    tagger = CRFTagger(features="clinical", max_iterations=10, data_dir=data_dir).fit(X, y, documents=ids)
    features = tagger.feature_set_.featurizer(tagger.resources_)(["Metoprolol", "25mg", "PO", "BID", "x7", "days", "HTN"])
    assert features[1]["clin:dose"] == 1.0 and features[2]["clin:route"] == 1.0 and features[3]["clin:freq"] == 1.0
    assert features[4]["clin:duration"] == 1.0 and features[5]["clin:time"] == 1.0 and features[6]["clin:abbr"] == 1.0
    # version 9: the neighbours' patterns too (a dose before the route, a frequency after it)
    assert "clin:lshape" not in features[0] and features[2]["-1:clin:dose"] == 1.0 and features[2]["+1:clin:freq"] == 1.0
    assert not any(k.startswith(("-1:clin:route", "+1:clin:dose")) for k in features[2])
    assert features[0]["gaz:chemical"] == "B" and "clu32" in features[5]  # "days" is in the slice; "Metoprolol" is not
    loaded = CRFTagger.load(tagger.save(tmp_path / "clinical"), data_dir=data_dir)
    assert loaded.feature_set_.to_dict() == tagger.feature_set_.to_dict()
    assert loaded.resources_.truecase == tagger.resources_.truecase and len(tagger.resources_.truecase) > 100
    # version 10: ward shorthand the text does not teach is recased as notes spell it, in the saved table too
    assert {w: loaded.resources_.truecase.forms.get(w) for w in ("htn", "sob", "hld")} == {"htn": "HTN", "sob": "SOB", "hld": "HLD"}
    assert loaded.resources_.truecase.recase(["pt", "w/", "htn", "and", "sob", "."])[2:5] == ["HTN", "and", "SOB"]
    # version 11: pt, which the senses read as a word (patient), is not recased to PT (prothrombin time)
    assert "pt" in loaded.resources_.senses.as_words and "pt" not in loaded.resources_.truecase.forms
    predicted = tagger.predict(held)
    assert loaded.predict(held) == predicted
    capitals = [[w.upper() for w in s] for s in held]
    assert loaded.predict(capitals) == tagger.predict([tagger.resources_.truecase.recase(s) for s in capitals])
    assert any(tag != "O" for tags in predicted for tag in tags)


def test_cut_forms_match_only_in_token_lists_that_keep_them_whole():
    """The README's account: raw text's tokenizer cuts "b.i.d.", "i.v." and "s/p" at their marks,
    and each pattern reads one token, so raw text gives them no clinical feature; a token list
    that keeps them whole (a whitespace-tokenised file) does."""
    from crfner.featurize.clinical import clinical
    from crfner.text import tokenize

    features = clinical(["frequency", "route", "abbreviation"])
    text = "s/p CABG , aspirin b.i.d. i.v."
    cut = [t.text for t in tokenize(text)]
    assert "b.i.d." not in cut and "s/p" not in cut and "i.v." not in cut
    assert not any(name in ("clin:freq", "clin:route") for word in cut for name, _ in features(word))
    whole = {word: {name for name, _ in features(word)} for word in text.split()}
    assert "clin:freq" in whole["b.i.d."] and "clin:route" in whole["i.v."] and "clin:abbr" in whole["s/p"]
