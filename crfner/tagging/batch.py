"""Tag many documents: streamed from disk a chunk at a time, spread over cores (joblib) or
over a Dask cluster (joblib's Dask backend), written as they are done, and resumable.

The output grows in ``OUTPUT.partial``; after each chunk is on disk, ``OUTPUT.state.json``
records how many documents and bytes are complete. A re-run with the same input and model
cuts the partial file back to that point and goes on, so an interrupted run ends with exactly
one record per input document; on completion the partial file is renamed onto ``OUTPUT``.
A run holds a lock (``OUTPUT.lock``) until it ends, so a second run into the same output
refuses to start instead of interleaving with the first.

With a linker directory (:meth:`crfner.link.Linker.save`), each document's entities are also
linked to concept ids; the linker, like the model, is loaded once per worker process.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import warnings
from itertools import islice
from pathlib import Path
from typing import Collection, Iterable, Iterator

from ..atomic import atomic_open
from ..corpora.documents import Document
from ..errors import CrfnerError, DataFormatError, FeaturizationChangedWarning
from ..schemes import entity_types
from . import loaded
from . import resume as resumption
from .batch_settings import check_not_input, checked_settings
from .entity_fields import NO_FIELDS, EntityFields, negation_setting
from .inputs import check_encoding, detect_format, read_documents
from .output_checks import checked_documents

_TABLES = ("csv", "spreadsheet")

def tag_batch(model: str, documents: list[Document], output_format: str = "jsonl", splitter: str = "abstract",
              linker: str | None = None, fields: EntityFields = NO_FIELDS, min_score: float | None = None,
              data_dir: str | None = None) -> str:
    """Tag a few documents with the model directory ``model`` (loaded once per process) and
    return their output records as text; what each parallel task runs. ``splitter`` names the
    sentence splitter (``abstract`` or ``notes``, see :func:`crfner.tag_text`); ``linker``, a
    linker directory, links the entities to concept ids; ``fields``, what is added to each
    entity (negation, section, readings: :class:`EntityFields`); ``min_score``, the least score of an entity written;
    ``data_dir``, the data folder the model's gazetteers are looked for in."""
    from ..corpora.entity_table import entity_rows
    from ..corpora.jsonl import format_document
    from ..corpora.pubtator import format_pubtator
    from .annotate import tag_documents

    # An empty passage list would leave no text to tag: it means the whole text, as no list does.
    whole = [d.passages is not None and not d.passages for d in documents]
    tagged = tag_documents(loaded.tagger(model, data_dir), [dataclasses.replace(d, passages=None) if w else d
                                            for d, w in zip(documents, whole)], splitter=splitter, linker=loaded.linker(linker),
                           min_score=min_score)
    tagged = [dataclasses.replace(t, passages=d.passages) if w else t for t, d, w in zip(tagged, documents, whole)]
    extras = [fields.extras(d, splitter) if fields else None for d in tagged]
    if output_format == "pubtator":
        return "".join(line for d in tagged for line in format_pubtator(d))
    if output_format in _TABLES:
        columns = fields.columns
        return "".join(entity_rows(d, linked=linker is not None, extras=x, extra_columns=columns,
                                   formula_guard=output_format == "spreadsheet") for d, x in zip(tagged, extras))
    return "".join(format_document(d, x) for d, x in zip(tagged, extras))


def _header(output_format: str, linker, fields: EntityFields = NO_FIELDS) -> bytes:
    """What an output opens with before any record: the entity table's header row."""
    from ..corpora.entity_table import entity_table_header

    if output_format not in _TABLES:
        return b""
    return entity_table_header(linked=linker is not None, extra_columns=fields.columns).encode("utf-8")


def gzipped(output: str | os.PathLike) -> bool:
    """Whether an output file is named as gzip (``*.gz``, in any case): crfner's readers read such a
    file through gzip, so it is written compressed, or it could not be read back."""
    return Path(output).suffix.lower() == ".gz"


def _packed(data: bytes, compress: bool) -> bytes:
    """``data`` as a gzip member of its own where ``compress``: members written one after another are
    one gzip file, so a partial output cut back to the end of a chunk's member still reads whole."""
    return gzip.compress(data, mtime=0) if compress and data else data


