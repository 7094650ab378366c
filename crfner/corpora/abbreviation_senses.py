"""Clinical abbreviation inventories: each short form with its senses and how often each is
meant ("htn" -> hypertension 1.0; "ms" -> miss 0.90, morphine sulfate 0.03, multiple sclerosis
0.01), so that the linker can give "HTN" in a note the concept of "hypertension", and features
can give it what "hypertension" looks like (``[abbreviations] senses``).

The inventories are those of the clinical abbreviation meta-inventory's sources (Grossman Liu
et al. 2021, Scientific Data 8:149) in the data folder: Vanderbilt's clinic notes and discharge
summaries (``abbreviation<TAB>sense<TAB>variation<TAB>CUI<TAB>frequency`` with a header) and
Stetson's list (``abbreviation<TAB>sense<TAB>probability``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .lines import numbered_lines
from ..errors import DataFormatError, ParameterError, excerpt

SENSE_FOLDER = Path("clinical") / "lexicons" / "abbreviations"
#: Inventory names -> their files in the data folder's ``clinical/lexicons/abbreviations``.
INVENTORIES = {
    "clinical": ("vanderbilt_clinic_notes.tsv", "vanderbilt_discharge_summaries.tsv", "stetson.tsv"),
}
_SHARE_COLUMNS = ("frequency", "probability", "share")


def read_senses(path: str | os.PathLike) -> Iterator[tuple[str, str, float]]:
    """``(abbreviation, sense, share)`` for each line of one inventory file: tab-separated,
    with a header naming ``abbreviation``, ``sense`` and a share column (``frequency``), or
    without one as ``abbreviation<TAB>sense[<TAB>share]`` (a missing share counts as 1)."""
    for short, sense, share, _ in _inventory_lines(path):
        yield short, sense, share


def read_spellings(path: str | os.PathLike) -> Iterator[tuple[str, str, dict[str, int]]]:
    """``(abbreviation, sense, {spelling: count})`` for each line of an inventory file whose
    header names a ``variation`` column (Vanderbilt's ``Neg_12|NEG_4|neg_11``: how often notes
    wrote the short form each way for that sense); nothing for a file without one."""
    for short, sense, _, spelled in _inventory_lines(path):
        if spelled is not None:
            yield short, sense, spelled


def _inventory_lines(path: str | os.PathLike) -> Iterator[tuple[str, str, float, dict[str, int] | None]]:
    path = Path(path)
    columns: tuple[int, int, int | None, int | None] | None = None
    for number, line in numbered_lines(path):
        if not line.strip():
            continue
        fields = [f.strip() for f in line.split("\t")]
        if columns is None:
            names = [f.casefold() for f in fields]
            if "abbreviation" in names and "sense" in names:  # a header line
                share = next((names.index(n) for n in _SHARE_COLUMNS if n in names), None)
                variation = names.index("variation") if "variation" in names else None
                columns = (names.index("abbreviation"), names.index("sense"), share, variation)
                continue
            columns = (0, 1, 2, None)
        short_at, sense_at, share_at, variation_at = columns
        if len(fields) <= max(short_at, sense_at) or not fields[short_at] or not fields[sense_at]:
            raise DataFormatError("an inventory line needs an abbreviation and a sense separated by a TAB", path, number)
        share = 1.0
        if share_at is not None and share_at < len(fields) and fields[share_at]:
            try:
                share = float(fields[share_at])
            except ValueError:
                raise DataFormatError(f"the share {excerpt(fields[share_at])} is not a number", path, number) from None
            if not (math.isfinite(share) and 0.0 <= share <= 1.0):
                raise DataFormatError(f"the share {excerpt(fields[share_at])} is not between 0 and 1", path, number)
        spelled = None
        if variation_at is not None:
            spelled = {}
            for entry in (fields[variation_at] if variation_at < len(fields) else "").split("|"):
                written, _, count = entry.rpartition("_")
                if entry and (not written or not count.isdigit()):
                    raise DataFormatError(f"the variation {excerpt(entry)} is not SPELLING_COUNT (Neg_12)", path, number)
                if entry:
                    spelled[written] = spelled.get(written, 0) + int(count)
        yield fields[short_at], fields[sense_at], share, spelled


def sense_table(rows: Iterable[tuple[str, str, float]]) -> dict[str, list[tuple[str, float]]]:
    """Short form (case folded) -> its senses with their shares, most frequent first; a sense
    listed by several inventories (in any case) keeps its largest share and first spelling.
    Senses with share 0 are left out."""
    best: dict[str, dict[str, tuple[str, float]]] = {}
    for short, sense, share in rows:
        if share > 0:
            senses = best.setdefault(short.casefold(), {})
            spelled, known = senses.get(sense.casefold(), (sense, 0.0))  # "Miss" and "miss" are one sense
            senses[sense.casefold()] = (spelled, max(share, known))
    return {short: sorted(senses.values(), key=lambda item: (-item[1], item[0])) for short, senses in sorted(best.items())}


def inventory_rows(spec: str, data_dir: str | os.PathLike) -> list[tuple[str, str, float]]:
    """The rows of an inventory given by name (:data:`INVENTORIES`, from the data folder) or
    as the path of one inventory file."""
    return read_inventory(spec, data_dir)[0]


def inventory_spellings(spec: str, data_dir: str | os.PathLike) -> dict[tuple[str, str], dict[str, int]] | None:
    """(short form, sense), both case folded -> how often notes spelled the short form each way
    for that sense, summed over the inventory's files (see :func:`read_spellings`); None when no
    file of the inventory records spellings."""
    return read_inventory(spec, data_dir)[1]


def read_inventory(spec: str, data_dir: str | os.PathLike) -> tuple[list[tuple[str, str, float]], dict[tuple[str, str], dict[str, int]] | None]:
    """:func:`inventory_rows` and :func:`inventory_spellings` of an inventory, its files read once."""
    rows: list[tuple[str, str, float]] = []
    table: dict[tuple[str, str], dict[str, int]] | None = None
    for path in _inventory_files(spec, data_dir):
        for short, sense, share, spelled in _inventory_lines(path):
            rows.append((short, sense, share))
            if spelled is not None:
                table = {} if table is None else table
                counts = table.setdefault((short.casefold(), sense.casefold()), {})
                for written, count in spelled.items():
                    counts[written] = counts.get(written, 0) + count
    return rows, table


def _inventory_files(spec: str, data_dir: str | os.PathLike) -> list[Path]:
    if spec in INVENTORIES:
        return [Path(data_dir) / SENSE_FOLDER / name for name in INVENTORIES[spec]]
    if not Path(spec).is_file():
        raise ParameterError(f"unknown sense inventory {spec!r}: give {', '.join(INVENTORIES)} or the path of an "
                             "abbreviation<TAB>sense<TAB>share file")
    return [Path(spec)]
