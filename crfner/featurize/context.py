"""Context features: chosen features of neighbouring tokens, and sentence boundaries."""

from __future__ import annotations

from typing import Sequence


def add_context(
    token_features: Sequence[dict], offsets: Sequence[int], names: Sequence[str], boundaries: bool
) -> list[dict]:
    """Copy each token's features and add neighbours' ``names`` as ``"-1:lower"``, ``"+1:lower"``, ...

    With ``boundaries``, the first token gets ``BOS`` and the last ``EOS``.
    """
    n = len(token_features)
    prefixed = [(offset, f"{offset:+d}:") for offset in offsets if offset != 0]
    out = []
    for i, own in enumerate(token_features):
        features = dict(own)
        for offset, prefix in prefixed:
            j = i + offset
            if 0 <= j < n:
                neighbour = token_features[j]
                for name in names:
                    if name in neighbour:
                        features[prefix + name] = neighbour[name]
        if boundaries:
            if i == 0:
                features["BOS"] = 1.0
            if i == n - 1:
                features["EOS"] = 1.0
        out.append(features)
    return out
