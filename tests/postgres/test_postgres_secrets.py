"""Switching to a password-protected warehouse leaks the password nowhere: not in what the CLI
prints, not in dbt's logs and artifacts, not in dlt's local state, not in the state dlt stores in
the warehouse. The Piggy API key is searched for the same way."""

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from builds import RAW_DATASET
from dlt.common.versioned_state import decompress_state

pytestmark = pytest.mark.postgres


def file_contents(root: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        yield str(path), raw
        if raw[:2] == b"\x1f\x8b":
            yield f"{path} (gunzipped)", gzip.decompress(raw)


def warehouse_state(build) -> Iterator[tuple[str, bytes]]:
    """dlt keeps its pipeline state in the warehouse, compressed: a byte search would miss it."""
    with build.server.cursor() as cursor:
        cursor.execute(f"select state from {RAW_DATASET}._dlt_pipeline_state")
        for (state,) in cursor.fetchall():
            yield "postgres _dlt_pipeline_state", repr(decompress_state(state)).encode()


def test_no_secret_reaches_output_files_or_warehouse_state(postgres_build, postgres_server):
    secrets = [postgres_server.password, postgres_build.env["SOURCES__PIGGY__API_KEY"]]
    outputs = [
        (f"output of `piggy-elt {' '.join(run.args[1:3])}`", (run.stdout + run.stderr).encode())
        for run in postgres_build.runs
    ]
    places = [*outputs, *file_contents(postgres_build.workdir), *warehouse_state(postgres_build)]
    searched = " ".join(where for where, _ in places)
    assert "dbt.log" in searched and "state.json" in searched and "_dlt_pipeline_state" in searched
    hits = [
        f"{secret[:4]}... in {where}"
        for where, content in places
        for secret in secrets
        if secret.encode() in content
    ]
    assert hits == []
