"""The report's opening: its title, the paragraph saying what was run and how, and the Setup
section (machine, packages, corpora, systems, configuration).
"""

from __future__ import annotations

from .blocks import Block, Cell, Code, Heading, Inline, Paragraph, Table
from .formatting import DASH, as_number, fmt_count, fmt_fraction, number_cell, text_or_dash
from .results import corpus_names, corpus_types, dig, is_ok, runs, system_names, system_of


def title(results: dict) -> str:
    """The report's title, naming the benchmark configuration when it has a name."""
    name = dig(results, "config", "name")
    return f"crfner benchmark: {name}" if name else "crfner benchmark"


def intro(results: dict) -> list[Paragraph]:
    """What was run, by which command, when, at which commit, how long it took."""
    config = results.get("config") or {}
    all_runs = runs(results)
    ok = sum(is_ok(run) for run in all_runs)
    parts: list[Inline] = [
        (f"This report covers {ok} scored run{'s' if ok != 1 else ''} ({len(all_runs) - ok} not run) of "
         f"{len(system_names(results))} systems on {len(corpus_names(results))} corpora")
    ]
    if config.get("name"):
        parts += [", benchmark configuration ", Code(str(config["name"]))]
    parts += [
        (f", trained on the {config.get('train_split') or '?'} split and scored on the "
         f"{config.get('test_split') or '?'} split. Command: "),
        Code(str(results.get("command") or "?")),
        f". Started {text_or_dash(results.get('started'))}, finished {text_or_dash(results.get('finished'))}",
    ]
    seconds = as_number(results.get("seconds"))
    parts.append(f", {seconds:,.1f} s in total" if seconds is not None else "")
    commit = dig(results, "git", "commit")
    if commit:
        dirty = dig(results, "git", "dirty")
        parts += ["; git commit ", Code(str(commit)[:12]), " (uncommitted changes)" if dirty else " (clean tree)"]
    else:
        parts.append("; git commit unknown")
    version = dig(results, "packages", "crfner")
    parts.append(f"; crfner {version}." if version else ".")
    return [Paragraph(parts)]


# ---------------------------------------------------------------------------------------------
# The Setup section


def setup_blocks(results: dict) -> list[Block]:
    """Machine, packages, corpora, systems and the configuration, each a small table."""
    blocks: list[Block] = []
    machine = results.get("machine") or {}
    labels = {"cpu": "CPU", "cores": "Cores", "memory_gib": "Memory (GiB)", "platform": "Platform",
              "python": "Python", "gpu": "GPU"}
    rows = [[Cell(label), Cell(text_or_dash(machine.get(key)) if key != "gpu" else str(machine.get(key) or "none"))]
            for key, label in labels.items()]
    rows += [[Cell(str(key)), Cell(text_or_dash(value))] for key, value in machine.items() if key not in labels]
    blocks += [Heading("Machine"), Table(["Property", "Value"], rows)]

    packages = results.get("packages") or {}
    if packages:
        rows = [[Cell(str(name)), Cell(str(version) if version else "not installed")]
                for name, version in packages.items()]
        blocks += [Heading("Packages"), Table(["Package", "Version"], rows)]

    corpora = results.get("corpora") or {}
    rows = []
    for name in corpus_names(results):
        info = corpora.get(name) or {}
        counts = [number_cell(fmt_count(info.get(key)))
                  for key in ("train_sentences", "train_tokens", "test_sentences", "test_tokens")]
        described = text_or_dash(info.get("description"))
        if isinstance(info.get("options"), dict) and info["options"]:  # [corpus_options.NAME] of the config
            loaded = "; ".join(f"{key} = {', '.join(map(str, value)) if isinstance(value, list) else value}"
                               for key, value in sorted(info["options"].items()))
            described = f"{described} (loaded with {loaded})"
        rows.append([Cell(name), *counts, Cell(", ".join(corpus_types(results, name)) or DASH), Cell(described)])
    header = ["Corpus", "Train sentences", "Train tokens", "Test sentences", "Test tokens", "Types", "Description"]
    blocks += [Heading("Corpora"), Table(header, rows, f"Train: {dig(results, 'config', 'train_split') or '?'}; "
                                                      f"test: {dig(results, 'config', 'test_split') or '?'}.")]

    declared = {str(s.get("name")): s for s in dig(results, "config", "systems") or [] if isinstance(s, dict)}
    rows = []
    for name in system_names(results):
        described = next((run.get("description") for run in runs(results)
                          if system_of(run) == name and run.get("description")), None)
        kind = (declared.get(name) or {}).get("type") or next(
            (run.get("type") for run in runs(results) if system_of(run) == name), None)
        extra = ", ".join(f"{k}={v}" for k, v in (declared.get(name) or {}).items() if k not in ("name", "type"))
        rows.append([Cell(name), Cell(text_or_dash(kind)), Cell(text_or_dash(described or extra))])
    blocks += [Heading("Systems"), Table(["System", "Type", "Description"], rows)]

    config = results.get("config") or {}
    settings = [
        ("Configuration", config.get("name")), ("File", config.get("path")), ("Hash", config.get("hash")),
        ("Training split", config.get("train_split")), ("Test split", config.get("test_split")),
        ("Learning-curve fractions", ", ".join(fmt_fraction(f) for f in config.get("learning_curve") or []) or None),
        ("Bootstrap resamples (CI)", config.get("bootstrap")),
        ("Permutations (significance)", config.get("permutations")),
        ("Resampling unit (CI, significance)", config.get("resample_unit") or ("sentence" if config else None)),
        ("Devel split (transformer epoch choice)", config.get("devel_split")), ("Seed", config.get("seed")),
    ]
    if isinstance(config.get("linking"), dict):  # only configs with a [linking] table get the row
        settings.append(("Concept linking", _linking_setting(config["linking"])))
    rows = [[Cell(label), Cell(text_or_dash(value))] for label, value in settings]
    blocks += [Heading("Configuration"), Table(["Setting", "Value"], rows)]
    return blocks


def _linking_setting(linking: dict) -> str:
    """The ``[linking]`` table in one line: each corpus's vocabularies, then the linker's parameters."""
    corpora = "; ".join(f"{corpus}: {', '.join(map(str, specs))}" for corpus, specs in (linking.get("vocabularies") or {}).items())
    params = ", ".join(f"{k} = {linking[k]}" for k in ("threshold", "ngram_range") if k in linking)
    return corpora + (f" ({params})" if params else " (the linker's default parameters)")
