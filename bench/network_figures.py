"""Figures 1, 2 and 5: the account behind production's latency and request budget.

Here the wall time of a load is set by the budget and the round trips, not by CPU, so these
figures compare wall times with the floor the budget allows and with a connector that waits for
each page before asking for the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.profiles import BenchProfile
from bench.report import INCREMENTAL_TARGET, SATURATION_TARGET, SPEEDUP_TARGET, Figure
from bench.sandbox import SandboxProcess
from bench.workspace import Workspace

LEDGER = "loyalty_transactions"
PAIR = ["contacts", LEDGER]


@dataclass
class FullLoads:
    """The full loads figure 5 compares its incremental runs with, kept in their pipelines."""

    account: dict[str, Any] | None = None
    ledger: dict[str, Any] | None = None


def settled_step(
    ws: Workspace, sandbox: SandboxProcess, label: str, job: dict[str, Any]
) -> dict[str, Any]:
    """Run a job on a fresh budget window; its report gains the requests the sandbox counted.

    The sandbox's own count (`served_requests`) is the one every figure uses, so both connectors
    are counted the same way, whatever their own bookkeeping says.
    """
    sandbox.settle()
    report = ws.job(label, job).report
    return {**report, "client_requests": report["requests"], "requests": sandbox.served_requests()}


def load_job(
    sandbox: SandboxProcess, ws: Workspace, name: str, resources: list[str] | None = None
) -> dict[str, Any]:
    """A `run_load` into pipeline and DuckDB file `name`; the same name continues its state."""
    return {
        "kind": "load",
        "base_url": sandbox.base_url,
        "token": sandbox.token,
        "duckdb_path": str(ws.duckdb(name)),
        "pipeline_name": f"bench_{name}",
        "resources": resources,
    }


def budget_saturation(
    ws: Workspace, sandbox: SandboxProcess, profile: BenchProfile, loads: FullLoads
) -> Figure:
    """A full extract of every resource against the floor `requests / budget`.

    The budget bounds the extract step (every request is made there); the ratio is taken on it,
    and the whole run's ratio, normalize and load included, is reported beside it.
    """
    figure = Figure("budget_saturation")
    report = settled_step(ws, sandbox, "full-load", load_job(sandbox, ws, "account"))
    loads.account = report
    per_second = profile.budget_per_minute / profile.budget_window_seconds
    bound = report["requests"] / per_second
    extract = report["step_seconds"]["extract"]
    ratio = extract / bound
    figure.met = ratio <= SATURATION_TARGET
    figure.headline = (
        f"ratio {ratio:.2f}: {report['requests']} requests, extract {extract:.1f} s, "
        f"bound {bound:.1f} s (whole run {report['wall_seconds']:.1f} s)"
    )
    figure.details = {
        "requests": report["requests"],
        "client_requests": report["client_requests"],
        "bound_seconds": round(bound, 2),
        "extract_seconds": round(extract, 2),
        "ratio": round(ratio, 3),
        "run_seconds": round(report["wall_seconds"], 2),
        "run_ratio": round(report["wall_seconds"] / bound, 3),
        "step_seconds": _rounded(report["step_seconds"]),
        "throttled_429": report["throttled"],
        "retries": report["retries"],
        "rows": sum(report["rows"].values()),
        "per_resource": report["per_resource"],
    }
    return figure


def _rounded(seconds: dict[str, float]) -> dict[str, float]:
    return {name: round(value, 2) for name, value in seconds.items()}


def versus_rest_api(ws: Workspace, sandbox: SandboxProcess) -> Figure:
    """Contacts and the ledger, ours and dlt's rest_api, one after the other on one sandbox."""
    figure = Figure("versus_rest_api")
    ours = settled_step(ws, sandbox, "pair-ours", load_job(sandbox, ws, "pair_ours", PAIR))
    theirs = settled_step(
        ws,
        sandbox,
        "pair-rest-api",
        {
            "kind": "rest_api",
            "base_url": sandbox.base_url,
            "token": sandbox.token,
            "duckdb_path": str(ws.duckdb("pair_rest_api")),
        },
    )
    speedup = theirs["wall_seconds"] / ours["wall_seconds"]
    figure.met = speedup >= SPEEDUP_TARGET
    figure.headline = (
        f"{speedup:.1f}x ({ours['wall_seconds']:.1f} s vs {theirs['wall_seconds']:.1f} s)"
    )
    figure.details = {
        "speedup": round(speedup, 2),
        "ours": _side(ours),
        "rest_api": _side(theirs),
        "same_rows": {name: ours["rows"].get(name) == theirs["rows"].get(name) for name in PAIR},
    }
    return figure


def _side(report: dict[str, Any]) -> dict[str, Any]:
    wall = report["wall_seconds"]
    return {
        "wall_seconds": round(wall, 2),
        "requests": report["requests"],
        "requests_per_second": round(report["requests"] / wall, 1),
        "step_seconds": _rounded(report["step_seconds"]),
        "rows": {name: report["rows"].get(name) for name in PAIR},
    }


def full_ledger(ws: Workspace, sandbox: SandboxProcess, loads: FullLoads) -> None:
    """The ledger read alone, so the incremental ledger run has a full run of its own to match."""
    job = load_job(sandbox, ws, "ledger", [LEDGER])
    loads.ledger = settled_step(ws, sandbox, "ledger-load", job)


def incremental(
    ws: Workspace, sandbox: SandboxProcess, profile: BenchProfile, loads: FullLoads
) -> Figure:
    """Mutate about 1% of the account, run both pipelines again: what staying current costs."""
    figure = Figure("incremental")
    if loads.account is None or loads.ledger is None:
        raise RuntimeError("the full loads it compares with did not complete")
    mutations = sandbox.mutate(profile.mutate_fraction)
    account = settled_step(ws, sandbox, "incremental-load", load_job(sandbox, ws, "account"))
    ledger_job = load_job(sandbox, ws, "ledger", [LEDGER])
    ledger = settled_step(ws, sandbox, "incremental-ledger", ledger_job)
    ledger_fractions = _fraction(ledger, loads.ledger)
    figure.met = ledger_fractions["time_fraction"] <= INCREMENTAL_TARGET
    figure.headline = (
        f"ledger: {ledger_fractions['time_fraction']:.1%} of run time, "
        f"{ledger_fractions['extract_time_fraction']:.1%} of extract time, "
        f"{ledger_fractions['request_fraction']:.1%} of requests"
    )
    figure.details = {
        "mutations": mutations,
        "ledger": ledger_fractions,
        "account": _fraction(account, loads.account),
    }
    return figure


def _fraction(incremental_run: dict[str, Any], full_run: dict[str, Any]) -> dict[str, Any]:
    extract_full = full_run["step_seconds"]["extract"]
    extract_incremental = incremental_run["step_seconds"]["extract"]
    return {
        "full_wall_seconds": round(full_run["wall_seconds"], 2),
        "incremental_wall_seconds": round(incremental_run["wall_seconds"], 2),
        "time_fraction": round(incremental_run["wall_seconds"] / full_run["wall_seconds"], 4),
        "full_requests": full_run["requests"],
        "incremental_requests": incremental_run["requests"],
        "request_fraction": round(incremental_run["requests"] / full_run["requests"], 4),
        "extract_time_fraction": round(extract_incremental / extract_full, 4),
        "full_step_seconds": _rounded(full_run["step_seconds"]),
        "incremental_step_seconds": _rounded(incremental_run["step_seconds"]),
        "incremental_rows": incremental_run["rows"],
    }
