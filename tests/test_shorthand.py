"""Slash shorthand (``c / o``, ``y / o``, ``w /``) read as the words it stands for with
``[abbreviations] shorthand``: which runs are read, how each token of a run reads, that the
reading keeps one word per token, that the forms are what the abbreviation inventory says, and
what the features then see."""

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crfner.errors import FeatureSetError
from crfner.featurize.featureset import load_feature_set
from crfner.featurize.shorthand import SHORTHAND, glued, reading, shorthand_words
from crfner.text.tokenizer import tokenize


def words(text):
    return [t.text for t in tokenize(text)]


def test_each_run_reads_as_its_phrase_with_the_last_token_as_the_last_word():
    assert shorthand_words(words("Pt c/o SOB.")) == ["Pt", "complained", "complained", "of", "SOB", "."]
    assert shorthand_words(words("67 y/o F w/ HTN, s/p CABG")) == [
        "67", "year", "year", "old", "F", "with", "with", "HTN", ",", "status", "status", "post", "CABG"]
    assert shorthand_words(words("h/o DM2 w/o complications")) == [
        "history", "history", "of", "DM2", "without", "without", "without", "complications"]
    assert shorthand_words(words("n/v x2 days")) == ["nausea", "/", "vomiting", "x2", "days"]


def test_reading_repeats_the_word_before_the_last_to_fill_the_run():
    assert reading("complained of", 3) == ("complained", "complained", "of")
    assert reading("with", 2) == ("with", "with")
    assert reading("without", 3) == ("without", "without", "without")
    assert reading("nausea / vomiting", 3) == ("nausea", "/", "vomiting")


def test_any_case_and_a_run_at_the_end_of_a_sentence():
    assert shorthand_words(words("PT C/O CP")) == ["PT", "complained", "complained", "of", "CP"]
    assert shorthand_words(words("S/P cath")) == ["status", "status", "post", "cath"]
    assert shorthand_words(words("seen w/")) == ["seen", "with", "with"]


def test_units_concentrations_longer_runs_and_other_slashes_are_left_as_they_are():
    for text in ("ALT 45 U/L", "Hb 9 g/dl", "5% w/v", "1% w/w", "a/w/o", "c/o/p", "x/c/o", "E/A ratio 0.8", "HTN/DM",
                 "and/or", "120/80", "d/c home", "b/l LE edema", "c", "/o", "w", "o/"):
        assert shorthand_words(words(text)) == words(text), text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["c", "o", "w", "y", "s", "p", "n", "v", "x", "/", "mg", "HTN", ",", "67"]), max_size=14))
def test_every_token_is_itself_or_one_of_a_known_run_read_in_place(tokens):
    """One word per token; each changed token is inside a run of consecutive tokens that spell a
    known form (first part, ``/``, perhaps a second part) and read as that form's reading."""
    out = shorthand_words(tokens)
    assert len(out) == len(tokens)
    readings = {}
    for form, phrase in SHORTHAND.items():
        cut = words(form)
        readings[tuple(cut)] = reading(phrase, len(cut))
    i = 0
    while i < len(tokens):
        for run, read in readings.items():
            if tuple(t.lower() for t in tokens[i:i + len(run)]) == run and tuple(out[i:i + len(run)]) == read:
                i += len(run)
                break
        else:
            assert out[i] == tokens[i], (tokens, out)
            i += 1


def test_the_tokenizer_cuts_every_form_into_the_run_that_is_read():
    for form, phrase in SHORTHAND.items():
        cut = words(f"x {form} yes")[1:-1]
        assert shorthand_words(["x", *cut, "yes"])[1:-1] == list(reading(phrase, len(cut))), form
        assert len(cut) in (2, 3) and cut[1] == "/"


def test_the_forms_are_what_stetsons_list_says_they_stand_for(data_dir):
    """Each form but ``w/`` is in Stetson's clinical abbreviation list with its phrase as its
    usual sense; ``y/o`` is read "year old" (case reports write 67-year-old), the list's "years old",
    and ``c/o`` and ``p/w`` in the past tense case reports narrate in."""
    path = data_dir / "clinical" / "lexicons" / "abbreviations" / "stetson.tsv"
    if not path.is_file():
        pytest.skip("Stetson's abbreviation list is not in the data folder")
    senses: dict[str, list[tuple[float, str]]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) >= 3:
                senses.setdefault(row[0].lower(), []).append((float(row[2]), row[1].lower()))
    for form, phrase in SHORTHAND.items():
        if form == "w/":
            assert form not in senses
            continue
        usual = max(senses[form])[1]
        expected = {"y/o": "years old", "c/o": "complains of", "p/w": "presents with"}.get(form, phrase)
        assert words(usual) == words(expected), (form, usual)


