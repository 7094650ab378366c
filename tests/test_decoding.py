"""The numpy decoder: weights read exactly from the model file, label scores summed per word
type equal to those of the feature strings, and the same tags as CRFsuite's own Viterbi."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from crfner import CRFTagger, ModelFileError
from crfner.crf.decoding import CRFWeights, marginals, paths_and_entity_scores, viterbi
from crfner.crf.entity_scores import EntityLabels
from crfner.schemes import tags_to_spans
from conftest import crfsuite_tagger


@pytest.fixture(scope="module")
def bio(small_train, data_dir):
    X, y = small_train
    # The slice test_biomedical_model fits: its word clusters come from the cache.
    return CRFTagger(features="biomedical", max_iterations=40, data_dir=data_dir).fit(X[:500], y[:500])


def test_weights_match_the_model_dump(bio):
    info = crfsuite_tagger(bio).info()
    weights = bio.weights_
    for (name, label), value in list(info.state_features.items())[:2000]:
        row = weights.attributes[name.encode()]
        assert weights.state[row, weights.labels.index(label)] == pytest.approx(value, abs=1e-6)
    for (source, target), value in info.transitions.items():
        assert weights.transition[weights.labels.index(source), weights.labels.index(target)] == pytest.approx(value, abs=1e-6)
    # The binary holds more precision than the six decimals of the dump.
    assert any(round(v, 6) != v for v in weights.state[weights.state != 0][:200])


def test_summed_scores_equal_those_of_the_feature_strings(bio, small_devel):
    X, _ = small_devel
    for tokens in X[:120]:
        expected = bio.weights_.emissions(bio._featurizer.attributes(tokens))
        np.testing.assert_allclose(bio._scorer.document([tokens])[0], expected, rtol=0, atol=1e-9)


def test_summed_scores_with_conjunctions_of_words_and_other_features(small_train, small_devel):
    spec = {"name": "t", "version": 1, "training": {"max_iterations": 20},
            "token": {"norm": True, "suffixes": [3], "shape": ["short"], "flags": ["title"]},
            "context": {"offsets": [-1, 1], "features": ["norm"], "conjunctions": [[-1, 0], [-1, 0, 1]], "conjoin": "norm",
                        "feature_conjunctions": {"shape_short": [[-1, 0], [0, 1]], "suf3": [[-2, -1, 0]]},
                        "boundaries": True}}
    X, y = small_train
    tagger = CRFTagger(features=spec).fit(X[:300], y[:300])
    assert any(a.startswith(b"-2|-1|+0:suf3:") for a in tagger.weights_.attributes)
    for tokens in small_devel[0][:80]:
        expected = tagger.weights_.emissions(tagger._featurizer.attributes(tokens))
        np.testing.assert_allclose(tagger._scorer.document([tokens])[0], expected, rtol=0, atol=1e-9)


def test_same_tags_as_crfsuite(bio, small_devel):
    X, _ = small_devel
    X = list(X) + [[], ["."], ["a"] * 300]
    reference = crfsuite_tagger(bio)
    crfsuite = [reference.tag(bio._featurizer.attributes(t)) if t else [] for t in X]
    assert bio.predict(X) == crfsuite


def test_viterbi_against_brute_force():
    rng = np.random.default_rng(0)
    transition = rng.normal(size=(3, 3))
    sentences = [rng.normal(size=(n, 3)) for n in (1, 2, 4, 5, 0, 3)]
    for emissions, path in zip(sentences, viterbi(sentences, transition)):
        if not len(emissions):
            assert len(path) == 0
            continue
        best, best_score = None, -np.inf
        for candidate in np.ndindex(*([3] * len(emissions))):
            score = sum(emissions[t, k] for t, k in enumerate(candidate))
            score += sum(transition[a, b] for a, b in itertools.pairwise(candidate))
            if score > best_score:
                best, best_score = candidate, score
        assert tuple(path.tolist()) == best


def test_glued_viterbi_is_the_best_path_that_keeps_each_glued_token_with_the_one_before():
    """Brute force over every path: with glue, the path is the best of those whose glued tokens
    continue the token before them (O after O, I-T after B-T or I-T), and its entity scores come
    with that path."""
    from crfner.crf.entity_scores import continuations

    labels = ["O", "B-X", "I-X", "B-Y", "I-Y"]
    allowed = continuations(EntityLabels.of(labels))
    assert allowed.sum() == 5  # O->O, B-X->I-X, I-X->I-X, B-Y->I-Y, I-Y->I-Y
    rng = np.random.default_rng(1)
    changed = 0
    for _ in range(40):
        transition = rng.normal(size=(5, 5))
        sentences = [rng.normal(scale=2.0, size=(n, 5)) for n in rng.integers(1, 6, size=4)]
        glued = [None if rng.random() < 0.25 else [False, *(rng.random(len(e) - 1) < 0.5)] for e in sentences]
        paths = viterbi(sentences, transition, (glued, allowed))
        scored = paths_and_entity_scores(sentences, transition, EntityLabels.of(labels), (glued, allowed))
        changed += sum(a.tolist() != b.tolist() for a, b in zip(viterbi(sentences, transition), paths))
        for emissions, flags, path, (same, _) in zip(sentences, glued, paths, scored):
            best, best_score = None, -np.inf
            for candidate in np.ndindex(*([5] * len(emissions))):
                if flags is not None and not all(allowed[candidate[t - 1], candidate[t]] for t in range(1, len(candidate)) if flags[t]):
                    continue
                score = sum(emissions[t, k] for t, k in enumerate(candidate))
                score += sum(transition[a, b] for a, b in itertools.pairwise(candidate))
                if score > best_score:
                    best, best_score = candidate, score
            assert tuple(path.tolist()) == best and same.tolist() == path.tolist()
    assert changed > 10  # the glue changes many of these paths: the test is not vacuous


def test_a_damaged_model_file_is_refused(bio):
    with pytest.raises(ModelFileError, match="cannot read the CRF weights"):
        CRFWeights.from_model(b"lCRF" + b"\0" * 10)


def test_tags_stay_the_same_when_the_word_cache_fills(bio, small_devel, tmp_path):
    X, _ = small_devel
    expected = bio.predict(X)
    loaded = CRFTagger.load(bio.save(tmp_path / "m"))
    loaded._featurizer.CACHE_LIMIT = 200  # far fewer than the word types of the slice
    assert loaded.predict(X) == expected
    first = dict(loaded._scorer._index)
    assert loaded.predict(X[:50]) == expected[:50]  # the full table is dropped before this batch
    assert loaded._scorer._index != first and len(loaded._scorer._index) < len(first)


def _crfsuite_marginals(reference, attributes, labels):
    reference.set(attributes)
    return np.array([[reference.marginal(label, i) for label in labels] for i in range(len(attributes))])


@pytest.mark.parametrize("which", ["bio", "fitted"])
def test_marginals_equal_crfsuites(which, bio, fitted, small_devel):
    """Forward-backward in numpy against CRFsuite's own, on a biomedical and a tutorial model."""
    tagger = bio if which == "bio" else fitted
    X, _ = small_devel
    X = list(X[:150]) + [["."], ["a"] * 300]
    reference = crfsuite_tagger(tagger)
    got = tagger.predict_marginals(X)
    labels = tagger.classes_
    for tokens, row in zip(X, got):
        expected = _crfsuite_marginals(reference, tagger._featurizer.attributes(tokens), labels)
        np.testing.assert_allclose([[p[label] for label in labels] for p in row], expected, rtol=0, atol=1e-6)


