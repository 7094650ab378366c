"""``crfner linker``: build a concept linker from vocabularies and corpora's gold mentions, and save it."""

from __future__ import annotations

import sys

from .common import check_new_folder, usage

# crfner.link.build.VOCABULARIES, not imported: --help stays fast
VOCABULARIES = ("medic", "mesh", "chemicals", "mesh-diseases", "mesh-anatomy", "mesh-cells-fluids", "mesh-procedures", "mesh-measures",
                "mesh-infections", "clinical-procedures", "clinical-measures", "clinical-signs", "clinical-anatomy")


def _similarity(value: str) -> float:
    """An argparse type: a cosine similarity, 0 to 1."""
    import argparse
    import math

    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not (math.isfinite(number) and 0.0 <= number <= 1.0):
        raise argparse.ArgumentTypeError(f"must lie between 0 and 1, not {value}")
    return number


def _alias(value: str) -> tuple[str, str | list[str]]:
    """An argparse type: ``TAGGER_TYPE=TYPE``, or ``TAGGER_TYPE=TYPE,TYPE,...`` for types tried in order."""
    import argparse

    source, equals, target = value.partition("=")
    targets = [t.strip() for t in target.split(",")]
    if not equals or not source.strip() or not all(targets):
        raise argparse.ArgumentTypeError(f"give TAGGER_TYPE=TYPE, e.g. Medication=Chemical, or TYPE,TYPE,... for types "
                                         f"tried in order, not {value!r}")
    return source.strip(), targets[0] if len(targets) == 1 else targets


def add_parser(verbs) -> None:
    p = verbs.add_parser("linker", help="build a concept linker (mentions to MeSH, MEDIC or OMIM ids) and save it",
                         description="Build a concept linker from vocabularies and the gold mentions (with their concept "
                                     "ids) of registered corpora, and save it as the directory OUT, for crfner tag --linker "
                                     "and the spaCy component's \"linker\" setting.")
    p.add_argument("out", help="linker directory to write")
    # dest corpora and splits: the parser reads ``args.corpus`` and ``args.split`` as one corpus and its split
    p.add_argument("--corpus", action="append", dest="corpora", metavar="NAME",
                   help="a registered corpus whose gold mentions the linker learns: bc5cdr or ncbi_disease (repeatable; "
                        "default bc5cdr)")
    p.add_argument("--split", action="append", dest="splits", metavar="SPLIT",
                   help="the corpora's split(s) to learn from: train, devel (repeatable; default train)")
    p.add_argument("--vocabulary", action="append", metavar="NAME|TYPE=NAME|TYPE=PATH",
                   help=f"a vocabulary: {', '.join(VOCABULARIES)} (from the data folder; clinical-procedures, "
                        "clinical-measures, clinical-signs and clinical-anatomy, names MeSH lacks, ship with crfner; chemicals is the "
                        "data folder's chemical gazetteer, with ChEBI and DrugBank ids for drugs MeSH lacks), TYPE=NAME "
                        "to file a named one under a type of your own, which an --alias then looks up by name only "
                        "(MeSHDisease=mesh-diseases, ChemicalName=chemicals), or TYPE=PATH to a term<TAB>identifier list whose terms name TYPE "
                        "entities (repeatable; default medic and mesh)")
    p.add_argument("--senses", action="append", metavar="NAME|PATH",
                   help="clinical abbreviations linked through their senses (HTN as hypertension): clinical (the "
                        "Vanderbilt and Stetson inventories in the data folder) or the path of an "
                        "abbreviation<TAB>sense<TAB>share file (repeatable; default none)")
    p.add_argument("--alias", action="append", type=_alias, metavar="TAGGER_TYPE=TYPE[,TYPE...]",
                   help="link a tagger's entity type under one of the linker's types, e.g. Medication=Chemical, "
                        "Disease_disorder=Disease for a model trained on MACCROBAT; further types, comma-separated, are "
                        "looked up by name when the first has none (Diagnostic_procedure=Procedure,Measure,Chemical: "
                        "\"creatinine\" gets what the test measures) (repeatable)")
    p.add_argument("--threshold", type=_similarity, metavar="X",
                   help="the least character n-gram similarity (0 to 1) at which a mention no name matches exactly is "
                        "linked to the nearest name; below it, no concept (default: the linker's)")
    p.add_argument("--no-broader", dest="broader", action="store_false",
                   help="keep the concept the n-gram similarity finds even where the mention names no more than a "
                        "broader one (by default \"computed tomography\" is X-ray CT, not 4D CT, its nearest name)")
    p.add_argument("--force", action="store_true", help="replace an existing linker directory")
    p.add_argument("--data-dir", help="folder holding the corpora and vocabularies (default: $CRFNER_DATA_DIR, else "
                                      "../shared/data from the current folder, then beside the crfner checkout)")
    p.set_defaults(run=run)


def run(args) -> int:
    check_new_folder(args.out, args.force, kind="linker")
    from collections import Counter

    from ..link.aliases import alias_chain
    from ..link.build import build_linker

    options = {"corpora": args.corpora, "splits": args.splits, "vocabularies": args.vocabulary, "senses": args.senses}
    given = {name: value for name, value in options.items() if value}  # the rest: build_linker's defaults
    if args.alias:
        twice = sorted(source for source, count in Counter(source for source, _ in args.alias).items() if count > 1)
        if twice:
            raise usage(f"--alias gives {', '.join(twice)} more than once; name its types in one --alias, comma-separated "
                        "(TAGGER_TYPE=TYPE,TYPE)")
        given["type_aliases"] = dict(args.alias)
    if not args.broader:
        given["broader"] = False
    linker = build_linker(data_dir=args.data_dir, threshold=args.threshold, **given)
    linker.save(args.out, overwrite=args.force)
    types = ", ".join(sorted(getattr(linker, "types_", ()))) or "no types"
    types += "".join(f", {source} as {' then '.join(alias_chain(target))}" for source, target in sorted((linker.type_aliases or {}).items()))
    print(f"saved a linker for {types} to {args.out}", file=sys.stderr)
    return 0
