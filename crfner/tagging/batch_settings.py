"""A batch run's settings, checked before any document is read: the model folder, the output
format, the backend, chunk size and processes, the least score, the fields added to entities, and an
output that would replace what the run reads."""

from __future__ import annotations

from pathlib import Path

from ..crf.modelfile import METADATA_FILE, saved_metadata
from ..errors import CrfnerError, is_whole
from .entity_fields import NO_FIELDS, EntityFields, check_negation_types

# csv: a table of the entities, one a row; spreadsheet: the same, no cell read as a formula;
# brat: a folder of ID.txt and ID.ann pairs (crfner.tagging.brat_output)
OUTPUT_FORMATS = ("jsonl", "pubtator", "csv", "spreadsheet", "brat")
BACKENDS = ("loky", "threading", "dask")


def checked_settings(model, output_format: str, backend: str, scheduler: str | None, splitter: str | None, chunk_size, n_jobs,
                     fields: EntityFields = NO_FIELDS, min_score: float | None = None) -> tuple[Path, str]:
    """The model directory, resolved, and the splitter (``splitter``, else the model's), once
    every option is known to make sense."""
    model = Path(model).resolve()
    if not (model / METADATA_FILE).is_file():
        raise CrfnerError(f"{model}: not a crfner model directory (no {METADATA_FILE})")
    if output_format not in OUTPUT_FORMATS:
        raise CrfnerError(f"unknown output format {output_format!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
    negation = fields.negation
    if negation and output_format == "pubtator":
        raise CrfnerError("negation is written in jsonl or csv output; PubTator has no column for it")
    if fields.sections and output_format == "pubtator":
        raise CrfnerError("sections are written in jsonl, csv or BRAT output; PubTator output has no field for them")
    if fields.readings and output_format == "pubtator":
        raise CrfnerError(f"{fields.readings[0]} is written in jsonl, csv, spreadsheet or BRAT output; PubTator has no field for it")
    if backend not in BACKENDS:
        raise CrfnerError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "dask" and not scheduler:
        raise CrfnerError("--backend dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
    if not is_whole(chunk_size) or chunk_size < 1:
        raise CrfnerError(f"the chunk size must be a whole number of documents, 1 or more, not {chunk_size!r}")
    if not is_whole(n_jobs) or n_jobs == 0:
        raise CrfnerError(f"n_jobs must be a whole number other than 0 (-1: all cores), not {n_jobs!r}")
    from .annotate import check_min_score, saved_model_splitter

    try:
        check_min_score(min_score)
    except ValueError as error:
        raise CrfnerError(str(error)) from None
    labels = saved_metadata(model).get("labels") if isinstance(negation, tuple) else None
    if isinstance(labels, list):  # else loading the model says what is wrong with it
        check_negation_types(negation, labels, str(model))
    return model, saved_model_splitter(model, splitter)


def check_not_input(input_path: Path, output: Path) -> None:
    """Refuse an output that is the input file, or a note of the input folder: writing it would
    replace what is being read."""
    target = output.resolve()
    if target == input_path.resolve():
        raise CrfnerError(f"{output}: is the input; write the output to another file")
    if input_path.is_dir() and target.parent == input_path.resolve() and target.suffix.lower() == ".txt":
        raise CrfnerError(f"{output}: would be one of the notes of {input_path}; write the output outside it or under another extension")
