"""Figures 8, 9 and 10 (the full profile's large account): first load, daily rerun, dbt build.

A million contacts and about ten million ledger rows, served with no latency and no budget, so the
first load shows what the machine spends (its peak memory, and its time against the floor a real
account imposes: the slower of the request budget and inserting the same rows as Arrow); the
rerun after one day touching 1% of the contacts shows what staying current costs at that size;
`dbt build` then runs on the loaded warehouse with the profile's DuckDB memory limit and threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench import local_figures
from bench.network_figures import load_job
from bench.profiles import BenchProfile
from bench.report import Figure
from bench.sandbox import SandboxSettings
from bench.workspace import Workspace

LOAD_KEY, RERUN_KEY, DBT_KEY = "scale_load", "scale_rerun", "scale_dbt"
LOAD_MEMORY_TARGET_MB = 400.0
RERUN_TARGET = 0.03
DBT_SECONDS_TARGET = 120.0
DBT_MEMORY_TARGET_MB = 2048.0
TITLES = {
    LOAD_KEY: ("large account: first load", f"peak <= {LOAD_MEMORY_TARGET_MB:.0f} MB; vs floor"),
    RERUN_KEY: ("large account: rerun, 1% new", f"<= {RERUN_TARGET:.0%} of the first load"),
    DBT_KEY: (
        "large account: dbt build",
        f"<= {DBT_SECONDS_TARGET:.0f} s, <= {DBT_MEMORY_TARGET_MB / 1024:.0f} GB",
    ),
}
Guard = Callable[[str, Callable[[], Figure]], Figure]
DAILY_RUN_ENV = {
    "SOURCES__PIGGY__CONTACTS_SWEEP_EVERY_RUNS": "7",
    "SOURCES__PIGGY__FULL_READS_EVERY_RUNS": "7",
}
"""A daily pipeline on a large account sweeps every contact, and reads the lists the API filters
by nothing (vouchers, visits, giftcards, referrals), once a week, not on every run (the first run
does both either way); the runs in between read new contacts and new ledger rows."""


def scale_phase(ws: Workspace, profile: BenchProfile, guarded: Guard) -> list[Figure]:
    """Load the large account, measure the insert floor, build dbt, mutate 1%, rerun.

    dbt builds on the first load: a rerun between weekly sweeps leaves the balances of the
    contacts it did not refetch as they were, which the reconciliation test would report.
    """
    assert profile.scale_account is not None
    settings = SandboxSettings(profile.scale_account, profile.seed)
    with ws.sandbox("scale", settings) as sandbox:
        ready_seconds = sandbox.ready_seconds
        job = load_job(sandbox, ws, "scale")
        first = ws.job("scale-load", job, DAILY_RUN_ENV)
        floor = ws.module(
            "scale-arrow-floor",
            "bench.arrow_floor",
            [str(ws.duckdb("scale")), str(ws.duckdb("scale_arrow_floor"))],
        )
        ws.duckdb("scale_arrow_floor").unlink(missing_ok=True)
        dbt = guarded(DBT_KEY, lambda: dbt_figure(ws))
        mutations = sandbox.mutate(profile.mutate_fraction)
        rerun = ws.job("scale-rerun", job, DAILY_RUN_ENV)
    load = _load_figure(profile, first.report, first.peak_rss_mb, floor.report)
    load.details["sandbox_ready_seconds"] = round(ready_seconds, 1)
    return [load, _rerun_figure(first.report, rerun.report, rerun.peak_rss_mb, mutations), dbt]


def _load_figure(
    profile: BenchProfile, report: dict[str, Any], peak_mb: float, floor: dict[str, Any]
) -> Figure:
    rows = sum(report["rows"].values())
    budget_seconds = report["requests"] / (profile.budget_per_minute / 60.0)
    insert_seconds = floor["wall_seconds"]
    floor_seconds = max(budget_seconds, insert_seconds)
    bound = "request budget" if budget_seconds >= insert_seconds else "Arrow insert"
    wall = report["wall_seconds"]
    figure = Figure(LOAD_KEY, met=peak_mb <= LOAD_MEMORY_TARGET_MB)
    figure.headline = (
        f"{rows:,} rows in {wall:.0f} s ({rows / wall:,.0f} rows/s), peak {peak_mb:.0f} MB; "
        f"floor {floor_seconds:.0f} s ({bound}): x{wall / floor_seconds:.2f}"
    )
    figure.details = {
        "rows": rows,
        "requests": report["requests"],
        "wall_seconds": round(wall, 2),
        "rows_per_second": round(rows / wall),
        "peak_rss_mb": round(peak_mb, 1),
        "step_seconds": {name: round(value, 2) for name, value in report["step_seconds"].items()},
        "budget_seconds": round(budget_seconds, 2),
        "arrow_insert_seconds": round(insert_seconds, 2),
        "arrow_insert_rows": sum(floor["rows"].values()),
        "floor_seconds": round(floor_seconds, 2),
        "floor_bound": bound,
        "time_over_floor": round(wall / floor_seconds, 3),
        "per_resource_rows": report["rows"],
    }
    return figure


def _rerun_figure(
    first: dict[str, Any], rerun: dict[str, Any], peak_mb: float, mutations: dict[str, Any]
) -> Figure:
    fraction = rerun["wall_seconds"] / first["wall_seconds"]
    figure = Figure(RERUN_KEY, met=fraction <= RERUN_TARGET)
    figure.headline = (
        f"{rerun['wall_seconds']:.1f} s of {first['wall_seconds']:.0f} s: {fraction:.1%}, "
        f"{rerun['requests']:,} of {first['requests']:,} requests"
    )
    figure.details = {
        "mutations": mutations,
        "wall_seconds": round(rerun["wall_seconds"], 2),
        "time_fraction": round(fraction, 4),
        "requests": rerun["requests"],
        "request_fraction": round(rerun["requests"] / first["requests"], 4),
        "rows": rerun["rows"],
        "peak_rss_mb": round(peak_mb, 1),
        "step_seconds": {name: round(value, 2) for name, value in rerun["step_seconds"].items()},
    }
    return figure


def dbt_figure(ws: Workspace) -> Figure:
    """`dbt build` on the large account's first load."""
    built = local_figures.dbt_build(ws, ws.duckdb("scale"))
    wall, peak = built.details["wall_seconds"], built.details["peak_rss_mb"]
    figure = Figure(DBT_KEY, details=built.details)
    figure.met = wall <= DBT_SECONDS_TARGET and peak <= DBT_MEMORY_TARGET_MB
    figure.headline = (
        f"{wall:.0f} s, peak {peak:.0f} MB, {sum(built.details['nodes'].values())} nodes"
    )
    return figure
