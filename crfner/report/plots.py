"""The report's plots as PNG bytes, drawn with matplotlib's Agg canvas (no pyplot, no global state).

Each plot has a pure data function (what to draw, reused by the report's notes) and a drawing
function that returns None when there is nothing to draw; ``SKIPPED`` says why in one line.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

from .formatting import as_number, fmt_fraction
from .results import corpus_names, corpus_of, corpus_types, dig, is_ok, runs, runs_of, system_names, system_of

WIDTH, HEIGHT, DPI = 7.0, 3.5, 110
# matplotlib's tab10, fixed here so each system keeps its colour in every plot
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
SKIPPED = {
    "per_type": "not drawn: no scored run of a named corpus has per-type F1",
    "learning_curve": "not drawn: no run of a named corpus has a learning curve (none configured, or only outside predictions)",
    "speed": "not drawn: no scored run of a named corpus has a tagging speed",
}


@dataclass
class Bar:
    """One system's F1 on one entity type of one corpus, with its interval when measured."""

    corpus: str
    type: str
    system: str
    f1: float
    low: float | None
    high: float | None


@dataclass
class SpeedPoint:
    corpus: str
    system: str
    tokens_per_second: float
    f1: float


def system_colours(results: dict) -> dict[str, str]:
    return {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(system_names(results))}


def _label(text: Any) -> str:
    """Text from the data, safe from matplotlib's mathtext (``$`` would start a formula)."""
    return str(text).replace("$", r"\$")


def per_type_bars(results: dict) -> list[Bar]:
    bars = []
    for corpus in corpus_names(results):
        for run in runs_of(results, corpus, ok_only=True):
            for etype in corpus_types(results, corpus):
                f1 = as_number(dig(run, "strict", "per_type", etype, "f1"))
                if f1 is None:
                    continue
                interval = dig(run, "ci", "per_type", etype, "f1")
                low, high = (None, None)
                if isinstance(interval, list) and len(interval) == 2:
                    low, high = (as_number(bound) for bound in interval)
                bars.append(Bar(corpus, etype, system_of(run), f1, low, high))
    return bars


def learning_curves(results: dict) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """corpus → system → [(fraction, F1)], sorted by fraction; runs without a curve left out."""
    curves: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for run in runs(results):
        if not is_ok(run) or corpus_of(run) is None:
            continue
        points = []
        for p in run.get("learning_curve") or []:
            fraction, f1 = as_number(dig(p, "fraction")), as_number(dig(p, "f1"))
            if fraction is not None and f1 is not None:
                points.append((fraction, f1))
        if points:
            curves.setdefault(corpus_of(run), {})[system_of(run)] = sorted(points)
    return curves


def speed_points(results: dict) -> list[SpeedPoint]:
    """Scored runs with a tagging speed and an F1; a run without a corpus is left out, as from every plot."""
    points = []
    for run in runs(results):
        speed = as_number(dig(run, "cost", "tag_tokens_per_second"))
        f1 = as_number(dig(run, "strict", "f1"))
        corpus = corpus_of(run)
        if is_ok(run) and speed is not None and speed > 0 and f1 is not None and corpus is not None:
            points.append(SpeedPoint(corpus, system_of(run), speed, f1))
    return points


