"""JSON Lines documents: one JSON object a line,
``{"id": ..., "text": ..., "entities": [{"start", "end", "type", "text", "score"?, "concept"?, "concept_score"?}],
"passages"?: [[start, end], ...]}``; offsets count characters (code points) of ``text``.

``concept`` is the mention's concept id (``MESH:D009203``; ``|`` between the ids of a composite
mention) and ``concept_score`` how sure the linker was. Files written before crfner linked
concepts name the id ``identifier``; the reader takes either."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..atomic import atomic_open
from ..errors import DataFormatError, excerpt, is_whole
from .documents import Document, Mention, mention_problem, sorted_mentions
from .lines import numbered_lines


def _entity(item: Any, text: str, index: int) -> Mention:
    """A mention from one item of ``entities``; raises ValueError saying what is wrong."""
    if not isinstance(item, dict):
        raise ValueError(f"entity {index} is not an object")
    missing = [key for key in ("start", "end", "type") if key not in item]
    if missing:
        raise ValueError(f"entity {index} has no {', '.join(missing)}")
    start, end, etype = item["start"], item["end"], item["type"]
    if not (is_whole(start) and is_whole(end)):
        raise ValueError(f"entity {index}: start and end must be whole numbers")
    if not isinstance(etype, str) or not etype:
        raise ValueError(f"entity {index}: type must be a non-empty string")
    score = item.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
        raise ValueError(f"entity {index}: score must be a number")
    identifier = _concept(item, index)
    link_score = item.get("concept_score")
    if link_score is not None and (isinstance(link_score, bool) or not isinstance(link_score, (int, float))):
        raise ValueError(f"entity {index}: concept_score must be a number")
    etext = item.get("text", text[start:end] if 0 <= start < end <= len(text) else None)
    mention = Mention(start, end, etype, etext, identifier, None if score is None else float(score),
                      None if link_score is None else float(link_score))
    problem = mention_problem(mention, text)
    if problem:
        raise ValueError(f"entity {index}: {problem}")
    return mention


def _concept(item: dict, index: int) -> str | None:
    """The entity's concept id: ``concept``, or ``identifier`` as earlier files name it."""
    concept, identifier = item.get("concept"), item.get("identifier")
    for key, value in (("concept", concept), ("identifier", identifier)):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"entity {index}: {key} must be a string")
    if concept is not None and identifier is not None and concept != identifier:
        raise ValueError(f"entity {index}: concept {excerpt(concept, 60)} and identifier {excerpt(identifier, 60)} differ")
    return concept if concept is not None else identifier


def parse_document(line: str) -> Document:
    """A document from one JSON line; raises ValueError saying what is wrong."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except (RecursionError, MemoryError):
        raise ValueError("not usable JSON (nested too deeply, or too large)") from None
    if not isinstance(record, dict):
        raise ValueError("a line must hold a JSON object")
    doc_id, text = record.get("id"), record.get("text")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id:
        raise ValueError("the object has no \"id\" string")
    if not isinstance(text, str):
        raise ValueError(f"document {doc_id}: the object has no \"text\" string")
    entities = record.get("entities", [])
    if not isinstance(entities, list):
        raise ValueError(f"document {doc_id}: \"entities\" must be a list")
    mentions = [_entity(item, text, index) for index, item in enumerate(entities)]
    passages = record.get("passages")
    if passages is not None:
        if not isinstance(passages, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(map(is_whole, p)) and 0 <= p[0] <= p[1] <= len(text) for p in passages
        ):
            raise ValueError(f"document {doc_id}: \"passages\" must be a list of [start, end] spans inside the text")
        passages = [(p[0], p[1]) for p in passages]
    return Document(doc_id, text, sorted_mentions(mentions), passages)


def read_jsonl(path: str | os.PathLike, lines: dict[str, int] | None = None) -> Iterator[Document]:
    """Stream the documents of a JSON Lines file; blank lines are skipped, and a malformed
    line or a document id seen before raises :class:`~crfner.errors.DataFormatError` naming
    file and line. ``lines``, a dict, is given each document's id and line as it is read."""
    path = Path(path)
    seen: dict[str, int] = {} if lines is None else lines
    for number, line in numbered_lines(path):
        if not line.strip():
            continue
        try:
            document = parse_document(line)
        except ValueError as error:
            raise DataFormatError(str(error), path, number) from None
        if document.id in seen:
            raise DataFormatError(f"document id {excerpt(document.id)} appears twice (first on line {seen[document.id]})", path, number)
        seen[document.id] = number
        yield document


def format_document(document: Document, extras: Sequence[Mapping[str, Any]] | None = None) -> str:
    """One document as a JSON line (with its newline); ``score``, ``concept`` (the mention's
    identifier) and ``concept_score`` (its ``link_score``) appear only when set. ``extras``
    gives each entity, in order of offset, more fields (a negation's, say)."""
    entities = []
    for k, mention in enumerate(sorted_mentions(document.mentions)):
        problem = mention_problem(mention, document.text)
        if problem:
            raise DataFormatError(f"document {document.id}: {problem}")
        entity: dict[str, Any] = {"start": mention.start, "end": mention.end, "type": mention.type, "text": mention.text}
        if mention.score is not None:
            entity["score"] = mention.score
        if mention.identifier is not None:
            entity["concept"] = mention.identifier
        if mention.link_score is not None:
            entity["concept_score"] = mention.link_score
        if extras is not None:
            entity.update(extras[k])
        entities.append(entity)
    record: dict[str, Any] = {"id": document.id, "text": document.text, "entities": entities}
    if document.passages is not None:
        record["passages"] = [list(p) for p in document.passages]
    # Readable UTF-8, unless the text holds lone surrogates, which UTF-8 cannot encode; no NaN or
    # infinity, which are no JSON (a score that is one is the caller's error, named here).
    try:
        line = json.dumps(record, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise DataFormatError(f"document {excerpt(str(document.id))}: a score is not a finite number, which JSON cannot hold") from None
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record)
    return line + "\n"


def write_jsonl(documents: Iterable[Document], path: str | os.PathLike) -> None:
    """Write documents as JSON Lines, atomically."""
    with atomic_open(path) as handle:
        for document in documents:
            handle.write(format_document(document))
