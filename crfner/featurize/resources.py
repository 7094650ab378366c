"""Resources a feature set needs beyond its declaration: which gazetteer files, the word
clusters and truecasing table learned from training text, and term lists cut from a
vocabulary. Built at fit time, recorded in the model at save time, and checked again at load
time."""

from __future__ import annotations

import hashlib
import os
import stat
import warnings
from pathlib import Path
from typing import Mapping

from ..errors import CrfnerError, DataFormatError, FeatureSetError, ModelFileError, ParameterError, excerpt
from .featureset import FeatureSet
from .featurizer import Resources

CLUSTERS_FILE = "clusters.tsv"
TRUECASE_FILE = "truecase.tsv"
TERM_LISTS_FILE = "term_lists.tsv"
SENSES_FILE = "senses.tsv"
#: The learned tables a model directory keeps: (``Resources`` field and metadata key, file name).
TABLE_FILES = (("clusters", CLUSTERS_FILE), ("truecase", TRUECASE_FILE), ("term_lists", TERM_LISTS_FILE),
               ("senses", SENSES_FILE))


def file_sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _named(gazetteers) -> dict[str, str]:
    """A user's extra lists as {name: path}: a dict already, or paths named by their stems."""
    if gazetteers is None:
        return {}
    if isinstance(gazetteers, (str, os.PathLike)):
        gazetteers = [gazetteers]
    if isinstance(gazetteers, Mapping):
        if not all(isinstance(v, (str, os.PathLike)) for v in gazetteers.values()):
            raise ParameterError(f"gazetteers={excerpt(gazetteers)}: each list's path must be a string or path")
        return {str(k): str(v) for k, v in gazetteers.items()}
    if isinstance(gazetteers, bytes) or not hasattr(gazetteers, "__iter__"):
        raise ParameterError(f"gazetteers={excerpt(gazetteers)}: expected a path, a list of paths or {{name: path}}")
    named: dict[str, str] = {}
    for path in gazetteers:
        if not isinstance(path, (str, os.PathLike)):
            raise ParameterError(f"gazetteers={excerpt(gazetteers)}: each list's path must be a string or path, not {excerpt(path)}")
        if named.setdefault(Path(path).stem, str(path)) != str(path):
            raise FeatureSetError(f"gazetteers {named[Path(path).stem]} and {path} would both be named {Path(path).stem!r} "
                                  "(gaz:NAME); pass them as {name: path}")
    return named


def resolve_gazetteers(feature_set: FeatureSet, extra=None, data_dir=None) -> list[tuple[str, str]]:
    """(name, absolute path) of every list: the feature set's, found by name in
    ``<data dir>/gazetteers/`` or by path, then the user's ``extra`` ones, which add lists: one
    named like a declared list is a FeatureSetError, not a silent replacement."""
    from ..corpora.registry import resolve_data_dir

    folder = resolve_data_dir(data_dir) / "gazetteers"
    found: dict[str, str] = {}
    for entry in feature_set.gazetteers.get("lists", []):
        path = Path(entry)
        if not (entry.endswith(".tsv") or os.sep in entry):
            path = folder / f"{entry}.tsv"
        if not path.is_file():
            raise FeatureSetError(f"{feature_set.label}: gazetteer {entry!r} not found at {path} (set --data-dir or $CRFNER_DATA_DIR)")
        name = path.stem if entry.endswith(".tsv") or os.sep in entry else entry
        if name in found:
            raise FeatureSetError(f"{feature_set.label}: [gazetteers] lists two lists named {name!r} (gaz:{name}); "
                                  "the features are named by the file's name, so rename one file")
        found[name] = str(path.resolve())
    for name, entry in _named(extra).items():
        if name in found:
            raise FeatureSetError(f"{feature_set.label}: declares a gazetteer named {name!r} (gaz:{name}) already; the extra "
                                  f"gazetteer {name}={entry} would replace it: give yours another name, or declare its file "
                                  "in a copy of the feature set")
        if not Path(entry).is_file():
            raise FeatureSetError(f"gazetteer {name!r}: no such file {entry}")
        found[name] = str(Path(entry).resolve())
    return sorted(found.items())


#: Unlabeled text a feature set may name in ``[clusters] unlabeled_text``, in the data folder.
UNLABELED_SOURCES = {
    "ohsumed": "unlabeled/ohsumed_abstracts.jsonl",  # clinical-journal abstracts: JSON lines with "text"
    "biomedical_sentences": "unlabeled/biomedical_sentences.txt",  # one tokenised sentence a line
}


