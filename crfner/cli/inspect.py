"""``crfner inspect``: what a model learned, from its own weights (labels, transitions, the
strongest features of each label, weight by feature family)."""

from __future__ import annotations

from .common import add_common, add_model_gazetteers, load_model, usage


def add_parser(verbs) -> None:
    p = verbs.add_parser("inspect", help="show what a model learned: transitions, top features, weight by family",
                         description="Summarise MODEL's weights: labels, the transition matrix, the strongest "
                                     "positive and negative state features of each label, each feature family's "
                                     "share of the absolute weight, and how many features are active.")
    p.add_argument("model", help="model directory")
    p.add_argument("--top", type=int, default=20, help="features shown per label and sign (default 20)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_model_gazetteers(p)
    add_common(p, jobs=False)
    p.set_defaults(run=run, n_jobs=1)


def run(args) -> int:
    import json

    from ..explanations import inspect_model

    if args.top < 1:
        raise usage(f"--top must be at least 1, not {args.top}")
    inspection = inspect_model(load_model(args), top=args.top)
    if args.json:
        print(json.dumps(inspection.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(inspection)
    return 0
