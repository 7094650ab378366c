"""Frequencies and routes the tokenizer cut at their marks (``b . i . d``, ``p . o``), read whole
with ``[abbreviations] joined``: which runs are joined, what the features then see, and that the
reading keeps one word per token."""

from hypothesis import given, settings
from hypothesis import strategies as st

from crfner.featurize.featureset import load_feature_set
from crfner.featurize.joined import MARKS, joined_forms
from crfner.text.tokenizer import tokenize

KNOWN = {"b.i.d", "p.o", "c/o", "q.4.h", "w/o"}


def words(text):
    return [t.text for t in tokenize(text)]


def test_a_known_run_is_read_whole_by_each_of_its_tokens_and_a_final_full_stop_is_left_out():
    assert joined_forms(words("metformin 500 mg p.o. b.i.d."), KNOWN.__contains__) == [
        "metformin", "500", "mg", "p.o", "p.o", "p.o", ".", "b.i.d", "b.i.d", "b.i.d", "b.i.d", "b.i.d", "."]


def test_the_longest_known_run_wins_and_a_run_ends_on_a_part():
    assert joined_forms(words("pt w/ HTN, w/o pain"), KNOWN.__contains__) == [
        "pt", "w", "/", "HTN", ",", "w/o", "w/o", "w/o", "pain"]
    assert joined_forms(words("q.4.h."), KNOWN.__contains__) == ["q.4.h"] * 5 + ["."]
    assert joined_forms(words("q.4.h."), {"q.4"}.__contains__) == ["q.4", "q.4", "q.4", ".", "h", "."]


def test_unknown_runs_and_lone_marks_are_left_as_they_are():
    for text in ("E/A ratio 0.8", "HTN/DM", "and/or", "p.", "/o", "U.S. FDA"):
        assert joined_forms(words(text), KNOWN.__contains__) == words(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["b", "i", "d", "c", "o", "w", "p", "q", "4", "h", ".", "/", "mg", ",", "mouth"]), max_size=14))
def test_every_token_is_itself_or_part_of_one_contiguous_known_run(tokens):
    """The reading has one word per token; each changed token reads the joined text of a block
    of consecutive tokens around it, every token of which reads the same."""
    out = joined_forms(tokens, KNOWN.__contains__)
    assert len(out) == len(tokens)
    i = 0
    while i < len(tokens):
        if out[i] == tokens[i] and not (out[i] in KNOWN and tokens[i] not in MARKS):
            i += 1
            continue
        j = i
        while j < len(tokens) and out[j] == out[i] and "".join(tokens[i:j + 1]) != out[i]:
            j += 1
        assert j < len(tokens) and "".join(tokens[i:j + 1]) == out[i] and out[i] in KNOWN, (tokens, out)
        assert all(word == out[i] for word in out[i:j + 1])
        i = j + 1


SET = {"name": "joined-test", "version": 1, "token": {"norm": True, "clinical": ["frequency", "route", "unit", "abbreviation"]}}


def test_by_default_only_frequencies_and_routes_are_read_whole():
    tokens = words("metformin 500 mg p.o. b.i.d., s.c. q.4.h., Pt c/o SOB, 64 y/o, s/p CABG, U.S. FDA, ALT 45 U/L")
    out = joined_forms(tokens)
    changed = sorted({word for word, token in zip(out, tokens) if word != token})
    assert changed == ["b.i.d", "p.o", "q.4.h", "s.c"]


def test_the_patterns_see_the_joined_form_only_where_the_set_declares_it():
    tokens = words("metformin 500 mg p.o. b.i.d. c/o SOB, ALT 45 U/L")
    plain = load_feature_set(SET).featurizer()(tokens)
    joined = load_feature_set({**SET, "abbreviations": {"joined": True}}).featurizer()(tokens)
    assert len(joined) == len(tokens)
    position = {word: tokens.index(word) for word in ("p", "b", "c", "U", "L")}
    assert all("clin:freq" not in f and "clin:route" not in f for f in plain)  # b, ., i, ... alone are neither
    assert [("clin:route" in f) for f in joined[position["p"]:position["p"] + 3]] == [True] * 3
    assert [("clin:freq" in f) for f in joined[position["b"]:position["b"] + 5]] == [True] * 5
    assert {f["norm"] for f in joined[position["b"]:position["b"] + 5]} == {"b.i.d"}
    # the full stop after the run, ward shorthand and units are read as before
    assert joined[position["b"] + 5] == plain[position["b"] + 5]
    assert joined[position["c"]:position["L"] + 1] == plain[position["c"]:position["L"] + 1]


def test_the_senses_read_the_joined_form():
    from crfner.featurize.featurizer import Resources
    from crfner.featurize.sense_forms import SenseForms

    spec = {**SET, "abbreviations": {"long_form": ["last_word"], "senses": "clinical", "joined": True}}
    featurize = load_feature_set(spec).featurizer(Resources(senses=SenseForms({"po": "by mouth"}, frozenset())))
    tokens = words("aspirin 81 mg p.o. daily")
    assert [f.get("abbr:last") for f in featurize(tokens)] == [None, None, None, "mouth", "mouth", "mouth", None, None]


def test_on_the_quick_start_note_only_the_medication_lines_read_otherwise():
    """What the README says of its note: the option reads the p.o. and b.i.d. of the medication
    list whole and leaves every other word, "64 y/o woman w/ HTN" among them, as written."""
    from conftest import REPO

    tokens = words((REPO / "examples" / "notes" / "discharge_note.txt").read_text(encoding="utf-8"))
    out = joined_forms(tokens)
    assert {word for word, token in zip(out, tokens) if word != token} == {"p.o", "b.i.d"}
    assert sum(word == "p.o" for word in out) == 5 * 3
    start = tokens.index("y") - 2
    assert out[start:start + 8] == tokens[start:start + 8] == ["a", "64", "y", "/", "o", "woman", "w", "/"]