def test_predict_scored_gives_the_viterbi_tags_and_their_entities_probabilities(bio, small_devel):
    """Outside entities each tag's marginal; inside, the entity's probability (exact by brute
    force in test_entity_scores), the same as the public weights give it, for every token of
    the entity, and at most the marginal of each of its I- tags, which the entity needs."""
    X, _ = small_devel
    X = list(X[:200]) + [[]]
    scored = bio.predict_scored(X)
    assert [tags for tags, _ in scored] == bio.predict(X)
    emissions = [bio.weights_.emissions(attributes) for attributes in bio.token_attributes(X)]
    public = paths_and_entity_scores(emissions, bio.weights_.transition, EntityLabels.of(bio.classes_))
    entities = 0
    for (tags, probabilities), row, (_, expected) in zip(scored, bio.predict_marginals(X), public):
        assert probabilities == pytest.approx(expected.tolist(), abs=1e-12)
        spans = tags_to_spans(tags)
        inside = {t for span in spans for t in range(span.start, span.end)}
        assert [p for t, p in enumerate(probabilities) if t not in inside] == pytest.approx(
            [row[t][tags[t]] for t in range(len(tags)) if t not in inside], abs=1e-12)
        for span in spans:
            entities += 1
            assert len(set(probabilities[span.start : span.end])) == 1
            assert all(probabilities[span.start] <= row[t][tags[t]] + 1e-12 for t in range(span.start + 1, span.end))
    assert entities > 50


