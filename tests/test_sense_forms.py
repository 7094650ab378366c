"""Abbreviation senses as long forms (``[abbreviations] senses``): which tokens are looked up,
which sense each short form keeps, how the features reach a token the document does not
define, how the forms travel in the model directory, and one-line errors for damaged files and
declarations."""

from __future__ import annotations

import pytest
from conftest import write

from crfner import CRFTagger, DataFormatError, FeatureSetError, load_feature_set
from crfner.featurize.abbreviations import abbreviation_features
from crfner.featurize.featurizer import Resources
from crfner.featurize.sense_forms import SenseForms, abbreviated, forms_from_rows

INVENTORY = """abbreviation\tsense\tvariation\tCUI\tfrequency
htn\thypertension\tHTN_9|htn_9\tc1\t1
ms\tms.\tMS_3\tc2\t0.98
ms\tmultiple sclerosis\tMS_1\tc3\t0.6
cd\tcompact disc\tCD_2\tc4\t0.4
as\tnot an abbreviation\tas_1\tc5\t1
bid\ttwice a day\tBID_5|bid_6\tc6\t1
s/p\tstatus post\ts/p_3\tc7\t1
of\toverflow\tof_1\tc8\t1
hit\theparin-induced thrombocytopenia\tHIT_8\tc9\t1
"""


@pytest.mark.parametrize("token", ["HTN", "DM2", "mEq", "q6h", "s/p", "b.i.d.", "CT"])
def test_tokens_written_like_abbreviations_are_looked_up(token):
    assert abbreviated(token)


@pytest.mark.parametrize("token", ["as", "Pt", "As", "mg", "A", "12", "--", "Hypertension"])
def test_words_are_not_looked_up(token):
    assert not abbreviated(token)


def test_each_short_form_keeps_its_usual_sense():
    forms = forms_from_rows([(a, s, 1.0 if p is None else p) for a, s, p in [
        ("HTN", "hypertension", None), ("ms", "ms.", 0.98), ("ms", "multiple  sclerosis", 0.6), ("cd", "compact disc", 0.4),
        ("as", "not an abbreviation (a word)", 1.0), ("bid", "twice a day", 1.0)]])
    # "ms." is the short form again, "not an abbreviation" no sense, and 0.4 under the share
    assert forms.forms == {"bid": "twice a day", "htn": "hypertension", "ms": "multiple sclerosis"}
    assert forms_from_rows([("cd", "compact disc", 0.4)], min_share=0.3).forms == {"cd": "compact disc"}
    assert forms.long_form("HTN") == "hypertension" and forms.long_form("B.I.D.") == "twice a day"
    assert forms.long_form("htn") is None  # written as a word, and no counts say it is rare as one
    assert forms.long_form("MS") == "multiple sclerosis" and forms.long_form("DM2") is None


def test_a_short_form_rare_as_a_word_is_looked_up_when_written_as_one():
    rows = [("neg", "negative", 1.0), ("as", "arterial stiffness", 0.9), ("hr", "heart rate", 0.9), ("s/p", "status post", 1.0)]
    counts = {"as": 5000, "hr": 10, "neg": 9, "Neg": 40}  # only lower-case uses count
    forms = forms_from_rows(rows, word_counts=counts)
    assert forms.as_words == {"neg"}  # "s/p" is looked up anyway: written like an abbreviation
    assert [forms.long_form(t) for t in ("neg", "Neg", "NEG", "nEG", "as", "As", "AS", "hr", "HR")] == [
        "negative", "negative", "negative", "negative", None, None, "arterial stiffness", None, "heart rate"]


