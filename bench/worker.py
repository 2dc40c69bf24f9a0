"""The child side of a measured step: `python -m bench.worker '<job as JSON>'`.

Each job runs one thing (our load, the rest_api load, the fetch-only read) in this fresh process and
writes its own figures (wall time of the work itself, requests, rows) to the report file the parent
named. Interpreter start-up and imports are left out of `wall_seconds` on purpose: they are the same
for every connector and would only blur the ratios at small scales.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.fetch_only import fetch_ledger
from bench.ours import run_our_load
from bench.process import write_report
from bench.rest_api_baseline import run_rest_api_load


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    kind = job["kind"]
    if kind == "load":
        return run_our_load(
            base_url=job["base_url"],
            token=job["token"],
            duckdb_path=Path(job["duckdb_path"]),
            pipeline_name=job["pipeline_name"],
            resources=job.get("resources"),
        )
    if kind == "rest_api":
        return run_rest_api_load(job["base_url"], job["token"], Path(job["duckdb_path"]))
    if kind == "fetch_only":
        return fetch_ledger(job["base_url"], job["token"])
    raise SystemExit(f"unknown benchmark job kind {kind!r}")


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit("usage: python -m bench.worker '<job as JSON>'")
    write_report(run_job(json.loads(argv[0])))


if __name__ == "__main__":
    main(sys.argv[1:])
