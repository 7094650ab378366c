"""Orthography, shape, normalised words, affixes and context: expected features on hand-written sentences."""

from __future__ import annotations

import pytest

from crfner.featurize.context import Context, add_context, attribute
from crfner.featurize.featureset import FeatureSet
from crfner.featurize.lexical import normalise
from crfner.featurize.orthography import FLAGS, case_pattern, is_formula, is_greek, length_bin
from crfner.featurize.shape import long_shape, short_shape


def flags_of(word):
    return {name for name, test in FLAGS.items() if test(word)}


@pytest.mark.parametrize(
    "word,expected",
    [
        ("Aspirin", {"title"}),
        ("IL6", {"upper", "has_digit", "alnum_mix"}),
        ("mRNA", {"inner_upper"}),
        ("1999", {"digit", "has_digit"}),
        ("-", {"punct", "single_char"}),
        ("β", {"all_lower", "greek", "single_char"}),
        ("beta", {"all_lower", "greek"}),
        ("III", {"upper", "roman"}),
        ("H2O", {"upper", "title", "has_digit", "alnum_mix", "formula"}),  # str.istitle: "H", "O" after uncased
        ("5-FU", {"upper", "has_digit", "alnum_mix", "has_hyphen"}),
        ("and/or", {"all_lower", "has_slash"}),
    ],
)
def test_flags(word, expected):
    assert flags_of(word) == expected


def test_chemical_and_greek_helpers():
    assert is_formula("NaHCO3") and is_formula("CO2") and not is_formula("CO") and not is_formula("5FU")
    assert not is_formula("Il2b") and not is_formula("IL6") and is_formula("CaCl2")
    assert is_greek("Alpha") and is_greek("α-helix") and not is_greek("alphabet")


def test_case_length_shape_and_norm():
    assert [case_pattern(w) for w in ("ABC", "abc", "Abc", "mRNA", "12")] == ["upper", "lower", "title", "mixed", "none"]
    assert [length_bin(w) for w in ("a", "ab", "abcd", "abcdefg", "a" * 12, "a" * 13)] == ["1", "2", "3-4", "5-7", "8-12", "13+"]
    assert long_shape("IL-2Rα") == "XX-dXx" and long_shape("Abcd12") == "Xxxxdd"
    assert short_shape("Abcd12") == "Xxd" and short_shape("IL-22") == "X-d"
    assert normalise("IL-12b") == "il-00b"


def test_context_window_conjunctions_and_wildcards():
    tokens = [{"norm": "a", "gaz:d": "B", "gaz:d:exact": 1.0, "x": "1"}, {"norm": "b"}, {"norm": "c", "x": "3"}]
    out = add_context(tokens, [-2, -1, 1], ["norm", "gaz:*"], True, [[-1, 0], [0, 1]], "norm")
    assert out[0] == {
        "norm": "a", "gaz:d": "B", "gaz:d:exact": 1.0, "x": "1", "+1:norm": "b",
        "-1|+0:norm": "<s>|a", "+0|+1:norm": "a|b", "BOS": 1.0,
    }
    assert out[2] == {
        "norm": "c", "x": "3", "-2:norm": "a", "-2:gaz:d": "B", "-2:gaz:d:exact": 1.0, "-1:norm": "b",
        "-1|+0:norm": "b|c", "+0|+1:norm": "c|</s>", "EOS": 1.0,
    }


def test_conjunctions_of_other_features_join_their_values():
    tokens = [{"norm": "a", "shape": "x"}, {"norm": "b", "shape": "X"}, {"norm": "c"}]
    out = add_context(tokens, [], [], False, [[0, 1]], "norm", {"shape": [[-1, 0], [-1, 0, 1]]})
    assert out[1] == {"norm": "b", "shape": "X", "+0|+1:norm": "b|c", "-1|+0:shape": "x|X", "-1|+0|+1:shape": "x|X|"}
    # a word without the feature joins an empty value; beyond the sentence, the boundary marks
    assert out[0]["-1|+0:shape"] == "<s>|x" and out[2]["-1|+0:shape"] == "X|"
    assert add_context([], [], [], False, [[0, 1]], "norm", {"shape": [[-1, 0]]}) == []


def test_known_attributes_filter_what_neighbours_see():
    context = Context([-1, 1], ["norm"], False)
    projected = context.project({"norm": "a", "x": 1.0}, known={b"+1:norm:a"})
    assert projected == [[], [("+1:norm", "a", b"+1:norm:a")]]
    assert attribute("lower", "x") == "lower:x" and attribute("title", 1.0) == "title"


def test_dicts_and_attribute_strings_say_the_same():
    spec = {"name": "t", "version": 1, "token": {"lower": True, "suffixes": [2], "flags": ["title"]},
            "context": {"offsets": [-1, 1], "features": ["lower", "title"], "conjunctions": [[0, 1]], "boundaries": True}}
    featurizer = FeatureSet.from_dict(spec).featurizer()
    tokens = ["Heart", "failure", "."]
    dicts = featurizer(tokens)
    attrs = featurizer.attributes(tokens)
    assert [sorted(attribute(n, v) for n, v in d.items()) for d in dicts] == [sorted(a.decode() for a in t) for t in attrs]
    assert dicts[1] == {"lower": "failure", "suf2": "re", "-1:lower": "heart", "-1:title": 1.0, "+1:lower": ".",
                        "+0|+1:lower": "failure|."}
