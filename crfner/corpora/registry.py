"""The corpus registry: names → local folders and hub ids, and where the data is found.

A corpus is read from ``<data dir>/<folder>/<split>.tsv``; the data dir comes from the
``data_dir`` argument, else ``$CRFNER_DATA_DIR``, else ``../shared/data`` (from the current
folder, then beside the crfner checkout). With no local folder, it is loaded from the Hugging
Face hub with ``datasets``; when the hub cannot be reached that fails at once, naming the
folders looked in. ``load_document_ids`` gives
the document each sentence came from, for document-level features.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorpusNotFoundError
from .clinical_types import MACCROBAT_DEFAULT, PHEE_DEFAULT
from .conll import read_conll, read_conll_document_ids
from .document_ids import align_conll_with_pubtator
from .hub import load_from_hub

DATA_DIR_ENV = "CRFNER_DATA_DIR"
DEFAULT_DATA_DIR = Path("..") / "shared" / "data"
# ../shared/data beside the checkout this package was imported from (an editable install), so
# that the default also holds outside the repository root; used only when it exists.
CHECKOUT_DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"
PUBTATOR_FOLDER = "pubtator"
SPLITS = ("train", "devel", "test")
CONLL_SUFFIXES = (".tsv", ".conll", ".iob", ".txt")


@dataclass(frozen=True)
class Corpus:
    """A registered corpus: where its local copy lives and how to fetch it from the hub."""

    name: str
    folder: str
    hub_id: str
    entity_types: tuple[str, ...]
    description: str
    hub_splits: dict[str, str] = field(default_factory=lambda: {"train": "train", "devel": "validation", "test": "test"})
    hub_label_names: tuple[str, ...] | None = None  # when the hub copy declares no ClassLabel names
    loader: str | None = None  # "module:function(split, data_dir)" for a corpus not kept as <split>.tsv files
    document_loader: str | None = None  # "module:function(split, data_dir)": the document id of each sentence
    pubtator_files: dict[str, str] = field(default_factory=dict)  # split -> <data dir>/pubtator/ file it was cut from
    pubtator_types: dict[str, str] = field(default_factory=dict)  # a PubTator mention type -> the type its IOB files use
    options: tuple[str, ...] = ()  # keyword options its loaders take (types, policy), passed through
    options_check: str | None = None  # "module:function(name, **options)": checks them without reading the corpus
    layout: str = "PubTator and PMID lists"  # what its local folder holds, for describe()
    missing: str = "release download on first use"  # what happens without a local folder, for describe()
    # How raw text is cut into sentences for a model trained on this corpus (crfner train records
    # it in the model): "notes" for the clinical corpora, whose models are meant for notes; on
    # their own test reports both splitters score alike (benchmarks/results/wrapped_notes.json).
    text_splitter: str = "abstract"

    def local_file(self, data_dir: Path, split: str) -> Path:
        return data_dir / self.folder / f"{split}.tsv"


REGISTRY: dict[str, Corpus] = {
    c.name: c
    for c in (
        Corpus(
            name="bc5cdr",
            folder="BC5CDR-IOB",
            hub_id="tner/bc5cdr",
            entity_types=("Chemical", "Disease"),
            description="BioCreative V CDR: chemicals and diseases in 1,500 PubMed abstracts (Li et al. 2016)",
            hub_label_names=("O", "B-Chemical", "B-Disease", "I-Disease", "I-Chemical"),
            pubtator_files={"train": "CDR_TrainingSet.PubTator.txt", "devel": "CDR_DevelopmentSet.PubTator.txt",
                            "test": "CDR_TestSet.PubTator.txt"},
        ),
        Corpus(
            name="ncbi_disease",
            folder="NCBI-disease-IOB",
            hub_id="ncbi_disease",
            entity_types=("Disease",),
            description="NCBI Disease: disease mentions in 793 PubMed abstracts (Dogan, Leaman and Lu 2014)",
            pubtator_files={"train": "NCBItrainset_corpus.txt", "devel": "NCBIdevelopset_corpus.txt",
                            "test": "NCBItestset_corpus.txt"},
            pubtator_types={t: "Disease" for t in ("SpecificDisease", "DiseaseClass", "Modifier", "CompositeMention")},
        ),
        Corpus(
            name="medmentions",
            folder="MedMentions",
            hub_id="",
            entity_types=("T005", "T007", "T017", "T022", "T031", "T033", "T037", "T038", "T058", "T062", "T074",
                          "T082", "T091", "T092", "T097", "T098", "T103", "T168", "T170", "T201", "T204"),
            description="MedMentions ST21pv: UMLS mentions of 21 semantic types in 4,392 PubMed abstracts "
                        "(Mohan and Li 2019); PubTator files from the public release",
            loader="crfner.corpora.medmentions:load_split",
            document_loader="crfner.corpora.medmentions:load_document_ids",
        ),
        Corpus(
            name="maccrobat",
            folder="clinical/MACCROBAT2020",
            hub_id="",
            entity_types=MACCROBAT_DEFAULT,
            description="MACCROBAT2020: 200 clinical case reports in BRAT, 41 types (Caufield et al. 2019); "
                        "split by MACCROBAT2020.splits.tsv; default 12 clinically central types",
            loader="crfner.corpora.clinical:load_maccrobat",
            document_loader="crfner.corpora.clinical:maccrobat_document_ids",
            options=("types", "policy"),
            options_check="crfner.corpora.clinical:check_options",
            layout="BRAT, split by MACCROBAT2020.splits.tsv",
            text_splitter="notes",
            missing="not on the hub",
        ),
        Corpus(
            name="phee",
            folder="clinical/PHEE",
            hub_id="",
            entity_types=PHEE_DEFAULT,
            description="PHEE: pharmacovigilance events in 4,827 case-report sentences in BRAT (Sun et al. 2022); "
                        "default the medication attributes",
            loader="crfner.corpora.clinical:load_phee",
            document_loader="crfner.corpora.clinical:phee_document_ids",
            options=("types", "policy"),
            options_check="crfner.corpora.clinical:check_options",
            layout="BRAT, train/ dev/ test/",
            text_splitter="notes",
            missing="not on the hub",
        ),
    )
}


def data_dir_candidates(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The folders the data may be in, in order: the argument alone, else ``$CRFNER_DATA_DIR``
    alone, else ``../shared/data`` from the current folder and then beside the checkout."""
    if data_dir is not None:
        return [Path(data_dir)]
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return [Path(from_env)]
    candidates = [DEFAULT_DATA_DIR]
    if os.path.abspath(CHECKOUT_DATA_DIR) != os.path.abspath(DEFAULT_DATA_DIR):
        candidates.append(CHECKOUT_DATA_DIR)
    return candidates


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The data folder: the argument, else ``$CRFNER_DATA_DIR``, else the first of
    ``../shared/data`` (from the current folder) and ``shared/data`` beside the checkout that
    exists (the former when neither does)."""
    candidates = data_dir_candidates(data_dir)
    return next((path for path in candidates if path.is_dir()), candidates[0])


def looked_in(data_dir: str | os.PathLike | None = None, folder: str = "") -> str:
    """Where the data was looked for, for messages: absolute paths, with why each was tried."""
    if data_dir is not None:
        why = "--data-dir"
    elif os.environ.get(DATA_DIR_ENV):
        why = f"${DATA_DIR_ENV}"
    else:
        why = "default"
    paths = [os.path.abspath(path / folder) + ("" if path.is_dir() else " (no such folder)")
             for path in data_dir_candidates(data_dir)]
    return f"{' or '.join(paths)} [{why}]"


def corpus_info(name: str) -> Corpus:
    """The registry entry of ``name``; raises CorpusNotFoundError listing the known names."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise CorpusNotFoundError(
            f"unknown corpus {name!r}; known corpora: {', '.join(sorted(REGISTRY))} (or give a CoNLL file or folder)"
        ) from None


