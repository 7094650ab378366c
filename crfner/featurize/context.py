"""Context features: chosen features of neighbouring tokens, word conjunctions across
positions, and sentence boundaries.

Which of a word's features its neighbours see depends on the word alone, so ``Context``
projects them once per word type (``project``) and assembles each sentence from those
projections (``assemble``), keeping per-token Python work to a few dict updates.
"""

from __future__ import annotations

from itertools import chain
from typing import Collection, Mapping, Sequence

OUTSIDE_BEFORE, OUTSIDE_AFTER = "<s>", "</s>"


def attribute(name: str, value: object) -> str:
    """The CRFsuite attribute a feature becomes: ``name:value`` for a string, else ``name``."""
    return f"{name}:{value}" if isinstance(value, str) else name


class Context:
    """A declared context: ``offsets`` (e.g. -2..2), the feature ``names`` copied from
    neighbours (a name ending in ``*`` copies every feature starting with it), word
    ``conjunctions`` (offset lists such as ``[-1, 0]`` joining the ``conjoin`` feature),
    ``feature_conjunctions`` (the same for other features, e.g. ``{"clu128": [[-1, 0]]}``)
    and ``boundaries`` (``BOS``/``EOS`` on the first and last token)."""

    def __init__(
        self,
        offsets: Sequence[int] = (),
        names: Sequence[str] = (),
        boundaries: bool = False,
        conjunctions: Sequence[Sequence[int]] = (),
        conjoin: str = "lower",
        feature_conjunctions: Mapping[str, Sequence[Sequence[int]]] | None = None,
    ):
        self.offsets = [(o, f"{o:+d}:") for o in offsets if o != 0]
        self.exact = frozenset(n for n in names if not n.endswith("*"))
        self.prefixes = tuple(n[:-1] for n in names if n.endswith("*"))
        self.boundaries = boundaries
        others = dict(feature_conjunctions or {})
        # the features whose values conjunctions join; a conjunction names its slot in this list
        self.conjoined = [conjoin, *others]
        self.conjunctions = [
            (list(c), "|".join(f"{o:+d}" for o in c) + ":" + feature, slot)
            for slot, (feature, offset_lists) in enumerate([(conjoin, conjunctions), *others.items()])
            for c in offset_lists
        ]
        self.conjoin = conjoin
        self._visible: dict[str, bool] = {}

    def visible(self, name: str) -> bool:
        """Whether neighbours see the feature ``name`` (remembered: feature names are few)."""
        seen = self._visible.get(name)
        if seen is None:
            seen = self._visible[name] = name in self.exact or (bool(self.prefixes) and name.startswith(self.prefixes))
        return seen

    def project(self, features: dict, known: Collection[bytes] | None = None) -> list[list[tuple[str, object, bytes]]]:
        """For each offset, the (prefixed name, value, encoded attribute) triples a neighbour at
        that offset gets from a token with ``features``; with ``known``, only attributes the model knows."""
        visible = self.visible
        seen = [(name, value, isinstance(value, str)) for name, value in features.items() if visible(name)]
        out = []
        for _, prefix in self.offsets:
            triples = []
            for name, value, is_text in seen:
                shifted = prefix + name
                attr = (f"{shifted}:{value}" if is_text else shifted).encode()
                if known is None or attr in known:
                    triples.append((shifted, value, attr))
            out.append(triples)
        return out

    def assemble(
        self, own: Sequence[list], projections: Sequence[list[list]], conjoined: Sequence, as_attributes: bool, known=None
    ) -> list[list]:
        """Each token's own items plus its neighbours' projections, conjunctions and boundaries.

        Items are encoded CRFsuite attributes (``as_attributes``) or (name, value) pairs;
        ``own`` and ``projections`` hold items of that kind, and ``conjoined`` per token the values
        conjunctions join (one per feature in ``self.conjoined``), as bytes or strings to match.
        """
        n = len(own)
        # One column per offset: what each token sees of its neighbour there (empty beyond the
        # sentence), so that a token's items are one chain over its row.
        columns = []
        for k, (offset, _) in enumerate(self.offsets):
            seen = [p[k] for p in projections]
            if offset > 0:
                column = seen[offset:] + [()] * min(offset, n)
            else:
                column = [()] * min(-offset, n) + seen[: max(n + offset, 0)]
            columns.append(column)
        out = _rows(own, columns)
        values = list(zip(*conjoined)) if self.conjunctions else []  # per conjoined feature, its value at each token
        for offsets, name, slot in self.conjunctions if n else ():
            if as_attributes:  # conjoined values come as bytes: build the attribute without re-encoding
                prefix = f"{name}:".encode()
                keys = [prefix + value for value in self.joined(values[slot], offsets, b"|", b"<s>", b"</s>")]
                if known is None:
                    for items, key in zip(out, keys):
                        items.append(key)
                else:
                    for items, key in zip(out, keys):
                        if key in known:
                            items.append(key)
            else:
                for i, value in enumerate(self.joined(values[slot], offsets)):
                    if known is None or f"{name}:{value}".encode() in known:
                        out[i].append((name, value))
        if self.boundaries and n:
            out[0].append(b"BOS" if as_attributes else ("BOS", 1.0))
            out[-1].append(b"EOS" if as_attributes else ("EOS", 1.0))
        return out

    @staticmethod
    def joined(conjoined: Sequence, offsets: Sequence[int], sep="|", before=OUTSIDE_BEFORE, after=OUTSIDE_AFTER) -> list:
        """For each position, the values at ``offsets`` joined by ``sep`` (``before``/``after``
        beyond the sentence); strings or bytes alike."""
        pad = max(abs(o) for o in offsets)
        padded = [before] * pad + list(conjoined) + [after] * pad
        n = len(conjoined)
        if len(offsets) == 2:
            a, b = offsets[0] + pad, offsets[1] + pad
            return [padded[i + a] + sep + padded[i + b] for i in range(n)]
        return [sep.join(padded[i + pad + o] for o in offsets) for i in range(n)]


def _rows(own: Sequence, columns: list[list]) -> list[list]:
    """Each token's own items followed by its columns' items, as one list per token."""
    # Unpacking into a list display is about three times faster than chaining, so the usual
    # windows (+-1, +-2) are spelled out.
    if len(columns) == 4:
        return [[*o, *a, *b, *c, *d] for o, a, b, c, d in zip(own, *columns)]
    if len(columns) == 2:
        return [[*o, *a, *b] for o, a, b in zip(own, *columns)]
    return [list(chain.from_iterable(row)) for row in zip(own, *columns)]


def add_context(
    token_features: Sequence[dict],
    offsets: Sequence[int],
    names: Sequence[str],
    boundaries: bool,
    conjunctions: Sequence[Sequence[int]] = (),
    conjoin: str = "lower",
    feature_conjunctions: Mapping[str, Sequence[Sequence[int]]] | None = None,
) -> list[dict]:
    """Pure-function form of :class:`Context`: token feature dicts in, dicts with context out."""
    context = Context(offsets, names, boundaries, conjunctions, conjoin, feature_conjunctions)
    projections = [[[(n, v) for n, v, _ in triples] for triples in context.project(features)] for features in token_features]
    conjoined = [tuple(str(features.get(f, "")) for f in context.conjoined) for features in token_features]
    own = [list(features.items()) for features in token_features]
    return [dict(items) for items in context.assemble(own, projections, conjoined, as_attributes=False)]