def test_notes_spelling_of_the_kept_sense_decides_which_rare_short_forms_are_read_as_words():
    rows = [("neg", "negative", 1.0), ("hit", "heparin-induced thrombocytopenia", 1.0), ("pt", "patient", 0.9),
            ("cap", "capsule", 0.3), ("cap", "community acquired pneumonia", 0.9), ("sob", "shortness of breath", 1.0),
            ("am", "morning", 1.0), ("s/p", "status post", 1.0)]
    spellings = {("neg", "negative"): {"Neg": 12, "NEG": 4, "neg": 11}, ("hit", "heparin-induced thrombocytopenia"): {"HIT": 8},
                 ("pt", "patient"): {"Pt.": 1, "Pt": 7, "pt": 5}, ("cap", "capsule"): {"cap": 56},
                 ("cap", "community acquired pneumonia"): {"CAP": 4}, ("sob", "shortness of breath"): {"sob": 4, "SOB": 16}}
    rare = dict.fromkeys(["neg", "hit", "pt", "cap", "sob", "am"], 0)
    forms = forms_from_rows(rows, word_counts=rare, spellings=spellings)
    # "cap" keeps pneumonia, which notes write CAP: its lower-case "cap" (capsule) does not count;
    # "am" has no recorded spelling, so no evidence that notes write it as a word
    assert forms.as_words == {"neg", "pt"}
    assert [forms.long_form(t) for t in ("neg", "Pt", "hit", "HIT", "cap", "CAP", "sob", "SOB", "am")] == [
        "negative", "patient", None, "heparin-induced thrombocytopenia", None, "community acquired pneumonia",
        None, "shortness of breath", None]
    # an inventory that records no spellings leaves the choice to the word counts alone
    assert forms_from_rows(rows, word_counts=rare).as_words == {"neg", "hit", "pt", "cap", "sob", "am"}


def test_an_undefined_short_form_gets_its_senses_long_form_and_a_defined_one_its_own():
    forms = SenseForms({"htn": "hypertension", "ra": "room air"})

    def lexicon(token):
        long = forms.long_form(token)
        return None if long is None else [("abbr:last", long.split()[-1]), ("abbr:lexicon", 1.0)]

    sentences = [["rheumatoid", "arthritis", "(", "RA", ")", "and", "HTN"], ["RA", "on", "HTN", "."]]
    pairs = abbreviation_features(sentences, ["last_word"], (), lexicon)
    assert ("abbr:last", "arthritis") in pairs[0][3] and ("abbr:lexicon", 1.0) not in pairs[1][0]  # the document's sense
    assert pairs[0][6] == [("abbr:last", "hypertension"), ("abbr:lexicon", 1.0)] == pairs[1][2]
    assert pairs[1][1] == [] and pairs[1][3] == []
    assert abbreviation_features(sentences, ["last_word"])[1][2] == []  # no lexicon, no sense


def test_forms_round_trip_through_their_file(tmp_path):
    forms = forms_from_rows([("htn", "hypertension", 1.0), ("s/p", "status post", 1.0)], word_counts={"htn": 3})
    assert forms.as_words == {"htn"}
    forms.save(tmp_path / "s.tsv")
    assert SenseForms.load(tmp_path / "s.tsv") == forms
    assert SenseForms.load(tmp_path / "s.tsv").sha256() == forms.sha256()


@pytest.mark.parametrize(
    "content,line,problem",
    [
        ("short\tlong\n", 1, "header"),
        ("short\tlong\tas_word\nhtn\thypertension\n", 2, "expected 'short<TAB>long<TAB>as_word'"),
        ("short\tlong\tas_word\nhtn\thypertension\ty\r\n", 2, "expected 'short<TAB>long<TAB>as_word'"),
        ("short\tlong\tas_word\nhtn\thypertension\tn\nbid\ttwice a day\tn\n", 3, "out of order or repeated"),
        ("short\tlong\tas_word\nHTN\thypertension\tn\n", 2, "case folded"),
        ("short\tlong\tas_word\nhtn\t \tn\n", 2, "empty, padded"),
        ("short\tlong\tas_word\nhtn\thypertension\tyes\n", 2, "not y or n"),
    ],
)
def test_a_damaged_forms_file_names_its_file_and_line(tmp_path, content, line, problem):
    path = write(tmp_path / "s.tsv", content)
    with pytest.raises(DataFormatError, match=problem) as error:
        SenseForms.load(path)
    assert f"{path}, line {line}:" in str(error.value) and "\n" not in str(error.value)


def _sense_set(inventory, **options) -> dict:
    spec = load_feature_set("tutorial").to_dict()
    spec["abbreviations"] = {"long_form": ["last_word", "suffix3"], "senses": str(inventory), **options}
    return spec


@pytest.mark.parametrize(
    "abbreviations,problem",
    [
        ({"senses": "clinical"}, "declare long_form too"),
        ({"long_form": ["last_word"], "min_share": 0.5}, "min_share needs senses"),
        ({"long_form": ["last_word"], "expand": "words"}, "expand needs senses"),
        ({"long_form": ["last_word"], "as_words": "spelled"}, "as_words needs senses"),
        ({"long_form": ["last_word"], "senses": "clinical", "as_words": "often"}, "expected \"rare\""),
        ({"long_form": ["last_word"], "senses": "clinical", "expand": True}, "expected \"words\""),
        ({"long_form": ["last_word"], "senses": "clinical", "min_share": 0}, "above 0 and at most 1"),
        ({"long_form": ["last_word"], "senses": "clinical", "min_share": 1.5}, "above 0 and at most 1"),
        ({"long_form": ["last_word"], "senses": ""}, "expected a sense inventory"),
    ],
)
def test_a_malformed_declaration_is_refused(abbreviations, problem):
    spec = load_feature_set("tutorial").to_dict()
    spec["abbreviations"] = abbreviations
    with pytest.raises(FeatureSetError, match=problem):
        load_feature_set(spec)


