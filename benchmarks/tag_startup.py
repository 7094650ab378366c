"""What a ``crfner tag`` or ``crfner explain`` call costs from start to finish, for source trees
of crfner: whether the command imports scikit-learn, and its wall-clock seconds.

In one run, the trees taking turns, each command in a fresh process (``python -c`` calling the
command line's ``main``) with the source tree first on ``PYTHONPATH`` and the disk cache warm:
- ``crfner tag MODEL --text NOTE``;
- ``crfner explain MODEL --input NOTE --json``.
Every tree must print the same output for each command. A tree is a checkout of crfner (its
repository root, the command's working folder, so the data folder is found at ../shared/data
beside it), named on the command line; the first is the baseline.

    crfner train maccrobat --features clinical --out models/maccrobat-clinical   # the clinical quick start's model
    git worktree add /tmp/crfner-899479c 899479c   # and so on, a checkout per commit measured
    python benchmarks/tag_startup.py --model models/maccrobat-clinical --note examples/notes/discharge_note.txt \\
        --tree 899479c=/tmp/crfner-899479c --tree a419ff5=/tmp/crfner-a419ff5 --tree this=. \\
        --out benchmarks/results/tag_startup.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from compare_checkouts import run_in
from crfner.atomic import atomic_open
from crfner.benchmark.machine import machine_info
from gazetteer_cache import seconds_summary

REPO = Path(__file__).resolve().parents[1]

# Runs the command line in this process, then says on stderr's last line which crfner ran and
# whether scikit-learn was imported.
DRIVER = (
    "import json, sys\n"
    "from crfner.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "import crfner\n"
    "print(json.dumps({'crfner': crfner.__file__, 'sklearn': 'sklearn' in sys.modules, 'scipy': 'scipy' in sys.modules}),"
    " file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _run(tree: Path, argv: list[str]) -> tuple[float, str, dict]:
    start = time.perf_counter()
    try:  # bytecode is written once, in the warm-up, as an installed crfner has it
        out = run_in(tree, ["-c", DRIVER, *argv], bytecode=True)
    except subprocess.CalledProcessError as failed:
        raise SystemExit(f"{tree}: crfner {' '.join(argv[:2])} failed:\n{failed.stderr[-2000:]}") from None
    seconds = time.perf_counter() - start
    modules = json.loads(out.stderr.strip().splitlines()[-1])
    if not modules["crfner"].startswith(str(tree)):
        raise SystemExit(f"{tree}: the command ran crfner from {modules['crfner']}, not from the tree")
    return seconds, out.stdout, modules


def _tree(spec: str) -> tuple[str, Path]:
    name, sep, path = spec.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {spec!r}")
    return name, Path(path).resolve()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="a saved CRF model")
    parser.add_argument("--note", required=True, help="a text file to tag")
    parser.add_argument("--tree", type=_tree, action="append", required=True, metavar="NAME=PATH",
                        help="a crfner checkout to measure, by a name (two or more; the first is the baseline)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    trees = dict(args.tree)
    if len(trees) < 2:
        parser.error("give two or more --tree NAME=PATH, with different names")
    baseline = args.tree[0][0]
    model, note = str(Path(args.model).resolve()), str(Path(args.note).resolve())
    commands = {
        "tag": ["tag", model, "--text", Path(note).read_text(encoding="utf-8")],
        "explain": ["explain", model, "--input", note, "--json"],
    }
    seconds: dict = {(c, t): [] for c in commands for t in trees}
    outputs, modules = {}, {}
    for command, argv in commands.items():  # a warm-up round: fills the disk caches and the bytecode, checks the outputs
        for name, tree in trees.items():
            _, outputs[command, name], modules[command, name] = _run(tree, argv)
            if outputs[command, name] != outputs[command, baseline]:
                raise SystemExit(f"crfner {command}: {name} prints other output than {baseline}")
    names = list(trees)
    for round_ in range(args.rounds):
        for command, argv in commands.items():
            shift = round_ % len(names)  # each tree runs first in turn
            for name in names[shift:] + names[:shift]:
                spent, output, _ = _run(trees[name], argv)
                if output != outputs[command, name]:
                    raise SystemExit(f"crfner {command} ({name}): the output changed between rounds")
                seconds[command, name].append(spent)
    results = {}
    for command in commands:
        base = statistics.median(seconds[command, baseline])
        results[command] = {
            name: {**seconds_summary(seconds[command, name]), "over_baseline_median": round(statistics.median(seconds[command, name]) / base, 3),
                   "imports_sklearn": modules[command, name]["sklearn"], "imports_scipy": modules[command, name]["scipy"]}
            for name in trees
        }
        results[command]["same_output"] = True
    commits = {name: subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True,
                                    text=True, check=False).stdout.strip() or None for name, tree in trees.items()}
    record = {
        "what": "Wall-clock seconds of one crfner tag / crfner explain call in a fresh process (python -c calling "
                "crfner.cli.main), source trees taking turns in one run, the disk cache and the bytecode warm; "
                "the same output from every tree.",
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "model": args.model,
        "note": args.note,
        "note_characters": len(commands["tag"][3]),
        "baseline": baseline,
        "commits": commits,
        "rounds": args.rounds,
        "results": results,
        "machine": machine_info(),
        "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    with atomic_open(args.out) as handle:
        json.dump(record, handle, indent=1)
        handle.write("\n")
    for command in commands:
        print(f"crfner {command}: " + "; ".join(
            f"{name} {results[command][name]['median']} s (x{results[command][name]['over_baseline_median']}, "
            f"scikit-learn {'imported' if results[command][name]['imports_sklearn'] else 'not imported'})" for name in trees))


if __name__ == "__main__":
    main()
