"""MedMentions ST21pv (Mohan and Li 2019): PubMed abstracts with UMLS concept mentions whose
semantic types are mapped to 21 types, split by the release's official PMID lists.

Read from ``<data dir>/MedMentions/`` (``corpus_pubtator.txt[.gz]`` of the ST21pv subset and
the three ``corpus_pubtator_pmids_*.txt`` lists), or downloaded once from the public release
into ``$CRFNER_CACHE`` (default ``~/.cache/crfner``). Documents become IOB2 sentences with
crfner's own tokenizer; a tag is the semantic type id (``B-T038``), named by ``ST21PV_TYPES``.
"""

from __future__ import annotations

import os
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from ..errors import CorpusNotFoundError, DataFormatError, excerpt
from ..text import Token, sentences
from .documents import Document, Mention

FOLDER = "MedMentions"
RELEASE = "https://github.com/chanzuckerberg/MedMentions/raw/master"
SPLITS = ("train", "devel", "test")
REMOTE = {
    "corpus": "st21pv/data/corpus_pubtator.txt.gz",
    "train": "full/data/corpus_pubtator_pmids_trng.txt",
    "devel": "full/data/corpus_pubtator_pmids_dev.txt",
    "test": "full/data/corpus_pubtator_pmids_test.txt",
}
CORPUS_NAMES = ("corpus_pubtator.txt", "corpus_pubtator.txt.gz")

# The 21 semantic types of ST21pv (Mohan and Li 2019, AKBC, Table 2): UMLS id -> name.
ST21PV_TYPES = {
    "T005": "Virus", "T007": "Bacterium", "T017": "Anatomical Structure", "T022": "Body System",
    "T031": "Body Substance", "T033": "Finding", "T037": "Injury or Poisoning", "T038": "Biologic Function",
    "T058": "Health Care Activity", "T062": "Research Activity", "T074": "Medical Device", "T082": "Spatial Concept",
    "T091": "Biomedical Occupation or Discipline", "T092": "Organization", "T097": "Professional or Occupational Group",
    "T098": "Population Group", "T103": "Chemical", "T168": "Food", "T170": "Intellectual Product",
    "T201": "Clinical Attribute", "T204": "Eukaryote",
}


def _cache_dir() -> Path:
    return Path(os.environ.get("CRFNER_CACHE") or Path.home() / ".cache" / "crfner") / FOLDER


