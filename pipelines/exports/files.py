"""The export files: the full segment and its delta as CSV and Parquet, and the manifest.

Files are written to a temporary name and renamed, so a reader never sees half a file; the manifest
is written last, after every target accepted the export, so it always describes a finished export.
"""

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.exports.changes import MemberChange, plain_row

CHANGE_COLUMN = "change"


def write_table(
    directory: Path, stem: str, columns: Sequence[str], rows: list[dict[str, Any]]
) -> None:
    """`<stem>.csv` and `<stem>.parquet` with the same columns and rows."""
    directory.mkdir(parents=True, exist_ok=True)
    _write_csv(directory / f"{stem}.csv", columns, rows)
    _write_parquet(directory / f"{stem}.parquet", columns, rows)


def write_delta(directory: Path, columns: Sequence[str], changes: list[MemberChange]) -> None:
    """`delta.csv|parquet`: one row per member sent, with the kind of change first."""
    rows = [{CHANGE_COLUMN: change.change, **change.row} for change in changes]
    write_table(directory, "delta", [CHANGE_COLUMN, *columns], rows)


def write_manifest(directory: Path, manifest: dict[str, Any]) -> Path:
    """`manifest.json`, the record of the last successful export of this segment."""
    path = directory / "manifest.json"
    _replace(path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2, default=str) + "\n"))
    return path


def _write_csv(path: Path, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(plain_row(row) for row in rows)

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


def _replace(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)
