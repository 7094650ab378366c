"""What the benchmarks of saved models share: the data folder and a saved model per corpus
(``--model maccrobat=DIR``, repeatable), a run over those models, and the results file."""

from __future__ import annotations

import json
import sys
from typing import Callable


def add_corpus_models(parser, trained: str = ", trained on its train split") -> None:
    """``--data-dir`` and ``--model CORPUS=DIR`` (repeatable, required)."""
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--model", action="append", required=True, metavar="CORPUS=DIR",
                        help=f"a saved model for a corpus (maccrobat, phee){trained}")


def corpus_models(args) -> list[tuple[str, str]]:
    """``(corpus, model directory)`` of each ``--model``."""
    return [(spec.partition("=")[0], spec.partition("=")[2]) for spec in args.model]


def model_rows(args, script: str, argv: list[str] | None, run: Callable[[str, str, str], dict],
               report: Callable[[str, dict], str]) -> list[dict]:
    """``run(corpus, model directory, data dir)`` for each ``--model``, each row with the command
    that made it; ``report(corpus, row)`` is printed on stderr as each is done."""
    command = f"python benchmarks/{script} " + " ".join(argv if argv is not None else sys.argv[1:])
    rows = []
    for corpus, model_dir in corpus_models(args):
        row = run(corpus, model_dir, args.data_dir)
        print(report(corpus, row), file=sys.stderr)
        rows.append({**row, "command": command})
    return rows


def write_result(result: dict, out: str | None) -> None:
    """``result`` as indented JSON into ``out``, written atomically, or to standard output."""
    from crfner.atomic import atomic_open

    if out:
        with atomic_open(out) as handle:
            json.dump(result, handle, indent=1)
            handle.write("\n")
    else:
        json.dump(result, sys.stdout, indent=1)


def main_over_models(doc: str, script: str, argv: list[str] | None, run: Callable[[str, str, str], dict],
                     report: Callable[[str, dict], str]) -> int:
    """A benchmark's ``main``: ``--data-dir``, ``--model CORPUS=DIR`` and ``--out``, ``run`` per
    model (:func:`model_rows`), the rows written with the module's first paragraph ``doc`` and
    the code's commit."""
    import argparse

    from crfner.benchmark.machine import git_state

    what = doc.split("\n\n")[0]
    parser = argparse.ArgumentParser(description=what)
    add_corpus_models(parser)
    parser.add_argument("--out", help="write the results here as JSON")
    args = parser.parse_args(argv)
    rows = model_rows(args, script, argv, run, report)
    write_result({"what": what.replace("\n", " "), "code": git_state(), "rows": rows}, args.out)
    return 0