def text_splitter(name: str) -> str | None:
    """The splitter a model trained on the registered corpus ``name`` cuts raw text by
    (:attr:`Corpus.text_splitter`), or None when ``name`` is no registered corpus (a CoNLL file)."""
    corpus = REGISTRY.get(str(name))
    return corpus.text_splitter if corpus else None


def locate(name: str, data_dir: str | os.PathLike | None = None) -> Path | None:
    """The local folder of a registered corpus, or None when there is no local copy."""
    folder = resolve_data_dir(data_dir) / corpus_info(name).folder
    return folder if folder.is_dir() else None


def load_corpus(
    name_or_path: str | os.PathLike, split: str | None = None, data_dir: str | os.PathLike | None = None, **options
) -> tuple[list[list[str]], list[list[str]]]:
    """Load ``(X, y)``: token lists and IOB2 tag lists.

    ``name_or_path`` is a registered name (``bc5cdr``, ``ncbi_disease``), a CoNLL file, or a
    folder of ``<split>.tsv`` files. ``split`` is ``train``, ``devel`` or ``test``, or several
    joined by ``+`` (``train+devel``), whose sentences are concatenated in that order.
    ``options`` go to corpora that take them: ``types=`` and ``policy=`` for ``maccrobat``
    and ``phee`` (see :mod:`crfner.corpora.flatten`).
    """
    if split is not None and "+" in split:
        X: list[list[str]] = []
        y: list[list[str]] = []
        for part in split.split("+"):
            part_X, part_y = load_corpus(name_or_path, part, data_dir, **options)
            X.extend(part_X)
            y.extend(part_y)
        return X, y

    name = str(name_or_path)
    if name in REGISTRY:
        return _load_registered(REGISTRY[name], split, data_dir, options)
    _check_options(name, (), options)
    return read_conll(_conll_file(name_or_path, split))


