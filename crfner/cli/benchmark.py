"""``crfner benchmark``: run the corpora × systems of a config and write the comparison report."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import add_common

DEFAULT_BENCHMARK = Path(__file__).parent.parent / "benchmark" / "default.toml"
DEFAULT_MINUTES = "20 minutes"  # the built-in config's recorded first run on 2 CPU cores: 17.5 to 27 minutes


def add_parser(verbs) -> None:
    p = verbs.add_parser("benchmark", help="run corpora × systems (CRFs, a transformer) from a config and write "
                                           "the comparison report",
                         description="Run every corpus × system pair of a benchmark config (TOML) with the same splits "
                                     "and scorer; write results.json, predictions, report.md and report.html. Systems "
                                     "are CRFs (any feature set), a fine-tuned transformer (needs crfner[transformer]; "
                                     "skipped with a note without it) or an outside tagger's predictions. The built-in "
                                     "config takes about " + DEFAULT_MINUTES + " on 2 CPU cores the first time; "
                                     "later runs reuse cached results.")
    p.add_argument("--config", default=str(DEFAULT_BENCHMARK),
                   help="benchmark config file (default: the built-in one, BC5CDR and NCBI Disease × the tutorial "
                        "and biomedical CRFs and the transformer all-MiniLM-L6-v2, with learning curves)")
    p.add_argument("--out", default="benchmarks/results/default", help="output folder (default benchmarks/results/default)")
    p.add_argument("--no-cache", action="store_true", help="recompute every run even if a cached result matches")
    p.add_argument("--command", help=argparse.SUPPRESS)
    add_common(p, jobs=False)
    p.set_defaults(run=run)


def run(args) -> int:
    import shlex
    import sys

    from ..benchmark import run_benchmark
    from ..report.formatting import fmt_signed_interval

    command = args.command or "crfner " + shlex.join(args.argv)
    if Path(args.config).resolve() == DEFAULT_BENCHMARK.resolve():
        cache = "" if args.no_cache else " (runs whose cached result matches are reused)"
        print(f"crfner benchmark: the built-in benchmark trains and tests every system on BC5CDR and NCBI Disease, "
              f"about {DEFAULT_MINUTES} on 2 CPU cores{cache}; --config FILE runs a smaller one", file=sys.stderr)
    results = run_benchmark(args.config, args.out, data_dir=args.data_dir, use_cache=not args.no_cache,
                            progress=not args.quiet, command=command)
    for entry in results["runs"]:
        if entry["status"] == "ok":
            print(f"{entry['corpus']:<14} {entry['system']:<14} F1 {entry['strict']['f1']:.4f}"
                  f"{'  (cached)' if entry.get('from_cache') else ''}")
        else:
            said = entry["note"] if entry["status"] == "failed" else f"skipped: {entry['note']}"  # a failed note says so
            print(f"{entry['corpus']:<14} {entry['system']:<14} {said}")
    for c in results["comparisons"]:
        spread = c.get("bootstrap") or {}
        interval = f" {fmt_signed_interval(spread['interval'])}" if spread.get("interval") else ""
        detectable = spread.get("detectable")
        power = f"; detectable with {spread['power']:.0%} power: {detectable:.4f}" if detectable is not None else ""
        print(f"{c['corpus']:<14} {c['a']} vs {c['b']}: F1 difference {c['difference']:+.4f}{interval}, "
              f"p = {c['p_value']:.4g}{power}")
    print(f"wrote {Path(args.out) / 'report.md'} and {Path(args.out) / 'report.html'} in {results['seconds']:.1f} s",
          file=sys.stderr)
    return 0
