"""``crfner tag``: tag tokens (CoNLL, sentences) or raw-text documents with a model."""

from __future__ import annotations

import os
import sys

from ..errors import CrfnerError, DataFormatError
from .common import (add_common, add_model_gazetteers, add_negation, load_model, negation_option, positive_int, progress, share,
                     check_output, splitter_for, usage)
from .stdin import standard_input_as

DOCUMENT_FORMATS = ("csv", "jsonl", "pubtator", "text")
SPLITTERS = ("abstract", "notes")  # crfner.tagging.annotate.SPLITTERS, not imported: --help stays fast


def add_parser(verbs) -> None:
    p = verbs.add_parser("tag", help="tag raw text, notes and documents (JSON Lines, PubTator, CSV, .txt) or tokens (CoNLL)",
                         description="Tag with MODEL: raw text (--text), raw-text documents (--input-format csv, jsonl, "
                                     "pubtator or text: a .txt note or a folder of them), or tokens (CoNLL, the "
                                     "default, or one sentence a line). CoNLL input may carry gold tags; they are "
                                     "kept beside the predictions.")
    p.add_argument("model", help="model directory")
    p.add_argument("input", nargs="?", default="-", help="input file, or a folder of .txt notes (default: standard "
                                                           "input; JSON Lines, PubTator and CSV are tagged as "
                                                           "they come, a raw-text note piped in is read whole "
                                                           "as one document, named stdin)")
    p.add_argument("--text", help="tag this raw text and print one JSON entity per line (start, end, type, text, score; "
                                  "with --linker, concept and concept_score)")
    p.add_argument("--input-format", choices=["conll", "sentences", *DOCUMENT_FORMATS], default=None,
                   help="conll (default; text for a folder, csv for *.csv and *.csv.gz): a token per line (tag "
                        "column optional); sentences: one whitespace-tokenised sentence per line; raw-text documents: "
                        "csv (a note a row: --id-column, --text-column), jsonl (id, text), pubtator, or text (a .txt "
                        "file, or a folder of them, one document each)")
    p.add_argument("--id-column", metavar="NAME", help="CSV input: the column naming each note (default: note_id, "
                                                         "row_id or id, in any case)")
    p.add_argument("--text-column", metavar="NAME", help="CSV input: the column holding each note's text (default: "
                                                           "text or note_text, in any case)")
    p.add_argument("--splitter", choices=SPLITTERS,
                   help="raw text (--text, document input): how sentences are cut; abstract: as the training "
                        "corpora were; notes: clinical notes, where headings, list items and line breaks end "
                        "sentences (default: the splitter the model records: notes for a model trained on maccrobat or "
                        "phee, or with crfner train --input-format ... --splitter notes; else abstract)")
    p.add_argument("--encoding", metavar="ENCODING",
                   help="raw-text and CSV input (--input-format text or csv): the files' encoding, e.g. cp1252 for "
                        "notes exported from Windows systems and Excel's plain CSV (default: utf-8, a byte-order mark "
                        "dropped; a UTF-16 or UTF-32 one is read as such)")
    p.add_argument("--unescape", action="store_true",
                   help="raw-text and CSV input: read escaped line breaks and tabs (\\n, \\r\\n, \\t written as two "
                        "characters, as database and CSV exports write notes) as line breaks and tabs; offsets are "
                        "into the text so read")
    p.add_argument("--linker", metavar="PATH",
                   help="raw text (--text, document input): link each entity to a concept id with the linker saved in "
                        "PATH (crfner linker); written as \"concept\" and \"concept_score\" (JSON) or in PubTator's "
                        "sixth column")
    add_negation(p, "--text: say whether the text negates each entity (\"negated\", and the cue that does: "
                    "\"negation_cue\", \"negation_cue_start\", \"negation_cue_end\"), by crfner's rules "
                    "(crfner.assertion); documents: the same fields in jsonl, csv or spreadsheet output, a "
                    "Negated attribute in brat output")
    p.add_argument("--min-score", type=share, metavar="SCORE",
                   help="raw text (--text, document input): write only the entities whose score (the probability "
                        "the model gives the entity, exactly its span and type) is at least SCORE, from 0 to 1, trading recall for precision "
                        "(see the README's scores section for what each threshold gives)")
    p.add_argument("--sections", action="store_true",
                   help="raw text (--text, document input): give each entity the known section of the note it falls "
                        "under (\"section\": the last heading before it that names one, as written, such as "
                        "ALLERGIES or Family history; null above the first), in jsonl, csv, spreadsheet or BRAT output")
    p.add_argument("--hypothetical", action="store_true",
                   help="raw text (--text, document input): say whether the text names each entity only as a "
                        "condition or a warning, not as the patient's (\"hypothetical\", and the cue: "
                        "\"hypothetical_cue\", \"hypothetical_cue_start\", \"hypothetical_cue_end\"; the fever of "
                        "\"return if fever persists\"), by crfner's rules (crfner.assertion), in jsonl, csv or "
                        "spreadsheet output")
    p.add_argument("--family", action="store_true",
                   help="raw text (--text, document input): say whether the text attributes each entity to a "
                        "relative, not the patient (\"family\", and the cue: \"family_cue\", \"family_cue_start\", "
                        "\"family_cue_end\"; the cardiomyopathy of \"her brother has hypertrophic cardiomyopathy\"), by "
                        "crfner's rules (crfner.assertion), in jsonl, csv or spreadsheet output")
    p.add_argument("--uncertainty", action="store_true",
                   help="raw text (--text, document input): say whether the text names each entity as possible, "
                        "suspected or still to be ruled out (\"uncertain\", and the cue: \"uncertainty_cue\", "
                        "\"uncertainty_cue_start\", \"uncertainty_cue_end\"; the MI of \"admit to r/o MI\"), by crfner's "
                        "rules (crfner.assertion), in jsonl, csv or spreadsheet output")
    p.add_argument("--output-format", choices=["conll", "json", "jsonl", "pubtator", "csv", "spreadsheet", "brat"],
                   default=None,
                   help="tokens: conll (token [gold] predicted, default) or json; documents: jsonl (default), "
                        "pubtator, csv (a table of the entities, one a row: id, start, end, type, text, score; "
                        "with --linker, concept and concept_score), spreadsheet (that table with a ' before each "
                        "cell a spreadsheet would read as a formula: +2 pedal pulses, -3.45*, =, @), or brat (-o "
                        "names a new folder: ID.txt and ID.ann for each document, and annotation.conf, to review "
                        "in the BRAT annotation tool)")
    p.add_argument("--backend", choices=["loky", "threading", "dask"], default="loky",
                   help="documents: joblib backend for --n-jobs; dask sends the work to --scheduler")
    p.add_argument("--scheduler", help="documents: address of a running Dask scheduler (with --backend dask)")
    p.add_argument("--chunk-size", type=positive_int, default=256,
                   help="documents: documents read, tagged and written at a time (default: %(default)s)")
    p.add_argument("--restart", action="store_true", help="documents: start afresh instead of resuming an interrupted run")
    p.add_argument("-o", "--output", help="output file, written atomically (default: standard output; documents "
                                          "written to a file can resume after an interruption)")
    add_model_gazetteers(p)
    add_common(p)
    p.set_defaults(run=run)


