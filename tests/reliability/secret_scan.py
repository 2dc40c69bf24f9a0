"""Every place a run can leave text, searched for secrets.

Plain files are read as bytes, gzip files unpacked, parquet files read back as rows, and DuckDB
files opened and every text column of every table searched, including dlt's state table, whose
state is stored compressed (a byte search of the file would never find a secret in it).
"""

from __future__ import annotations

import base64
import gzip
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from dlt.common.versioned_state import decompress_state

DUCKDB_SUFFIXES = (".duckdb",)


def variants(secret: str) -> set[bytes]:
    """The secret as written, URL-encoded and base64-encoded (a header or query could carry any)."""
    forms = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}
    forms.add(base64.b64encode(secret.encode()).decode())
    return {form.encode() for form in forms}


def file_texts(path: Path) -> Iterator[tuple[str, bytes]]:
    """(where, content) pairs for one file, each readable form of it."""
    raw = path.read_bytes()
    yield str(path), raw
    if raw[:2] == b"\x1f\x8b":
        yield f"{path} (gunzipped)", gzip.decompress(raw)
    if path.suffix == ".parquet" or raw[:4] == b"PAR1":
        yield f"{path} (parquet rows)", repr(pq.read_table(path).to_pylist()).encode()
    if path.suffix in DUCKDB_SUFFIXES:
        yield from duckdb_texts(path)


def duckdb_texts(path: Path) -> Iterator[tuple[str, bytes]]:
    """Every table's rows as text; dlt's stored pipeline state decompressed."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
        ).fetchall()
        for schema, table in tables:
            rows = con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()
            yield f"{path}:{schema}.{table}", repr(rows).encode()
            if table == "_dlt_pipeline_state":
                states = con.execute(f'SELECT state FROM "{schema}"."{table}"').fetchall()
                for (state,) in states:
                    yield f"{path}:{schema}.{table} (decompressed)", repr(
                        decompress_state(state)
                    ).encode()


def artefact_files(roots: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for root in roots:
        if root.is_file():
            files.append(root)
        elif root.exists():
            files.extend(p for p in root.rglob("*") if p.is_file())
    return sorted(files)


def find_secrets(
    secrets: Iterable[str], roots: Iterable[Path], outputs: Iterable[str] = ()
) -> list[str]:
    """Where any secret appears: files under `roots` (in every readable form) and `outputs`."""
    needles = {secret: variants(secret) for secret in secrets}
    places: list[tuple[str, bytes]] = [(f"output #{i}", text.encode())
                                       for i, text in enumerate(outputs)]
    files = artefact_files(roots)
    for path in files:
        places.extend(file_texts(path))
    hits = []
    for where, content in places:
        for secret, forms in needles.items():
            if any(form in content for form in forms):
                hits.append(f"{secret[:4]}... in {where}")
    return hits


def searched_kinds(roots: Iterable[Path]) -> set[str]:
    """Which kinds of artefact a scan covered, so a test can prove it looked where it should."""
    kinds = set()
    for path in artefact_files(roots):
        kinds.add(path.suffix or path.name)
    return kinds


def pipeline_folders(dlt_data_dir: Path) -> dict[str, Path]:
    """Every dlt pipeline folder under `DLT_DATA_DIR`, by name: the loading one and the actions
    one (`<name>_actions`, written by exports and payouts), so a scan can show it covered both."""
    root = dlt_data_dir / "pipelines"
    return {path.name: path for path in sorted(root.iterdir()) if path.is_dir()}
