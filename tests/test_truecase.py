"""Truecasing: sentences written in one case are re-cased to their words' usual forms before
features are computed, learned from the training text and stored in the model."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import crfner
from crfner import CRFTagger
from crfner.errors import DataFormatError, FeatureSetError
from crfner.featurize.featurizer import Resources
from crfner.featurize.truecase import TruecaseTable, one_case, spelled_forms

TEXT = [
    ["The", "patient", "with", "HTN", "took", "Aspirin", "daily", "."],
    ["Her", "HTN", "and", "DM2", "were", "treated", "with", "aspirin", "."],
    ["An", "ECG", "showed", "sinus", "rhythm", "in", "Boston", "."],
    ["Aspirin", "was", "held", "."],  # sentence-initial: says nothing of the usual form
    ["NO", "CHANGE", "IN", "ASPIRIN", "."],  # one case: teaches nothing
]


def test_the_usual_form_is_the_most_frequent_one_away_from_a_sentence_start():
    table = TruecaseTable.learn(TEXT)
    # "aspirin": "Aspirin" once and "aspirin" once away from a sentence start, a tie, which goes
    # to the spelling that sorts last (the lower-case one), so it is not in the table
    assert table.forms == {"htn": "HTN", "dm2": "DM2", "ecg": "ECG", "boston": "Boston"}
    assert TruecaseTable.learn([*TEXT, ["with", "Aspirin"]]).forms["aspirin"] == "Aspirin"


def test_ties_are_broken_the_same_way_whatever_the_order():
    a = TruecaseTable.learn(TEXT)
    b = TruecaseTable.learn(list(reversed(TEXT)))
    assert a == b and a.sha256() == b.sha256()


def test_only_sentences_in_one_case_are_recased():
    table = TruecaseTable({"htn": "HTN", "ecg": "ECG", "boston": "Boston"})
    assert table.recase(["PT", "WITH", "HTN", ",", "ECG", "NORMAL", "."]) == ["pt", "with", "HTN", ",", "ECG", "normal", "."]
    assert table.recase(["pt", "with", "htn", "in", "boston"]) == ["pt", "with", "HTN", "in", "Boston"]
    mixed = ["Pt", "with", "htn", "."]
    assert table.recase(mixed) == mixed
    assert table.recase(["120/80", "."]) == ["120/80", "."]  # no cased letter: nothing to do
    assert one_case(["ABC", "1"]) and one_case(["abc"]) and not one_case(["Abc"]) and not one_case(["1", "."])


words = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8)


@given(st.lists(words, min_size=0, max_size=12), st.dictionaries(words, words, max_size=10))
def test_recasing_keeps_every_token_but_its_case(tokens, pairs):
    forms = {w.lower(): w for w in pairs.values() if w.lower() != w and "\t" not in w and "\n" not in w and "\r" not in w}
    forms = {k: v for k, v in forms.items() if v.lower() == k}
    table = TruecaseTable(forms)
    out = table.recase(tokens)
    assert len(out) == len(tokens)
    assert [w.lower() for w in out] == [w.lower() for w in tokens]
    assert table.recase(out) == out
    if not one_case(tokens):
        assert out == tokens


def test_a_table_round_trips_through_its_file(tmp_path):
    table = TruecaseTable.learn(TEXT)
    table.save(tmp_path / "t.tsv")
    again = TruecaseTable.load(tmp_path / "t.tsv")
    assert again == table and again.sha256() == table.sha256()


@pytest.mark.parametrize(
    "content,line,problem",
    [
        ("", 1, "expected the header line"),
        ("word\tform\nhtn\tHTN\textra\n", 2, "expected 'word<TAB>form'"),
        ("word\tform\nhtn\tHTN\nhtn\tHtn\n", 3, "appears twice"),
        ("word\tform\nhtn\tECG\n", 2, "is not 'htn' with capitals"),
        ("word\tform\nhtn\thtn\n", 2, "is not 'htn' with capitals"),
    ],
)
def test_a_damaged_table_names_its_file_and_line(tmp_path, content, line, problem):
    path = tmp_path / "t.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFormatError, match=problem) as error:
        TruecaseTable.load(path)
    assert f"{path}, line {line}:" in str(error.value) and "\n" not in str(error.value)


def _truecasing_set() -> dict:
    spec = crfner.load_feature_set("tutorial").to_dict()
    spec.update(name="tc", casing={"truecase": True})
    return spec


def test_a_truecasing_set_sees_an_all_caps_sentence_as_its_usual_form():
    fs = crfner.load_feature_set(_truecasing_set())
    featurizer = fs.featurizer(Resources(truecase=TruecaseTable.learn(TEXT)))
    assert featurizer(["PT", "WITH", "HTN", "."]) == featurizer(["pt", "with", "HTN", "."])
    assert featurizer(["pt", "with", "htn", "."]) == featurizer(["pt", "with", "HTN", "."])
    plain = crfner.load_feature_set("tutorial").featurizer()
    assert plain(["PT", "WITH", "HTN", "."]) != plain(["pt", "with", "HTN", "."])  # without the table: as written
    with pytest.raises(FeatureSetError, match="no truecasing table"):
        fs.featurizer(Resources())


def test_a_truecasing_model_learns_stores_and_reloads_its_table(small_train, tmp_path):
    X, y = small_train
    tagger = CRFTagger(features=_truecasing_set(), max_iterations=20).fit(X[:300], y[:300])
    assert tagger.resources_.truecase == TruecaseTable.learn(X[:300]) and len(tagger.resources_.truecase) > 0
    loaded = CRFTagger.load(tagger.save(tmp_path / "m"))
    assert (tmp_path / "m" / "truecase.tsv").is_file() and loaded.resources_.truecase == tagger.resources_.truecase
    held = X[300:400]
    capitals = [[w.upper() for w in s] for s in held]
    recased = [tagger.resources_.truecase.recase(s) for s in capitals]
    assert loaded.predict(capitals) == tagger.predict(capitals) == tagger.predict(recased)
    assert tagger.predict_marginals(capitals[:5]) == tagger.predict_marginals(recased[:5])
    assert crfner.evaluate(y[300:400], tagger.predict(capitals)).f1 > 0.5 * crfner.evaluate(y[300:400], tagger.predict(held)).f1


SPELLINGS = {  # (short form, sense) -> how notes spelled it, as an inventory's variation column gives it
    ("htn", "hypertension"): {"HTN": 19, "htn": 1},
    ("asa", "acetylsalicylic acid"): {"ASA.": 1, "asa": 20, "ASA": 14},
    ("asa", "american society of anesthesiologists"): {"ASA": 6},
    ("hx", "history"): {"Hx": 9, "hx": 8, "HX": 2, "hx.": 2},
    ("cbc", "complete blood count"): {"C.B.C.": 40, "cbc": 2},  # "C.B.C" is not the word
    ("neg", "negative"): {"neg": 12, "Neg": 11},
    ("dm", "diabetes mellitus"): {"DM": 16, "dm": 16},  # a tie: a fixed choice, the spelling sorting last
}


def test_spelled_forms_take_each_short_forms_commonest_spelling_over_its_senses():
    # "ASA" 1 + 14 + 6 times over two senses against "asa" 20; "hx" 8 + 2 against "Hx" 9; "C.B.C" is no spelling of "cbc"
    assert spelled_forms(SPELLINGS) == {"htn": "HTN", "asa": "ASA"}
    assert spelled_forms(dict(reversed(list(SPELLINGS.items())))) == spelled_forms(SPELLINGS)


def test_spelled_forms_fill_only_the_words_the_text_does_not_teach():
    text = [*TEXT, ["She", "has", "a", "hx", "of", "asthma", "."], ["No", "hx", "given", "."]]
    table = TruecaseTable.learn(text, spelled_forms(SPELLINGS))
    # "htn" is taught by the text (HTN), "asa" is not
    assert table.forms == {**TruecaseTable.learn(text).forms, "asa": "ASA"}
    spelled = {"hx": "Hx", "asa": "ASA", "boston": "BOSTON"}
    assert TruecaseTable.learn(text, spelled).forms == table.forms  # hx: lower case in the text, so not in the table
    assert table.recase(["pt", "on", "asa", "for", "htn", "."]) == ["pt", "on", "ASA", "for", "HTN", "."]
    assert TruecaseTable.learn(TEXT, {}) == TruecaseTable.learn(TEXT) == TruecaseTable.learn(TEXT, None)


@pytest.mark.parametrize("casing, abbreviations", [
    ({"spellings": True}, {"long_form": ["last_word"], "senses": "clinical"}),  # no truecasing to fill
    ({"truecase": True, "spellings": True}, {}),  # no inventory to read
])
def test_spellings_need_truecasing_and_an_inventory(casing, abbreviations):
    spec = crfner.load_feature_set("tutorial").to_dict()
    spec.update(name="tc", casing=casing, **({"abbreviations": abbreviations} if abbreviations else {}))
    with pytest.raises(FeatureSetError, match=r"\[casing\] spellings fills the truecasing table"):
        crfner.load_feature_set(spec)


def test_an_inventory_without_spellings_is_refused_at_fit(tmp_path, small_train):
    inventory = tmp_path / "senses.tsv"
    inventory.write_text("htn\thypertension\t1\n", encoding="utf-8")  # Stetson's shape: no variation column
    spec = _truecasing_set()
    spec.update(casing={"truecase": True, "spellings": True}, abbreviations={"long_form": ["last_word"], "senses": str(inventory)})
    X, y = small_train
    with pytest.raises(FeatureSetError, match="records how notes spell"):
        CRFTagger(features=spec, max_iterations=2).fit(X[:20], y[:20])


def test_keeping_words_drops_only_capitals_past_a_words_first_letter():
    table = TruecaseTable({"pt": "PT", "abd": "Abd", "htn": "HTN", "meq": "mEq"})
    kept = table.keeping_words(["pt", "abd", "meq", "not-in-the-table"])
    assert kept.forms == {"abd": "Abd", "htn": "HTN"}  # "Abd" is written like a word, HTN was not asked for
    assert kept.recase(["PT", "WITH", "HTN", "AND", "ABD", "PAIN"]) == ["pt", "with", "HTN", "and", "Abd", "pain"]
    assert table.forms["pt"] == "PT" and table.keeping_words([]) == table  # a new table; the old one is unchanged


@pytest.mark.parametrize("casing, abbreviations", [
    ({"keep_words": True}, {"long_form": ["last_word"], "senses": "clinical"}),  # no truecasing to keep them out of
    ({"truecase": True, "keep_words": True}, {}),  # no senses to read words from
])
def test_keep_words_needs_truecasing_and_an_inventory(casing, abbreviations):
    spec = crfner.load_feature_set("tutorial").to_dict()
    spec.update(name="tc", casing=casing, **({"abbreviations": abbreviations} if abbreviations else {}))
    with pytest.raises(FeatureSetError, match=r"\[casing\] keep_words keeps the short forms"):
        crfner.load_feature_set(spec)
    spec.update(casing={"truecase": True, "keep_words": "yes"})
    with pytest.raises(FeatureSetError, match="keep_words"):
        crfner.load_feature_set(spec)


def test_a_short_form_read_as_a_word_keeps_a_words_case_in_a_one_case_sentence(tmp_path, small_train):
    """The text teaches PT (prothrombin time); notes write pt for the patient, and the senses read
    it as a word, so with keep_words a note in one case keeps pt rather than case reports' PT."""
    inventory = tmp_path / "senses.tsv"
    inventory.write_text("abbreviation\tsense\tvariation\tCUI\tfrequency\npt\tpatient\tpt_8|Pt_5|PT_1\tc0030705\t0.93\n"
                         "htn\thypertension\tHTN_19\tc0020538\t1\n", encoding="utf-8")
    X, y = small_train
    unlabeled = [["The", "PT", "was", "prolonged", "."]] * 3
    tables = {}
    for keep in (False, True):
        spec = _truecasing_set()
        spec.update(casing={"truecase": True, "keep_words": keep},
                    abbreviations={"long_form": ["last_word"], "senses": str(inventory)})
        tagger = CRFTagger(features=spec, max_iterations=2, unlabeled_text=unlabeled).fit(X[:100], y[:100])
        assert "pt" in tagger.resources_.senses.as_words
        tables[keep] = tagger.resources_.truecase
    assert tables[False].forms["pt"] == "PT" and "pt" not in tables[True].forms
    assert {**tables[True].forms, "pt": "PT"} == tables[False].forms  # nothing else changed
    assert tables[True].recase(["PT", "RESTING", "."]) == ["pt", "resting", "."]
