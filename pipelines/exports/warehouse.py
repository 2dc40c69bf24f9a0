"""Read and write the warehouse through dlt, so exports and payouts run on any dlt destination.

Our own tables (export state, payout ledger, audit, cashback requests) are loaded by a dlt
pipeline of their own into `piggy_actions`, a dataset beside the raw one in the same
warehouse: apart, so our loads never count as raw loads in `_dlt_loads` (which dbt reads for
freshness) and never touch the source's schema. dbt marts are read from the profile's schema
through the same pipeline's SQL client. Nothing here assumes DuckDB.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dlt
from dlt.common.destination import Destination

from pipelines.dbt_connection import analytics_schema
from pipelines.dlt_sql import MissingTable, SqlClient, on_dataset
from pipelines.locks import held
from pipelines.warehouse import attach_pipeline

LOADING_PIPELINE_NAME = "piggy"
ACTIONS_DATASET = "piggy_actions"
ANALYTICS_DATASET = analytics_schema()
"""Where the dbt models live: the profile's schema setting, as dbt resolves it in this process."""
LOADED_FIRST = "run `piggy-elt run` and `piggy-elt transform` first"


def actions_pipeline(loading_pipeline: str = LOADING_PIPELINE_NAME) -> dlt.Pipeline:
    """The pipeline that owns our action tables, on the warehouse the loading pipeline writes to.

    Its destination is the loading pipeline's, with the credentials that pipeline resolves (a
    DuckDB file named after the loading pipeline, a Postgres DSN from config...), so exports and
    payouts follow `piggy-elt run` to any warehouse; it is named after the loading pipeline, so
    two loading pipelines never share its state.
    """
    loaded = attach_pipeline(loading_pipeline, LOADED_FIRST)
    with loaded.destination_client() as client:
        credentials = client.config.credentials
    destination = Destination.from_reference(
        loaded.destination.destination_type,
        credentials=credentials,
        destination_name=loaded.destination.destination_name,
    )
    return dlt.pipeline(
        pipeline_name=f"{loading_pipeline}_actions",
        destination=destination,
        dataset_name=ACTIONS_DATASET,
        pipelines_dir=loaded.pipelines_dir,
    )


@contextmanager
def actions_session(loading_pipeline: str = LOADING_PIPELINE_NAME) -> Iterator[dlt.Pipeline]:
    """The actions pipeline, held exclusively for the block: one exporter or approver at a time.

    Every command that writes action state (export state, requests, ledger, audit) runs inside
    one: two approvers at once could both see a request unpaid and both pay it, and a second
    process would finish (or break) the first one's half-done dlt load. The lock is taken before
    anything is read or opened (the warehouse too: DuckDB lets one process open a file at a time,
    so a second process that opened it first could make the holder fail to record a payment),
    and a load a killed holder left half done is finished under it.
    """
    name = f"{loading_pipeline}_actions"
    lock_path = (
        Path(attach_pipeline(loading_pipeline, LOADED_FIRST).pipelines_dir) / f".{name}.lock"
    )
    busy = (
        f"another piggy-elt export or payouts command holds {name!r}; "
        "wait for it to finish, then run again"
    )
    with held(lock_path, busy):
        pipeline = actions_pipeline(loading_pipeline)
        finish_pending(pipeline)
        yield pipeline


@contextmanager
def sql_client(pipeline: dlt.Pipeline, dataset: str) -> Iterator[SqlClient]:
    """A SQL client pointed at one dataset (ours or the dbt one) of the pipeline's warehouse."""
    with pipeline.sql_client() as client, on_dataset(client, dataset):
        yield client


def read_rows(
    pipeline: dlt.Pipeline,
    dataset: str,
    table: str,
    where: str = "",
    params: Sequence[Any] = (),
) -> tuple[list[str], list[dict[str, Any]]]:
    """Column names and rows of one table as dicts, read with plain DB-API calls (any engine)."""
    query = "SELECT * FROM {0} " + where.replace("{", "{{").replace("}", "}}")
    return query_rows(pipeline, dataset, query, table, params=params)


def query_rows(
    pipeline: dlt.Pipeline, dataset: str, query: str, *tables: str, params: Sequence[Any] = ()
) -> tuple[list[str], list[dict[str, Any]]]:
    """Column names and rows of a query over tables of one dataset; `{0}`, `{1}`... in the
    query stand for `tables`, qualified the way the engine wants. dlt's own columns are dropped."""
    with sql_client(pipeline, dataset) as client:
        qualified = [client.make_qualified_table_name(table) for table in tables]
        with client.execute_query(query.format(*qualified), *params) as cursor:
            columns = [description[0] for description in cursor.description]
            rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    return [c for c in columns if not c.startswith("_dlt")], [_public(row) for row in rows]


def read_rows_or_none(
    pipeline: dlt.Pipeline, dataset: str, table: str
) -> list[dict[str, Any]] | None:
    """Rows of a table another step builds (a mart): None when that step has not run yet."""
    try:
        return read_rows(pipeline, dataset, table)[1]
    except MissingTable:
        return None


def read_rows_if_present(
    pipeline: dlt.Pipeline, dataset: str, table: str, where: str = "", params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Rows of a table we create on first use: before that first use it simply has no rows."""
    try:
        return read_rows(pipeline, dataset, table, where, params)[1]
    except MissingTable:
        return []


def load(pipeline: dlt.Pipeline, resources: Iterable[Any]) -> None:
    """One dlt load of our tables; pending packages of an interrupted run are finished first."""
    finish_pending(pipeline)
    pipeline.run(list(resources))


def finish_pending(pipeline: dlt.Pipeline) -> None:
    """Complete a load a killed process left half done, before anyone reads the tables it writes."""
    if pipeline.has_pending_data:
        pipeline.run()


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if not key.startswith("_dlt")}
