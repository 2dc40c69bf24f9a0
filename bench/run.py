"""One benchmark run: three sandboxes, the six figures, one JSON document and one table.

The network figures (1, 2, 5) share the sandbox that imposes production's latency and budget; the
local figures (3, 4) use sandboxes with neither; figure 6 builds the dbt project on the account
loaded for figures 1 and 5. A figure that fails is reported with its reason and the others still
run, so one broken piece never hides what the rest measured.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from bench import (
    local_figures,
    network_figures,
    rest_api_baseline,
    scale_figures,
    webhook_figures,
)
from bench.fetch_only import configured_concurrency
from bench.process import StepResult
from bench.profiles import BenchProfile
from bench.report import FIGURES, Figure, build_document, print_table, write_document
from bench.sandbox import SandboxSettings
from bench.workspace import PROJECT_ROOT, SANDBOX_DATA, Workspace

DEFAULT_OUTPUT = PROJECT_ROOT / "bench" / "results" / "latest.json"
FIGURES[webhook_figures.KEY] = webhook_figures.TITLE_TARGET
"""Figure 7, the webhook receiver's latency, joins the table and the JSON after the other six."""
FIGURES.update(scale_figures.TITLES)
"""Figures 8 to 10, the large account of the full profile, come last."""


def error_message(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


def guarded(key: str, measure: Callable[[], Figure]) -> Figure:
    """Measure one figure; an error becomes that figure's reported reason, not the run's end."""
    try:
        return measure()
    except Exception as exc:  # noqa: BLE001 - every failure is reported in the figure it spoils
        return Figure(key, error=error_message(exc))


def phase(keys: tuple[str, ...], measure: Callable[[], list[Figure]]) -> dict[str, Figure]:
    """Run a group of figures sharing a sandbox; if the sandbox fails, each of them says so."""
    try:
        return {figure.key: figure for figure in measure()}
    except Exception as exc:  # noqa: BLE001 - a sandbox that would not start spoils its phase
        return {key: Figure(key, error=error_message(exc)) for key in keys}


def sandbox_settings(profile: BenchProfile) -> dict[str, SandboxSettings]:
    network = SandboxSettings(
        profile.budget_scale,
        profile.seed,
        profile.latency_ms,
        profile.budget_per_minute,
        profile.budget_window_seconds,
    )
    local = {
        f"local-{scale}": SandboxSettings(scale, profile.seed) for scale in profile.memory_scales
    }
    return {"network": network, **local}


def network_phase(ws: Workspace, profile: BenchProfile, settings: SandboxSettings) -> list[Figure]:
    loads = network_figures.FullLoads()
    with ws.sandbox("network", settings) as sandbox:
        figures = [
            guarded(
                "budget_saturation",
                lambda: network_figures.budget_saturation(ws, sandbox, profile, loads),
            ),
            guarded("versus_rest_api", lambda: network_figures.versus_rest_api(ws, sandbox)),
        ]
        try:
            network_figures.full_ledger(ws, sandbox, loads)
        except Exception as exc:  # noqa: BLE001 - reported as the reason figure 5 is missing
            return [*figures, Figure("incremental", error=error_message(exc))]
        figures.append(
            guarded("incremental", lambda: network_figures.incremental(ws, sandbox, profile, loads))
        )
    return figures


def local_phase(
    ws: Workspace, profile: BenchProfile, settings: dict[str, SandboxSettings]
) -> list[Figure]:
    loads: dict[int, StepResult] = {}
    failures: list[Exception] = []
    cpu = Figure("cpu_path", error="not reached")
    for scale in profile.memory_scales:
        with ws.sandbox(f"local-{scale}", settings[f"local-{scale}"]) as sandbox:
            try:
                loads[scale] = local_figures.memory_load(ws, sandbox, scale)
            except Exception as exc:  # noqa: BLE001 - reported in the memory figure
                failures.append(exc)
            if scale == profile.cpu_scale:
                cpu = guarded("cpu_path", lambda: local_figures.cpu_path(ws, sandbox))
    if failures:
        return [cpu, Figure("memory", error=error_message(failures[0]))]
    return [cpu, guarded("memory", lambda: local_figures.memory(loads))]


def webhook_phase(ws: Workspace, profile: BenchProfile, settings: SandboxSettings) -> list[Figure]:
    """Figure 7 on its own sandbox with the network figures' latency and budget."""
    with ws.sandbox("webhooks", settings) as sandbox:
        return [
            guarded(
                webhook_figures.KEY,
                lambda: webhook_figures.webhook_latency(ws.root, sandbox, profile.name),
            )
        ]


def measure_all(ws: Workspace, profile: BenchProfile) -> list[Figure]:
    settings = sandbox_settings(profile)
    figures = phase(
        ("budget_saturation", "versus_rest_api", "incremental"),
        lambda: network_phase(ws, profile, settings["network"]),
    )
    figures.update(phase(("cpu_path", "memory"), lambda: local_phase(ws, profile, settings)))
    account = ws.duckdb("account")
    figures["dbt_build"] = guarded("dbt_build", lambda: local_figures.dbt_build(ws, account))
    figures.update(
        phase((webhook_figures.KEY,), lambda: webhook_phase(ws, profile, settings["network"]))
    )
    figures.update(large_account_phase(ws, profile))
    return [figures[key] for key in FIGURES]


def large_account_phase(ws: Workspace, profile: BenchProfile) -> dict[str, Figure]:
    """Figures 8 to 10 on the profile's large account; a profile without one says so."""
    keys = tuple(scale_figures.TITLES)
    if profile.scale_account is None:
        return {key: Figure(key, headline="full profile only (make bench-full)") for key in keys}
    return phase(keys, lambda: scale_figures.scale_phase(ws, profile, guarded))


def _default_console() -> Console:
    """A terminal's own width; 120 columns when piped (`make bench | tee`), so rows do not wrap."""
    console = Console()
    return console if console.is_terminal else Console(width=120)


def run_benchmarks(
    profile: BenchProfile,
    output: Path = DEFAULT_OUTPUT,
    console: Console | None = None,
    work_dir: Path | None = None,
    sandbox_data: Path = SANDBOX_DATA,
) -> dict[str, Any]:
    """Measure every figure for `profile`, write the JSON document to `output`, print the table.

    Warehouses, dlt state and step logs go to a temporary folder, or to `work_dir` when given,
    which is then kept for inspection; generated sandbox accounts are cached in `sandbox_data`.
    """
    console = console or _default_console()
    started = time.perf_counter()
    console.print(f"[bold]piggy-elt benchmarks[/] ({profile.name} profile)")
    with tempfile.TemporaryDirectory(prefix="piggy-bench-") as folder:
        root = work_dir or Path(folder)
        ws = Workspace(root, profile.step_timeout_seconds, console, sandbox_data)
        figures = measure_all(ws, profile)
    settings: dict[str, Any] = {
        "profile": profile.as_dict(),
        "sandboxes": {name: item.as_dict() for name, item in sandbox_settings(profile).items()},
        "source": {"concurrency_per_listing": configured_concurrency()},
        "rest_api": rest_api_baseline.SETTINGS,
    }
    document = build_document(figures, settings, PROJECT_ROOT, time.perf_counter() - started)
    write_document(document, output)
    print_table(figures, console)
    console.print(f"written to {output} in {document['wall_seconds']:.0f} s")
    return document