def load_document_ids(
    name_or_path: str | os.PathLike, split: str | None = None, data_dir: str | os.PathLike | None = None, **options
) -> list[str] | None:
    """The document id of each sentence that ``load_corpus(name_or_path, split, data_dir)``
    returns, in the same order; None when the corpus carries no document boundaries.

    Registered corpora cut from PubMed give PMIDs (BC5CDR and NCBI Disease by aligning their
    sentences with ``<data dir>/pubtator/``; None without those files or from the hub). A
    CoNLL file gives the ordinal of the ``-DOCSTART-`` line before each sentence (see
    :func:`~crfner.corpora.conll.read_conll_document_ids`). Joined splits concatenate their
    ids, each prefixed with ``<split>:`` when the same id occurs in two of them; None when a
    part has none.
    """
    if split is not None and "+" in split:
        parts = split.split("+")
        ids = [load_document_ids(name_or_path, part, data_dir, **options) for part in parts]
        return None if any(part is None for part in ids) else _join_document_ids(parts, ids)
    name = str(name_or_path)
    if name in REGISTRY:
        return _registered_document_ids(REGISTRY[name], split, data_dir, options)
    _check_options(name, (), options)
    return read_conll_document_ids(_conll_file(name_or_path, split))


def _join_document_ids(splits: list[str], ids: list[list[str]]) -> list[str]:
    """The ids of several splits in order, qualified by their split when two splits share one."""
    distinct = [set(part) for part in ids]
    if sum(map(len, distinct)) == len(set().union(*distinct)):
        return [i for part in ids for i in part]
    return [f"{split}:{i}" for split, part in zip(splits, ids) for i in part]


def _conll_file(name_or_path: str | os.PathLike, split: str | None) -> Path:
    """The CoNLL file of an unregistered corpus: the file itself, or a folder's ``<split>`` file."""
    path = Path(name_or_path)
    if path.is_file():
        if split is not None:
            raise CorpusNotFoundError(f"{path} is a single file; it has no split {split!r}")
        return path
    if path.is_dir():
        return _split_file(path, split)
    known = ", ".join(sorted(REGISTRY))
    raise CorpusNotFoundError(f"{str(name_or_path)!r} is neither a known corpus ({known}) nor an existing file or folder")


def _split_file(folder: Path, split: str | None) -> Path:
    if split is None:
        raise CorpusNotFoundError(f"{folder} is a folder of splits; name one (e.g. train, devel, test)")
    for suffix in CONLL_SUFFIXES:
        candidate = folder / f"{split}{suffix}"
        if candidate.is_file():
            return candidate
    present = sorted(p.stem for p in folder.iterdir() if p.suffix in CONLL_SUFFIXES)
    raise CorpusNotFoundError(
        f"{folder / (split + '.tsv')}: missing split {split!r} (splits found: {', '.join(present) or 'none'})"
    )