def declared_unlabeled(feature_set: FeatureSet, data_dir=None) -> list[list[str]]:
    """The unlabeled text a feature set declares for its clusters, as token lists: each source
    named in :data:`UNLABELED_SOURCES` (found in the data folder) or given by path; a ``.jsonl``
    file's ``text`` fields are split and tokenised as raw text is, other files are read as one
    tokenised sentence per line."""
    from ..corpora.registry import resolve_data_dir

    out: list[list[str]] = []
    for entry in (feature_set.clusters or {}).get("unlabeled_text", []):
        path = resolve_data_dir(data_dir) / UNLABELED_SOURCES[entry] if entry in UNLABELED_SOURCES else Path(entry)
        if not path.is_file():
            raise FeatureSetError(f"{feature_set.label}: unlabeled text {entry!r} not found at {path} "
                                  "(set --data-dir or $CRFNER_DATA_DIR)")
        out += _read_jsonl_text(path) if path.suffix == ".jsonl" else read_unlabeled(path)
    return out


def _read_jsonl_text(path: Path) -> list[list[str]]:
    """The sentences of the ``text`` field of each record of a JSON-lines file, as token texts."""
    from ..corpora.jsonl import read_jsonl
    from ..text import sentence_columns

    out: list[list[str]] = []
    for document in read_jsonl(path):
        columns = sentence_columns(document.text, document.passages)
        out += [columns.words[a:b] for a, b in columns.sentences]
    return out


def read_unlabeled(text) -> list[list[str]]:
    """Unlabeled tokenised text: a list of token lists, or a file of one sentence per line."""
    if text is None:
        return []
    if isinstance(text, (str, os.PathLike)):
        from ..corpora.conll import read_sentences

        return read_sentences(text)
    if isinstance(text, bytes) or not hasattr(text, "__iter__"):
        raise ParameterError(f"unlabeled_text={excerpt(text)}: expected a file of one sentence per line or a list of token lists")
    sentences = [tokens if isinstance(tokens, (str, bytes)) else list(tokens) for tokens in text]
    for index, tokens in enumerate(sentences):
        # a sentence given as a string would be read as its letters, each a word
        if isinstance(tokens, (str, bytes)) or not all(isinstance(t, str) for t in tokens):
            raise ParameterError(f"unlabeled_text[{index}] = {excerpt(tokens)}: expected a list of token strings")
    return sentences


def build_resources(feature_set: FeatureSet, X, gazetteers=None, unlabeled_text=None, data_dir=None) -> Resources:
    """Resolve the gazetteers and learn the clusters and truecasing table a feature set asks
    for, from ``X`` and any unlabeled text (the set's own and ``unlabeled_text``)."""
    lists = resolve_gazetteers(feature_set, gazetteers, data_dir) if (feature_set.gazetteers or gazetteers) else []
    inventory = _read_inventory(feature_set, data_dir) if feature_set.abbreviations.get("senses") else None
    truecase = feature_set.casing.get("truecase", False)
    text = None
    if feature_set.clusters or truecase or feature_set.abbreviations.get("senses"):
        text = list(X) + declared_unlabeled(feature_set, data_dir) + read_unlabeled(unlabeled_text)
    elif unlabeled_text is not None:  # a warning, not an error: a grid over feature sets may hold such sets
        warnings.warn(f"unlabeled_text is not used: {feature_set.label} learns nothing from unlabeled text "
                      "(it has no [clusters], [casing] truecase or [abbreviations] senses)", stacklevel=3)
    clusters = None
    if feature_set.clusters:
        from .cluster_cache import cached_clusters

        options = dict(feature_set.clusters)
        options.pop("unlabeled_text", None)
        extra = gazetteer_sentences(lists) if options.pop("gazetteer_text", False) else []
        try:
            clusters = cached_clusters(text + extra, **options)
        except DataFormatError as error:  # min_count above every word's count, say: the declaration's doing
            raise FeatureSetError(f"{feature_set.label}: [clusters] learns nothing from this text: "
                                  f"{error.problem}") from None
    senses = read_sense_forms(feature_set, inventory, text)
    table = None
    if truecase:
        from .truecase import TruecaseTable

        table = TruecaseTable.learn(text, read_spelled_forms(feature_set, inventory) if feature_set.casing.get("spellings") else None)
        if feature_set.casing.get("keep_words"):
            table = table.keeping_words(senses.as_words)
    return Resources(gazetteers=lists, clusters=clusters, truecase=table, term_lists=cut_term_lists(feature_set, lists, data_dir),
                     senses=senses)