def _download(url: str, target: Path, lacking: str = "") -> None:
    """Fetch ``url`` to ``target`` atomically (a temporary file renamed when complete); ``lacking``
    says what a local copy in the data folder lacks, for the error if the download fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(partial, "wb") as handle:
            while block := response.read(1 << 20):
                handle.write(block)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CorpusNotFoundError(
            f"medmentions: no local copy{lacking}, and {url} could not be downloaded ({error}); put the ST21pv "
            f"corpus_pubtator.txt.gz and the corpus_pubtator_pmids_*.txt lists in <data dir>/{FOLDER}/"
        ) from None
    os.replace(partial, target)


def _absent(folder: Path, splits: Sequence[str]) -> list[str]:
    """The release files ``folder`` lacks for ``splits``: the corpus (either name), then their PMID lists."""
    corpus = [] if any((folder / n).is_file() for n in CORPUS_NAMES) else [CORPUS_NAMES[0]]
    return corpus + [Path(REMOTE[split]).name for split in splits if not (folder / Path(REMOTE[split]).name).is_file()]


def locate_files(data_dir=None, download: bool = True, splits: Sequence[str] = SPLITS) -> dict[str, Path]:
    """The corpus file and the PMID lists of ``splits`` (a test list alone scores a model):
    local, else cached, else downloaded."""
    from .registry import resolve_data_dir

    local = resolve_data_dir(data_dir) / FOLDER
    for folder in (local, _cache_dir()):
        if not _absent(folder, splits):
            corpus = next(folder / n for n in CORPUS_NAMES if (folder / n).is_file())
            return {"corpus": corpus, **{split: folder / Path(REMOTE[split]).name for split in splits}}
    absent = _absent(local, splits) if local.is_dir() else []  # a partial copy: say which of its files are missing
    lacking = f" ({local} lacks {', '.join(absent)})" if absent else ""
    if not download:
        raise CorpusNotFoundError(f"medmentions: no local copy in {local}{lacking}")
    folder = _cache_dir()
    files = {}
    for key in ("corpus", *splits):
        files[key] = folder / Path(REMOTE[key]).name
        if not files[key].is_file():
            _download(f"{RELEASE}/{REMOTE[key]}", files[key], lacking)
    return files


def read_pmids(path: Path) -> list[str]:
    """A PMID list: one id a line."""
    return [pmid for _, pmid in numbered_pmids(path)]


def numbered_pmids(path: Path) -> list[tuple[int, str]]:
    """The PMIDs of a list with the line of each, for errors that name it."""
    pmids = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if not line.isdigit():
            raise DataFormatError(f"expected a PMID (digits), found {excerpt(line)}", path, number)
        pmids.append((number, line))
    return pmids


def st21pv_type(types: str) -> str | None:
    """The ST21pv type of a mention's type column (``T038`` or ``T038,T116``): the first id
    among the 21; None when there is none (the mention is then left out)."""
    for etype in types.split(","):
        if etype.strip() in ST21PV_TYPES:
            return etype.strip()
    return None


def documents_to_iob(documents: Iterable[Document], stats: Counter | None = None) -> tuple[list[list[str]], list[list[str]]]:
    """Sentences of token strings and IOB2 tags; each mention tags the tokens it overlaps.

    Of overlapping mentions (MedMentions has a few nested ones) the one starting first, and of
    those the longest, is kept; the others are counted in ``stats["overlapping"]``; one not on token boundaries is widened
    to whole tokens and counted in ``stats["widened"]``.
    """
    X: list[list[str]] = []
    y: list[list[str]] = []
    for _, tokens, tags in tagged_sentences(documents, stats):
        X.append(tokens)
        y.append(tags)
    return X, y


def tagged_sentences(
    documents: Iterable[Document], stats: Counter | None = None
) -> Iterator[tuple[str, list[str], list[str]]]:
    """``(document id, tokens, IOB2 tags)`` of each sentence, in the order of
    :func:`documents_to_iob`, which reads its sentences from here."""
    stats = stats if stats is not None else Counter()
    for document in documents:
        for tokens in sentences(document.text, document.passages):
            if tokens:
                yield document.id, [t.text for t in tokens], _sentence_tags(tokens, document.mentions, stats)


def _sentence_tags(tokens: list[Token], mentions: Iterable[Mention], stats: Counter) -> list[str]:
    """The IOB2 tags of one sentence's tokens, from the document's mentions (see documents_to_iob)."""
    tags = ["O"] * len(tokens)
    first, last = tokens[0].start, tokens[-1].end
    for mention in sorted(mentions, key=lambda m: (m.start, m.start - m.end)):
        etype = st21pv_type(mention.type)
        if mention.end <= first or mention.start >= last:
            continue
        if etype is None:
            stats["other_type"] += 1
            continue
        covered = [i for i, t in enumerate(tokens) if t.start < mention.end and t.end > mention.start]
        if not covered:
            continue
        if any(tags[i] != "O" for i in covered):
            stats["overlapping"] += 1
            continue
        if tokens[covered[0]].start != mention.start or tokens[covered[-1]].end != mention.end:
            stats["widened"] += 1
        tags[covered[0]] = f"B-{etype}"
        for i in covered[1:]:
            tags[i] = f"I-{etype}"
        stats["mentions"] += 1
    return tags


def split_documents(split: str, data_dir=None, download: bool = True) -> list[Document]:
    """The ST21pv documents whose PMIDs the release lists for ``split``, in the corpus file's order.
    A listed PMID the corpus file lacks is an error naming the list's line: the split would
    otherwise be smaller than the release's with no word (ST21pv keeps all 4,392 abstracts)."""
    from .pubtator import read_pubtator

    files = locate_files(data_dir, download, splits=(split,))
    listed = numbered_pmids(files[split])
    wanted = {pmid for _, pmid in listed}
    documents = [d for d in read_pubtator(files["corpus"], check_text=False, allow_duplicate_ids=True) if d.id in wanted]
    if not documents:
        raise CorpusNotFoundError(f"medmentions: none of the {len(wanted)} {split} PMIDs of {files[split]} is in {files['corpus']}")
    found = {d.id for d in documents}
    absent = [(number, pmid) for number, pmid in listed if pmid not in found]
    if absent:
        number, pmid = absent[0]
        count = f" ({len(absent)} of the {len(listed)} listed PMIDs are not)" if len(absent) > 1 else ""
        raise DataFormatError(f"PMID {pmid} is not in {files['corpus']}{count}", files[split], number)
    return documents


def load_split(split: str, data_dir=None, download: bool = True) -> tuple[list[list[str]], list[list[str]]]:
    """``(X, y)`` of the ST21pv documents whose PMIDs the release lists for ``split``."""
    return documents_to_iob(split_documents(split, data_dir, download))


def load_document_ids(split: str, data_dir=None, download: bool = True) -> list[str]:
    """The PMID of each sentence that :func:`load_split` gives for ``split``, in its order."""
    return [pmid for pmid, _, _ in tagged_sentences(split_documents(split, data_dir, download))]
