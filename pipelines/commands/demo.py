"""`piggy-elt demo`: the whole job on the embedded default, against a local sandbox account.

The demo drives the same commands a user runs (`sandbox serve`, `run`, `transform`, `export`,
`report`) as subprocesses, so what it shows is exactly what the CLI does. Everything lands in its
own folder (`demo/` by default), dlt's pipeline state and dbt's artifacts and logs included, under
its own pipeline name: a demo never touches the state, cursors or warehouse of a real `piggy`
pipeline, and a new demo folder never inherits the cursors of an old one. The marts are built for
the sandbox's day, not the machine's: the seeded account stops at the sandbox clock, and "today"
weeks later would show every trend falling and every segment emptying.
"""

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console

from pipelines.errors import CliError

DEMO_PIPELINE = "piggy_demo"
DLT_STATE_FOLDER = ".dlt-data"
DBT_FOLDER = "dbt-target"
SANDBOX_TOKEN = "sandbox-token"
console = Console()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cli_command(*arguments: str) -> list[str]:
    """The `piggy-elt` of this interpreter, so the demo never runs another installation."""
    return [sys.executable, "-m", "pipelines", *arguments]


def write_demo_config(folder: Path, base_url: str) -> None:
    """Point the demo folder's dlt config at the sandbox; the sandbox token is no real secret.

    The folder is a dlt workspace (`.dlt/.workspace`) whose working dir is `.dlt-data`, so any
    `piggy-elt` command run in it later (`status`, `report`...) finds the demo's pipeline state
    without an environment variable. No DuckDB path is set: dlt names the file after the
    pipeline, `piggy_demo.duckdb`, in the folder itself (the workspace's local dir).
    """
    settings = folder / ".dlt"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / ".workspace").touch()
    (settings / "config.toml").write_text(
        '[runtime]\nlog_level = "WARNING"\ndlthub_telemetry = false\n\n'
        f'[workspace.settings]\nworking_dir = "{DLT_STATE_FOLDER}"\nlocal_dir = "."\n\n'
        f'[sources.piggy]\nbase_url = "{base_url}"\n\n'
        "[normalize.parquet_normalizer]\nadd_dlt_id = true\n\n"
        '[exports]\noutput_dir = "exports"\n'
    )
    (settings / "secrets.toml").write_text(f'[sources.piggy]\napi_key = "{SANDBOX_TOKEN}"\n')


def wait_until_serving(base_url: str, server: subprocess.Popen, timeout: float = 300.0) -> None:
    """Generation of a large account takes a while; poll until the API answers."""
    deadline = time.monotonic() + timeout
    url = f"{base_url}/api/v3/oauth/clients/tiers"
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "Accept": "application/json"}
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CliError(f"the sandbox exited with code {server.returncode} before serving")
        try:
            if httpx.get(url, headers=headers, timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise CliError(f"the sandbox did not answer within {timeout:.0f}s at {base_url}")


def sandbox_day(base_url: str) -> str:
    """The sandbox clock's day (UTC): the as-of day its seeded account was generated for."""
    response = httpx.get(f"{base_url}/_sandbox/status", timeout=10.0)
    response.raise_for_status()
    return response.json()["data"]["now"][:10]


def demo_environment(folder: Path) -> dict[str, str]:
    """dlt keeps pipeline state under DLT_DATA_DIR; inside the demo folder it lives and dies with
    the demo's warehouse. Set outright, as the workspace config does, so a DLT_DATA_DIR left in
    the user's shell cannot send the demo's state elsewhere."""
    return {**os.environ, "DLT_DATA_DIR": str((folder / DLT_STATE_FOLDER).resolve())}


def step(title: str, folder: Path, *arguments: str) -> None:
    """Run one CLI command in the demo folder, its progress shown live; stop the demo on failure."""
    console.rule(f"[bold]{title}")
    started = time.monotonic()
    finished = subprocess.run(
        cli_command(*arguments), cwd=folder, env=demo_environment(folder), check=False
    )
    if finished.returncode != 0:
        raise CliError(f"demo step '{title}' failed (exit {finished.returncode}); see above")
    console.print(f"[green]{title}: done in {time.monotonic() - started:.1f}s")


def summary_lines(folder: Path, as_of: str) -> list[str]:
    """Plain lines, no box and no wrapping, so every path and command can be copied as is."""
    here = folder.resolve()
    cli = shlex.quote(str(Path(sys.executable).parent / "piggy-elt"))
    return [
        f"piggy-elt demo: where to look (as of {as_of}, the sandbox's day)",
        f"Report:    {here / 'report.html'}",
        f"Warehouse: {here / (DEMO_PIPELINE + '.duckdb')}",
        "           raw tables in schema piggy_raw, models and segments in piggy_analytics",
        f"Exports:   {here / 'exports'}/<segment>/ (CSV, Parquet, manifest.json)",
        f"dbt:       {here / DBT_FOLDER} (compiled SQL, run results, logs)",
        "Next, in the demo folder:",
        f"cd {shlex.quote(str(here))}",
        f"{cli} status --pipeline-name {DEMO_PIPELINE}",
        f"{cli} export --pipeline-name {DEMO_PIPELINE} --full",
        f"{cli} report --pipeline-name {DEMO_PIPELINE} --out .",
    ]


def demo(
    scale: int = typer.Option(1000, min=10, help="Contacts in the sandbox account."),
    seed: int = typer.Option(7, help="Seed of the sandbox account."),
    folder: Annotated[Path, typer.Option("--dir", help="Where the demo writes everything.")] = Path(
        "demo"
    ),
    fresh: bool = typer.Option(False, help="Delete the demo folder first (a full load again)."),
) -> None:
    """Serve a sandbox account, load it into DuckDB, build the marts, export, write the report."""
    if fresh and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    write_demo_config(folder, base_url)
    server = subprocess.Popen(
        cli_command(
            "sandbox",
            "serve",
            "--port",
            str(port),
            "--scale",
            str(scale),
            "--seed",
            str(seed),
            "--data-dir",
            ".sandbox",
        ),
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    try:
        console.rule(f"[bold]sandbox: {scale} contacts, seed {seed}")
        wait_until_serving(base_url, server)
        console.print(f"sandbox serving at {base_url}")
        as_of = sandbox_day(base_url)
        build(folder, as_of)
    finally:
        server.terminate()
        server.wait(timeout=30)
    for line in summary_lines(folder, as_of):
        typer.echo(line)


def build(folder: Path, as_of: str) -> None:
    """Load, model for the sandbox's day, export and report: the demo's steps after serving."""
    target = str((folder / DBT_FOLDER).resolve())
    step("load (piggy-elt run)", folder, "run", "--pipeline-name", DEMO_PIPELINE)
    step(
        f"model for {as_of} (piggy-elt transform)",
        folder,
        *("transform", "--pipeline-name", DEMO_PIPELINE, "--as-of", as_of),
        *("--target-path", target),
    )
    step("export (piggy-elt export)", folder, "export", "--pipeline-name", DEMO_PIPELINE)
    step(
        "report (piggy-elt report)",
        folder,
        "report",
        "--pipeline-name",
        DEMO_PIPELINE,
        "--out",
        ".",
    )


def register(app: typer.Typer) -> None:
    """Add `demo` to the CLI."""
    app.command("demo")(demo)
