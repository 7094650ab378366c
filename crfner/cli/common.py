"""What several verbs share: the common options, usage errors, and loading models and corpora.

Heavy imports stay inside the functions so that ``crfner --help`` stays fast.
"""

from __future__ import annotations

import sys

EXIT_USAGE = 2


class UsageError(Exception):
    """Arguments that parse but make no sense together; reported in one line, exit status 2."""


def usage(message: str) -> UsageError:
    return UsageError(message)


def _whole_number(value: str) -> int:
    import argparse

    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None


def positive_int(value: str) -> int:
    """An argparse type: a whole number, 1 or more."""
    import argparse

    number = _whole_number(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def share(value: str) -> float:
    """An argparse type: a number from 0 to 1 (a score, a probability)."""
    import argparse
    import math

    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if math.isnan(number) or not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, not {value}")
    return number


def job_count(value: str) -> int:
    """An argparse type: a number of processes, joblib's way (-1: all cores, -2: all but one); not 0."""
    import argparse

    number = _whole_number(value)
    if number == 0:
        raise argparse.ArgumentTypeError("0 processes cannot run anything; give 1 or more, or -1 for all cores")
    return number


def add_common(p, data: bool = True, jobs: bool = True) -> None:
    """``--data-dir``, ``--n-jobs``, ``--progress/--no-progress`` and ``-q/--quiet``, as most verbs take them."""
    import argparse

    if data:
        p.add_argument("--data-dir", help="folder holding the corpora (default: $CRFNER_DATA_DIR, else ../shared/data "
                                          "from the current folder, then beside the crfner checkout)")
    if jobs:
        p.add_argument("--n-jobs", type=job_count, default=1, help="processes for feature extraction (default 1; -1: all cores)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bars on stderr (default: on when stderr is a terminal and $CI is unset)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars (--no-progress)")


def add_gazetteer(p, help: str) -> None:
    """``--gazetteer NAME=PATH``, repeatable."""
    p.add_argument("--gazetteer", action="append", metavar="NAME=PATH", help=help)


def add_model_gazetteers(p) -> None:
    """The gazetteer options of verbs that load a trained model."""
    add_gazetteer(p, "where to find a gazetteer the model was trained with")
    p.add_argument("--allow-gazetteer-change", action="store_true",
                   help="run even if a gazetteer differs from the one the model was trained with")


def progress(args) -> bool:
    """Whether to show progress: ``--progress``/``--no-progress``, else when stderr is a
    terminal and ``$CI`` is unset; never with ``-q``."""
    if getattr(args, "quiet", False):
        return False
    return show_progress(getattr(args, "progress", None))


def show_progress(wanted: bool | None = None) -> bool:
    """``wanted``, else whether stderr is a terminal outside CI. When progress is shown on a
    terminal that reports no size (a pseudo-terminal nobody sized), tqdm would draw nothing:
    it is given 100 columns and 30 rows (``$TQDM_NCOLS``, ``$TQDM_NROWS``, read when tqdm is
    first imported)."""
    import os

    shown = (sys.stderr.isatty() and not os.environ.get("CI")) if wanted is None else wanted
    if shown and sys.stderr.isatty() and "tqdm" not in sys.modules:
        try:
            size = tuple(os.get_terminal_size(sys.stderr.fileno()))
        except (OSError, ValueError):
            size = (0, 0)
        for name, value, default in (("TQDM_NCOLS", size[0], "100"), ("TQDM_NROWS", size[1], "30")):
            if value == 0:
                os.environ.setdefault(name, default)
    return shown


def gazetteer_args(pairs: list[str] | None) -> dict[str, str] | None:
    """``--gazetteer NAME=PATH`` (or just PATH, named by its stem) into {name: path}."""
    if not pairs:
        return None
    from pathlib import Path

    named = {}
    for pair in pairs:
        name, sep, path = pair.partition("=")
        if not sep:
            name, path = Path(pair).stem, pair
        named[name] = path
    return named


def load_model(args):
    """The model directory ``args.model``, with the gazetteer, job and progress options applied;
    a :class:`crfner.CRFModel`, which tags as a ``CRFTagger`` does without importing scikit-learn."""
    from ..crf.model import CRFModel

    tagger = CRFModel.load(
        args.model,
        gazetteers=gazetteer_args(args.gazetteer),
        allow_gazetteer_change=args.allow_gazetteer_change,
        data_dir=getattr(args, "data_dir", None),
    )
    tagger.n_jobs, tagger.verbose = args.n_jobs, progress(args)
    return tagger


def write_json(path: str, payload: dict) -> None:
    import json

    from ..atomic import atomic_open

    with atomic_open(path) as handle:
        json.dump(payload, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def check_output(option: str, path, model=None, inputs=(), writes: str = "the output") -> None:
    """A usage error, before any work, when the output ``path`` given with ``option`` would be
    written over what the command reads: one of ``inputs`` (``(what, path)`` pairs, ``("the
    input", "notes.txt")``; None or ``-`` skipped), or a file of the model folder ``model`` in use
    (``-o MODEL/crfner.json`` would leave a model that no longer loads)."""
    from pathlib import Path

    if path in (None, "-"):
        return
    for what, given in inputs:
        if given not in (None, "-") and same_path(path, given):
            raise usage(f"{option} {path} is {what}; write {writes} to another file")
    target = Path(path).resolve()
    if model and target.is_file() and target.parent == Path(model).resolve():
        raise usage(f"{option} {path} is a file of the model {model}; write to another file")


def check_new_folder(out, force: bool, kind: str = "model", hint: str = "") -> None:
    """A usage error, before any work, when the folder ``out`` exists and may not be replaced:
    without ``--force``, whatever is there; with it, anything but an empty folder or a crfner
    ``kind`` folder (``model`` or ``linker``), so that a mistyped ``--out`` never deletes data,
    a file or a folder of another kind (``crfner linker models/ncbi --force`` did)."""
    from pathlib import Path

    path = Path(out)
    if not (path.exists() or path.is_symlink()):
        return
    if not force:
        raise usage(f"{out} already exists (use --force to replace it{hint})")
    from ..crf.modelfile import replaceable  # the rule of the API's overwrite=True

    if kind == "model":  # the file each kind of folder always holds
        from ..crf.modelfile import METADATA_FILE as marker
    else:
        from ..link.files import TABLES_FILE as marker
    if not replaceable(path, marker):
        raise usage(f"{out} is not a crfner {kind} folder, and --force replaces only one (or an empty folder): "
                    f"choose another name, or remove it yourself")


def same_path(a, b) -> bool:
    """Whether two paths, as given, name the same file or folder (``./notes.txt`` and ``notes.txt``)."""
    from pathlib import Path

    return Path(a).resolve() == Path(b).resolve()


def corpus(name, split, data_dir) -> tuple[list, list, list | None]:
    """Sentences, tags and each sentence's document id (None where the corpus keeps no
    document boundaries), so document-level features see whole documents."""
    from .. import load_corpus
    from ..corpora.registry import load_document_ids

    X, y = load_corpus(name, split, data_dir=data_dir)
    return X, y, load_document_ids(name, split, data_dir=data_dir)


def evaluation_splits(args) -> list[tuple]:
    """``(split, X, y, document ids)`` of each ``--evaluate-on`` split, read before training, so
    that a split the corpus lacks stops the command at once rather than after the model is fitted."""
    return [(split, *corpus(args.corpus, split, args.data_dir)) for split in args.evaluate_on or []]


def evaluate_on(tagger, args, splits: list[tuple]) -> None:
    """Score a freshly trained model on each of :func:`evaluation_splits`, print it, keep it in the model."""
    from .. import evaluate

    for split, X, y, documents in splits:
        scores = evaluate(y, tagger.predict(X, documents=documents))
        tagger.metrics_[split] = scores.to_dict()
        print(f"\n{args.corpus} {split}: strict micro-F1 {scores.f1:.4f}\n{scores}")


def note_type_mismatch(tagged_types: set[str], gold_types: set[str]) -> None:
    """A note on stderr when the entity types a model's output is judged by are not the annotated
    documents' own: a type in only one of them never matches."""
    if tagged_types != gold_types:
        print(f"note: the model tags {', '.join(sorted(tagged_types)) or 'nothing'}; the documents hold "
              f"{', '.join(sorted(gold_types)) or 'nothing'}; a type in only one of them scores no match", file=sys.stderr)


def splitter_for(args) -> str:
    """The sentence splitter for raw text: ``--splitter``, else the one the model records
    (``training.splitter``: see :func:`record_splitter`), else ``abstract``. A note on stderr
    when ``--splitter`` differs from the model's."""
    from ..tagging.annotate import recorded_splitter

    recorded = recorded_splitter(args.model)
    if args.splitter is not None and recorded is not None and args.splitter != recorded:
        print(f"note: {args.model} records the {recorded} splitter for raw text (training.splitter); "
              f"tagging with {args.splitter}", file=sys.stderr)
    return args.splitter or recorded or "abstract"


def record_splitter(tagger, args) -> None:
    """Keep in a freshly trained model the splitter raw text is cut by when it tags: with
    ``--input-format``, the one that cut its training sentences (``--splitter``); for a registered
    corpus, the corpus's (``notes`` for maccrobat and phee); none for a CoNLL file or folder."""
    from ..corpora.registry import text_splitter

    splitter = (args.splitter or "abstract") if args.input_format else text_splitter(args.corpus)
    if splitter is not None:
        tagger.training_data_["splitter"] = splitter


def add_negation(p, help_text: str) -> None:
    """``--negation`` (its help ``help_text``) and ``--negation-types``."""
    p.add_argument("--negation", action="store_true", help=help_text)
    p.add_argument("--negation-types", metavar="TYPE[,TYPE...]",
                   help="with --negation: negate only entities of these types, the others not negated (e.g. all but "
                        "Diagnostic_procedure for a MACCROBAT model: its annotators almost never negate a test)")


def negation_option(args) -> bool | tuple[str, ...]:
    """``--negation``, or with ``--negation-types`` the model's types it names, checked against
    the labels in the model's ``crfner.json`` (read, not loaded: loading says what is wrong with it)."""
    if args.negation_types is not None and not args.negation:
        raise usage("--negation-types applies with --negation")
    if args.negation_types is None:
        return args.negation
    types = tuple(dict.fromkeys(t.strip() for t in args.negation_types.split(",") if t.strip()))
    if not types:
        raise usage("--negation-types names no type")
    from ..crf.modelfile import saved_metadata

    labels = saved_metadata(args.model).get("labels")
    if not isinstance(labels, list):
        return types  # loading the model says what is wrong with it
    from ..schemes import entity_types

    known = entity_types(labels)
    unknown = [t for t in types if t not in known]
    if unknown:
        raise usage(f"--negation-types: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not among "
                    f"{args.model}'s types ({', '.join(known)})")
    return types
