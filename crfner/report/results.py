"""Look-ups into results.json: the runs, corpora, systems and entity types it holds, in a
fixed order, tolerating missing or malformed entries (they read as None or are dropped).
"""

from __future__ import annotations

from typing import Any


def dig(data: Any, *keys: Any) -> Any:
    """``data[k1][k2]...``, or None where any level is missing or null."""
    for key in keys:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and -len(data) <= key < len(data):
            data = data[key]
        else:
            return None
    return data


def runs(results: dict) -> list[dict]:
    """The runs, in the runner's order (missing or malformed entries dropped)."""
    return [run for run in results.get("runs") or [] if isinstance(run, dict)]


def is_ok(run: dict) -> bool:
    """Whether the run was scored (not skipped, not failed)."""
    return run.get("status") == "ok"


def corpus_of(run: dict) -> str | None:
    """The run's corpus as text: a number or other non-string (a hand-edited or older results.json) as
    ``str`` shows it, so every section and plot groups and labels the run alike; None when missing or null."""
    corpus = run.get("corpus")
    return corpus if corpus is None or isinstance(corpus, str) else str(corpus)


def system_of(run: dict) -> str:
    """The run's system as text, as every table and plot labels it: a number (a hand-edited
    results.json) as ``str`` shows it, so that labels and :func:`system_names` agree."""
    return str(run.get("system"))


def corpus_names(results: dict) -> list[str]:
    """Corpora in the order of ``results["corpora"]``, then any only named by a run (runs without one are left out)."""
    corpora = results.get("corpora")
    names = [str(name) for name in corpora] if isinstance(corpora, dict) else []
    for run in runs(results):
        corpus = corpus_of(run)
        if corpus not in names and corpus is not None:
            names.append(corpus)
    return names


def runs_of(results: dict, corpus: str, ok_only: bool = False) -> list[dict]:
    """The runs on ``corpus``; only the scored ones with ``ok_only``."""
    return [run for run in runs(results) if corpus_of(run) == corpus and (is_ok(run) or not ok_only)]


def system_names(results: dict) -> list[str]:
    """Systems in order of first appearance in the config, then in the runs (fixes colours too), as
    text (:func:`system_of`), so that a system named by a number keeps its bars and colour."""
    names = [str(s["name"]) for s in dig(results, "config", "systems") or [] if isinstance(s, dict) and s.get("name") is not None]
    names += [system_of(run) for run in runs(results) if run.get("system") is not None]
    return list(dict.fromkeys(names))


def corpus_types(results: dict, corpus: str) -> list[str]:
    """The corpus's entity types as results.json declares them, else those the runs scored."""
    declared = dig(results, "corpora", corpus, "types")
    if declared:
        return [str(t) for t in declared]
    found: list[str] = []
    for run in runs_of(results, corpus, ok_only=True):
        for name in dig(run, "strict", "per_type") or {}:
            if name not in found:
                found.append(name)
    return sorted(found)


def all_types(results: dict) -> list[str]:
    """Every entity type of every corpus, sorted: the index fixes each type's colour."""
    return sorted({t for corpus in corpus_names(results) for t in corpus_types(results, corpus)})
