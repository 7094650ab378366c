"""How sure a score is: bootstrap confidence intervals, a paired randomisation test, and the interval of a
difference with the smallest difference a test set can detect.

All resample whole units (sentences, or groups of them such as documents) and recount strict entities.
"""

from __future__ import annotations

import numbers
import warnings
from statistics import NormalDist
from typing import Hashable, Sequence

import numpy as np

from ..errors import DataFormatError
from .metrics import check_aligned, check_tag_lists, entity_sets, prf

_COUNTS = ("correct", "predicted", "gold")


def _units(n_sentences: int, groups: Sequence[Hashable] | None) -> tuple[np.ndarray, int]:
    """The unit index of every sentence and the number of units (groups in order of first appearance)."""
    if groups is None:
        return np.arange(n_sentences), n_sentences
    if len(groups) != n_sentences:
        raise DataFormatError(f"{n_sentences} sentences but {len(groups)} group ids")
    first_seen: dict[Hashable, int] = {}
    index = np.array([first_seen.setdefault(g, len(first_seen)) for g in groups], dtype=np.int64)
    return index, len(first_seen)


def unit_counts(
    y_true: Sequence[Sequence[str]],
    y_pred: Sequence[Sequence[str]],
    groups: Sequence[Hashable] | None = None,
    types: Sequence[str] | None = None,
) -> dict[str, np.ndarray]:
    """Strict entity counts per unit: correct, predicted and gold, as :func:`crfner.evaluate` counts them.

    A unit is a sentence, or with ``groups`` (one id per sentence) a group, in order of first
    appearance. Keys ``"correct"``, ``"predicted"``, ``"gold"`` hold int64 arrays of shape
    (n_units,) over all types; ``"correct:TYPE"``, ``"predicted:TYPE"``, ``"gold:TYPE"`` the same
    for each of ``types`` (by default every type in either corpus, sorted).
    """
    check_tag_lists(y_true, "y_true")
    check_tag_lists(y_pred, "y_pred")
    check_aligned(y_true, y_pred)
    unit, n_units = _units(len(y_true), groups)
    return _count(entity_sets(y_true), entity_sets(y_pred), unit, n_units, types)


def _count(gold: set, pred: set, unit: np.ndarray, n_units: int, types: Sequence[str] | None) -> dict[str, np.ndarray]:
    """:func:`unit_counts` from already decoded entity sets (decoding is the slow part)."""
    if types is None:
        types = sorted({e[1] for e in gold} | {e[1] for e in pred})
    counts = {name: np.zeros(n_units, dtype=np.int64) for name in _COUNTS}
    for etype in types:
        for name in _COUNTS:
            counts[f"{name}:{etype}"] = np.zeros(n_units, dtype=np.int64)
    for name, entities in (("correct", gold & pred), ("predicted", pred), ("gold", gold)):
        for sentence, etype, _, _ in entities:
            counts[name][unit[sentence]] += 1
            typed = counts.get(f"{name}:{etype}")
            if typed is not None:
                typed[unit[sentence]] += 1
    return counts


def _types_of(counts: dict[str, np.ndarray]) -> list[str]:
    return [key.split(":", 1)[1] for key in counts if key.startswith("gold:")]


def _check_resamples(n_resamples, least: int = 1) -> None:
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, numbers.Integral) or n_resamples < least:
        raise ValueError(f"n_resamples must be a whole number, at least {least}, not {n_resamples!r}")


def _check_fraction(value, name: str, example: str) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise ValueError(f"{name} must be a number between 0 and 1 ({example}), not {value!r}")


