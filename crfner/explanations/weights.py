"""What a fitted CRF has learned, from its own weights (the numbers it decodes with): labels,
transitions, each label's strongest state features, and the weight by feature family."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .families import FAMILIES, attribute_name, family

__all__ = ["ModelInspection", "inspect_model"]


@dataclass
class ModelInspection:
    """A model's weights summed up (see :func:`inspect_model`); ``to_dict()`` for JSON, ``str()`` to read."""

    feature_set: dict  # name, version
    labels: list[str]
    transition: list[list[float]]  # transition[from][to], as weights_.transition
    top: dict  # label -> {"positive": [(attribute, weight), ...], "negative": [...]}
    families: list[dict]  # family, share, weight, features, attributes; heaviest first
    counts: dict  # attributes, active_attributes, state_features, transition_features, features
    featurization: dict | None = None  # CRFModel.featurization_check(): is the model featurized as when saved?

    def to_dict(self) -> dict:
        """Plain lists, dicts, strings and floats, for ``json.dumps``."""
        return {
            "feature_set": dict(self.feature_set),
            "labels": list(self.labels),
            "transition": [list(row) for row in self.transition],
            "top": {
                label: {kind: [{"attribute": a, "weight": w} for a, w in rows] for kind, rows in sides.items()}
                for label, sides in self.top.items()
            },
            "families": [dict(row) for row in self.families],
            "counts": dict(self.counts),
            "featurization": None if self.featurization is None else dict(self.featurization),
        }

    def __str__(self) -> str:
        from .render import render_inspection

        return render_inspection(self)


def _ranked(column: np.ndarray, names: list[str], top: int, sign: int) -> list[tuple[str, float]]:
    """The ``top`` attributes of one label's weights, largest first (``sign`` 1) or most
    negative first (``sign`` -1); only weights of that sign, ties broken by name."""
    rows = np.flatnonzero(column * sign > 0)
    order = sorted(rows.tolist(), key=lambda r: (-sign * column[r], names[r]))[:top]
    return [(names[r], float(column[r])) for r in order]


def inspect_model(tagger, top: int = 20) -> ModelInspection:
    """Labels, the transition matrix, the ``top`` positive and negative state features of each
    label, each family's share of the absolute state weight, how many features are active, and
    whether this crfner featurizes the model as the code that saved it did (``featurization``).

    ``tagger`` is a fitted or loaded :class:`crfner.CRFTagger` (anything with ``weights_``
    and ``feature_set_``). A family's share is the sum of ``|state[a, k]|`` over its
    attributes ``a`` and all labels ``k``, divided by the same sum over every attribute; the
    families are those of :mod:`crfner.explanations.families`. A feature is one non-zero weight
    (an attribute-label pair, or a label-label transition); an attribute is active when at
    least one of its weights is non-zero.
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a positive whole number, not {top!r}")
    weights = getattr(tagger, "weights_", None)
    if weights is None:
        from ..errors import NotFittedError

        raise NotFittedError("this tagger has no CRF weights_ to inspect (fit or load a CRFTagger)")
    state, transition = np.asarray(weights.state, dtype=float), np.asarray(weights.transition, dtype=float)
    names = [""] * state.shape[0]
    for name, row in weights.attributes.items():
        names[row] = attribute_name(name)
    feature_set = getattr(tagger, "feature_set_", None)
    described = {"name": getattr(feature_set, "name", None), "version": getattr(feature_set, "version", None)}

    ranked = {
        label: {"positive": _ranked(state[:, k], names, top, 1), "negative": _ranked(state[:, k], names, top, -1)}
        for k, label in enumerate(weights.labels)
    }

    absolute = np.abs(state)
    row_weight = absolute.sum(axis=1)
    row_features = np.count_nonzero(state, axis=1)
    totals = {name: [0.0, 0, 0] for name in FAMILIES}  # weight, features, active attributes
    for row, name in enumerate(names):
        entry = totals[family(name)]
        entry[0] += float(row_weight[row])
        entry[1] += int(row_features[row])
        entry[2] += int(row_features[row] > 0)
    whole = float(row_weight.sum())
    families = [
        {"family": name, "share": (w / whole if whole else 0.0), "weight": w, "features": f, "attributes": a}
        for name, (w, f, a) in totals.items()
        if a
    ]
    families.sort(key=lambda row: (-row["weight"], FAMILIES.index(row["family"])))

    state_features = int(np.count_nonzero(state))
    transition_features = int(np.count_nonzero(transition))
    counts = {
        "attributes": int(state.shape[0]),
        "active_attributes": int(np.count_nonzero(row_features)),
        "state_features": state_features,
        "transition_features": transition_features,
        "features": state_features + transition_features,
    }
    check = getattr(tagger, "featurization_check", None)
    return ModelInspection(
        described, list(weights.labels), transition.tolist(), ranked, families, counts,
        None if check is None else check(),
    )