def read_spelled_forms(feature_set: FeatureSet, inventory) -> dict[str, str]:
    """How notes spell each short form of the ``[abbreviations] senses`` ``inventory`` (its rows and
    spellings, :func:`_read_inventory`) most (:func:`.truecase.spelled_forms`), for ``[casing]
    spellings``; FeatureSetError for an inventory that records no spellings."""
    from .truecase import spelled_forms

    _, spellings = inventory
    if spellings is None:
        raise FeatureSetError(f"{feature_set.label}: [casing] spellings needs an inventory that records how notes spell "
                              f"each short form (a variation column); {feature_set.abbreviations['senses']!r} has none")
    return spelled_forms(spellings)


def _read_inventory(feature_set: FeatureSet, data_dir=None):
    """The rows and spellings of the ``[abbreviations] senses`` inventory (see read_inventory),
    read once for the senses and the truecasing table's spellings."""
    from ..corpora.abbreviation_senses import INVENTORIES, SENSE_FOLDER, read_inventory
    from ..corpora.registry import resolve_data_dir

    inventory = feature_set.abbreviations["senses"]
    folder = resolve_data_dir(data_dir)
    _require_files(feature_set, "abbreviation senses", folder, [SENSE_FOLDER / name for name in INVENTORIES.get(inventory, ())])
    try:
        return read_inventory(inventory, folder)
    except ParameterError as error:
        raise FeatureSetError(f"{feature_set.label}: {error}") from None


def read_sense_forms(feature_set: FeatureSet, inventory, text=None):
    """The abbreviations' long forms ``[abbreviations] senses`` declares (a ``SenseForms``), from
    its ``inventory`` (rows and spellings, :func:`_read_inventory`, of the named inventory in the
    data folder or an inventory file); or None without one. ``text`` (token lists) tells which
    short forms are rare as words (see ``sense_forms``)."""
    if inventory is None:
        return None
    from collections import Counter

    from .sense_forms import MIN_SHARE, forms_from_rows

    rows, spellings = inventory
    counts = None if text is None else Counter(token for tokens in text for token in tokens)
    spelled = feature_set.abbreviations.get("as_words") == "spelled"
    return forms_from_rows(rows, feature_set.abbreviations.get("min_share", MIN_SHARE), counts, spellings if spelled else None)


def cut_term_lists(feature_set: FeatureSet, lists: list[tuple[str, str]], data_dir=None):
    """The MeSH branch lists ``[gazetteers] mesh_branches`` declares, cut from the data folder's
    MeSH files (a ``TermLists``), or None; FeatureSetError for a list that comes out empty."""
    branches = feature_set.gazetteers.get("mesh_branches")
    if not branches:
        return None
    from ..corpora.registry import resolve_data_dir
    from .term_lists import MESH_TERMS, MESH_TREES, TermLists, read_tree_numbers, unknown_branches

    clash = sorted(set(branches) & {name for name, _ in lists})
    if clash:
        raise FeatureSetError(f"{feature_set.label}: MeSH branch list {clash[0]!r} has the name of a gazetteer file")
    folder = resolve_data_dir(data_dir)
    _require_files(feature_set, "MeSH branch lists", folder, [MESH_TREES, MESH_TERMS])
    trees = read_tree_numbers(folder / MESH_TREES)  # read once, for the check and the cut
    unknown = unknown_branches(trees, branches)
    if unknown:  # a mistyped or retired tree number beside good ones would silently match nothing
        name, numbers = next(iter(unknown.items()))
        raise FeatureSetError(f"{feature_set.label}: gazetteers.mesh_branches.{name} = {branches[name]!r}: "
                              f"not a tree number of {folder / MESH_TREES} nor a branch above one: {', '.join(numbers)}")
    cut = TermLists.from_mesh(folder, branches, trees)
    empty = next((name for name, terms in cut.lists.items() if not terms), None)
    if empty is not None:  # a mistyped or retired tree number: the list would silently match nothing
        raise FeatureSetError(f"{feature_set.label}: gazetteers.mesh_branches.{empty} = {branches[empty]!r}: no descriptor "
                              f"under these branches has an entry term in {folder / MESH_TREES} and {folder / MESH_TERMS}")
    return cut


def _require_files(feature_set: FeatureSet, what: str, folder: Path, names) -> None:
    """FeatureSetError naming the first of the data folder's ``names`` that is not a file."""
    for name in names:
        if not (folder / name).is_file():
            raise FeatureSetError(f"{feature_set.label}: {what} need {folder / name} (set --data-dir or $CRFNER_DATA_DIR)")


def gazetteer_sentences(lists: list[tuple[str, str]]) -> list[list[str]]:
    """The gazetteers' terms, tokenised like the corpora, as extra unlabeled text for clusters:
    words that share terms (``metachromatic leukodystrophy``) come to share clusters."""
    from .gazetteer_terms import read_terms, tokenize_term

    sentences = []
    for _, path in lists:
        terms, _ = read_terms(path)
        sentences += [tokens for tokens in map(tokenize_term, terms) if len(tokens) > 1]
    return sentences


