"""The first ten minutes (issue 14): a missing data folder fails at once and says where it
looked, progress shows on a terminal and not in a pipe, benchmark scripts leave the recorded
results alone, train and tune agree on the feature set, and a missing browser is one line."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, load_benchmark

CRFNER = [sys.executable, "-m", "crfner"]
SENTENCES = [[("Cisplatin", "B-Chemical"), ("induced", "O"), ("nephrotoxicity", "B-Disease"), (".", "O")],
             [("Aspirin", "B-Chemical"), ("relieves", "O"), ("headache", "B-Disease"), (".", "O")],
             [("No", "O"), ("renal", "B-Disease"), ("failure", "I-Disease"), ("was", "O"), ("seen", "O"), (".", "O")]]


def _conll(path: Path, copies: int = 20) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("".join(f"{t}\t{g}\n" for t, g in s) + "\n" for s in SENTENCES * copies), encoding="utf-8")
    return path


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CRFNER_DATA_DIR", "CI", "HF_HUB_OFFLINE", "TQDM_NCOLS", "TQDM_NROWS")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def test_missing_data_fails_fast_and_names_the_folder(tmp_path):
    """No local copy and no hub (a closed port stands in for an offline machine): one line
    within seconds, naming the folder looked in, not half a minute of hub retries."""
    missing = tmp_path / "no-data"
    started = time.monotonic()
    done = subprocess.run([*CRFNER, "train", "bc5cdr", "--out", "m", "--data-dir", str(missing)], cwd=tmp_path,
                          env=_env(HF_ENDPOINT="http://127.0.0.1:9"), capture_output=True, text=True, timeout=60, check=False)
    seconds = time.monotonic() - started
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(missing / "BC5CDR-IOB") in lines[0] and "no such folder" in lines[0] and "127.0.0.1" in lines[0]
    assert seconds < 5, f"{seconds:.1f} s"


def test_default_data_dir_is_also_looked_for_beside_the_checkout(tmp_path, monkeypatch):
    from crfner.corpora.registry import CHECKOUT_DATA_DIR, DATA_DIR_ENV, looked_in, resolve_data_dir

    if not CHECKOUT_DATA_DIR.is_dir():
        pytest.skip(f"no data beside the checkout ({CHECKOUT_DATA_DIR})")
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)  # ../shared/data from here does not exist
    assert resolve_data_dir() == CHECKOUT_DATA_DIR
    assert looked_in(None, "X") == f"{tmp_path.parent / 'shared' / 'data' / 'X'} (no such folder) or {CHECKOUT_DATA_DIR / 'X'} [default]"


def _train(tmp_path, *options, terminal: bool, **env) -> str:
    """crfner train on a small file; what it wrote to stderr (a pseudo-terminal of no set size, or a pipe)."""
    corpus = _conll(tmp_path / "small.tsv")
    command = [*CRFNER, "train", str(corpus), "--out", str(tmp_path / "m"), "--force", "--max-iterations", "5", *options]
    if not terminal:
        done = subprocess.run(command, env=_env(**env), capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stderr
    main, secondary = pty.openpty()
    process = subprocess.Popen(command, env=_env(**env), stdout=subprocess.DEVNULL, stderr=secondary)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert process.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_on_a_terminal(tmp_path):
    assert "training CRF" in _train(tmp_path, terminal=True)


def test_no_progress_in_a_pipe_or_in_ci(tmp_path):
    piped = _train(tmp_path, terminal=False)
    assert "training CRF" not in piped and "\r" not in piped and "saved" in piped
    assert "training CRF" not in _train(tmp_path, terminal=True, CI="1")
    assert "training CRF" not in _train(tmp_path, "--no-progress", terminal=True)


def test_progress_forced_into_a_pipe(tmp_path):
    assert "training CRF" in _train(tmp_path, "--progress", terminal=False)
    assert "training CRF" not in _train(tmp_path, "--progress", "-q", terminal=False)


def test_train_and_tune_default_to_the_same_feature_set():
    from crfner.cli.parser import build_parser

    parser = build_parser()
    train = parser.parse_args(["train", "bc5cdr", "--out", "m"])
    tune = parser.parse_args(["tune", "bc5cdr", "--out", "m"])
    assert tune.features == [train.features] == ["tutorial"]


def test_tutorial_reference_leaves_the_recorded_results_alone(tmp_path):
    """Without --out the script writes into a new folder of its own and says where."""
    recorded = REPO / "benchmarks" / "results" / "tutorial_reference.json"
    before = recorded.read_bytes() if recorded.exists() else None
    for split in ("train", "devel", "test"):
        _conll(tmp_path / "data" / "BC5CDR-IOB" / f"{split}.tsv", copies=5)
    scratch = tmp_path / "tmp"  # the system temporary folder, for this run only: nothing left behind in /tmp
    scratch.mkdir()
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "tutorial_reference.py"), "--data-dir",
                           str(tmp_path / "data"), "--corpora", "bc5cdr"], cwd=tmp_path, env=_env(TMPDIR=str(scratch)),
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert (recorded.read_bytes() if recorded.exists() else None) == before
    written = Path(done.stdout.strip().splitlines()[-1].removeprefix("wrote "))
    assert "no --out given: writing to" in done.stderr and str(written) in done.stderr
    assert written.parent != recorded.parent and len(json.loads(written.read_text())["rows"]) == 2
    assert written.parent.parent == scratch


def _render_checker():
    return load_benchmark("check_report_render")


def test_report_render_without_chromium_is_one_line(tmp_path, capsys):
    page = tmp_path / "report.html"
    page.write_text("<html><body></body></html>", encoding="utf-8")
    checker = _render_checker()
    assert checker.main([str(page), "--chromium", str(tmp_path / "no-chromium")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no Chromium at" in err[0] and "apt-get install chromium" in err[0]
    if importlib.util.find_spec("playwright") is None:
        return
    checker.CHROMIUM = tmp_path / "no-system-chromium"  # and playwright's own, if it has none
    code = checker.main([str(page)])
    err = capsys.readouterr().err.strip().splitlines()
    if code == 2:
        assert len(err) == 1 and "playwright install chromium" in err[0], err


def _out_argument_defaults(tree: ast.AST) -> list:
    """The ``default=`` of each ``add_argument("--out", ...)`` call in a parsed script, as source (None where it has none)."""
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument"
                and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == "--out"):
            default = next((k.value for k in node.keywords if k.arg == "default"), None)
            found.append(None if default is None or isinstance(default, ast.Constant) and default.value is None
                         else ast.unparse(default))
    return found


def _plain_writes(tree: ast.AST) -> list[int]:
    """Lines that write a file in place: ``Path(...).write_text(...)``/``write_bytes`` or ``open(..., "w")``."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("write_text", "write_bytes"):
            lines.append(node.lineno)
        elif isinstance(node.func, ast.Name) and node.func.id == "open":
            mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
            if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax"):
                lines.append(node.lineno)
    return lines


def test_benchmark_scripts_write_results_only_when_told_and_atomically():
    """The README's promise for every script in benchmarks/: ``--out`` has no default (so nothing lands in
    benchmarks/results unasked), and what a script writes goes through a temporary file and a rename."""
    scripts = sorted((REPO / "benchmarks").glob("*.py"))
    assert len(scripts) > 30
    defaults, plain = {}, {}
    for script in scripts:
        tree = ast.parse(script.read_text(encoding="utf-8"))
        given = [d for d in _out_argument_defaults(tree) if d is not None]
        if given:
            defaults[script.name] = given
        if _plain_writes(tree):
            plain[script.name] = _plain_writes(tree)
    assert defaults == {}
    assert plain == {}
