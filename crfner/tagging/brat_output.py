"""BRAT output of batch tagging: a folder of ``ID.txt`` and ``ID.ann`` pairs, and the
``annotation.conf`` that names the model's types, for reviewing and correcting a model's
entities in the BRAT annotation tool, or reading them with tools that read BRAT.

A run writes its records as JSON Lines into ``OUTPUT.partial``, as every batch run does, so it
resumes the same way; once every document is tagged they become the folder, built beside it and
moved into place whole. An existing folder is never replaced: it may hold annotators' corrections.
"""

from __future__ import annotations

import glob
import json
import shutil
from pathlib import Path
from typing import Callable, Collection, Sequence

from ..atomic import atomic_directory, atomic_open
from ..corpora.brat import format_annotation_conf, write_brat
from ..corpora.documents import Document, Mention
from ..errors import CrfnerError


def check_new_folder(output: Path) -> None:
    """Refuse an output path that exists: BRAT output goes into a new folder."""
    if output.exists() or output.is_symlink():
        raise CrfnerError(f"{output}: already exists; BRAT output is written to a new folder, so that no annotation in an "
                          "existing one is overwritten (remove it, or choose another name)")


def write_folder(records: Path, output: Path, types: Collection[str], negation: bool,
                 completed: Callable[[int], None], sections: bool = False, readings: Sequence[str] = ()) -> None:
    """Turn the JSON Lines ``records`` of a finished run into the BRAT folder ``output``: built
    beside it, then ``completed`` called with its inode (to record the run as complete), then
    moved into place. ``types`` are the model's entity types, for ``annotation.conf``; with
    ``negation`` and ``sections`` the records' negation flags and sections are written too, and
    for each of ``readings`` (names of :data:`crfner.assertion.READINGS`) a binary attribute named
    for its answer (``Hypothetical``, ``Family``, ``Uncertain``) where the record's answer is true."""
    from ..assertion import READINGS

    answers = [READINGS[name].answer for name in readings]
    found: set[str] = set()
    for stale in output.parent.glob(f".{glob.escape(output.name)}.*.tmp"):  # a killed run's; this run holds the lock
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
    try:
        with atomic_directory(output) as folder:
            with open(records, encoding="utf-8") as lines:
                for line in lines:
                    record = json.loads(line)
                    document, flags, named = _record(record)
                    found.update(m.type for m in document.mentions)
                    read = {answer.capitalize(): [bool(e.get(answer)) for e in record["entities"]] for answer in answers}
                    write_brat([document], folder, [flags] if negation else None, [named] if sections else None, [read])
            with atomic_open(folder / "annotation.conf") as handle:
                handle.write(format_annotation_conf(sorted({*types, *found}), negation, [a.capitalize() for a in answers]))
            completed(folder.stat().st_ino)
    except FileExistsError:
        raise CrfnerError(f"{output}: was made while this run tagged; BRAT output is written to a new folder (remove it, "
                          "or choose another name, and run again: the tagged documents are kept)") from None


def _record(record: dict) -> tuple[Document, list[bool], list[str | None]]:
    """A JSON Lines record of :func:`crfner.corpora.jsonl.format_document` as a document, and
    each entity's negation flag and section."""
    entities = record["entities"]
    mentions = [Mention(e["start"], e["end"], e["type"], e["text"], e.get("concept"), e.get("score"), e.get("concept_score"))
                for e in entities]
    return (Document(record["id"], record["text"], mentions), [bool(e.get("negated")) for e in entities],
            [e.get("section") for e in entities])
