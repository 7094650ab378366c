"""MACCROBAT2020 (clinical case reports) and PHEE (pharmacovigilance sentences): BRAT
standoff corpora with nested and discontinuous spans, flattened to IOB2 by a policy.

Read from ``<data dir>/clinical/``. MACCROBAT's split is fixed by
``MACCROBAT2020.splits.tsv``; PHEE's ``dev/`` is our ``devel``. Sentences and tokens come from
crfner's own splitter and tokenizer; tags from the mentions kept by
:mod:`~crfner.corpora.flatten` (``types=``, ``policy=``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusNotFoundError, DataFormatError, excerpt
from .brat import read_brat_fragments
from .clinical_types import MACCROBAT_DEFAULT, MACCROBAT_TYPES, PHEE_DEFAULT, PHEE_TYPES
from .documents import Document
from .flatten import INFO, LOSSES, check_types, flatten, parse_policy, tagged_sentences

# Chosen on devel (benchmarks/clinical_policies.py): it loses the fewest annotations on both
# corpora (devel: MACCROBAT 4, PHEE 40; outermost:span 10 and 91) and scores best or within
# 0.002 of the best on devel F1 against every annotation (MACCROBAT 0.570, PHEE 0.666 vs 0.644).
DEFAULT_POLICY = "innermost:first"


@dataclass(frozen=True)
class Spec:
    """Where a clinical corpus lives and which types it has and selects by default."""

    name: str
    folder: str
    types: tuple[str, ...]
    default_types: tuple[str, ...]


SPECS = {
    "maccrobat": Spec("maccrobat", "clinical/MACCROBAT2020", MACCROBAT_TYPES, MACCROBAT_DEFAULT),
    "phee": Spec("phee", "clinical/PHEE", PHEE_TYPES, PHEE_DEFAULT),
}
MACCROBAT_SPLITS = "clinical/MACCROBAT2020.splits.tsv"
PHEE_FOLDERS = {"train": "train", "devel": "dev", "test": "test"}


def _folder(spec: Spec, data_dir) -> Path:
    from .registry import resolve_data_dir

    folder = resolve_data_dir(data_dir) / spec.folder
    if not folder.is_dir():
        raise CorpusNotFoundError(f"{spec.name}: no local copy at {folder} (it is not on the hub); set --data-dir or $CRFNER_DATA_DIR")
    return folder


def maccrobat_split_ids(split: str, data_dir=None) -> list[str]:
    """The document ids that ``MACCROBAT2020.splits.tsv`` assigns to ``split``, in file order.
    An id listed twice (in one split or two) is an error naming the line: the document would load
    twice, or in two splits."""
    from .registry import resolve_data_dir

    path = resolve_data_dir(data_dir) / MACCROBAT_SPLITS
    if not path.is_file():
        raise CorpusNotFoundError(f"maccrobat: no split file at {path}")
    ids = []
    seen: dict[str, tuple[int, str]] = {}  # id -> the line listing it first, and its split there
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2 or parts[1] not in ("train", "devel", "test"):
            raise DataFormatError("expected 'DOCUMENT_ID<TAB>train|devel|test'", path, number)
        if parts[0] in seen:
            first, where = seen[parts[0]]
            raise DataFormatError(f"document {excerpt(parts[0])} is listed twice (first on line {first}, for {where})", path, number)
        seen[parts[0]] = (number, parts[1])
        if parts[1] == split:
            ids.append(parts[0])
    return ids


def split_paths(name: str, split: str, data_dir=None) -> list[Path]:
    """The ``.txt`` files of a split of ``maccrobat`` or ``phee``, in order of name (MACCROBAT: of the split file)."""
    from .registry import SPLITS

    spec = SPECS[name]
    if split not in SPLITS:
        raise CorpusNotFoundError(f"{spec.name} has no split {split!r}; choose one of {', '.join(SPLITS)}")
    folder = _folder(spec, data_dir)
    if spec.name == "maccrobat":
        paths = [folder / f"{i}.txt" for i in maccrobat_split_ids(split, data_dir)]
    else:
        paths = sorted((folder / PHEE_FOLDERS[split]).glob("*.txt"))
    # each document's text and its annotations: a document without its .ann would load with no entity
    missing = [q for p in paths for q in (p, p.with_suffix(".ann")) if not q.is_file()]
    if missing or not paths:
        raise CorpusNotFoundError(f"{spec.name}: split {split!r} " + (f"lacks {missing[0]}" if missing else f"has no documents under {folder}"))
    return paths


def _options(spec: Spec, types, policy) -> tuple[tuple[str, ...], str]:
    types = spec.default_types if types is None else check_types(types, spec.types, spec.name)
    policy = DEFAULT_POLICY if policy is None else policy
    parse_policy(policy)
    return types, policy


def check_options(name: str, types=None, policy=None) -> None:
    """Check ``types`` and ``policy`` for corpus ``name`` without reading it (CorpusOptionError)."""
    _options(SPECS[name], types, policy)


def split_documents(name: str, split: str, data_dir=None, types=None, policy=None, stats: Counter | None = None) -> list[Document]:
    """The documents of a split with the flat mentions the policy keeps of ``types`` (default:
    the corpus's default types and DEFAULT_POLICY), for scoring by character offsets."""
    spec = SPECS[name]
    types, policy = _options(spec, types, policy)
    documents = []
    for path in split_paths(spec.name, split, data_dir):
        text, entities = read_brat_fragments(path)
        mentions = flatten(text, [(etype, fragments) for _, etype, fragments in entities], types, policy, stats)
        documents.append(Document(path.stem, text, mentions, None))
    return documents


def tagged(name: str, split: str, data_dir=None, types=None, policy=None, stats: Counter | None = None):
    """``(document id, tokens, tags)`` of each sentence of a split."""
    return list(tagged_sentences(split_documents(name, split, data_dir, types, policy, stats), stats))


def losses(name: str, split: str, data_dir=None, types=None, policy=None) -> dict[str, int]:
    """How many annotations a split holds, how many are tagged (``kept``) and how many are lost,
    by reason (LOSSES); kept plus the losses equals ``annotations``. INFO counts are not losses."""
    stats: Counter = Counter()
    tagged(name, split, data_dir, types, policy, stats)
    return {"annotations": stats["annotations"], "kept": stats["kept"], **{k: stats[k] for k in LOSSES},
            **{k: stats[k] for k in INFO}}


def load_split(name: str, split: str, data_dir=None, types=None, policy=None) -> tuple[list[list[str]], list[list[str]]]:
    """``(X, y)``: token lists and IOB2 tag lists of a split."""
    rows = tagged(name, split, data_dir, types, policy)
    return [tokens for _, tokens, _ in rows], [tags for _, _, tags in rows]


def load_document_ids(name: str, split: str, data_dir=None, types=None, policy=None) -> list[str]:
    """The document id of each sentence of :func:`load_split`, in its order."""
    return [doc_id for doc_id, _, _ in tagged(name, split, data_dir, types, policy)]


def load_maccrobat(split, data_dir=None, **options):
    return load_split("maccrobat", split, data_dir, **options)


def load_phee(split, data_dir=None, **options):
    return load_split("phee", split, data_dir, **options)


def maccrobat_document_ids(split, data_dir=None, **options):
    return load_document_ids("maccrobat", split, data_dir, **options)


def phee_document_ids(split, data_dir=None, **options):
    return load_document_ids("phee", split, data_dir, **options)