def run(args) -> int:
    if args.output not in (None, "-") and os.path.isdir(args.output) and args.output_format != "brat":
        raise usage(f"{args.output}: is a folder; -o names the output file (only --output-format brat writes a folder, "
                    "and a new one)")
    args.negation = negation_option(args)  # True, False, or the types it is limited to
    if args.input_format is None and args.text is None and args.input != "-":
        detected = _document_format(args.input)  # a folder of .txt notes, or a CSV file of them: never token input
        if detected == "csv" or os.path.isdir(args.input):
            args.input_format = detected
    if (args.id_column is not None or args.text_column is not None) and (args.text is not None or args.input_format != "csv"):
        raise usage("--id-column and --text-column apply to CSV input (--input-format csv)")
    if args.encoding is not None and (args.text is not None or args.input_format not in ("text", "csv")):
        raise usage("--encoding applies to raw-text files and CSV notes (--input-format text or csv); --text, JSON "
                    "Lines, PubTator and token input are read as given or as UTF-8")
    if args.unescape and (args.text is not None or args.input_format not in ("text", "csv")):
        raise usage("--unescape applies to raw-text files and CSV notes (--input-format text or csv); --text, JSON "
                    "Lines, PubTator and token input are read as written")
    if args.text is not None:
        return _tag_text(args)
    args.input_format = args.input_format or "conll"
    documents = args.input_format in DOCUMENT_FORMATS
    args.output_format = args.output_format or ("jsonl" if documents else "conll")
    if documents:
        return _tag_documents(args)
    if args.output_format not in ("conll", "json"):
        raise usage(f"token input is written as --output-format conll or json, not {args.output_format}")
    if args.backend != "loky" or args.scheduler:
        raise usage("--backend and --scheduler apply to document input (--input-format csv, jsonl, pubtator or text)")
    if args.splitter not in (None, "abstract"):
        raise usage("--splitter applies to raw text (--text, or --input-format csv, jsonl, pubtator or text), not to tokens")
    if args.linker is not None:
        raise usage("--linker applies to raw text (--text, or --input-format csv, jsonl, pubtator or text), not to tokens")
    from ..tagging.entity_fields import READING_NAMES

    readings = [f"--{name}" for name in READING_NAMES if getattr(args, name)]
    if args.negation or args.sections or readings or args.min_score is not None:
        option = "--negation" if args.negation else "--sections" if args.sections else readings[0] if readings else "--min-score"
        raise usage(f"{option} applies to raw text (--text, or --input-format csv, "
                    "jsonl, pubtator or text), not to tokens")
    return _tag_tokens(args)


