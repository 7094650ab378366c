"""Entity probabilities (crfner.crf.entity_scores) against brute force: on small random CRFs,
every labelling of a sentence enumerated, an entity's probability is the summed probability of
the labellings from which tags_to_spans reads that entity, for the best path and for any path
(lenient I- openings, I- of another type, types without an I- label), sentences of several
lengths padded into one batch."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from crfner.crf.decoding import paths_and_entity_scores, scaled_tables, viterbi
from crfner.crf.entity_scores import EntityLabels, entity_token_scores
from crfner.schemes import tags_to_spans

LABELS = ["O", "B-A", "I-A", "B-B", "I-B", "B-C"]  # C has no I- label


def _brute_force(emissions: np.ndarray, transition: np.ndarray):
    """Every labelling with its probability."""
    n = len(emissions)
    paths = list(itertools.product(range(len(LABELS)), repeat=n))
    weights = np.array([emissions[np.arange(n), p].sum() + sum(transition[a, b] for a, b in itertools.pairwise(p)) for p in paths])
    probabilities = np.exp(weights - weights.max())
    return paths, probabilities / probabilities.sum()


def _expected(path, emissions, transition) -> list[float]:
    """Each token's expected score: its entity's probability, or its label's marginal."""
    paths, probabilities = _brute_force(emissions, transition)
    read = [set(tags_to_spans([LABELS[k] for k in p])) for p in paths]
    out = [float(sum(q for p, q in zip(paths, probabilities) if p[t] == path[t])) for t in range(len(path))]
    for span in tags_to_spans([LABELS[k] for k in path]):
        chance = float(sum(q for spans, q in zip(read, probabilities) if span in spans))
        for t in range(span.start, span.end):
            out[t] = chance
    return out


def _batch(emissions: list[np.ndarray]):
    lengths = np.array([len(e) for e in emissions])
    scores = np.zeros((len(emissions), lengths.max(), len(LABELS)))
    for b, e in enumerate(emissions):
        scores[b, : len(e)] = e
    return scores, lengths


@pytest.mark.parametrize("seed", range(12))
def test_the_best_paths_entities_have_their_exact_probability(seed):
    rng = np.random.default_rng(seed)
    transition = rng.normal(0, 2, (len(LABELS), len(LABELS)))
    emissions = [rng.normal(0, 2, (n, len(LABELS))) for n in (4, 1, 3, 2, 4)]
    labels = EntityLabels.of(LABELS)
    for (path, scores), sentence, best in zip(paths_and_entity_scores(emissions, transition, labels), emissions,
                                              viterbi(emissions, transition)):
        assert path.tolist() == best.tolist()
        assert scores == pytest.approx(_expected(path.tolist(), sentence, transition), abs=1e-9)


@pytest.mark.parametrize("seed", range(12))
def test_any_paths_entities_have_their_exact_probability(seed):
    rng = np.random.default_rng(100 + seed)
    transition = rng.normal(0, 2, (len(LABELS), len(LABELS)))
    emissions = [rng.normal(0, 2, (n, len(LABELS))) for n in (4, 2, 3)]
    scores, lengths = _batch(emissions)
    tables = scaled_tables(scores, lengths, transition)
    paths = np.zeros(scores.shape[:2], dtype=np.intp)
    for b, n in enumerate(lengths):
        paths[b, :n] = rng.integers(0, len(LABELS), n)
    paths[0, :4] = [2, 2, 4, 2]  # an I- opening a sentence, I- of another type, I- after another type
    marginals = np.take_along_axis(tables.forward * tables.backward, paths[:, :, None], axis=2)[:, :, 0]
    got = entity_token_scores(tables, lengths, paths, EntityLabels.of(LABELS), marginals)
    for b, sentence in enumerate(emissions):
        n = lengths[b]
        assert got[b, :n] == pytest.approx(_expected(paths[b, :n].tolist(), sentence, transition), abs=1e-9)


def test_labels_of_another_scheme_have_no_entity_structure():
    assert EntityLabels.of(["O", "B-A", "E-A", "S-A"]) is None
    labels = EntityLabels.of(["I-X", "O", "B-X", "B-Y"])
    assert labels.kind.tolist() == [2, 0, 1, 1] and labels.begin.tolist() == [2, 3] and labels.inside.tolist() == [0, -1]
