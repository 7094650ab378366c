"""BRAT standoff folders: ``NAME.txt`` holds a document's text, ``NAME.ann`` its annotations,
one a line: ``T1<TAB>Type start end<TAB>text`` for an entity, ``N1<TAB>Reference T1 id`` for
its concept identifier (several ``N`` lines of one entity read as ``ID1|ID2``, as PubTator
writes a mention of several concepts), ``#1<TAB>AnnotatorNotes T1<TAB>note`` for a note.

A discontinuous entity (``T1<TAB>Type 0 5;10 15<TAB>text``) is read as its outer extent,
``0-15``: crfner's mentions are contiguous, and the CRF tags contiguous spans. Its fragment
texts are still checked against the document. Relations, events and attributes are skipped
(:func:`read_brat_attributes` reads the attributes, an event's on its trigger entity).
Offsets count characters of the ``.txt`` file as stored: ``\\r\\n`` is two characters.
An entity's text is compared up to its first tab: what follows (stray tabs and spaces, as in
MACCROBAT2020 and PHEE) is ignored with a warning naming the file and line.
"""

from __future__ import annotations

import errno
import os
import re
import warnings
from pathlib import Path
from itertools import repeat
from typing import Iterable, Iterator, Mapping, Sequence

from ..atomic import atomic_open
from ..errors import DataFormatError, excerpt
from .documents import Document, Mention, concept_id, concept_ids, mention_problem, sorted_mentions, unwritable
from .lines import read_text_file

_ENTITY = re.compile(r"(T\S*)\t(\S+) ([0-9]+ [0-9]+(?:;[0-9]+ [0-9]+)*)\t(.*)")
_REFERENCE = re.compile(r"(N\S*)\tReference (T\S*) (\S+)(?:\t.*)?")
_NOTE = re.compile(r"(#\S*)\tAnnotatorNotes (T\S*)\t(.*)")
# crfner's own note on a tagged entity: its score, a linked one's concept score, and the section
# of the note it falls under (crfner tag --sections), last since its name may hold spaces.
_SCORE_NOTE = re.compile(r"(?:score=([0-9.eE+-]+))? ?(?:concept_score=([0-9.eE+-]+))?(?: ?section=.+)?")
_EVENT = re.compile(r"(E\S*)\t[^:\s]+:(T\S+)(?: .*)?")
_ATTRIBUTE = re.compile(r"([AM]\S*)\t(\S+) ([TE]\S+)(?: (\S+))?")
# Lines of these kinds are valid BRAT that crfner does not use: relations, events,
# attributes, modifiers, equivalences.
_SKIPPED = ("R", "E", "A", "M", "*")
_WHITESPACE = re.compile(r"\s")
# Where an entity's recorded text is cut into fragments: the line breaks BRAT cuts at, and tabs,
# which would end the text field early (the reader reads it up to its first tab).
_FRAGMENT_BREAK = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def read_brat_document(txt_path: str | os.PathLike, ann_path: str | os.PathLike | None = None) -> Document:
    """One document from ``NAME.txt`` and ``NAME.ann`` beside it (no ``.ann``: no mentions)."""
    txt_path = Path(txt_path)
    text, entities, identifiers, scores = _parse(txt_path, ann_path)
    mentions = []
    for tid, (etype, fragments) in entities.items():
        start, end = fragments[0][0], max(b for _, b in fragments)
        score, concept_score = scores.get(tid, (None, None))
        mentions.append(Mention(start, end, etype, text[start:end], identifiers.get(tid), score, concept_score))
    return Document(txt_path.stem, text, sorted_mentions(mentions), None)


def read_brat_fragments(
    txt_path: str | os.PathLike, ann_path: str | os.PathLike | None = None
) -> tuple[str, list[tuple[str, str, tuple[tuple[int, int], ...]]]]:
    """The text and its entities as ``(id, type, fragments)`` in file order, discontinuous
    ones keeping their fragments (sorted by offset), for readers that choose how to flatten."""
    text, entities, _, _ = _parse(Path(txt_path), ann_path)
    return text, [(tid, etype, fragments) for tid, (etype, fragments) in entities.items()]


