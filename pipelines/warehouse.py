"""Where a pipeline's warehouse is, said so a user can find it.

dlt remembers a pipeline's destination across runs, and a DuckDB file named after the pipeline is
created in the directory of the first run: a run started elsewhere still loads into that file.
Every `run` and `status` therefore names the warehouse, never with its password.
"""

from pathlib import Path

import dlt
from dlt.pipeline.exceptions import CannotRestorePipelineException

from pipelines.errors import CliError


def location(pipeline: dlt.Pipeline) -> str:
    """The DuckDB file's absolute path, or `<destination> <host>/<database>` of a server."""
    with pipeline.destination_client() as client:
        credentials = client.config.credentials
    kind = pipeline.destination.destination_name
    database = getattr(credentials, "database", None)
    if kind == "duckdb" and database:
        return str(Path(database).resolve())
    host = getattr(credentials, "host", None)
    where = f"{host}/{database}" if host else (database or getattr(credentials, "project_id", ""))
    return f"{kind} {where}".strip()


def attach_pipeline(pipeline_name: str, first: str = "run `piggy-elt run` first") -> dlt.Pipeline:
    """The pipeline from its local state (no warehouse is opened), or one line saying what to
    run `first`."""
    try:
        return dlt.attach(pipeline_name=pipeline_name)
    except CannotRestorePipelineException:
        raise CliError(f"pipeline {pipeline_name!r} has not run here yet: {first}") from None
