"""The insert floor of a first load: the loaded raw tables inserted into DuckDB again as Arrow.

`python -m bench.arrow_floor LOADED.duckdb EMPTY.duckdb` reads every raw table the load wrote
(dlt's own tables and staging copies left out) in record batches and times only the inserts into a
fresh file, with the load's DuckDB memory cap: what no connector writing these rows can go below,
whatever it does before the insert.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from bench.process import write_report
from pipelines.dlt_settings import DUCKDB_MEMORY_LIMIT

DATASET = "piggy_raw"
BATCH_ROWS = 500_000


def raw_tables(source: duckdb.DuckDBPyConnection) -> list[str]:
    rows = source.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = ? AND table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY 1",
        [DATASET],
    ).fetchall()
    return [name for (name,) in rows]


def insert_floor(loaded: Path, target: Path) -> dict[str, Any]:
    """Seconds spent inserting each table's batches (reading them is not counted) and rows."""
    source = duckdb.connect(str(loaded), read_only=True)
    sink = duckdb.connect(str(target), config={"memory_limit": DUCKDB_MEMORY_LIMIT})
    seconds: dict[str, float] = {}
    rows: dict[str, int] = {}
    try:
        for table in raw_tables(source):
            # `sql(...)` streams the batches; `execute(...)` would first copy the whole table
            reader = source.sql(f'SELECT * FROM {DATASET}."{table}"').to_arrow_reader(BATCH_ROWS)
            seconds[table], rows[table] = 0.0, 0
            for number, batch in enumerate(reader or ()):
                statement = "INSERT INTO" if number else "CREATE TABLE"
                tail = "" if number else " AS"
                sink.register("batch", pa.Table.from_batches([batch]))
                started = time.perf_counter()
                sink.execute(f'{statement} "{table}"{tail} SELECT * FROM batch')
                seconds[table] += time.perf_counter() - started
                sink.unregister("batch")
                rows[table] += batch.num_rows
    finally:
        source.close()
        sink.close()
    return {"wall_seconds": sum(seconds.values()), "seconds": seconds, "rows": rows}


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: python -m bench.arrow_floor LOADED.duckdb EMPTY.duckdb")
    write_report(insert_floor(Path(argv[0]), Path(argv[1])))


if __name__ == "__main__":
    main(sys.argv[1:])
