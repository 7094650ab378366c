"""The README's examples really run: its Python blocks and its command-line block."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), flags=re.DOTALL)


@pytest.fixture()
def workdir(tmp_path, data_dir):
    """A folder with ../shared/data beside it, as in a checkout."""
    (tmp_path / "shared").symlink_to(data_dir.parent.resolve(), target_is_directory=True)
    (tmp_path / "work").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "CRFNER_DATA_DIR"}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return tmp_path / "work", env


@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_python_examples(workdir, index):
    cwd, env = workdir
    result = subprocess.run([sys.executable, "-c", _blocks("python")[index]], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_command_line_examples(workdir):
    cwd, env = workdir
    # the clinical one: test_clinical_quickstart; the concept ids one: test_linker_example
    (block,) = [b for b in _blocks("bash") if "crfner train ncbi_disease" in b and "crfner linker" not in b]
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    figures = re.findall(r"strict micro-F1 ([0-9.]+)", result.stdout)
    assert len(figures) == 2 and figures[0] == figures[1]


def test_benchmark_example(workdir):
    cwd, env = workdir
    (block,) = [b for b in _blocks("bash") if "crfner benchmark" in b]
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    report = (cwd / "my-benchmark" / "report.md").read_text(encoding="utf-8")
    assert "biomedical" in report and "tutorial" in report
    assert re.search(r"ncbi_disease +tutorial +F1 0\.\d{4}", result.stdout)


def test_linker_example(workdir):
    cwd, env = workdir
    (block,) = [b for b in _blocks("bash") if "crfner linker models/ncbi-linker" in b]  # the clinical quick start has its own test
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert printed and all(set(e) >= {"start", "end", "type", "text", "score"} for e in printed)
    assert any(e.get("concept", "").startswith(("MESH:", "OMIM:")) for e in printed)
    linked = (cwd / "ncbi-test.linked.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(linked) == 100 and sum('"concept": ' in line for line in linked) > 50


@pytest.mark.skipif(not shutil.which("make"), reason="no make here")
def test_make_bc5cdr_prints_the_readmes_table(workdir):
    """``make bc5cdr`` (the Makefile's own recipe, run in a scratch folder with this virtualenv standing in for the
    one it makes) prints the table the README shows and writes the figures it names."""
    cwd, env = workdir
    venv = cwd / "venv" / "bin"
    venv.mkdir(parents=True)
    for name in ("python", "crfner"):
        (venv / name).symlink_to(Path(sys.executable).parent / name)
    for name in ("setup.cfg", "pyproject.toml"):  # the stamp's prerequisites, older than the stamp
        (cwd / name).write_text("", encoding="utf-8")
    (venv.parent / ".installed-main").touch()
    result = subprocess.run(["make", "-s", "-f", str(REPO / "Makefile"), "bc5cdr", f"VENV={venv.parent}",
                             "DATA_DIR=../shared/data"], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    shown = re.search(r"\n```\n(bc5cdr test: strict micro-F1 .*?)```", (REPO / "README.md").read_text(encoding="utf-8"),
                      flags=re.DOTALL).group(1)
    assert shown in result.stdout
    figures = json.loads((cwd / "results" / "bc5cdr-tutorial-test.json").read_text(encoding="utf-8"))
    assert f"strict micro-F1 {figures['f1']:.4f}" in shown