def read_brat_attributes(ann_path: str | os.PathLike) -> dict[str, dict[str, str]]:
    """The attributes of each entity in a ``.ann`` file, ``{"T5": {"POLARITY": "NEG"}}``: from
    ``A1<TAB>Name T5 Value`` lines (a binary one, ``A1<TAB>Negated T5``, has the value
    ``"true"``), an event's (``E2<TAB>Type:T5``) given to its trigger entity. A malformed
    attribute or event line raises :class:`~crfner.errors.DataFormatError` with its line."""
    ann_path = Path(ann_path)
    triggers: dict[str, str] = {}
    attributes: list[tuple[str, str, str, int]] = []
    for number, line in enumerate(read_text_file(ann_path).split("\n"), start=1):
        line = line.rstrip("\r")
        if line.startswith("E"):
            event = _EVENT.fullmatch(line)
            if event is None:
                raise DataFormatError("an event line must read 'E1<TAB>Type:T1 Role:T2 ...'", ann_path, number)
            triggers[event.group(1)] = event.group(2)
        elif line.startswith(("A", "M")):
            attribute = _ATTRIBUTE.fullmatch(line)
            if attribute is None:
                raise DataFormatError("an attribute line must read 'A1<TAB>Name T1 [Value]'", ann_path, number)
            attributes.append((attribute.group(3), attribute.group(2), attribute.group(4) or "true", number))
    found: dict[str, dict[str, str]] = {}
    for target, name, value, number in attributes:
        entity = triggers.get(target, target) if target.startswith("E") else target
        if entity.startswith("E"):
            raise DataFormatError(f"the attribute refers to event {target}, which is not defined", ann_path, number)
        found.setdefault(entity, {})[name] = value
    return found


