"""``crfner corpora``: list the registered corpora and where each was found."""

from __future__ import annotations


def add_parser(verbs) -> None:
    p = verbs.add_parser("corpora", help="list the registered corpora and where each was found")
    p.add_argument("--data-dir", help="folder holding the corpora")
    p.add_argument("--losses", action="store_true",
                   help="also count, per split of maccrobat and phee, the annotations kept and lost by the flattening policy")
    p.add_argument("--policy", help="flattening policy for --losses (NESTING[:DISCONTINUOUS]; default: the corpus default)")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..corpora.registry import describe, looked_in, resolve_data_dir

    found = resolve_data_dir(args.data_dir)
    print(f"data dir: {found}" if found.is_dir() else f"data dir: none found; looked in {looked_in(args.data_dir)}")
    rows = describe(args.data_dir)
    for row in rows:
        print(f"{row['name']:<14} {row['types']:<18} {row['found']}")
    if getattr(args, "losses", False):
        _print_losses(args, rows)
    return 0


def _print_losses(args, rows) -> None:
    """Per split: annotations, kept, and each reason for a loss that occurred."""
    import warnings

    from ..corpora.clinical import DEFAULT_POLICY, SPECS, losses
    from ..corpora.flatten import INFO, LOSSES, parse_policy
    from ..corpora.registry import SPLITS

    policy = getattr(args, "policy", None) or DEFAULT_POLICY
    parse_policy(policy)  # a bad name before any header is printed
    for row in rows:
        if row["name"] not in SPECS or row["found"].startswith("not on the hub"):
            continue
        print(f"{row['name']} (policy {policy}):")
        for split in SPLITS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                counts = losses(row["name"], split, args.data_dir, policy=policy)
            lost = ", ".join(f"{k} {counts[k]}" for k in LOSSES if counts.get(k))
            noted = ", ".join(f"{k} {counts[k]}" for k in INFO if counts.get(k))  # kept, but changed or counted apart
            print(f"  {split:<6} {counts['annotations']:>6} annotations, {counts['kept']:>6} kept; lost: {lost or 'none'}"
                  + (f"; also (kept): {noted}" if noted else ""))
