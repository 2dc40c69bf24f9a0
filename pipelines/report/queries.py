"""The report's numbers: small aggregates of the marts, computed by the warehouse.

Every query groups or windows in SQL, so what reaches the page is bounded by rewards, weeks,
months, deciles and resources, never by contacts: the report stays small at any account size. The
SQL is plain (group by, case, where on dates passed as parameters) so it runs through dlt's SQL
client on every warehouse the pipeline can load into. A table that does not exist yet (no payout
requests, no export so far) gives a `Table` with a note instead of failing the report.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import dlt
from dlt.destinations.exceptions import DatabaseException

from pipelines.dlt_sql import MissingTable, SqlClient, on_dataset
from pipelines.errors import CliError
from pipelines.exports.warehouse import ACTIONS_DATASET, ANALYTICS_DATASET

SEGMENTS = (
    "seg_points_expiring_14d",
    "seg_vip_candidates",
    "seg_lapsed_redeemers",
    "seg_high_value_at_risk",
)
TREND_WEEKS = 26
LIABILITY_DAYS = 365
COHORT_MONTHS = 24
EXPORT_DAYS = 90
MAX_EXPORT_RUNS = 400


@dataclass
class Table:
    """Rows of one aggregate, or why there are none (`note`)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


class Reader:
    """Runs aggregate queries on one connection; `{table}` in a query names a dataset's table."""

    def __init__(self, client: SqlClient) -> None:
        self.client = client

    def qualified(self, dataset: str, table: str) -> str:
        with on_dataset(self.client, dataset):
            return self.client.make_qualified_table_name(table)

    def table(self, dataset: str, table: str, sql: str, *params: Any) -> Table:
        """Rows of `sql` run on `dataset.table`; a note names the table when it does not exist."""
        query = sql.format(table=self.qualified(dataset, table))
        try:
            with self.client.execute_query(query, *params) as cursor:
                names = [column[0] for column in cursor.description]
                return Table([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
        except MissingTable:
            return Table(note=f"no table {dataset}.{table} yet")
        except DatabaseException as exc:
            # a mart whose columns changed: one chart says so, the rest of the report still shows
            return Table(note=f"{dataset}.{table} could not be read: {str(exc).splitlines()[0]}")


@contextmanager
def reader(pipeline: dlt.Pipeline) -> Iterator[Reader]:
    """One connection to the pipeline's warehouse for every query of the report."""
    with pipeline.sql_client() as client:
        yield Reader(client)


def built_as_of(read: Reader) -> date:
    """The day the marts were built for: the last day of the points liability series."""
    found = read.table(
        ANALYTICS_DATASET, "mart_points_liability", "select max(liability_date) as day from {table}"
    )
    day = found.rows[0]["day"] if found.rows else None
    if day is None:
        raise CliError("no marts in this warehouse yet: run `piggy-elt transform` first")
    return day if isinstance(day, date) else date.fromisoformat(str(day)[:10])


def redemption_trends(read: Reader, as_of: date) -> Table:
    return read.table(
        ANALYTICS_DATASET,
        "mart_redemption_trends",
        "select reward_title, week_start, redemptions, trend_label from {table}"
        " where reward_uuid is not null and week_start > %s and week_start <= %s"
        " order by reward_title, week_start",
        as_of - timedelta(weeks=TREND_WEEKS),
        as_of,
    )


def cohort_retention(read: Reader, as_of: date) -> Table:
    return read.table(
        ANALYTICS_DATASET,
        "mart_cohort_retention",
        "select cohort_month, months_since_first_activity, retention_rate, cohort_size"
        " from {table} where cohort_basis = 'first_activity' and cohort_month > %s"
        " order by cohort_month, months_since_first_activity",
        as_of - timedelta(days=31 * COHORT_MONTHS),
    )


def points_liability(read: Reader, as_of: date) -> Table:
    return read.table(
        ANALYTICS_DATASET,
        "mart_points_liability",
        "select liability_date, outstanding_points, breakage_points_cumulative,"
        " points_expiring_next_14d, points_expiring_next_30d, points_expiring_next_90d"
        " from {table} where liability_date > %s and liability_date <= %s order by liability_date",
        as_of - timedelta(days=LIABILITY_DAYS),
        as_of,
    )


def ltv(read: Reader, by: str) -> Table:
    """Members, mean net value and mean 12-month projection per `ltv_decile` or `cohort_month`."""
    return read.table(
        ANALYTICS_DATASET,
        "mart_customer_ltv",
        f"select {by} as grp, count(*) as members, avg(net_value_cents) as net_value_cents,"
        " avg(projected_12m_value_cents) as projected_12m_value_cents"
        f" from {{table}} where {by} is not null group by {by} order by {by}",
    )


def segment_sizes(read: Reader) -> Table:
    """Members per segment now; a segment table that is missing is left out and noted."""
    sizes, missing = [], []
    for segment in SEGMENTS:
        found = read.table(ANALYTICS_DATASET, segment, "select count(*) as members from {table}")
        if found.rows:
            sizes.append({"segment": segment, "members": found.rows[0]["members"]})
        else:
            missing.append(segment)
    return Table(sizes, f"missing: {', '.join(missing)}" if missing else "")


def export_runs(read: Reader, since: date) -> Table:
    """The latest exports since `since` (real time, not the as-of day: exports run now), oldest
    first; capped, so exports every few minutes cannot grow the page."""
    rows, left = (read.client.escape_column_name(name) for name in ("rows", "left"))
    found = read.table(
        ACTIONS_DATASET,
        "export_runs",
        f"select segment, exported_at, {rows} as members, entered, changed, {left} as members_left"
        f" from {{table}} where exported_at >= %s"
        f" order by exported_at desc limit {MAX_EXPORT_RUNS}",
        since,
    )
    found.rows.reverse()
    return found


def payout_decisions(read: Reader) -> Table:
    return read.table(
        ANALYTICS_DATASET,
        "mart_payout_review",
        "select decision, count(*) as requests, sum(amount_cents) as amount_cents"
        " from {table} group by decision",
    )


def payouts_paid(read: Reader) -> Table:
    return read.table(
        ACTIONS_DATASET,
        "payout_ledger",
        "select status, count(*) as requests, sum(amount_cents) as amount_cents"
        " from {table} group by status",
    )


def freshness(read: Reader) -> Table:
    return read.table(
        ANALYTICS_DATASET,
        "mart_resource_freshness",
        "select resource_name, last_loaded_at, row_count from {table} order by resource_name",
    )


def reconciliation(read: Reader) -> Table:
    return read.table(
        ANALYTICS_DATASET,
        "mart_balance_reconciliation",
        "select count(*) as contacts,"
        " sum(case when drift_credits <> 0 then 1 else 0 end) as drifted,"
        " sum(case when drift_credits < 0 then -drift_credits else drift_credits end)"
        " as drift_points from {table}",
    )