def _batch_sizes(n_resamples: int, n_units: int):
    """Resamples in batches of at most ~2 million unit draws, so that memory stays bounded."""
    batch = max(1, min(n_resamples, 2_000_000 // max(1, n_units)))
    for start in range(0, n_resamples, batch):
        yield min(batch, n_resamples - start)


def _safe_div(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0.0 where the denominator is 0 (as in metrics.py), without warnings."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    out = np.zeros(np.broadcast(numerator, denominator).shape)
    return np.divide(numerator, denominator, out=out, where=denominator != 0)


def prf_arrays(correct, predicted, gold) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 of summed counts, elementwise, with metrics.py's zero conventions."""
    precision = _safe_div(correct, predicted)
    recall = _safe_div(correct, gold)
    f1 = _safe_div(2 * precision * recall, precision + recall)
    return precision, recall, f1


def bootstrap_ci(
    y_true: Sequence[Sequence[str]],
    y_pred: Sequence[Sequence[str]],
    groups: Sequence[Hashable] | None = None,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> dict:
    """Percentile bootstrap confidence intervals of strict precision, recall, micro and macro F1.

    Units (sentences, or ``groups``) are drawn with replacement and the scores recomputed from
    the summed counts, so the interval reflects how much the score depends on which text was
    annotated. Returns plain floats: ``{"level", "unit", "resamples", "units", "precision":
    [lo, hi], "recall", "f1", "macro_f1", "per_type": {TYPE: {"precision", "recall", "f1"}}}``.
    ``macro_f1`` averages over every type in either resampled corpus, as :func:`crfner.evaluate`
    does; a type a resample holds neither in gold nor predicted is left out of its macro F1, and
    a type's own interval is that of the resamples holding it (counting it 0 there pulled the
    intervals of rare types below their point values).
    """
    _check_resamples(n_resamples, least=2)  # one resample gives no interval (and scipy's standard error divides by 0)
    _check_fraction(level, "level", "0.95 for a 95% interval")
    counts = unit_counts(y_true, y_pred, groups)
    types = _types_of(counts)
    names = list(_COUNTS) + [f"{name}:{etype}" for etype in types for name in _COUNTS]
    samples = [counts[name] for name in names]
    n_units = len(samples[0])

    def statistic(*resampled: np.ndarray, axis: int = -1) -> np.ndarray:
        # Rows: precision, recall, f1, macro_f1, then precision, recall, f1 of each type.
        sums = [np.sum(s, axis=axis) for s in resampled]
        rows = list(prf_arrays(*sums[:3]))
        per_type = [prf_of_present(*sums[3 + 3 * i : 6 + 3 * i]) for i in range(len(types))]
        rows.append(_macro([f1 for _, _, f1 in per_type], rows[2]))
        for triple in per_type:
            rows.extend(triple)
        return np.stack(rows)

    if n_units < 2:
        # Every resample of a single unit is that unit: the interval collapses to the point value.
        point = statistic(*(s[np.newaxis, :] for s in samples))[:, 0]
        bounds = np.stack([point, point], axis=1)
    else:
        from inspect import signature

        from scipy.stats import DegenerateDataWarning, bootstrap

        generator = np.random.default_rng(seed)
        seeding = {"rng": generator} if "rng" in signature(bootstrap).parameters else {"random_state": generator}
        # Bounded memory: each batch indexes every count array with a (batch, n_units) matrix.
        batch = max(1, min(n_resamples, 4_000_000 // (n_units * len(samples))))
        with warnings.catch_warnings():  # a type absent from some resamples: its rows are read below
            warnings.simplefilter("ignore", DegenerateDataWarning)
            result = bootstrap(
                samples,
                statistic,
                n_resamples=n_resamples,
                batch=batch,
                vectorized=True,
                paired=True,
                confidence_level=level,
                method="percentile",
                **seeding,
            )
        bounds = np.stack([result.confidence_interval.low, result.confidence_interval.high], axis=1)
        distribution = np.asarray(result.bootstrap_distribution)
        gaps = np.isnan(distribution).any(axis=1)
        if gaps.any():  # the percentiles of the resamples that hold the type (scipy's method, NaN left out)
            tail = (1 - level) / 2
            bounds[gaps] = np.nanquantile(distribution[gaps], [tail, 1 - tail], axis=1).T
        # A constant bootstrap distribution can come back a rounding error apart; it is [v, v].
        constant = np.all(distribution == distribution[:, :1], axis=1)
        bounds[constant] = distribution[constant, :1]

    def pair(row: int) -> list[float]:
        return [float(bounds[row, 0]), float(bounds[row, 1])]

    return {
        "level": float(level),
        "unit": "sentence" if groups is None else "group",
        "resamples": int(n_resamples),
        "units": int(n_units),
        "precision": pair(0),
        "recall": pair(1),
        "f1": pair(2),
        "macro_f1": pair(3),
        "per_type": {
            etype: {"precision": pair(4 + 3 * i), "recall": pair(5 + 3 * i), "f1": pair(6 + 3 * i)}
            for i, etype in enumerate(types)
        },
    }


def prf_of_present(correct: np.ndarray, predicted: np.ndarray, gold: np.ndarray) -> tuple[np.ndarray, ...]:
    """A type's precision, recall and F1 in each resample, NaN in those that hold it neither in
    gold nor predicted (where evaluate would not know the type)."""
    absent = (np.asarray(predicted) + np.asarray(gold)) == 0
    return tuple(np.where(absent, np.nan, score) for score in prf_arrays(correct, predicted, gold))


def _macro(f1s: list[np.ndarray], micro_f1: np.ndarray) -> np.ndarray:
    """The mean F1 of the types each resample holds; 0 in one holding none (as evaluate gives)."""
    if not f1s:
        return np.zeros_like(micro_f1)
    stacked = np.stack(f1s)
    held = ~np.isnan(stacked)
    total = np.where(held, stacked, 0.0).sum(axis=0)
    return _safe_div(total, held.sum(axis=0))


def _f1_of_counts(correct: np.ndarray, predicted: np.ndarray, gold: np.ndarray | float) -> np.ndarray:
    """Micro F1 as 2c / (p + g): equal to 2PR / (P + R), and 0.0 when nothing is correct."""
    return _safe_div(2 * np.asarray(correct, dtype=np.float64), np.asarray(predicted, dtype=np.float64) + gold)


def _paired_counts(y_true, pred_a, pred_b, groups) -> tuple[dict, dict, int]:
    """A's and B's strict counts per unit (all types), after checking the three tag lists align."""
    for corpus, name in ((y_true, "y_true"), (pred_a, "pred_a"), (pred_b, "pred_b")):
        check_tag_lists(corpus, name)
    check_aligned(y_true, pred_a, what="system A")
    check_aligned(y_true, pred_b, what="system B")
    unit, n_units = _units(len(y_true), groups)
    truth = entity_sets(y_true)
    return (_count(truth, entity_sets(pred_a), unit, n_units, types=()),
            _count(truth, entity_sets(pred_b), unit, n_units, types=()), n_units)


def paired_test(
    y_true: Sequence[Sequence[str]],
    pred_a: Sequence[Sequence[str]],
    pred_b: Sequence[Sequence[str]],
    groups: Sequence[Hashable] | None = None,
    n_resamples: int = 10000,
    seed: int = 0,
) -> dict:
    """Is system A's strict micro-F1 really different from B's? Approximate randomisation, two-sided.

    Each round swaps A's and B's counts on every unit independently with probability 1/2 and
    measures |F1(A') - F1(B')|; the p-value is the share of rounds at least as far apart as the
    observed systems, (hits + 1) / (n_resamples + 1) (Noreen 1989; Yeh 2000 for NER F-scores).
    """
    _check_resamples(n_resamples)
    a, b, n_units = _paired_counts(y_true, pred_a, pred_b, groups)
    gold = float(a["gold"].sum())
    totals_a = np.array([a["correct"].sum(), a["predicted"].sum()], dtype=np.float64)
    totals_b = np.array([b["correct"].sum(), b["predicted"].sum()], dtype=np.float64)
    observed = abs(float(_f1_of_counts(*totals_a, gold) - _f1_of_counts(*totals_b, gold)))

    # By hand: in a trial scipy.stats.permutation_test took 37 s and gave wrong answers on stacked count arrays.
    # Swapping unit u moves (B_u - A_u) into A and out of B, so one matrix product does a whole batch.
    delta = np.stack([b["correct"] - a["correct"], b["predicted"] - a["predicted"]], axis=1).astype(np.float64)
    rng = np.random.default_rng(seed)
    hits = 0
    for size in _batch_sizes(n_resamples, n_units):
        # One random byte gives eight fair coin flips.
        flips = rng.integers(0, 256, (size, (n_units + 7) // 8), dtype=np.uint8)
        swaps = np.unpackbits(flips, axis=1, count=n_units).astype(np.float64)
        moved = swaps @ delta
        f1_a = _f1_of_counts(totals_a[0] + moved[:, 0], totals_a[1] + moved[:, 1], gold)
        f1_b = _f1_of_counts(totals_b[0] - moved[:, 0], totals_b[1] - moved[:, 1], gold)
        hits += int(np.count_nonzero(np.abs(f1_a - f1_b) >= observed - 1e-12))

    f1_a = prf(int(totals_a[0]), int(totals_a[1]), int(gold))[2]
    f1_b = prf(int(totals_b[0]), int(totals_b[1]), int(gold))[2]
    return {
        "method": "approximate randomization",
        "resamples": int(n_resamples),
        "units": int(n_units),
        "f1_a": f1_a,
        "f1_b": f1_b,
        "difference": f1_a - f1_b,
        "p_value": (hits + 1) / (n_resamples + 1),
    }


def difference_interval(
    y_true: Sequence[Sequence[str]],
    pred_a: Sequence[Sequence[str]],
    pred_b: Sequence[Sequence[str]],
    groups: Sequence[Hashable] | None = None,
    n_resamples: int = 1000,
    level: float = 0.95,
    power: float = 0.8,
    seed: int = 0,
) -> dict:
    """How large strict micro-F1(A) − F1(B) may be, and how large a difference this test set can detect.

    A paired bootstrap: units (sentences, or ``groups``) are drawn with replacement, the same draw for both
    systems, and the difference recomputed from the summed counts. ``interval`` is its percentile interval
    and ``standard_error`` its spread. ``detectable`` is (z(1 − α/2) + z(power)) × standard error with
    α = 1 − level: under a normal approximation, the smallest true difference that a two-sided test at that
    level would find with that power (the sensitivity analysis Card et al. 2020 ask of NLP test sets). It
    rests on the spread alone, not on the observed difference, so it says what a p-value cannot: whether a
    difference that is not significant could have been found by this many units. None when it cannot be
    estimated: fewer than two units, or systems that agree on every unit (the draws then show no spread).
    """
    _check_resamples(n_resamples, least=2)
    _check_fraction(level, "level", "0.95 for a 95% interval")
    _check_fraction(power, "power", "0.8 for 80% power")
    a, b, n_units = _paired_counts(y_true, pred_a, pred_b, groups)
    # Columns: A's correct and predicted, B's correct and predicted, gold; one row per unit.
    counts = np.stack([a["correct"], a["predicted"], b["correct"], b["predicted"], a["gold"]], axis=1).astype(np.float64)

    def differences(sums: np.ndarray) -> np.ndarray:
        return _f1_of_counts(sums[..., 0], sums[..., 1], sums[..., 4]) - _f1_of_counts(sums[..., 2], sums[..., 3], sums[..., 4])

    observed = float(differences(counts.sum(axis=0)))
    rng = np.random.default_rng(seed)
    drawn = []
    for size in _batch_sizes(n_resamples, n_units):
        # How often each unit is drawn in each resample: n_units draws with replacement.
        weights = rng.multinomial(n_units, np.full(n_units, 1.0 / n_units), size=size).astype(np.float64)
        drawn.append(differences(weights @ counts))
    spread = np.concatenate(drawn)
    tail = (1 - level) / 2
    low, high = np.quantile(spread, [tail, 1 - tail])
    error = float(np.std(spread, ddof=1))
    estimable = n_units >= 2 and error > 1e-12
    if not estimable:  # a constant bootstrap distribution: the interval is the observed difference
        low = high = observed
    z = NormalDist().inv_cdf
    return {
        "method": "paired bootstrap",
        "level": float(level),
        "resamples": int(n_resamples),
        "units": int(n_units),
        "difference": observed,
        "interval": [float(low), float(high)],
        "standard_error": error if estimable else None,
        "power": float(power),
        "detectable": (z(1 - (1 - level) / 2) + z(power)) * error if estimable else None,
    }
