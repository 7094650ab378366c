"""Declared feature sets: loading, validation and the tutorial features on a hand-written sentence."""

from __future__ import annotations

import re

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
        ('name = "x"\nversion = 1\n[training]\nmin_freq = 0\n', "training.min_freq = 0: expected a positive whole number"),
        ('name = "x"\nversion = 1\n[training]\nall_possible_states = "yes"\n', "training.all_possible_states = 'yes'"),
        ('name = "x"\nversion = 1\n[gazetteers]\nstrict_letters = 1\n', "gazetteers.strict_letters = 1: expected true or false"),
        ('name = "x"\nversion = 1\n[abbreviations]\njoined = "yes"\n', "abbreviations.joined = 'yes': expected true or false"),
        ('name = "x"\n', "needs a whole-number version"),
        ('name = "x"\nversion = 0\n', r"needs a whole-number version of 1 or more \(version = 0\)"),
        ('name = "x"\nversion = -3\n', r"needs a whole-number version of 1 or more \(version = -3\)"),
        ('name = "x"\nversion = 1\ndescription = 5\n', "description = 5: expected a string"),
        ('name = "x"\nversion = 1\n[description]\na = 1\n', "description = {'a': 1}: expected a string"),
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


BASE = {"name": "t", "version": 1, "token": {"lower": True}}


@pytest.mark.parametrize(("extra", "message"), [
    ({"context": {"offsets": [0], "features": ["lower"]}}, "distinct offsets from -5 to 5 other than 0"),
    ({"context": {"offsets": [1, 1], "features": ["lower"]}}, "distinct offsets from -5 to 5 other than 0"),
    ({"context": {"features": ["lower"]}}, "context.features needs offsets"),
    ({"context": {"offsets": [], "features": ["lower"]}}, "context.features needs offsets"),
    ({"context": {"conjoin": "lower"}}, "context.conjoin names what conjunctions join; declare conjunctions too"),
    ({"clusters": {"window": 100_000_000}}, "expected a whole number of words from 1 to 20"),
    ({"context": {"conjunctions": [[-1, 0], [-1, 0]]}}, r"context.conjunctions = .*: expected a list of offset lists, each once"),
    ({"context": {"feature_conjunctions": {"lower": [[0, 1], [0, 1]]}}}, "expected a list of offset lists, each once"),
    ({"clusters": {"unlabeled_text": ["ohsumed", "ohsumed"]}}, "expected a list of unlabeled text names or paths, each once"),
])
def test_declarations_that_would_do_nothing_or_too_much_are_refused(extra, message):
    """Each of these loaded before: an offset of 0 was dropped, a repeated one weighed its features twice (as did a
    repeated conjunction, its attribute listed twice for CRFsuite; a repeated unlabeled text was read twice), context features without offsets gave none, and a
    window of 10^8 words ran out of memory learning clusters."""
    with pytest.raises(FeatureSetError, match=message):
        load_feature_set({**BASE, **extra})


def test_clusters_without_granularities_compute_the_default_ones():
    spec = load_feature_set({**BASE, "clusters": {"dims": 20}, "context": {"offsets": [-1, 1], "features": ["clu128"]}})
    assert spec.context["features"] == ["clu128"]  # refused before, though clu32, clu128 and clu512 were computed


def test_two_lists_of_one_name_are_refused(tmp_path):
    from crfner.featurize.resources import _named, resolve_gazetteers

    for folder in ("g1", "g2"):
        (tmp_path / folder).mkdir()
        write(tmp_path / folder / "x.tsv", "aspirin\tD1\n")
    spec = load_feature_set({**BASE, "gazetteers": {"lists": [str(tmp_path / "g1" / "x.tsv"), str(tmp_path / "g2" / "x.tsv")]}})
    with pytest.raises(FeatureSetError, match="lists two lists named 'x'"):
        resolve_gazetteers(spec)
    with pytest.raises(FeatureSetError, match="would both be named 'x'"):
        _named([tmp_path / "g1" / "x.tsv", tmp_path / "g2" / "x.tsv"])


def test_an_extra_gazetteer_named_like_a_declared_one_is_refused_not_swapped_in(tmp_path, capsys):
    from crfner import CRFTagger
    from crfner.cli import main
    from crfner.corpora.conll import write_conll
    from crfner.featurize.resources import resolve_gazetteers

    (tmp_path / "gazetteers").mkdir()
    write(tmp_path / "gazetteers" / "drugs.tsv", "aspirin\tD1\n")
    mine = write(tmp_path / "mine.tsv", "cocaine\tD2\n")
    path = write(tmp_path / "g.toml", 'name = "g"\nversion = 1\n[token]\nlower = true\n[gazetteers]\nlists = ["drugs"]\n')
    message = f"^{re.escape(str(path))}: feature set 'g': declares a gazetteer named 'drugs' \\(gaz:drugs\\) already; "
    with pytest.raises(FeatureSetError, match=message + f".*drugs={re.escape(str(mine))} would replace it"):
        resolve_gazetteers(load_feature_set(path), {"drugs": str(mine)}, tmp_path)
    X, y = [["cocaine", "kills"]], [["B-Chemical", "O"]]
    with pytest.raises(FeatureSetError, match=message):  # a path is named by its stem: drugs.tsv elsewhere clashes too
        CRFTagger(features=str(path), gazetteers=[write(tmp_path / "drugs.tsv", "cocaine\tD2\n")], data_dir=tmp_path,
                  max_iterations=5).fit(X, y)
    train = tmp_path / "train.tsv"
    write_conll(train, X, y)
    capsys.readouterr()
    assert main(["train", str(train), "--features", str(path), "--gazetteer", f"drugs={mine}", "--data-dir", str(tmp_path),
                 "--out", str(tmp_path / "m"), "-q"]) == 2
    assert "declares a gazetteer named 'drugs'" in capsys.readouterr().err and not (tmp_path / "m").exists()
    assert resolve_gazetteers(load_feature_set(path), {"more": str(mine)}, tmp_path)[1] == ("more", str(mine.resolve()))


