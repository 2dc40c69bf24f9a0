"""The report's aggregates, read straight from a built warehouse."""

from __future__ import annotations

from collections import Counter
from datetime import date

import dlt

from pipelines.report.queries import cohort_retention, reader


def test_the_retention_heatmap_reads_one_cohort_basis(built, monkeypatch):
    monkeypatch.setenv("DLT_DATA_DIR", str(built.root / "dlt"))
    monkeypatch.setenv("DESTINATION__DUCKDB__CREDENTIALS", str(built.root / "warehouse.duckdb"))
    pipeline = dlt.attach(pipeline_name="piggy")
    with reader(pipeline) as read:
        table = cohort_retention(read, date.fromisoformat(built.as_of))
    cells = Counter((r["cohort_month"], r["months_since_first_activity"]) for r in table.rows)
    assert table.rows and not table.note
    assert max(cells.values()) == 1, "two cohort bases would draw into the same cell"