def test_a_missing_inventory_is_refused(tmp_path, small_train):
    X, y = small_train
    with pytest.raises(FeatureSetError, match="abbreviation senses need .*vanderbilt_clinic_notes.tsv"):
        CRFTagger(features=_sense_set("clinical"), data_dir=tmp_path).fit(X[:20], y[:20])
    with pytest.raises(FeatureSetError, match="unknown sense inventory"):
        CRFTagger(features=_sense_set(tmp_path / "nothing.tsv"), data_dir=tmp_path).fit(X[:20], y[:20])
    with pytest.raises(FeatureSetError, match="reads abbreviation senses, but none were read or loaded"):
        load_feature_set(_sense_set("clinical")).featurizer(Resources())


def test_a_model_reads_the_senses_and_keeps_them(tmp_path, small_train):
    X, y = small_train
    inventory = write(tmp_path / "senses.tsv", INVENTORY)
    tagger = CRFTagger(features=_sense_set(inventory, as_words="spelled"), max_iterations=10).fit(X[:200], y[:200])
    tokens = ["Pt", "with", "HTN", "s/p", "MS", "and", "as", "htn", "of", "OF"]
    features = tagger.feature_set_.featurizer(tagger.resources_)(tokens)
    assert features[2]["abbr:last"] == "hypertension" and features[2]["abbr:lexicon"] == 1.0
    assert features[3]["abbr:last"] == "post" and features[4]["abbr:last"] == "sclerosis"
    # "htn" is not a word of the training text, so it is looked up written as one; "of" is
    assert features[7]["abbr:last"] == "hypertension" and features[9]["abbr:last"] == "overflow"
    assert tagger.resources_.senses.as_words >= {"htn", "bid"} and "of" not in tagger.resources_.senses.as_words
    # notes write "hit" (heparin-induced thrombocytopenia) only in capitals: the verb stays a word
    assert "hit" not in tagger.resources_.senses.as_words
    hit = tagger.feature_set_.featurizer(tagger.resources_)(["she", "hit", "her", "head", ";", "HIT"])
    assert "abbr:last" not in hit[1] and hit[5]["abbr:last"] == "thrombocytopenia"
    assert not any(k.startswith("abbr") for i in (0, 1, 5, 6, 8) for k in features[i])
    saved = tagger.save(tmp_path / "m")
    assert SenseForms.load(saved / "senses.tsv") == tagger.resources_.senses
    inventory.unlink()  # the model needs no inventory once trained
    loaded = CRFTagger.load(saved)
    assert loaded.resources_.senses == tagger.resources_.senses
    assert loaded.predict(X[200:260]) == tagger.predict(X[200:260])
    assert loaded.feature_set_.featurizer(loaded.resources_)(["HTN"])[0]["abbr:last"] == "hypertension"


def test_in_a_note_written_in_one_case_truecasing_decides_first():
    # the README's stated limit: truecasing restores "hit" to its usual form in case reports and
    # abstracts, "HIT", before the spelling rule is asked, so an all lower-case "hit" is read as HIT
    from crfner.featurize.truecase import TruecaseTable

    spec = _sense_set("unused.tsv", as_words="spelled")
    spec["casing"] = {"truecase": True}
    senses = SenseForms({"hit": "heparin-induced thrombocytopenia", "neg": "negative"}, frozenset({"neg"}))
    featurize = load_feature_set(spec).featurizer(Resources(truecase=TruecaseTable({"hit": "HIT"}), senses=senses))
    mixed, lower = featurize(["She", "hit", "her", "head", "."]), featurize(["she", "hit", "her", "head", "."])
    assert "abbr:last" not in mixed[1]
    assert lower[1]["abbr:last"] == "thrombocytopenia"