@pytest.mark.parametrize("corpus", ["maccrobat", "phee"])
def test_the_clinical_corpora_hold_no_run_it_reads(data_dir, corpus):
    """Why version 14 of ``clinical`` tags MACCROBAT and PHEE as written as version 11 does: no
    sentence of any split, as tokenised, is changed by the reading."""
    import crfner

    folder = {"maccrobat": "MACCROBAT2020", "phee": "PHEE"}[corpus]
    if not (data_dir / "clinical" / folder).is_dir():
        pytest.skip(f"{folder} is not in the data folder")
    for split in ("train", "devel", "test"):
        X, _ = crfner.load_corpus(corpus, split, data_dir=data_dir)
        assert X and all(shorthand_words(tokens) == list(tokens) for tokens in X), (corpus, split)


SET = {"name": "shorthand-test", "version": 1, "token": {"norm": True, "flags": ["has_slash", "single_char"]},
       "context": {"offsets": [-2, -1], "features": ["norm"]}}


def test_the_features_read_the_words_only_where_the_set_declares_it():
    tokens = words("Pt c/o SOB. ALT 45 U/L")
    plain = load_feature_set(SET).featurizer()(tokens)
    read = load_feature_set({**SET, "abbreviations": {"shorthand": True}}).featurizer()(tokens)
    assert [f["norm"] for f in plain[1:4]] == ["c", "/", "o"]
    assert [f["norm"] for f in read[1:4]] == ["complained", "complained", "of"]
    assert not any("single_char" in f for f in read[1:4])
    sob = read[4]
    assert (sob["-1:norm"], sob["-2:norm"]) == ("of", "complained")
    assert (plain[4]["-1:norm"], plain[4]["-2:norm"]) == ("o", "/")
    # the lab value and its unit are read as written
    assert read[6:] == plain[6:]


def test_shorthand_must_be_true_or_false():
    with pytest.raises(FeatureSetError, match="shorthand"):
        load_feature_set({**SET, "abbreviations": {"shorthand": "yes"}})


def test_glued_marks_the_tokens_that_continue_a_run_read_as_one_phrase():
    assert glued(words("CAD s/p PCI")) == [False, False, True, True, False]
    assert glued(words("Pt c/o SOB w/ cough")) == [False, False, True, True, False, False, True, False]
    assert glued(words("n/v x2")) is None  # nausea / vomiting: two words, each may be an entity
    assert glued(words("ALT 45 U/L, a/w/o")) is None


def test_decoding_keeps_each_run_whole_where_a_model_learned_to_cut_it():
    """A model trained to end an entity inside ``s / p`` (``CAD status status`` | ``post``): its
    unconstrained best path cuts the run; ``predict`` and ``tag_text`` take it whole or leave it out."""
    from crfner import CRFTagger
    from crfner.crf.decoding import viterbi

    X = [["CAD", "s", "/", "p", "PCI", "."], ["HTN", "s", "/", "p", "CABG", "."], ["Pt", "stable", "."]] * 10
    y = [["B-D", "I-D", "I-D", "O", "B-P", "O"], ["B-D", "I-D", "I-D", "O", "B-P", "O"], ["O", "O", "O"]] * 10
    tagger = CRFTagger(features={**SET, "abbreviations": {"shorthand": True}}, max_iterations=50).fit(X, y)
    sentence = ["CAD", "s", "/", "p", "PCI", "."]
    weights = tagger.weights_
    free = viterbi([weights.emissions(tagger.token_attributes([sentence])[0])], weights.transition)[0]
    assert [weights.labels[k] for k in free][:4] == ["B-D", "I-D", "I-D", "O"]  # cut, as trained
    run = tagger.predict([sentence])[0][1:4]  # s / p
    assert run == ["O"] * 3 or (run[0][2:] == "D" and run[1:] == ["I-D"] * 2), run
    text = "Seen for CAD s/p PCI today."
    first, last = text.index("s/p"), text.index("s/p") + 3
    entities = tagger.tag_text(text)
    for entity in entities:
        assert not (first < entity.start < last or first < entity.end < last), entity
    # explain reads the same path: the same entities
    assert [(e.start, e.end, e.type) for e in tagger.explain(text).entities] == [(e.start, e.end, e.type) for e in entities]