def _tag_text(args) -> int:
    """``--text``: one JSON entity a line, to standard output or ``-o``."""
    import json

    from ..corpora.documents import Document, sorted_mentions
    from ..tagging.entity_fields import READING_NAMES, EntityFields

    if args.input != "-":
        raise usage(f"--text tags the text given, not an input file ({args.input}); give one or the other")
    if args.input_format is not None:
        raise usage("--text is raw text: --input-format does not apply (to tag a file, leave --text out)")
    if args.output_format not in (None, "jsonl"):
        raise usage("--text writes one JSON entity a line (--output-format jsonl), not " + args.output_format)
    check_output("-o", args.output, args.model)  # before any work: never over the model's own files
    tagger = load_model(args)
    linker = _load_linker(args.linker)
    splitter = splitter_for(args)
    # in order of offset, as tag_text gives them and as the fields document output adds come
    entities = sorted_mentions(tagger.tag_text(args.text, splitter=splitter, linker=linker, min_score=args.min_score))
    records = [_entity_record(e) for e in entities]
    fields = EntityFields(args.negation, args.sections, **{name: getattr(args, name) for name in READING_NAMES})
    if fields:
        for record, extra in zip(records, fields.extras(Document("text", args.text, entities), splitter)):
            record.update(extra)
    _write([json.dumps(record, ensure_ascii=False) + "\n" for record in records], args.output)
    return 0


def _load_linker(path: str | None):
    """The linker saved in ``path`` (``--linker``), or None."""
    if path is None:
        return None
    from ..link import Linker

    return Linker.load(path)


def _entity_record(entity) -> dict:
    """An entity as ``--text`` prints it: as a JSON Lines entity, ``concept`` and
    ``concept_score`` only when it was linked to one."""
    record = {"start": entity.start, "end": entity.end, "type": entity.type, "text": entity.text, "score": entity.score}
    if entity.identifier is not None:
        record["concept"] = entity.identifier
    if entity.link_score is not None:
        record["concept_score"] = entity.link_score
    return record