def test_the_abbreviated_copy_replaces_whole_entities_outside_definitions():
    from conftest import load_benchmark

    note_copies = load_benchmark("note_copies")
    forms = {("hypertension",): "HTN", ("computed", "tomography"): "CT"}
    X = [["History", "of", "hypertension", ";", "computed", "tomography", "showed", "Hypertension"],
         ["computed", "tomography", "(", "CT", ")", "and", "severe", "hypertension"]]
    y = [["O", "O", "B-Disease", "O", "B-Diagnostic", "I-Diagnostic", "O", "B-Disease"],
         ["B-Diagnostic", "I-Diagnostic", "O", "B-Diagnostic", "O", "O", "B-Disease", "I-Disease"]]
    X2, y2, replaced = note_copies.abbreviate(X, y, forms)
    assert X2[0] == ["History", "of", "HTN", ";", "CT", "showed", "HTN"]
    assert y2[0] == ["O", "O", "B-Disease", "O", "B-Diagnostic", "O", "B-Disease"]
    # a definition stays, and so does an entity longer than the long form ("severe hypertension")
    assert (X2[1], y2[1]) == (X[1], y[1]) and replaced == 3


def test_expand_reads_an_undefined_short_form_as_its_long_forms_last_word(tmp_path, small_train):
    import numpy as np

    X, y = small_train
    inventory = write(tmp_path / "senses.tsv", INVENTORY)
    spec = _sense_set(inventory, expand="all")
    spec["token"] = {"norm": True, "suffixes": [3]}
    spec["context"] = {"offsets": [-1, 1], "features": ["norm"], "conjunctions": [[-1, 0]], "conjoin": "norm"}
    tagger = CRFTagger(features=spec, max_iterations=20).fit(X[:300] + [["HTN", "and", "BID", "dosing"]], y[:300] + [["O"] * 4])
    featurizer = tagger.feature_set_.featurizer(tagger.resources_)
    document = [["multiple", "sclerosis", "(", "MS", ")", "and", "HTN"], ["MS", "with", "HTN", "b.i.d."]]
    features = featurizer.document(document)
    assert features[0][6]["norm"] == "hypertension" and features[0][6]["-1|+0:norm"] == "and|hypertension"
    assert features[1][0]["norm"] == "ms" and features[1][1]["-1:norm"] == "ms"  # defined here: read as written
    assert features[1][2]["norm"] == "hypertension" and features[1][3]["norm"] == "day" and features[1][3]["abbr:lexicon"] == 1.0
    # the fast scorer reads the same words as the feature strings
    for scores, attributes in zip(tagger._scorer.document(document), featurizer.document_attributes(document)):
        np.testing.assert_allclose(scores, tagger.weights_.emissions(attributes), rtol=0, atol=1e-9)
    assert any(a == b"norm:hypertension" for a in tagger.weights_.attributes)


def test_expand_words_reads_only_short_forms_written_like_words(tmp_path, small_train):
    X, y = small_train
    spec = _sense_set(write(tmp_path / "senses.tsv", INVENTORY), expand="words")
    spec["token"], spec["context"] = {"norm": True}, {}
    tagger = CRFTagger(features=spec, max_iterations=5).fit(X[:100], y[:100])
    features = tagger.feature_set_.featurizer(tagger.resources_)(["HTN", "or", "htn", "Htn", "of"])
    assert [f["norm"] for f in features] == ["htn", "or", "hypertension", "hypertension", "of"]
    assert features[0]["abbr:lexicon"] == 1.0 == features[2]["abbr:lexicon"] and "abbr:lexicon" not in features[4]


def test_the_clinical_inventories_keep_english_words_out_of_word_lookups(data_dir):
    from crfner.corpora.abbreviation_senses import inventory_rows, inventory_spellings, read_inventory

    rows, spellings = read_inventory("clinical", data_dir)
    assert rows == inventory_rows("clinical", data_dir) and spellings == inventory_spellings("clinical", data_dir)
    everything_rare = forms_from_rows(rows, word_counts={}, spellings=spellings)
    # short forms notes write in lower case or with a capital first are read as words ...
    assert {"neg", "pt", "abd", "prn", "hx"} <= everything_rare.as_words
    # ... English words whose sense notes write in capitals (HIT, CAP, PET) or never record are not
    assert not {"hit", "cap", "pet", "bad", "am", "dip"} & everything_rare.as_words
    # ... nor are short forms notes mostly write in capitals (htn: HTN 38, htn 2; sob: SOB 34, sob 5)
    assert not {"htn", "sob"} & everything_rare.as_words
    assert everything_rare.long_form("HIT") == "heparin-induced thrombocytopenia"