def test_marginals_against_brute_force():
    rng = np.random.default_rng(1)
    transition = rng.normal(size=(3, 3))
    sentences = [rng.normal(size=(n, 3)) * 3 for n in (1, 2, 4, 5, 0, 3)]
    for emissions, got in zip(sentences, marginals(sentences, transition)):
        assert got.shape == emissions.shape
        if not len(emissions):
            continue
        expected, total = np.zeros_like(emissions), 0.0
        for path in np.ndindex(*([3] * len(emissions))):
            score = sum(emissions[t, k] for t, k in enumerate(path))
            score += sum(transition[a, b] for a, b in itertools.pairwise(path))
            weight = np.exp(score)
            total += weight
            for t, k in enumerate(path):
                expected[t, k] += weight
        np.testing.assert_allclose(got, expected / total, rtol=0, atol=1e-12)


def test_marginals_stay_finite_on_long_sentences_with_large_scores():
    transition = np.array([[50.0, -50.0], [-50.0, 50.0]])
    emissions = [np.tile([[400.0, -400.0]], (2000, 1))]
    (got,) = marginals(emissions, transition)
    assert np.isfinite(got).all() and np.allclose(got.sum(axis=1), 1.0)


def test_parallel_tagging_uses_the_same_decoder(bio, small_devel):
    from sklearn.base import clone

    X, _ = small_devel
    documents = [i // 7 for i in range(len(X))]
    parallel = clone(bio).set_params(n_jobs=2)
    parallel.__setstate__({**bio.__getstate__(), "n_jobs": 2})
    assert parallel.predict(X, documents=documents) == bio.predict(X, documents=documents)
    assert parallel.predict_scored(X[:100], documents=documents[:100]) == bio.predict_scored(X[:100], documents=documents[:100])


def test_marginals_are_exact_where_the_scaled_recursion_would_underflow():
    # Token 0 all but rules out label 1, token 1 label 0, and moving between them costs 800
    # nats: every term of the scaled recursion's second step underflows to zero, so the batch
    # is redone in log space, which must still find the best-scoring path's labels.
    transition = np.array([[0.0, -800.0], [-800.0, 0.0]])
    emissions = [np.array([[0.0, -1000.0], [-1000.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])]
    hard, easy = marginals(emissions, transition)
    # Paths (0, 1) score -800, (0, 0) and (1, 1) -1000, (1, 0) -2800: (0, 1) has nearly all weight.
    np.testing.assert_allclose(hard, [[1.0, 0.0], [0.0, 1.0]], atol=1e-12)
    assert np.allclose(easy.sum(axis=1), 1.0)  # the other sentence of the batch is unharmed
    (path,) = viterbi(emissions[:1], transition)
    assert path.tolist() == [0, 1]


def test_a_sentences_tables_do_not_depend_on_the_sentences_beside_it():
    """Batch tagging cuts the same documents into other batches with other --n-jobs and --chunk-size; a
    matrix product over the whole batch rounded each sentence's sums by the batch's size, so the scores'
    last digits (and the output's bytes) changed with them on a 25-label model."""
    from crfner.crf.decoding import scaled_tables

    rng = np.random.default_rng(3)
    labels, longest = 25, 30
    scores = rng.normal(0, 3, (600, longest, labels))
    lengths = rng.integers(1, longest + 1, 600)
    transition = rng.normal(0, 2, (labels, labels))
    whole = scaled_tables(scores, lengths, transition)
    for start, size in ((0, 1), (5, 3), (17, 64), (100, 257), (3, 513)):
        part = scaled_tables(scores[start:start + size, : lengths[start:start + size].max()], lengths[start:start + size],
                             transition)
        for k in range(size):
            n = lengths[start + k]
            assert np.array_equal(part.forward[k, :n], whole.forward[start + k, :n])
            assert np.array_equal(part.backward[k, :n], whole.backward[start + k, :n])
