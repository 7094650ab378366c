"""Declared feature sets: loading, validation and the tutorial features on a hand-written sentence."""

from __future__ import annotations

import pytest
from conftest import write

from crfner import FeatureSetError, available_feature_sets, load_feature_set
from crfner.featurize.parallel import featurize_many


def test_tutorial_is_installed_with_its_training_parameters():
    assert "tutorial" in available_feature_sets()
    tutorial = load_feature_set("tutorial")
    assert (tutorial.name, tutorial.version) == ("tutorial", 1)
    assert tutorial.training == {
        "algorithm": "lbfgs", "c1": 0.1, "c2": 0.1, "max_iterations": 100, "all_possible_transitions": True
    }


def test_tutorial_features_of_a_hand_written_sentence():
    featurize = load_feature_set("tutorial").featurizer()
    first, middle, last = featurize(["NSAID", "Induced", "1999"])
    assert first == {
        "bias": 1.0, "lower": "nsaid", "suf3": "AID", "suf2": "ID", "upper": 1.0,
        "+1:lower": "induced", "+1:title": 1.0, "BOS": 1.0,
    }
    assert middle == {
        "bias": 1.0, "lower": "induced", "suf3": "ced", "suf2": "ed", "title": 1.0,
        "-1:lower": "nsaid", "-1:upper": 1.0, "+1:lower": "1999",
    }
    assert last["digit"] == 1.0 and last["EOS"] == 1.0 and "title" not in last and "+1:lower" not in last
    only = featurize(["a"])[0]
    assert only["BOS"] == only["EOS"] == 1.0 and only["suf3"] == "a"


def test_a_user_file_by_path(tmp_path):
    path = write(tmp_path / "mine.toml", 'name = "mine"\nversion = 3\n[token]\nlower = true\nprefixes = [1, 2]\n')
    mine = load_feature_set(str(path))
    assert mine.featurizer()(["Heart"]) == [{"lower": "heart", "pre1": "H", "pre2": "He"}]
    assert load_feature_set(mine.to_dict()).fingerprint() == mine.fingerprint()


@pytest.mark.parametrize(
    "text,message",
    [
        ('name = "x"\nversion = 1\n[token]\nsparkle = true\n', "unknown option token.sparkle"),
        ('name = "x"\nversion = 1\n[token]\nsuffixes = [0]\n', "token.suffixes = \\[0\\]: expected a list of lengths"),
        ('name = "x"\nversion = 1\n[token]\nflags = ["sparkly"]\n', "unknown flag.s. sparkly"),
        ('name = "x"\nversion = 1\n[training]\nc1 = -1\n', "training.c1 = -1"),
        ('name = "x"\nversion = 1\n[training]\nc2 = inf\n', "training.c2 = inf: expected a finite non-negative number"),
        ('name = "x"\nversion = 1\n[training]\nc1 = nan\n', "training.c1 = nan: expected a finite"),
        ('name = "x"\nversion = 1\n[training]\nc1 = 1e400\n', "training.c1 = inf"),
        ('name = "x"\n', "needs a whole-number version"),
        ('name = "x"\nversion = 1\ncolour = 2\n', "unknown key.s. colour"),
        ('name = "x\n', "not valid TOML"),
    ],
)
def test_declaration_errors_name_the_file_and_option(tmp_path, text, message):
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(FeatureSetError, match=message) as error:
        load_feature_set(path)
    assert str(path) in str(error.value)


_TOKEN = '[token]\nlower = true\nflags = ["title"]\nsuffixes = [3]\n'


@pytest.mark.parametrize(
    "context,message",
    [
        ('features = ["lowr"]', r"context.features names 'lowr', an unknown feature; did you mean 'lower'\?"),
        ('features = ["lower", "tilte"]', r"context.features names 'tilte', an unknown feature; did you mean 'title'\?"),
        ('features = ["norm"]', r"context.features names 'norm', a feature this set does not compute"),
        ('features = ["suf4"]', r"context.features names 'suf4', a feature this set does not compute"),
        ('features = ["clu*"]', r"context.features names 'clu\*', a feature this set does not compute"),
        ('features = ["sparkle*"]', r"context.features names 'sparkle\*', an unknown feature"),
        ('conjunctions = [[-1, 0]]\nconjoin = "lowr"', r"context.conjoin names 'lowr', an unknown feature; did you mean 'lower'"),
        ('conjunctions = [[-1, 0]]\nconjoin = "shape"', r"context.conjoin names 'shape', a feature this set does not compute"),
        ('feature_conjunctions = {tilte = [[-1, 0]]}', r"context.feature_conjunctions names 'tilte', an unknown feature"),
        ('feature_conjunctions = {clu128 = [[-1, 0]]}', r"context.feature_conjunctions names 'clu128', a feature this set does not"),
        ('feature_conjunctions = {lower = [[-1]]}', r"context.feature_conjunctions = .*expected a list of offset lists"),
        ('feature_conjunctions = [[-1, 0]]', r"context.feature_conjunctions = .*expected a table of feature name"),
    ],
)
def test_context_names_only_features_the_set_computes(tmp_path, context, message):
    path = write(tmp_path / "typo.toml", f'name = "x"\nversion = 1\n{_TOKEN}[context]\noffsets = [-1, 1]\n{context}\n')
    with pytest.raises(FeatureSetError, match=message) as error:
        load_feature_set(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_context_accepts_what_the_set_computes_and_gazetteer_names():
    spec = {"name": "x", "version": 1, "token": {"lower": True, "suffixes": [2, 3], "shape": ["short"]},
            "clusters": {"granularities": [8, 32]},
            "context": {"offsets": [-1, 1], "features": ["lower", "suf*", "shape_short", "clu32", "gaz:*", "gaz:disease"],
                        "conjunctions": [[-1, 0]], "conjoin": "shape_short"}}
    assert load_feature_set(spec).context["features"][-1] == "gaz:disease"
    for name in ("tutorial", "biomedical", "clinical"):
        load_feature_set(name)


def test_unknown_name():
    with pytest.raises(FeatureSetError, match="unknown feature set 'fancy'; installed: .*tutorial"):
        load_feature_set("fancy")


def test_parallel_featurizing_matches_serial(small_train):
    X, _ = small_train
    tutorial = load_feature_set("tutorial")
    assert featurize_many(tutorial, X, n_jobs=2) == featurize_many(tutorial, X, n_jobs=1)