def _load_registered(corpus: Corpus, split: str | None, data_dir, options: dict) -> tuple[list[list[str]], list[list[str]]]:
    _check_split(corpus, split)
    _check_options(corpus.name, corpus.options, options)
    if corpus.loader:
        return _call(corpus.loader, split, data_dir, options=options)
    path = _local_split_file(corpus, split, data_dir)
    if path is not None:
        return read_conll(path)
    return load_from_hub(corpus, split, searched=looked_in(data_dir, corpus.folder))


def _registered_document_ids(corpus: Corpus, split: str | None, data_dir, options: dict) -> list[str] | None:
    """PMIDs from the corpus's document loader, else by aligning its local split file with
    the PubTator file it was cut from; None when either is missing."""
    _check_split(corpus, split)
    _check_options(corpus.name, corpus.options, options)
    if corpus.document_loader:
        return _call(corpus.document_loader, split, data_dir, options=options)
    if corpus.loader or split not in corpus.pubtator_files:
        return None
    path = _local_split_file(corpus, split, data_dir)
    pubtator = resolve_data_dir(data_dir) / PUBTATOR_FOLDER / corpus.pubtator_files[split]
    if path is None or not pubtator.is_file():
        return None
    return align_conll_with_pubtator(path, pubtator)


def _check_split(corpus: Corpus, split: str | None) -> None:
    if split not in SPLITS:
        raise CorpusNotFoundError(f"{corpus.name} has no split {split!r}; choose one of {', '.join(SPLITS)}")


def check_corpus_options(name_or_path: str | os.PathLike, options: dict) -> None:
    """Check the options of :func:`load_corpus` for a corpus without reading it: their names, and
    their values where the corpus can check them (MACCROBAT's and PHEE's types and policy).
    CorpusOptionError says what is wrong."""
    from .flatten import CorpusOptionError

    corpus = REGISTRY.get(str(name_or_path))
    try:
        _check_options(str(name_or_path), corpus.options if corpus else (), options)
    except TypeError as error:
        raise CorpusOptionError(str(error)) from None
    if corpus is not None and corpus.options_check:
        _call(corpus.options_check, corpus.name, options=options)


def _check_options(name: str, accepted: tuple[str, ...], options: dict) -> None:
    """Options a corpus does not take are an error, not silently ignored."""
    unknown = sorted(k for k, v in options.items() if k not in accepted and v is not None)
    if unknown:
        takes = f"it takes only {', '.join(accepted)}" if accepted else "it takes none"
        raise TypeError(f"corpus {name!r} takes no option {', '.join(unknown)} ({takes})")


def _call(target: str, *args, options: dict | None = None):
    """Call a registry entry's ``"module:function"`` with ``args`` and the options given (not None)."""
    from importlib import import_module

    module, function = target.split(":")
    options = {k: v for k, v in (options or {}).items() if v is not None}
    return getattr(import_module(module), function)(*args, **options)


def _local_split_file(corpus: Corpus, split: str, data_dir) -> Path | None:
    """The local ``<split>.tsv`` of a registered corpus; None without a local folder, an
    error when the folder lacks the split."""
    folder = locate(corpus.name, data_dir)
    if folder is None:
        return None
    path = corpus.local_file(folder.parent, split)
    if not path.is_file():
        raise CorpusNotFoundError(f"{path}: missing split {split!r} of {corpus.name}")
    return path


def describe(data_dir: str | os.PathLike | None = None) -> list[dict[str, str]]:
    """One row per registered corpus: its name, types, hub id and where it was found."""
    rows = []
    for corpus in REGISTRY.values():
        folder = locate(corpus.name, data_dir)
        if corpus.loader and folder is None:
            where = f"{corpus.missing} (no local copy; looked in {looked_in(data_dir, corpus.folder)})"
        elif corpus.loader:
            where = f"{folder} ({corpus.layout})"
        elif folder is None:
            where = f"hub: {corpus.hub_id} (no local copy; looked in {looked_in(data_dir, corpus.folder)})"
        else:
            splits = [s for s in SPLITS if corpus.local_file(folder.parent, s).is_file()]
            where = f"{folder} ({', '.join(splits)})"
        rows.append({"name": corpus.name, "types": ", ".join(corpus.entity_types), "hub_id": corpus.hub_id, "found": where})
    return rows