def _chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _split(chunk: list[Document], pieces: int) -> list[list[Document]]:
    step = max(1, -(-len(chunk) // pieces))
    return [chunk[i : i + step] for i in range(0, len(chunk), step)]


def _checked_linker(linker) -> Path | None:
    """The linker directory, resolved and loaded here once, so that a bad one is an error
    before any document is read (and a run in this process loads it only this once)."""
    if linker is None:
        return None
    linker = Path(linker).resolve()
    loaded.linker(str(linker))
    return linker


def _data_folder(data_dir) -> str | None:
    """The data folder as an absolute path, so that worker processes started elsewhere find the
    same gazetteers; None leaves the model's loading to its usual places."""
    return None if data_dir is None else str(Path(data_dir).resolve())


def _tagged_chunks(model: Path, documents: Iterable[Document], chunk_size: int, run: _Runner, n_jobs: int,
                   output_format: str, splitter: str, linker: Path | None = None, fields: EntityFields = NO_FIELDS,
                   min_score: float | None = None, data_dir: str | None = None,
                   source: Path | None = None) -> Iterator[tuple[int, bytes]]:
    """(documents, their output records as UTF-8) a chunk at a time, in input order; an error
    about a document that names no file names the input, ``source``."""
    run.prepare(str(model), data_dir)
    for chunk in _chunks(documents, chunk_size):
        pieces = _split(chunk, max(1, 4 * _workers(n_jobs, run)))
        try:
            records = run(model, pieces, output_format, splitter, linker, fields, min_score, data_dir)
        except DataFormatError as error:  # a document the output format cannot hold: it is the input's
            if error.path is not None or source is None:
                raise
            raise DataFormatError(error.problem, source) from None
        yield len(chunk), "".join(records).encode("utf-8")


def tag_files(
    model: str | os.PathLike,
    input_path: str | os.PathLike,
    output: str | os.PathLike,
    input_format: str | None = None,
    output_format: str = "jsonl",
    n_jobs: int = 1,
    backend: str = "loky",
    scheduler: str | None = None,
    chunk_size: int = 256,
    resume: bool = True,
    progress: bool = True,
    splitter: str | None = None,
    linker: str | os.PathLike | None = None,
    encoding: str = "utf-8",
    unescape: bool = False,
    id_column: str | None = None,
    text_column: str | None = None,
    negation: bool | Collection[str] = False,
    sections: bool = False,
    hypothetical: bool = False,
    family: bool = False,
    uncertainty: bool = False,
    min_score: float | None = None,
    data_dir: str | os.PathLike | None = None,
) -> dict:
    """Tag every document of ``input_path`` with the CRF in ``model`` into ``output``.

    ``n_jobs`` processes tag in parallel (joblib's ``backend``); with ``backend="dask"`` the
    tasks go to the Dask scheduler at ``scheduler`` (its workers must see ``model`` at the same
    path). ``splitter`` is the sentence splitter: ``abstract`` or ``notes`` (clinical notes:
    headings, list items, line breaks); None, the one the model records (``notes`` for a model
    trained on maccrobat or phee), else ``abstract``. ``linker``, a directory saved by
    :meth:`crfner.link.Linker.save`, links each entity to a concept id (as ``model``, the Dask
    workers must see it at the same path). ``encoding`` is raw-text (.txt) input's (notes from
    Windows systems are often ``cp1252``); ``unescape`` reads raw text's and CSV notes' escaped
    line breaks (``\\n`` written as two characters, as database exports write notes) as line breaks. ``id_column``
    and ``text_column`` name a CSV file's columns (by default ``note_id`` or ``row_id``, and
    ``text``, in any case). ``negation`` says whether the text negates each entity
    (:func:`crfner.negations`; jsonl and csv output), or, a collection of type names, each
    entity of those types (the others get ``negated`` false). ``sections`` adds the known section
    each entity falls under (:func:`crfner.entity_sections`; jsonl and csv output), ``hypothetical``
    whether the text names each only as a condition (:func:`crfner.hypotheticals`; jsonl and csv output), ``family``
    whether it attributes each to a relative (:func:`crfner.family_attributions`; the same), ``uncertainty`` whether
    it names each as possible (:func:`crfner.uncertainties`; the same). ``min_score`` keeps only the
    entities scored at least that (0 to 1). ``data_dir`` is the data folder the model's gazetteers are
    looked for in where their recorded paths no longer hold them (``--data-dir``; as ``model``, the
    Dask workers must see it at the same path). ``output_format="brat"`` makes
    ``output`` a new folder of ``ID.txt`` and ``ID.ann`` pairs (:mod:`crfner.tagging.brat_output`),
    negated entities marked ``Negated``. Returns counts: documents tagged now, documents
    resumed from an earlier run (all of them, tagged 0, where an earlier run had completed), and
    ``written``, whether this run wrote the output (False when an earlier run had left it whole).
    """
    from tqdm.auto import tqdm

    from . import brat_output

    fields = EntityFields(negation_setting(negation), sections, hypothetical, family, uncertainty)
    model, splitter = checked_settings(model, output_format, backend, scheduler, splitter, chunk_size, n_jobs, fields, min_score)
    linker, data_dir = _checked_linker(linker), _data_folder(data_dir)
    input_path, output = Path(input_path), Path(output)
    compress = gzipped(output) and output_format != "brat"
    check_not_input(input_path, output)
    if output.is_dir() and output_format != "brat":
        raise CrfnerError(f"{output}: is a folder; the output of {output_format} records is a file (only BRAT output is a folder)")
    input_format = input_format or detect_format(input_path)
    encoding = check_encoding(encoding)
    lines: dict[str, int] = {}  # where each document starts, for an error about it
    documents = read_documents(input_path, input_format, encoding, unescape, id_column, text_column, lines)
    documents = checked_documents(documents, output_format, input_path, lines)
    brat = output_format == "brat"  # written as JSON Lines, then made a folder (brat_output)
    partial, state_file = Path(f"{output}.partial"), Path(f"{output}.state.json")
    fingerprint = resumption.fingerprint(input_path, model, input_format, output_format, splitter, linker, encoding, unescape,
                                         (id_column, text_column), fields.negation, fields.sections, min_score, compress,
                                         fields.readings)
    output.parent.mkdir(parents=True, exist_ok=True)
    with resumption.output_lock(output):
        done, size, complete = resumption.resume_point(state_file, partial, output, fingerprint) if resume else (0, 0, False)
        if complete:
            partial.unlink(missing_ok=True)  # a folder's run may stop before removing it
            state_file.unlink(missing_ok=True)
            return {"documents": done, "tagged": 0, "resumed": done, "output": str(output), "written": False}
        if brat:
            brat_output.check_new_folder(output)
        if not size:  # a fresh start (--restart included) rewrites the partial output: an old record no longer tells it
            state_file.unlink(missing_ok=True)
        with resumption.removed_if_unrecorded(partial, state_file, fresh=not size), open(partial, "r+b" if size else "wb") as sink:
            sink.truncate(size)  # drops whatever an interrupted chunk left half-written
            sink.seek(size)
            if not size:
                sink.write(_packed(_header(output_format, linker, fields), compress))
            skipped = sum(1 for _ in islice(documents, done))
            if skipped < done:
                raise CrfnerError(f"{input_path}: holds {skipped} documents, fewer than the {done} an earlier run recorded")
            run = _runner(n_jobs, backend, scheduler)
            bar = tqdm(desc="tagging", unit="doc", initial=done, disable=not progress)
            tagged_now = 0
            try:
                for count, data in _tagged_chunks(model, documents, chunk_size, run, n_jobs, "jsonl" if brat else output_format,
                                                  splitter, linker, fields, min_score, data_dir, input_path):
                    sink.write(_packed(data, compress))
                    sink.flush()
                    os.fsync(sink.fileno())
                    done += count
                    tagged_now += count
                    with atomic_open(state_file) as handle:
                        json.dump({"fingerprint": fingerprint, "documents": done, "bytes": sink.tell()}, handle)
                    bar.update(count)
            finally:
                bar.close()
                run.close()
            def completed(inode: int) -> None:  # so that a kill after the rename leaves a run known complete
                with atomic_open(state_file) as handle:
                    json.dump({"fingerprint": fingerprint, "documents": done, "bytes": sink.tell(), "complete": True,
                               "inode": inode}, handle)

            if brat:
                types = entity_types(loaded.tagger(str(model), data_dir).classes_)
                brat_output.write_folder(partial, output, types, bool(fields.negation), completed, fields.sections,
                                         fields.readings)
            else:
                completed(os.fstat(sink.fileno()).st_ino)
        if brat:
            partial.unlink()
        else:
            os.replace(partial, output)
        state_file.unlink(missing_ok=True)
    return {"documents": done, "tagged": tagged_now, "resumed": done - tagged_now, "output": str(output), "written": True}


def tag_stream(
    model: str | os.PathLike,
    input_path: str | os.PathLike,
    sink,
    input_format: str | None = None,
    output_format: str = "jsonl",
    n_jobs: int = 1,
    backend: str = "loky",
    scheduler: str | None = None,
    chunk_size: int = 256,
    splitter: str | None = None,
    linker: str | os.PathLike | None = None,
    encoding: str = "utf-8",
    unescape: bool = False,
    id_column: str | None = None,
    text_column: str | None = None,
    negation: bool | Collection[str] = False,
    sections: bool = False,
    hypothetical: bool = False,
    family: bool = False,
    uncertainty: bool = False,
    min_score: float | None = None,
    data_dir: str | os.PathLike | None = None,
) -> dict:
    """Like :func:`tag_files`, into the binary stream ``sink`` (standard output, say), a chunk at
    a time as it is done; nothing to resume. Returns the number of documents tagged."""
    fields = EntityFields(negation_setting(negation), sections, hypothetical, family, uncertainty)
    model, splitter = checked_settings(model, output_format, backend, scheduler, splitter, chunk_size, n_jobs, fields, min_score)
    if output_format == "brat":
        raise CrfnerError("BRAT output is a folder of files, not a stream: give an output folder (-o)")
    linker, data_dir = _checked_linker(linker), _data_folder(data_dir)
    input_path = Path(input_path)
    lines: dict[str, int] = {}
    documents = read_documents(input_path, input_format or detect_format(input_path), encoding, unescape, id_column,
                               text_column, lines)
    documents = checked_documents(documents, output_format, input_path, lines)
    run, done = _runner(n_jobs, backend, scheduler), 0
    sink.write(_header(output_format, linker, fields))
    try:
        for count, data in _tagged_chunks(model, documents, chunk_size, run, n_jobs, output_format, splitter, linker,
                                          fields, min_score, data_dir, input_path):
            sink.write(data)
            sink.flush()
            done += count
    finally:
        run.close()
    return {"documents": done, "tagged": done, "resumed": 0, "output": "-", "written": True}


def _tag_batch_in_worker(model: str, documents: list[Document], *options) -> tuple[str, list[str]]:
    """:func:`tag_batch` in a worker process, with what loading the model there warned about it
    (``options`` as :func:`tag_batch` takes them, ``data_dir`` last)."""
    notices = loaded.load_keeping_notices(model, options[-1])
    return tag_batch(model, documents, *options), notices


class _Runner:
    """Runs ``tag_batch`` over pieces of a chunk: in this process, or through joblib."""

    def __init__(self, n_jobs: int, backend: str, client=None):
        self.n_jobs, self.backend, self.client = n_jobs, backend, client
        self.shown: set[str] = set()  # warnings from worker processes already shown

    @property
    def in_this_process(self) -> bool:
        """Whether the pieces are tagged in this process (or its threads), not in worker processes."""
        return self.backend == "threading" or (self.n_jobs == 1 and self.backend != "dask")

    def prepare(self, model: str, data_dir: str | None) -> None:
        """Before the first chunk: load the model here when tagging runs in this process, so that a
        warning about it shows once, here (worker processes send theirs back with their records)."""
        if self.in_this_process:
            loaded.tagger(model, data_dir)

    def __call__(self, model: Path, pieces: list[list[Document]], output_format: str, splitter: str = "abstract",
                 linker: Path | None = None, fields: EntityFields = NO_FIELDS, min_score: float | None = None,
                 data_dir: str | None = None) -> list[str]:
        linker = None if linker is None else str(linker)
        options = (output_format, splitter, linker, fields, min_score, data_dir)
        if self.n_jobs == 1 and self.backend != "dask":
            return [tag_batch(str(model), piece, *options) for piece in pieces]
        from joblib import Parallel, delayed, parallel_config

        with parallel_config(backend=self.backend, n_jobs=-1 if self.backend == "dask" else self.n_jobs):
            if self.in_this_process:  # threads, sharing the model prepare() loaded
                return Parallel()(delayed(tag_batch)(str(model), piece, *options) for piece in pieces)
            results = Parallel()(delayed(_tag_batch_in_worker)(str(model), piece, *options) for piece in pieces)
        for message in dict.fromkeys(m for _, notices in results for m in notices):
            if message not in self.shown:  # each worker process sends it once, with its first task
                self.shown.add(message)
                warnings.warn(message, FeaturizationChangedWarning, stacklevel=2)
        return [records for records, _ in results]

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def _runner(n_jobs: int, backend: str, scheduler: str | None) -> _Runner:
    if backend != "dask":
        return _Runner(n_jobs, backend)
    try:
        from dask.distributed import Client
    except ImportError:
        raise CrfnerError("--backend dask needs dask.distributed: pip install 'crfner[dask]'") from None
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as error:
        raise CrfnerError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    return _Runner(n_jobs, "dask", client)


def _workers(n_jobs: int, run: _Runner) -> int:
    if run.client is not None:
        return max(1, sum(run.client.nthreads().values()))
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)
    return n_jobs