def _parse(txt_path: Path, ann_path):
    """The text, entities (id -> type and fragments), identifiers and scores (id -> score and
    concept score, either None) of a document."""
    if txt_path.suffix == ".ann":
        raise DataFormatError(f"this is a document's annotations; give its text, {txt_path.stem}.txt, which is read with them",
                              txt_path)
    given = ann_path
    ann_path = Path(ann_path) if ann_path is not None else txt_path.with_suffix(".ann")
    text = read_text_file(txt_path)
    entities: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {}
    identifiers: dict[str, str] = {}
    scores: dict[str, tuple[float | None, float | None]] = {}
    referred: dict[str, int] = {}  # entity id -> the first line that refers to it
    if not ann_path.exists():
        if given is not None:  # named by the caller: a typo must not read as "no annotations"
            raise DataFormatError("no such annotation file", ann_path)
        return text, entities, identifiers, scores
    for number, line in enumerate(read_text_file(ann_path).split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if line.startswith("T"):
            entity = _entity(line, text, ann_path, number)
            tid = line.split("\t", 1)[0]
            if tid in entities:
                raise DataFormatError(f"entity id {tid} is used twice", ann_path, number)
            entities[tid] = entity
        elif line.startswith("N"):
            match = _REFERENCE.fullmatch(line)
            if match is None:
                raise DataFormatError("a normalisation line must read 'N1<TAB>Reference T1 DB:ID<TAB>name'", ann_path, number)
            # several normalisations of one entity are its concepts, joined as PubTator joins them;
            # one id twice, however spelled (D009203, MESH:D009203), is one concept
            known = identifiers.get(match.group(2))
            if known is None:
                identifiers[match.group(2)] = match.group(3)
            elif concept_id(match.group(3)) not in concept_ids(known):
                identifiers[match.group(2)] = f"{known}|{match.group(3)}"
            referred.setdefault(match.group(2), number)
        elif line.startswith("#"):
            match = _NOTE.fullmatch(line)
            note = _SCORE_NOTE.fullmatch(match.group(3).strip()) if match else None
            if note is not None and any(note.groups()):  # a section alone is not read back: mentions have no section
                try:
                    scores[match.group(2)] = tuple(None if g is None else float(g) for g in note.groups())
                    referred.setdefault(match.group(2), number)
                except ValueError:  # a note that only looks like crfner's is a note
                    pass
        elif not line.startswith(_SKIPPED):
            raise DataFormatError(f"not a BRAT annotation line (it starts with {line[:1]!r})", ann_path, number)
    for tid, number in referred.items():
        if tid not in entities:
            raise DataFormatError(f"a normalisation or note refers to entity {tid}, which is not defined", ann_path, number)
    return text, entities, identifiers, scores


def _entity(line: str, text: str, path: Path, number: int) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The type and fragments of a ``T`` line, its text checked up to its first tab."""
    match = _ENTITY.fullmatch(line)
    if match is None:
        raise DataFormatError("an entity line must read 'T1<TAB>Type start end<TAB>text'", path, number)
    _, etype, offsets, recorded = match.groups()
    try:
        fragments = tuple(tuple(map(int, part.split())) for part in offsets.split(";"))
    except ValueError:  # more digits than int() converts (4,300)
        raise DataFormatError(f"offsets {excerpt(offsets, 60)} are far larger than any text", path, number) from None
    for start, end in fragments:
        if not 0 <= start < end <= len(text):
            raise DataFormatError(f"offsets {start} {end} lie outside a text of {len(text)} characters or are empty", path, number)
    recorded, tab, ignored = recorded.partition("\t")
    pieces = " ".join(text[a:b] for a, b in fragments)
    if pieces != recorded:
        raise DataFormatError(f"entity text {excerpt(recorded)} differs from the document text {excerpt(pieces)}", path, number)
    if tab:
        warnings.warn(f"{path}, line {number}: ignored {tab + ignored!r} after the entity text", stacklevel=4)
    return etype, tuple(sorted(fragments))


def read_brat(folder: str | os.PathLike) -> Iterator[Document]:
    """Stream the documents of a BRAT folder, in order of file name (every ``*.txt`` and its
    ``.ann``; an ``.ann`` without its ``.txt`` is an error)."""
    for path in brat_texts(folder):
        yield read_brat_document(path)


def brat_texts(folder: str | os.PathLike) -> list[Path]:
    """The ``*.txt`` files of a BRAT folder in order of name, checked: an ``.ann`` without its
    ``.txt`` is an error, as is a folder that is none or holds no ``.txt`` (a release's folder
    of train/ and test/, say: read as a corpus without documents, it would score as empty)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFormatError("no such folder", folder)
    texts = sorted(folder.glob("*.txt"))
    stems = {p.stem for p in texts}
    for ann in sorted(folder.glob("*.ann")):
        if ann.stem not in stems:
            raise DataFormatError(f"annotations without a text: no {ann.stem}.txt beside it", ann)
    if not texts:
        refuse_split_parent(folder)
        raise DataFormatError("no .txt documents in this folder", folder)
    return texts


def refuse_split_parent(folder: Path) -> None:
    """A DataFormatError naming the split folders (train, devel, dev, test) ``folder`` holds, if
    any: a corpus's parent folder given where one split's documents were meant."""
    splits = [name for name in ("train", "devel", "dev", "test") if (folder / name).is_dir()]
    if splits:
        raise DataFormatError(f"holds no documents, only the split folders {', '.join(splits)}: give one of them "
                              f"({folder / splits[0]})", folder)


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span split at line breaks, as BRAT records an entity that crosses lines, and at tabs."""
    out, cursor = [], start
    for match in _FRAGMENT_BREAK.finditer(text, start, end):
        if match.start() > cursor:
            out.append((cursor, match.start()))
        cursor = match.end()
    if cursor < end:
        out.append((cursor, end))
    return out


def format_ann(document: Document, negated: Sequence[bool] | None = None,
               sections: Sequence[str | None] | None = None,
               flags: Mapping[str, Sequence[bool]] | None = None) -> Iterator[str]:
    """The lines of a document's ``.ann`` file: entities, their identifiers, their scores, with
    ``negated`` (a flag for each mention, in order of offset) a binary ``Negated`` attribute on
    each negated one (``A1<TAB>Negated T3``), with ``flags`` (binary attributes by name, a flag
    for each mention: ``{"Hypothetical": [...]}``) each such attribute where its flag is set, and
    with ``sections`` (a section name or None for each mention, in the same order) the section in
    its note (``section=ALLERGIES``).

    A mention that crosses a line break or tab is split into fragments there, and reads back
    whole; one that starts or ends on one is refused, since BRAT's fragments stop short of
    line breaks and tabs and the mention would come back shorter."""
    mentions = sorted_mentions(document.mentions)
    flags = {**({"Negated": negated} if negated is not None else {}), **(flags or {})}
    named = ("negation flags" if attribute == "Negated" else f"{attribute} flags" for attribute in flags)
    for name, values in (("sections", sections), *zip(named, flags.values())):
        if values is not None and len(values) != len(mentions):
            raise ValueError(f"document {document.id}: {len(values)} {name} for {len(mentions)} mentions")
    attributes = 0
    for index, mention in enumerate(mentions, start=1):
        problem = (mention_problem(mention, document.text) or unwritable(mention.type, "an entity type")
                   or unwritable(mention.identifier or "", "a concept id"))
        if problem:
            raise DataFormatError(f"document {document.id}: {problem}")
        if _WHITESPACE.search(mention.type):
            raise DataFormatError(f"document {document.id}: entity type {excerpt(mention.type)} holds whitespace, which BRAT cannot store")
        fragments = _fragments(document.text, mention.start, mention.end)
        if not fragments:
            raise DataFormatError(f"document {document.id}: mention {mention.start}-{mention.end} holds only line breaks and tabs")
        if (fragments[0][0], fragments[-1][1]) != (mention.start, mention.end):  # BRAT would give it back shorter
            raise DataFormatError(
                f"document {document.id}: mention {mention.start}-{mention.end} {excerpt(mention.text, 60)} starts or ends on a "
                f"line break or tab, which BRAT cannot record (it would read back as {fragments[0][0]}-{fragments[-1][1]})")
        offsets = ";".join(f"{a} {b}" for a, b in fragments)
        pieces = " ".join(document.text[a:b] for a, b in fragments)
        yield f"T{index}\t{mention.type} {offsets}\t{pieces}\n"
        if mention.identifier:
            identifier = _WHITESPACE.sub("_", mention.identifier)  # one field: no space, tab or line break
            yield f"N{index}\tReference T{index} {identifier}\t{pieces}\n"
        note = " ".join(f"{name}={float(value)!r}" for name, value in (("score", mention.score), ("concept_score", mention.link_score))
                        if value is not None)
        section = sections[index - 1] if sections is not None else None
        if section:
            note = f"{note} section={' '.join(section.split())}".lstrip()
        if note:
            yield f"#{index}\tAnnotatorNotes T{index}\t{note}\n"
        for attribute, values in flags.items():
            if values[index - 1]:
                attributes += 1
                yield f"A{attributes}\t{attribute} T{index}\n"


# The longest id, in bytes, that names a file pair: file systems allow 255, and the temporary
# files written before each rename (.ID.ann.XXXXXXXX.tmp) take 18 more.
_LONGEST_NAME = 237


def brat_name_problem(name: str) -> str | None:
    """Why a document id cannot name a BRAT file pair (``ID.txt``, ``ID.ann``), or None."""
    if not isinstance(name, str):
        return f"document id {excerpt(name)} is not a string"
    if not name or name in (".", "..") or any(c in name for c in "/\\") or name != name.strip() or any(
        ord(c) < 32 or c in "\x7f\x85\u2028\u2029" for c in name
    ):
        return f"document id {excerpt(name)} cannot be a file name"  # no tab, line break or NUL either
    if len(os.fsencode(name)) > _LONGEST_NAME:
        return f"document id {excerpt(name, 60)} is too long for a file name ({len(os.fsencode(name))} bytes)"
    return None


def brat_text_problem(text: str) -> str | None:
    """Why a document's text cannot be an ``ID.txt`` file that reads back as itself, or None: a lone
    surrogate, which UTF-8 cannot write, or a U+FEFF opening it, which is written as UTF-8's
    byte-order mark, and which readers of the file (:func:`read_brat` too) drop, so that every
    offset of the ``.ann`` file would read back one character off."""
    problem = unwritable(text, "its text")
    if problem is None and text.startswith("\ufeff"):
        problem = "its text opens with U+FEFF, a byte-order mark, which readers of a .txt file drop (every offset would " \
                  "read back one off); remove it from the text"
    return problem


def write_brat(documents: Iterable[Document], folder: str | os.PathLike,
               negated: Iterable[Sequence[bool] | None] | None = None,
               sections: Iterable[Sequence[str | None] | None] | None = None,
               flags: Iterable[Mapping[str, Sequence[bool]] | None] | None = None) -> None:
    """Write each document as ``ID.txt`` and ``ID.ann`` in ``folder``, each file atomically.

    Identifiers become ``N`` reference lines and scores ``AnnotatorNotes`` of the form
    ``score=0.93 concept_score=0.8`` (each where it is set), which :func:`read_brat` reads back.
    ``negated``, ``sections`` and ``flags`` give each document's negation flags, sections and other
    binary attributes (:func:`format_ann`), or None for a document without.
    """
    folder = Path(folder)
    written: set[str] = set()
    for document, negations, named, flagged in zip(documents, repeat(None) if negated is None else negated,
                                                   repeat(None) if sections is None else sections,
                                                   repeat(None) if flags is None else flags):
        name = document.id
        problem = brat_name_problem(name)
        if problem:
            raise DataFormatError(problem, folder)
        if name in written:
            raise DataFormatError(f"document id {excerpt(name)} appears twice; its second document would overwrite the first")
        written.add(name)
        lines = list(format_ann(document, negations, named, flagged))  # every check before either file is written
        problem = brat_text_problem(document.text)
        if problem:
            raise DataFormatError(f"document {excerpt(name)}: {problem}", folder)
        try:
            with atomic_open(folder / f"{name}.txt") as handle:
                handle.write(document.text)
            with atomic_open(folder / f"{name}.ann") as handle:
                handle.writelines(lines)
        except OSError as error:
            if error.errno != errno.ENAMETOOLONG:
                raise
            raise DataFormatError(
                f"document id {excerpt(name, 60)} is too long for a file name ({len(os.fsencode(name))} bytes)", folder
            ) from None


def format_annotation_conf(types: Iterable[str], negation: bool = False, flags: Iterable[str] = ()) -> str:
    """BRAT's ``annotation.conf`` for a folder of these entity types (and the ``Negated``
    attribute, and the binary attributes named in ``flags``), so that the annotation tool shows
    them and offers them for corrections."""
    attributes = "".join(f"{name}\tArg:<ENTITY>\n" for name in (*(("Negated",) if negation else ()), *flags))
    return "[entities]\n" + "".join(f"{t}\n" for t in types) + "\n[relations]\n\n[events]\n\n[attributes]\n" + attributes
