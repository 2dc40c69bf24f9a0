"""Refuse to export from an old warehouse: a reminder built on last week's balances misleads.

`mart_resource_freshness` (dbt) says when each raw resource was last loaded and up to when its data
reaches; an export needs every resource it depends on loaded within the configured age.
"""

import datetime as dt
from dataclasses import dataclass

import dlt

from pipelines.exports.errors import ExportError, StaleDataError
from pipelines.exports.warehouse import ANALYTICS_DATASET, read_rows_or_none
from pipelines.times import as_utc, as_utc_or_none

FRESHNESS_MART = "mart_resource_freshness"


@dataclass(frozen=True)
class Freshness:
    """How current the data behind an export is."""

    data_watermark: dt.datetime | None
    oldest_load_at: dt.datetime | None
    stale: list[str]


def check_freshness(
    pipeline: dlt.Pipeline, required: list[str], max_age_hours: float, now: dt.datetime
) -> Freshness:
    """Which required resources are missing or older than the limit, and the data watermark."""
    rows = read_rows_or_none(pipeline, ANALYTICS_DATASET, FRESHNESS_MART)
    if rows is None:
        raise ExportError(
            f"no {ANALYTICS_DATASET}.{FRESHNESS_MART} in the warehouse yet: run "
            "`piggy-elt transform` first"
        )
    by_resource = {row["resource_name"]: row for row in rows}
    limit = now - dt.timedelta(hours=max_age_hours)
    stale, loads, watermarks = [], [], []
    for resource in required:
        row = by_resource.get(resource)
        loaded_at = as_utc_or_none(row["last_loaded_at"]) if row else None
        if loaded_at is None or loaded_at < limit:
            stale.append(resource)
        if loaded_at is not None:
            loads.append(loaded_at)
        if row and row.get("data_watermark") is not None:
            watermarks.append(as_utc(row["data_watermark"]))
    return Freshness(
        data_watermark=min(watermarks) if watermarks else None,
        oldest_load_at=min(loads) if loads else None,
        stale=stale,
    )


def require_fresh(freshness: Freshness, max_age_hours: float) -> None:
    """Stop with one line naming the stale resources and the two ways forward."""
    if freshness.stale:
        raise StaleDataError(
            f"stale data: {', '.join(freshness.stale)} not loaded within the last "
            f"{max_age_hours:g} h (mart_resource_freshness); run `piggy-elt run` and "
            "`piggy-elt transform`, or pass --allow-stale to export anyway"
        )