def _write(lines, output: str | None) -> None:
    """``lines`` to standard output, or atomically into ``output``: gzip-compressed where it is named
    ``*.gz``, as crfner's readers then read it."""
    if output in (None, "-"):
        sys.stdout.writelines(lines)
        return
    from ..atomic import atomic_open

    with atomic_open(output, "wb") as handle, _compressing(handle, output) as sink:
        sink.write("".join(lines).encode("utf-8"))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _tag_tokens(args) -> int:
    """Token input (CoNLL or one sentence a line) in, a tag per token out, gold tags kept beside."""
    import json

    from ..schemes import tags_to_spans

    check_output("-o", args.output, args.model, [("the input", args.input)])
    tagger = load_model(args)
    X, gold, documents = _read_tokens(args)
    pred = tagger.predict(X, documents=documents)

    def lines():
        if args.output_format == "conll":
            from ..corpora.conll import format_conll

            yield from format_conll(X, *([gold] if gold else []), pred)
            return
        for i, (tokens, tags) in enumerate(zip(X, pred)):
            record = {"tokens": tokens, "tags": tags}
            if gold:
                record["gold"] = gold[i]
            record["entities"] = [
                {"type": s.type, "start": s.start, "end": s.end, "text": " ".join(tokens[s.start : s.end])}
                for s in tags_to_spans(tags)
            ]
            yield json.dumps(record, ensure_ascii=False) + "\n"

    _write(lines(), args.output)
    if args.output not in (None, "-"):
        print(f"tagged {_plural(len(X), 'sentence')} into {args.output}", file=sys.stderr)
    return 0


def _read_tokens(args):
    """(sentences, gold tags or None, document ids or None) of the token input, a file or standard
    input; a file that looks like raw text rather than columns is a one-line error that says so
    (a damaged gzip file is the readers')."""
    if args.input != "-":
        return _parsed_tokens(args.input, args)
    with standard_input_as("stdin.txt") as source:
        return _parsed_tokens(source, args)


def _parsed_tokens(source: str, args):
    try:
        return _parse_tokens(source, args.input_format)
    except DataFormatError as error:
        problem = error.problem
        if args.input_format == "conll" and "UTF-8" not in problem and not _looks_like_columns(source):
            problem += f"; this looks like raw text, not token columns: give --input-format {_document_format(args.input)}"
        raise DataFormatError(problem, error.path, error.line) from None


def _document_format(path: str) -> str:
    """The document format that ``path``'s name suggests, else text."""
    from ..tagging.inputs import detect_format

    try:
        return "text" if path == "-" else detect_format(path)
    except CrfnerError:
        return "text"


def _parse_tokens(source: str, input_format: str):
    from ..corpora.conll import read_conll_document_ids, read_sentences, read_tokens

    if input_format == "sentences":
        return read_sentences(source), None, None
    X, gold = read_tokens(source)
    return X, gold, read_conll_document_ids(source)  # from -DOCSTART- lines, if any


def _looks_like_columns(path: str, sample: int = 200) -> bool:
    """Whether the first lines of ``path`` look like CoNLL: a token per line, optionally with a
    few more columns ending in a tag (O, B-TYPE, ...). A line of prose has more words, or does
    not end in a tag."""
    import gzip
    import re

    tag = re.compile(r"^(O|[A-Za-z]{1,2}-\S*|[BIESLU])$")
    try:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rb") as handle:
            lines = [raw.decode("utf-8", "replace").split() for raw, _ in zip(handle, range(10 * sample))]
    except (OSError, EOFError, ValueError):
        return True  # unreadable: say nothing about its layout
    rows = [row for row in lines if row and row[0] != "-DOCSTART-"][:sample]
    return all(len(row) == 1 or (len(row) <= 4 and tag.match(row[-1])) for row in rows)


