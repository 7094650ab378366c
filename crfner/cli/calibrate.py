"""``crfner calibrate``: fit a CRF model's score calibration on annotated documents and keep it
in the model, so that the scores it writes estimate how often an entity of that score is right."""

from __future__ import annotations

import sys

from .annotated import add_annotated, check_annotated, read_annotated_corpus
from .common import add_common, add_model_gazetteers, check_new_folder, load_model, note_type_mismatch, same_path, usage

#: The raw scores the command shows the calibrated value of.
SHOWN = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99)


def add_parser(verbs) -> None:
    p = verbs.add_parser("calibrate", help="calibrate a model's entity scores on annotated documents",
                         description="Tag the text of CORPUS's documents with MODEL as crfner tag does, count each "
                                     "entity right when a gold one has exactly its span and type, and store in MODEL the "
                                     "monotone map (Platt scaling or isotonic regression) from its scores to that share. crfner tag, "
                                     "explain and the Python API then give calibrated scores. Fit on devel or on notes "
                                     "annotated where the model is to be used, never on the test set you report.")
    p.add_argument("model", help="model directory (rewritten in place unless --out)")
    p.add_argument("corpus", nargs="?", help="a registered corpus with documents (maccrobat, phee, bc5cdr, "
                                             "ncbi_disease); with --input-format, annotated documents you hold")
    p.add_argument("--split", default="devel", help="the registered corpus's split to calibrate on (default devel)")
    p.add_argument("--method", choices=("platt", "isotonic"), default="platt",
                   help="platt (default): a logistic curve on the score's log-odds, which keeps every difference in "
                        "rank; isotonic: a monotone step map, which assumes no shape")
    p.add_argument("--per-type", action="store_true",
                   help="fit a map for each entity type with at least 30 entities in CORPUS, some right and some wrong "
                        "(the others share the map of all entities): types differ in how far their scores run high")
    p.add_argument("--out", help="write the calibrated model here instead of replacing MODEL")
    p.add_argument("--force", action="store_true", help="replace an existing directory at --out")
    p.add_argument("--remove", action="store_true", help="drop MODEL's calibration: scores are the CRF's probabilities again")
    add_model_gazetteers(p)
    add_annotated(p)
    add_common(p)
    p.set_defaults(run=run)


def run(args) -> int:
    from ..corpora.split_documents import load_split_documents
    from ..schemes import entity_types
    from ..tagging.calibrate import calibrate_scores

    check_annotated(args, split_given=args.split not in (None, "devel"))  # None: CORPUS is a file (parser._fix_split)
    if args.remove == bool(args.corpus):
        raise usage("give CORPUS to calibrate on, or --remove (not both)")
    if args.out and not same_path(args.out, args.model):
        check_new_folder(args.out, args.force, hint=", or leave out --out to calibrate MODEL itself")
    if args.remove and (args.per_type or args.method != "platt"):
        raise usage("--remove drops the calibration: --method and --per-type fit one")
    tagger = load_model(args)
    stored_jobs = tagger.metadata_.get("parameters", {}).get("n_jobs", 1)
    if args.remove:
        tagger.score_calibration_ = None
        print(f"{args.out or args.model}: scores are the CRF's probabilities (no calibration)", file=sys.stderr)
    else:
        _refuse_training_text(tagger, args)
        if args.input_format:
            documents, _, _, _ = read_annotated_corpus(args, sentences=False)
            name = f"{args.corpus} ({args.input_format})"
        else:
            documents = load_split_documents(args.corpus, args.split, args.data_dir)
            name = f"{args.corpus} {args.split}"
        note_type_mismatch(set(entity_types(tagger.classes_)), {m.type for d in documents for m in d.mentions})
        tagger.score_calibration_ = calibrate_scores(tagger, documents, method=args.method, splitter=args.splitter,
                                                      fitted_on=name, per_type=args.per_type)
        _show(tagger.score_calibration_, name)
    tagger.n_jobs = stored_jobs  # the model keeps its own n_jobs, not this command's
    saved = tagger.save(args.out or args.model, overwrite=True)
    print(f"wrote {saved}", file=sys.stderr)
    return 0


def _refuse_training_text(tagger, args) -> None:
    """A usage error when CORPUS is what the model learned from (``crfner train`` records it as
    ``maccrobat:train`` or ``FOLDER (brat, ...)``, ``crfner tune`` as ``maccrobat:train+devel`` or
    ``FOLDER:train+devel``): nearly every entity is right on its own
    training text, so a map fitted there would make the scores more over-confident, not less."""
    from pathlib import Path

    trained = tagger.training_corpus_ or ""
    if args.input_format and trained.endswith(" splitter)"):  # crfner train's "PATH (FORMAT, SPLITTER splitter)"
        path = trained.rpartition(" (")[0]
        same = bool(path) and same_path(path, args.corpus)
    elif args.input_format:  # crfner tune's "FOLDER:train+devel": its split subfolders or files named so
        folder, _, splits = trained.rpartition(":")
        given = Path(args.corpus).resolve()
        same = bool(folder) and (given == Path(folder).resolve() or given.parent == Path(folder).resolve()
                                 and given.name.split(".")[0] in splits.split("+"))
    else:
        name, _, splits = trained.partition(":")
        same = name == args.corpus and args.split in splits.split("+")
    if same:
        raise usage(f"{args.model} learned from {trained}: calibrate on documents it did not learn from "
                    "(--split devel, or notes annotated where it will run)")


def _show(calibration, name: str) -> None:
    from ..crf.calibration import PER_TYPE_MIN

    fitted = calibration.fitted_on
    share = fitted["right"] / fitted["entities"]
    print(f"calibrated ({calibration.method}) on {name}: {fitted['document_count']} documents, {fitted['entities']} entities tagged, "
          f"{share:.1%} exactly right ({fitted['gold_entities']} gold entities)")
    by_type = getattr(calibration, "by_type", None)  # None: one map asked for; {}: maps per type asked for, none fitted
    if not by_type:
        if by_type is not None:
            print(f"no type gets a map of its own ({PER_TYPE_MIN} entities or more, some right and some wrong, scores that "
                  "rank rightness): one map for every type")
        print(f"{'score':>8} {'calibrated':>11}")
        for score, value in zip(SHOWN, calibration(SHOWN).tolist()):
            print(f"{score:>8.2f} {value:>11.3f}")
        return
    print(f"a map of its own for {len(by_type)} type{'' if len(by_type) == 1 else 's'} ({PER_TYPE_MIN} entities or more, "
          "some right and some wrong, scores that rank rightness); the other types share the map of all entities")
    rows = {"(all entities)": calibration.pooled, **by_type}
    width = max(map(len, rows))
    print(f"{'score':<{width}} " + " ".join(f"{score:>6.2f}" for score in SHOWN))
    for row, chosen in rows.items():
        print(f"{row:<{width}} " + " ".join(f"{value:>6.3f}" for value in chosen(SHOWN).tolist()))
