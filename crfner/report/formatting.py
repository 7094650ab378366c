"""Numbers and cells as the report prints them: scores, counts, intervals, p-values, and "—"
wherever a value is missing, so every table shows gaps the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .blocks import Cell

DASH = "—"
NOT_MEASURED = "not measured"


def as_number(value: Any) -> float | None:
    """A finite float, or None for missing, null, NaN or non-numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def fmt(value: Any, digits: int = 4) -> str:
    """A score with ``digits`` decimals; "—" when missing."""
    number = as_number(value)
    return DASH if number is None else f"{number:.{digits}f}"


def fmt_count(value: Any) -> str:
    """A whole number with thousands separators; other numbers as given; "—" when missing."""
    number = as_number(value)
    if number is None:
        return DASH
    return f"{int(number):,}" if number == int(number) else f"{number:,.1f}"


def fmt_interval(value: Any, interval: Any) -> str:
    """``0.8697 [0.8631, 0.8760]``; the value alone when no interval was measured."""
    text = fmt(value)
    if text != DASH and isinstance(interval, (list, tuple)) and len(interval) == 2:
        low, high = (as_number(bound) for bound in interval)
        if low is not None and high is not None:
            text += f" [{low:.4f}, {high:.4f}]"
    return text


def fmt_signed_interval(interval: Any) -> str:
    """A difference's interval, ``[-0.0180, +0.0288]``; "—" when missing."""
    if isinstance(interval, (list, tuple)) and len(interval) == 2:
        low, high = (as_number(bound) for bound in interval)
        if low is not None and high is not None:
            return f"[{low:+.4f}, {high:+.4f}]"
    return DASH


def fmt_p(p_value: Any, resamples: Any) -> str:
    """A p-value; at the smallest a resampling test can give, 1/(resamples+1), an upper bound ``< 0.0001``."""
    p = as_number(p_value)
    if p is None:
        return DASH
    r = as_number(resamples)
    if r is not None and r > 0:
        smallest = 1.0 / (r + 1.0)
        if p <= smallest * (1 + 1e-9):
            bound = 10.0 ** math.ceil(math.log10(smallest) - 1e-12)
            decimals = max(0, -round(math.log10(bound)))
            sign = "<" if smallest < bound * (1 - 1e-9) else "≤"
            return f"{sign} {bound:.{decimals}f}"
    return f"{p:.4f}" if p >= 1e-4 else f"{p:.1e}"


def fmt_fraction(fraction: Any) -> str:
    """A training-data fraction as a percentage: 0.25 → ``25%``."""
    number = as_number(fraction)
    return DASH if number is None else f"{number * 100:g}%"


def text_or_dash(value: Any) -> str:
    """``value`` as text; "—" when it is missing or empty."""
    return DASH if value is None or value == "" else str(value)


def number_cell(text: str) -> Cell:
    """A right-aligned cell holding an already formatted number."""
    return Cell(text, numeric=True)


def blank_row(first: Sequence[str], width: int, message: str = NOT_MEASURED) -> list[Cell]:
    """A row naming a run whose figures were not measured: the message, then empty cells."""
    cells = [Cell(text) for text in first] + [Cell(message)]
    return cells + [Cell("") for _ in range(width - len(cells))]
