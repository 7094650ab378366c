"""Why the CRF gave a token its label: the margin of the decoded path over the same path with
that one token relabelled, split exactly into one term per attribute and two transition terms."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .families import attribute_name, family

# For a sentence with emission scores ``E[t, k] = sum of state[a, k] over the token's attributes
# a`` (each counted once per occurrence), a path ``y`` scores ``sum_t E[t, y_t] + sum_{t>0}
# transition[y_{t-1}, y_t]``. Relabelling token ``t`` from ``L`` to ``L'`` changes only the terms
# that touch ``t``, so
#
#     score(y) - score(y with y_t = L')
#         = sum_a (state[a, L] - state[a, L'])               (emission: one term per attribute)
#         + transition[y_{t-1}, L] - transition[y_{t-1}, L']   (transition in; 0 when t is first)
#         + transition[L, y_{t+1}] - transition[L', y_{t+1}]   (transition out; 0 when t is last)
#
# CRFsuite has no start or end transitions, so the first and last tokens have only one
# transition term. The competitor ``L'`` is the label other than ``L`` whose relabelled path
# scores highest (the smallest margin; the first such label on a tie). On a Viterbi path the
# margin is never negative.

__all__ = ["Contribution", "TokenExplanation", "path_score", "token_margin"]


@dataclass(frozen=True)
class Contribution:
    """One attribute's share of a margin: ``count * (weight - competitor_weight)``."""

    attribute: str
    family: str
    count: int  # how often the token has the attribute (almost always 1)
    weight: float  # state[attribute, label]
    competitor_weight: float  # state[attribute, competitor]
    contribution: float

    def to_dict(self) -> dict:
        return {
            "attribute": self.attribute, "family": self.family, "count": self.count, "weight": self.weight,
            "competitor_weight": self.competitor_weight, "contribution": self.contribution,
        }


@dataclass
class TokenExplanation:
    """The margin of one token's label over its competitor, term by term (see the module).

    ``margin == emission + transition_in + transition_out`` and ``emission == sum(features)
    + sum(against) + rest``, where ``features`` are the attributes that most favour the label
    (largest contribution first, all positive), ``against`` those that most favour the
    competitor (most negative first), and ``rest`` the sum of every other contribution.
    """

    index: int  # the token's position in its sentence
    label: str
    competitor: str | None  # None when the model has a single label
    previous: str | None  # the label before (None at the sentence's start)
    next: str | None  # the label after (None at its end)
    margin: float  # score(path) - score(path with this token relabelled), from whole-path scores
    emission: float
    transition_in: float
    transition_out: float
    features: list[Contribution] = field(default_factory=list)
    against: list[Contribution] = field(default_factory=list)
    rest: float = 0.0
    n_attributes: int = 0
    token: str = ""  # the token as it stands in the text
    start: int | None = None  # its character offsets in the text
    end: int | None = None

    def to_dict(self) -> dict:
        return {
            "token": self.token, "start": self.start, "end": self.end, "index": self.index, "label": self.label,
            "competitor": self.competitor, "previous": self.previous, "next": self.next, "margin": self.margin, "emission": self.emission,
            "transition_in": self.transition_in, "transition_out": self.transition_out,
            "features": [c.to_dict() for c in self.features], "against": [c.to_dict() for c in self.against],
            "rest": self.rest, "n_attributes": self.n_attributes,
        }


def path_score(emissions: np.ndarray, transition: np.ndarray, path: Sequence[int]) -> float:
    """The unnormalised score of a label path (label indices): emissions plus transitions."""
    path = np.asarray(path, dtype=np.intp)
    if not len(path):
        return 0.0
    score = float(emissions[np.arange(len(path)), path].sum())
    return score + float(transition[path[:-1], path[1:]].sum())


def token_margin(weights, attributes: Sequence[bytes], emissions: np.ndarray, path: Sequence[int], t: int,
                 top: int = 10) -> TokenExplanation:
    """The margin of token ``t``'s label on ``path`` (label indices) over its competitor, with
    the ``top`` attributes for and against; ``attributes`` are token ``t``'s, ``emissions``
    the sentence's (``weights.emissions``)."""
    labels, state, transition = weights.labels, weights.state, weights.transition
    path = [int(k) for k in path]
    label = path[t]
    previous = path[t - 1] if t > 0 else None
    following = path[t + 1] if t + 1 < len(path) else None
    counts = Counter(a for a in attributes if a in weights.attributes)
    n_attributes = sum(counts.values())
    if len(labels) < 2:
        return TokenExplanation(t, labels[label], None, _name(labels, previous), _name(labels, following),
                           0.0, 0.0, 0.0, 0.0, n_attributes=n_attributes)

    # The score of the path with token t relabelled k, less what all such paths share.
    local = emissions[t].copy()
    if previous is not None:
        local += transition[previous, :]
    if following is not None:
        local += transition[:, following]
    local[label] = -np.inf
    competitor = int(np.argmax(local))

    relabelled = list(path)
    relabelled[t] = competitor
    margin = path_score(emissions, transition, path) - path_score(emissions, transition, relabelled)
    transition_in = 0.0 if previous is None else float(transition[previous, label] - transition[previous, competitor])
    transition_out = 0.0 if following is None else float(transition[label, following] - transition[competitor, following])

    terms = []
    for attribute, count in counts.items():
        row = weights.attributes[attribute]
        weight, rival = float(state[row, label]), float(state[row, competitor])
        terms.append(Contribution(attribute_name(attribute), family(attribute), count, weight, rival,
                                  count * (weight - rival)))
    emission = float(sum(c.contribution for c in terms))
    favour = sorted((c for c in terms if c.contribution > 0), key=lambda c: (-c.contribution, c.attribute))[:top]
    oppose = sorted((c for c in terms if c.contribution < 0), key=lambda c: (c.contribution, c.attribute))[:top]
    shown = {id(c) for c in favour + oppose}
    rest = float(sum(c.contribution for c in terms if id(c) not in shown))
    return TokenExplanation(
        t, labels[label], labels[competitor], _name(labels, previous), _name(labels, following), margin,
        emission, transition_in, transition_out, favour, oppose, rest, n_attributes,
    )


def _name(labels: list[str], index: int | None) -> str | None:
    return None if index is None else labels[index]
