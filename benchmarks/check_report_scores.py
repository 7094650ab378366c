"""Check a benchmark report's strict figures against `crfner evaluate` and seqeval on the
predictions files the run wrote, to 4 decimal places.

    python benchmarks/check_report_scores.py benchmarks/results/default

Prints one line per run and exits 1 on any disagreement. seqeval's `classification_report`
is the independent scorer: its own entity counting, the conlleval-compatible default mode.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path


def report_f1(report: str, corpus: str, system: str) -> float:
    """The F1 printed in report.md's comparison table for (corpus, system)."""
    section = report.split("## Comparison", 1)[1].split("\n## ", 1)[0]
    table = section.split(f"### {corpus}\n", 1)[1].split("\n### ", 1)[0]
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells and cells[0] == system:
            return float(re.search(r"[01]\.\d{4}", cells[3].replace("*", "")).group())
    raise SystemExit(f"report.md has no comparison row for {corpus} / {system}")


def main() -> int:
    from seqeval.metrics import classification_report

    from crfner.corpora.conll import read_predictions

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/default")
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    report = (out / "report.md").read_text(encoding="utf-8")
    failures = 0
    for run in results["runs"]:
        if run.get("status") != "ok":
            continue
        path = out / run["predictions"]
        with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
            done = subprocess.run([sys.executable, "-m", "crfner", "evaluate", "--predictions", str(path), "--json", tmp.name],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(done.stderr)
            evaluated = json.loads(Path(tmp.name).read_text())
        _, gold, predicted = read_predictions(path)
        seqeval = classification_report(gold, predicted, output_dict=True, digits=6)["micro avg"]
        figures = {
            "results.json": run["strict"]["f1"],
            "report.md": report_f1(report, run["corpus"], run["system"]),
            "crfner evaluate": evaluated["f1"],
            "seqeval": seqeval["f1-score"],
        }
        rounded = {k: f"{v:.4f}" for k, v in figures.items()}
        agree = len(set(rounded.values())) == 1
        failures += not agree
        print(f"{'ok  ' if agree else 'FAIL'} {run['corpus']:<13} {run['system']:<12} "
              + "  ".join(f"{k} {v}" for k, v in rounded.items()))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