def _tag_documents(args) -> int:
    """Raw-text documents in, entities by character offsets out: streamed, parallel, resumable."""
    from ..tagging.batch import tag_files, tag_stream
    from ..tagging.entity_fields import READING_NAMES

    if args.output_format not in ("jsonl", "pubtator", "csv", "spreadsheet", "brat"):
        raise usage("document input is written as --output-format jsonl, pubtator, csv, spreadsheet or brat")
    if args.output_format == "brat" and args.output in (None, "-"):
        raise usage("--output-format brat writes a folder of files: name a new folder with -o")
    if args.allow_gazetteer_change or args.gazetteer:
        raise usage("--gazetteer and --allow-gazetteer-change are not supported with document input")
    if args.negation and args.output_format == "pubtator":
        raise usage("--negation is written in jsonl or csv output; PubTator has no column for it")
    if args.sections and args.output_format == "pubtator":
        raise usage("--sections is written in jsonl, csv, spreadsheet or BRAT output; PubTator output has no field for it")
    for name in READING_NAMES:
        if getattr(args, name) and args.output_format == "pubtator":
            raise usage(f"--{name} is written in jsonl, csv, spreadsheet or BRAT output; PubTator has no field for it")
    options = {"input_format": args.input_format, "output_format": args.output_format, "n_jobs": args.n_jobs,
               "backend": args.backend, "scheduler": args.scheduler, "chunk_size": args.chunk_size,
               "splitter": splitter_for(args), "linker": args.linker, "encoding": "utf-8" if args.encoding is None else args.encoding,
               "unescape": args.unescape, "negation": args.negation, "sections": args.sections,
               **{name: getattr(args, name) for name in READING_NAMES}, "min_score": args.min_score,
               "id_column": args.id_column, "text_column": args.text_column, "data_dir": args.data_dir}
    check_output("-o", args.output, args.model)  # the input itself: tag_files checks its folder's notes too
    if args.input == "-":
        return _tag_standard_input(args, options)
    if args.output in (None, "-"):
        if args.restart:
            raise usage("--restart applies to a run into a file (-o); standard output has nothing to resume")
        tag_stream(args.model, args.input, sys.stdout.buffer, **options)
        return 0
    done = tag_files(args.model, args.input, args.output, resume=not args.restart, progress=progress(args), **options)
    if done["resumed"] and not done["tagged"]:
        said = "written from" if done["written"] else "complete:"  # a run killed while it wrote the output: written now
        print(f"{done['output']} is {said} {_plural(done['documents'], 'document')} tagged by an earlier run",
              file=sys.stderr)
        return 0
    resumed = f" ({done['resumed']} from an earlier, interrupted run)" if done["resumed"] else ""
    print(f"tagged {_plural(done['documents'], 'document')} into {done['output']}{resumed}", file=sys.stderr)
    return 0


def _compressing(handle, output: str):
    """``handle``, or a gzip stream into it where ``output`` is named ``*.gz`` (closed before ``handle``)."""
    import contextlib
    import gzip

    from ..tagging.batch import gzipped

    if not gzipped(output):
        return contextlib.nullcontext(handle)
    return gzip.GzipFile(filename="", fileobj=handle, mode="wb", mtime=0)


def _tag_standard_input(args, options: dict) -> int:
    """Documents piped in (``cat note.txt | crfner tag MODEL --input-format text``): JSON Lines,
    PubTator and CSV read as they come (:func:`standard_input_as`), a chunk tagged and written
    once its documents are in; raw text read whole, one document named ``stdin``. Into a file,
    the output is written atomically; there is nothing to resume."""
    from ..atomic import atomic_open
    from ..tagging.batch import tag_files, tag_stream

    if args.restart:
        raise usage("--restart applies to a run over files; standard input has nothing to resume")
    suffix = {"pubtator": "pubtator", "text": "txt"}.get(args.input_format, args.input_format)
    # Read as it comes, unless it is one document (text) or a BRAT folder is made of it (its
    # run is fingerprinted by the input's bytes).
    stream = args.input_format != "text" and args.output_format != "brat"
    with standard_input_as(f"stdin.{suffix}", stream=stream) as source:
        if args.output in (None, "-"):
            tag_stream(args.model, source, sys.stdout.buffer, **options)
            return 0
        if args.output_format == "brat":  # a folder, moved into place whole
            done = tag_files(args.model, source, args.output, resume=False, progress=progress(args), **options)
            print(f"tagged {_plural(done['documents'], 'document')} into {args.output}", file=sys.stderr)
            return 0
        with atomic_open(args.output, "wb") as handle, _compressing(handle, args.output) as sink:
            done = tag_stream(args.model, source, sink, **options)
    print(f"tagged {_plural(done['documents'], 'document')} into {args.output}", file=sys.stderr)
    return 0
