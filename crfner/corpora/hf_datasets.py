"""Any Hugging Face ``datasets`` split with a tokens column and a tags column."""

from __future__ import annotations

from numbers import Integral
from typing import Any, Sequence

from ..errors import DataFormatError, excerpt
from ..schemes import convert, is_valid_tag

TAG_COLUMNS = ("tags", "ner_tags", "labels")


def label_names_of(split: Any, column: str) -> list[str] | None:
    """The label names a split declares for its integer tags (a ``Sequence(ClassLabel)``), if any."""
    features = getattr(split, "features", None) or {}
    inner = getattr(features.get(column), "feature", None)
    names = getattr(inner, "names", None)
    return list(names) if names else None


def read_hf_split(
    split: Any,
    tokens_column: str = "tokens",
    tags_column: str | None = None,
    label_names: Sequence[str] | None = None,
    source: str = "<datasets split>",
) -> tuple[list[list[str]], list[list[str]]]:
    """Turn a ``datasets`` split into ``(X, y)`` with IOB2 string tags.

    Integer tags are mapped through the split's own ``ClassLabel`` names, or through
    ``label_names`` when the split declares none. ``source`` names the split in errors.
    """
    columns = list(getattr(split, "column_names", []) or [])
    if tokens_column not in columns:
        raise DataFormatError(f"no column {tokens_column!r} (columns: {', '.join(columns)})", source)
    if tags_column is None:
        tags_column = next((c for c in TAG_COLUMNS if c in columns), None)
        if tags_column is None:
            raise DataFormatError(f"no tags column; looked for {', '.join(TAG_COLUMNS)} among {', '.join(columns)}", source)
    elif tags_column not in columns:
        raise DataFormatError(f"no column {tags_column!r} (columns: {', '.join(columns)})", source)
    if isinstance(label_names, (str, bytes)):
        raise DataFormatError("label_names must be a list of tag names, not one string", source)
    declared = label_names_of(split, tags_column)
    if declared and label_names and list(label_names) != list(declared):
        raise DataFormatError(f"label_names {excerpt(list(label_names))} differ from the split's own "
                              f"{excerpt(list(declared))}; leave label_names out", source)
    names = declared or (list(label_names) if label_names else None)

    X: list[list[str]] = []
    y: list[list[str]] = []
    for row_number, row in enumerate(split):
        where = f"{source}, row {row_number}"
        for column in (tokens_column, tags_column):
            if isinstance(row[column], (str, bytes)) or not hasattr(row[column], "__iter__"):
                raise DataFormatError(f"{column!r} must hold a list (a token or tag per word), not "
                                      f"{type(row[column]).__name__}", where)
        tokens = [str(t) for t in row[tokens_column]]
        raw = list(row[tags_column])
        if len(tokens) != len(raw):
            raise DataFormatError(f"{len(tokens)} tokens but {len(raw)} tags", where)
        if not tokens:
            continue
        tags = []
        for value in raw:
            if isinstance(value, str):
                tag = value
            elif isinstance(value, bool) or not isinstance(value, Integral):  # 1.7 or None, or a nested list
                raise DataFormatError(f"tag {excerpt(value)} is neither a tag name nor a whole-number label id", where)
            elif names is None:
                raise DataFormatError("integer tags but no label names to map them (pass label_names)", where)
            elif not 0 <= int(value) < len(names):
                raise DataFormatError(f"tag id {value} is outside the {len(names)} label names", where)
            else:
                tag = names[int(value)]
            if not is_valid_tag(tag):
                raise DataFormatError(f"tag {excerpt(tag)} fits no tagging scheme", where)
            tags.append(tag)
        X.append(tokens)
        y.append(convert(tags, "iob2"))
    if not X:
        raise DataFormatError("the split holds no sentences", source)
    return X, y
