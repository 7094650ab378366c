"""``crfner corpora``: list the registered corpora and where each was found."""

from __future__ import annotations


def add_parser(verbs) -> None:
    p = verbs.add_parser("corpora", help="list the registered corpora and where each was found")
    p.add_argument("--data-dir", help="folder holding the corpora")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..corpora.registry import describe, resolve_data_dir

    print(f"data dir: {resolve_data_dir(args.data_dir)}")
    for row in describe(args.data_dir):
        print(f"{row['name']:<14} {row['types']:<18} {row['found']}")
    return 0