def describe_resources(resources: Resources) -> dict:
    """What the model metadata records: each gazetteer's name, path, hash and size; the clusters' hash."""
    info: dict = {"gazetteers": [], "clusters": None}
    for name, path in resources.gazetteers:
        info["gazetteers"].append({"name": name, "path": path, "sha256": file_sha256(path), "bytes": os.path.getsize(path)})
    if resources.clusters is not None:
        info["clusters"] = {
            "file": CLUSTERS_FILE,
            "sha256": resources.clusters.sha256(),
            "words": len(resources.clusters),
            "granularities": list(resources.clusters.granularities),
        }
    if resources.truecase is not None:
        info["truecase"] = {"file": TRUECASE_FILE, "sha256": resources.truecase.sha256(), "words": len(resources.truecase)}
    if resources.term_lists is not None:
        info["term_lists"] = {"file": TERM_LISTS_FILE, "sha256": resources.term_lists.sha256(),
                              "terms": {name: len(terms) for name, terms in resources.term_lists.lists.items()}}
    if resources.senses is not None:
        info["senses"] = {"file": SENSES_FILE, "sha256": resources.senses.sha256(), "short_forms": len(resources.senses)}
    return info


def resource_files(resources: Resources) -> dict[str, bytes]:
    """The files a model directory keeps of its resources: the tables of TABLE_FILES it has."""
    import tempfile

    out = {}
    with tempfile.TemporaryDirectory(prefix="crfner-") as tmp:
        for key, name in TABLE_FILES:
            table = getattr(resources, key)
            if table is not None:
                table.save(Path(tmp) / name)
                out[name] = (Path(tmp) / name).read_bytes()
    return out


def restore_resources(model_dir: Path, recorded: dict, gazetteers=None, allow_gazetteer_change=False, data_dir=None) -> Resources:
    """Find the gazetteers a model was trained with and check they are unchanged; load its clusters."""
    from ..corpora.registry import resolve_data_dir

    overrides = _named(gazetteers)
    lists = []
    for entry in recorded.get("gazetteers") or []:
        name = entry["name"]
        candidates = [overrides[name]] if name in overrides else [
            entry["path"],
            str(resolve_data_dir(data_dir) / "gazetteers" / Path(entry["path"]).name),
        ]
        path = next((c for c in candidates if Path(c).is_file()), None)  # regular files only: no FIFO, no device
        if path is None:
            raise ModelFileError(
                f"{model_dir}: gazetteer {name!r} not found (looked at {', '.join(candidates)}); pass its file with --gazetteer {name}=PATH"
            )
        if not allow_gazetteer_change and file_sha256(path) != entry["sha256"]:
            raise ModelFileError(
                f"{model_dir}: gazetteer {name!r} at {path} differs from the list the model was trained with "
                f"(sha256 {entry['sha256'][:12]}…); use allow_gazetteer_change=True (--allow-gazetteer-change) to run anyway"
            )
        lists.append((name, str(Path(path).resolve())))
    clusters = truecase = term_lists = senses = None
    if recorded.get("senses"):
        from .sense_forms import SenseForms

        senses = _load_table(model_dir, SENSES_FILE, SenseForms, recorded["senses"]["sha256"])
    if recorded.get("term_lists"):
        from .term_lists import TermLists

        term_lists = _load_table(model_dir, TERM_LISTS_FILE, TermLists, recorded["term_lists"]["sha256"])
    if recorded.get("clusters"):
        from .clusters import ClusterTable

        clusters = _load_table(model_dir, CLUSTERS_FILE, ClusterTable, recorded["clusters"]["sha256"])
    if recorded.get("truecase"):
        from .truecase import TruecaseTable

        truecase = _load_table(model_dir, TRUECASE_FILE, TruecaseTable, recorded["truecase"]["sha256"])
    return Resources(gazetteers=lists, clusters=clusters, truecase=truecase, term_lists=term_lists, senses=senses)


def _load_table(model_dir: Path, name: str, kind, sha256: str):
    """A table file of a model directory, read and checked against the hash its metadata records."""
    path = model_dir / name
    if not os.path.lexists(path) or not stat.S_ISREG(os.lstat(path).st_mode):  # no link, FIFO or device
        raise ModelFileError(f"{path}: not a regular file inside the model directory")
    try:
        table = kind.load(path)
    except CrfnerError as error:
        raise ModelFileError(f"{model_dir}: {error}") from None
    if table.sha256() != sha256:
        raise ModelFileError(f"{model_dir}: {name} differs from the table recorded in the metadata")
    return table
