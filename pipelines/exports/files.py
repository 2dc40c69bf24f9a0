"""The export files: the full segment and its delta as CSV and Parquet, and the manifest.

Files hold personal data and end up in marketers' spreadsheets, so three rules hold for every one:
- written to a temporary name and renamed, so a reader never sees half a file;
- owner-only (files 0600, the folders we create 0700) whatever the process umask;
- a CSV cell a spreadsheet would run as a formula (text starting with `=`, `+`, `-`, `@`, tab or
  carriage return) gets a leading single quote, as OWASP recommends. Numbers stay numbers: the
  type, not the text, decides, so a negative balance is still a number and a name "-5" is text.
  Parquet and the pushed JSON keep raw values: no spreadsheet evaluates them.
"""

import csv
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.exports.changes import MemberChange, plain_row

CHANGE_COLUMN = "change"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FILE_MODE, FOLDER_MODE = 0o600, 0o700


def write_table(
    directory: Path, stem: str, columns: Sequence[str], rows: list[dict[str, Any]]
) -> None:
    """`<stem>.csv` and `<stem>.parquet` with the same columns and rows."""
    private_folder(directory)
    _write_csv(directory / f"{stem}.csv", columns, rows)
    _write_parquet(directory / f"{stem}.parquet", columns, rows)


def write_delta(directory: Path, columns: Sequence[str], changes: list[MemberChange]) -> None:
    """`delta.csv|parquet`: one row per member sent, with the kind of change first."""
    rows = [{CHANGE_COLUMN: change.change, **change.row} for change in changes]
    write_table(directory, "delta", [CHANGE_COLUMN, *columns], rows)


def write_manifest(directory: Path, manifest: dict[str, Any]) -> Path:
    """`manifest.json`, the record of the last successful export of this segment."""
    path = directory / "manifest.json"
    text = json.dumps(manifest, indent=2, default=str) + "\n"
    _replace(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path


def csv_cell(value: Any) -> Any:
    """The value as a spreadsheet may safely see it: formula-looking text is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def private_folder(directory: Path) -> None:
    """Create the folder and its missing parents owner-only; the export's own folder is made so.

    Existing parents are left alone (an `--output-dir /tmp` must not change /tmp), but the folder
    the files go in is ours and is tightened even when an earlier version created it open.
    """
    missing = [folder for folder in (directory, *directory.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=FOLDER_MODE, exist_ok=True)
        folder.chmod(FOLDER_MODE)
    directory.chmod(FOLDER_MODE)


def _write_csv(path: Path, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: csv_cell(value) for key, value in plain_row(row).items()})

    _replace(path, write)


def _write_parquet(path: Path, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
    """Typed columns where the values agree on a type; an empty export keeps its column names."""
    arrays = {}
    for column in columns:
        values = [row.get(column) for row in rows]
        try:
            arrays[column] = pa.array(values) if values else pa.array([], pa.string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays[column] = pa.array([None if v is None else str(v) for v in values], pa.string())
    _replace(path, lambda tmp: pq.write_table(pa.table(arrays), tmp))


def _replace(path: Path, write: Callable[[Path], Any]) -> None:
    """Write to an owner-only temporary file, then rename it over `path`; no half file is left."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE))
        tmp.chmod(FILE_MODE)
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