def test_an_installed_name_is_the_installed_set_whatever_the_folder_holds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "tutorial", 'name = "impostor"\nversion = 1\n')
    assert load_feature_set("tutorial").name == "tutorial"
    assert load_feature_set(tmp_path / "tutorial").name == "impostor"  # a path is a path


def test_a_count_no_word_reaches_is_the_declarations_error(small_train):
    from crfner import CRFTagger

    X, y = small_train
    with pytest.raises(FeatureSetError, match=r"feature set 't': \[clusters\] learns nothing from this text: no word occurs"):
        CRFTagger(features={**BASE, "clusters": {"min_count": 1_000_000}}, max_iterations=5).fit(X[:50], y[:50])


@pytest.mark.parametrize(
    "section,message",
    [
        ('[gazetteers]\nlists = ["nosuchlist"]\n', "gazetteer 'nosuchlist' not found at "),
        ('[clusters]\nunlabeled_text = ["nosuch.txt"]\n', "unlabeled text 'nosuch.txt' not found at "),
        ("[clusters]\nmin_count = 1000000\n", r"\[clusters\] learns nothing from this text"),
    ],
)
def test_errors_found_only_at_fit_time_name_the_declarations_file(tmp_path, small_train, section, message):
    from crfner import CRFTagger

    X, y = small_train
    path = write(tmp_path / "late.toml", 'name = "late"\nversion = 1\n[token]\nlower = true\n' + section)
    load_feature_set(path)  # the declaration itself is well formed: the data decides
    with pytest.raises(FeatureSetError, match=message) as error:
        CRFTagger(features=str(path), data_dir=tmp_path, max_iterations=5).fit(X[:50], y[:50])
    assert str(error.value).startswith(f"{path}: feature set 'late': ") and "\n" not in str(error.value)
    with pytest.raises(FeatureSetError, match=message) as error:  # a set given as a dict has no file to name
        CRFTagger(features=load_feature_set(path).to_dict(), data_dir=tmp_path, max_iterations=5).fit(X[:50], y[:50])
    assert str(error.value).startswith("feature set 'late': ")


def test_a_models_attributes_are_the_same_on_any_number_of_jobs(fitted, small_train):
    X, _ = small_train
    serial = fitted.token_attributes(X[:300])
    fitted.n_jobs = 2
    try:
        parallel = fitted.token_attributes(X[:300])  # 200 sentences or more: featurized by workers
    finally:
        fitted.n_jobs = 1
    assert parallel == serial
    assert {a for sentence in serial for token in sentence for a in token} <= set(fitted.weights_.attributes)


def test_a_near_miss_unit_is_rejected_at_once():
    import time

    from crfner.featurize.clinical import is_unit

    started = time.perf_counter()
    assert not is_unit("mg" + "/kg" * 40 + "!")  # 26 repeats took 10 s: every split of the repeats was tried
    assert time.perf_counter() - started < 1.0
    assert is_unit("mg/kg/day") and is_unit("mL/min") and is_unit("mg/m2") and not is_unit("mg/x")


def test_the_training_table_sets_crfsuites_feature_generation():
    """``min_freq`` drops (attribute, label) features seen fewer times; ``all_possible_states`` gives weights
    also to attribute-label pairs never seen together (clinical version 8)."""
    import crfner

    base = load_feature_set("tutorial").to_dict()
    X = [["Aspirin", "kills", "pain"], ["Heparin", "kills", "clots"], ["Aspirin", "helps"]]
    y = [["B-Chemical", "O", "O"], ["B-Chemical", "O", "O"], ["B-Chemical", "O"]]

    def weights(**training):
        spec = {**base, "training": {**base["training"], "c1": 0.0, "c2": 0.01, **training}}
        return crfner.CRFTagger(features=spec).fit(X, y).weights_

    plain, every, frequent = weights(), weights(all_possible_states=True), weights(min_freq=2)
    chemical, row = plain.labels.index("B-Chemical"), plain.attributes[b"lower:kills"]
    assert plain.state[row, chemical] == 0 and every.state[every.attributes[b"lower:kills"], chemical] < 0
    assert b"lower:helps" in plain.attributes and b"lower:helps" not in frequent.attributes
    assert b"lower:kills" in frequent.attributes