def _figure(width: float = WIDTH, height: float = HEIGHT):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def _png(figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def plot_per_type(results: dict) -> bytes | None:
    """Per-type F1 bars with their intervals: one panel per corpus, one bar per system in each type's group."""
    bars = per_type_bars(results)
    if not bars:
        return None
    colours = system_colours(results)
    corpora = [c for c in corpus_names(results) if any(b.corpus == c for b in bars)]
    widths = [max(1, len({b.type for b in bars if b.corpus == c})) for c in corpora]
    figure = _figure(max(WIDTH, 1.6 * sum(widths) + 1.5), HEIGHT)
    axes = figure.subplots(1, len(corpora), sharey=True, squeeze=False, width_ratios=widths)[0]
    shown: dict[str, Any] = {}
    for ax, corpus in zip(axes, corpora):
        mine = [b for b in bars if b.corpus == corpus]
        types = [t for t in corpus_types(results, corpus) if any(b.type == t for b in mine)]
        systems = [s for s in colours if any(b.system == s for b in mine)]
        step = 0.8 / len(systems)
        for j, system in enumerate(systems):
            xs, ys, errors = [], [], [[], []]
            for i, etype in enumerate(types):
                bar = next((b for b in mine if b.type == etype and b.system == system), None)
                if bar is None:
                    continue
                xs.append(i - 0.4 + step * (j + 0.5))
                ys.append(bar.f1)
                measured = bar.low is not None and bar.high is not None  # no interval: no error bar at all
                errors[0].append(max(0.0, bar.f1 - bar.low) if measured else math.nan)
                errors[1].append(max(0.0, bar.high - bar.f1) if measured else math.nan)
            shown[system] = ax.bar(xs, ys, step * 0.95, yerr=errors, capsize=3, color=colours[system],
                                   error_kw={"elinewidth": 1, "ecolor": "#333333"}, label=_label(system))
        ax.set_xticks(range(len(types)), [_label(t) for t in types])
        ax.set_title(_label(corpus), fontsize=10)
        ax.set_ylim(0, 1)
        ax.grid(axis="y", alpha=0.3)
        ax.set_axisbelow(True)
    axes[0].set_ylabel("strict F1 (95% CI)")
    figure.legend(list(shown.values()), [_label(s) for s in shown], loc="outside right upper", fontsize=8,
                  title="system", title_fontsize=8)
    return _png(figure)


def plot_learning_curves(results: dict) -> bytes | None:
    """F1 against the fraction of training data: one panel per corpus, one line per system."""
    curves = learning_curves(results)
    if not curves:
        return None
    colours = system_colours(results)
    corpora = [c for c in corpus_names(results) if c in curves]
    figure = _figure(max(WIDTH, 3.2 * len(corpora) + 1.5), HEIGHT)
    axes = figure.subplots(1, len(corpora), sharey=True, squeeze=False)[0]
    shown: dict[str, Any] = {}
    for ax, corpus in zip(axes, corpora):
        fractions = sorted({f for points in curves[corpus].values() for f, _ in points})
        for system, points in curves[corpus].items():
            (shown[system],) = ax.plot([f for f, _ in points], [y for _, y in points], marker="o", markersize=4,
                                       color=colours.get(system, COLOURS[0]), label=_label(system))
        ax.set_xticks(fractions, [fmt_fraction(f) for f in fractions], fontsize=8)
        ax.set_xlim(0, 1.05)
        ax.set_title(_label(corpus), fontsize=10)
        ax.set_xlabel("fraction of training data")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("strict F1")
    figure.legend(list(shown.values()), [_label(s) for s in shown], loc="outside right upper", fontsize=8,
                  title="system", title_fontsize=8)
    return _png(figure)


def plot_speed(results: dict) -> bytes | None:
    """F1 against tagging speed (tokens/s, log scale): one labelled point per (corpus, system)."""
    points = speed_points(results)
    if not points:
        return None
    colours = system_colours(results)
    corpora = [c for c in corpus_names(results) if any(p.corpus == c for p in points)]
    markers = {c: MARKERS[i % len(MARKERS)] for i, c in enumerate(corpora)}
    figure = _figure()
    ax = figure.subplots()
    for p in points:
        ax.scatter(p.tokens_per_second, p.f1, color=colours.get(p.system, COLOURS[0]), marker=markers[p.corpus],
                   s=40, zorder=3)
        label = p.system if len(corpora) == 1 else f"{p.system} ({p.corpus})"
        ax.annotate(_label(label), (p.tokens_per_second, p.f1), xytext=(5, 4), textcoords="offset points", fontsize=8)
    ax.set_xscale("log")
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))  # 20,000 rather than 2×10⁴
    ax.xaxis.set_minor_formatter(NullFormatter())
    speeds = [p.tokens_per_second for p in points]
    ax.set_xlim(min(speeds) / 1.6, max(speeds) * 2.2)  # room for the labels on the right
    ax.margins(y=0.15)
    ax.set_xlabel("tagging speed (tokens/s, log scale)")
    ax.set_ylabel("strict F1")
    ax.grid(alpha=0.3, which="both")
    if len(corpora) > 1:
        handles = [ax.scatter([], [], marker=markers[c], color="#555555") for c in corpora]
        ax.legend(handles, [_label(c) for c in corpora], title="corpus", fontsize=8, title_fontsize=8)
    return _png(figure)


def render_all(results: dict) -> dict[str, bytes | None]:
    """Every plot by name (the name is also the PNG's file stem)."""
    return {"per_type": plot_per_type(results), "learning_curve": plot_learning_curves(results),
            "speed": plot_speed(results)}
