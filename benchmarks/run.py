"""The benchmark runner: corpora × systems from a TOML config, one scorer, a cache, and the
comparison report (results.json, predictions, report.md, report.html). Same as `crfner benchmark`.

    python benchmarks/run.py                                   # the default config
    python benchmarks/run.py --config benchmarks/configs/smoke.toml --out /tmp/smoke
"""

import shlex
import sys

from crfner.cli import main

if __name__ == "__main__":
    argv = sys.argv[1:]
    if "--command" not in argv:
        argv += ["--command", ("python benchmarks/run.py " + shlex.join(argv)).strip()]
    sys.exit(main(["benchmark", *argv]))
