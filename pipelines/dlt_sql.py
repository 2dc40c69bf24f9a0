"""The parts of dlt's SQL client we use beyond `pipeline.sql_client()`: the one place that knows.

dlt's documented surface gives a client on the pipeline's own dataset. Reading our action tables
and the dbt marts needs two things it does not document (dlt 1.31), both pinned by
`tests/reliability/test_dlt_sql.py` so an upgrade that changes them fails there first:

1. A client pointed at another dataset of the same warehouse: `with_alternative_dataset_name`.
2. Telling "this table does not exist yet" from any other database error: every destination
   raises `DestinationUndefinedEntity` for it (DuckDB, PostgreSQL, BigQuery, Snowflake alike).

Product modules import `SqlClient`, `MissingTable` and `on_dataset` from here, never from dlt.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dlt.common.destination.exceptions import DestinationUndefinedEntity
from dlt.destinations.sql_client import SqlClientBase

SqlClient = SqlClientBase[Any]
"""An open dlt SQL client, whatever the warehouse."""

MissingTable = DestinationUndefinedEntity
"""Raised by a query on a table (or schema) the warehouse does not have yet."""


@contextmanager
def on_dataset(client: SqlClient, dataset: str) -> Iterator[SqlClient]:
    """The same client, its unqualified names resolved in `dataset` for the block."""
    with client.with_alternative_dataset_name(dataset):
        yield client
