"""`piggy-elt demo`: the whole job on the embedded default, against a local sandbox account.

The demo drives the same commands a user runs (`sandbox serve`, `run`, `transform`, `payouts`,
`export`, `report`, `docs`) as subprocesses, so what it shows is exactly what the CLI does.
Everything lands in its own folder (`demo/` by default), dlt's pipeline state and dbt's artifacts
and logs included, under its own pipeline name (`pipelines/demo/folder.py`). The marts are built
for the sandbox's day, not the machine's: the seeded account stops at the sandbox clock, and
"today" weeks later would show every trend falling and every segment emptying. Cashback is paid
from the shipped sample request file, at most once however often the demo runs.
"""

import shutil
from pathlib import Path
from typing import Annotated

import typer

from pipelines.demo.closing import closing_lines
from pipelines.demo.folder import (
    DBT_FOLDER,
    DEMO_PIPELINE,
    DOCS_FOLDER,
    write_demo_config,
)
from pipelines.demo.payouts import Payouts, load_sample_requests, pay_sample_requests
from pipelines.demo.sandbox import (
    free_port,
    payouts_shop,
    sandbox_day,
    start_sandbox,
    wait_until_serving,
)
from pipelines.demo.steps import console, step


def demo(
    scale: int = typer.Option(1000, min=10, help="Contacts in the sandbox account."),
    seed: int = typer.Option(7, help="Seed of the sandbox account."),
    folder: Annotated[Path, typer.Option("--dir", help="Where the demo writes everything.")] = Path(
        "demo"
    ),
    fresh: bool = typer.Option(
        False, help="Delete the demo folder first: a new account, a full load again."
    ),
) -> None:
    """Serve a sandbox account, load it, build the marts, pay cashback, export, report, docs."""
    if fresh and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = start_sandbox(folder, port, scale, seed)
    try:
        console.rule(f"[bold]sandbox: {scale} contacts, seed {seed}")
        wait_until_serving(base_url, server)
        console.print(f"sandbox serving at {base_url}")
        write_demo_config(folder, base_url, payouts_shop(base_url))
        as_of = sandbox_day(base_url)
        payouts = build(folder, as_of)
    finally:
        server.terminate()
        server.wait(timeout=30)
    for line in closing_lines(folder, as_of, payouts):
        typer.echo(line)


def build(folder: Path, as_of: str) -> Payouts:
    """Load, model for the sandbox's day, pay, export, report and document: the steps after
    serving. Payouts come before the report, whose cashback chart shows what they paid."""
    target = (folder / DBT_FOLDER).resolve()
    pipeline = ("--pipeline-name", DEMO_PIPELINE)
    step("load (piggy-elt run)", folder, "run", *pipeline)
    load_sample_requests(folder)
    step(
        f"model for {as_of} (piggy-elt transform)",
        folder,
        *("transform", *pipeline, "--as-of", as_of, "--target-path", str(target)),
    )
    payouts = pay_sample_requests(folder)
    step("export (piggy-elt export)", folder, "export", *pipeline)
    step("report (piggy-elt report)", folder, "report", *pipeline, "--out", ".")
    step(
        "dbt docs (piggy-elt docs)",
        folder,
        *("docs", *pipeline, "--as-of", as_of, "--out", DOCS_FOLDER, "--target-path", str(target)),
    )
    return payouts


def register(app: typer.Typer) -> None:
    """Add `demo` to the CLI."""
    app.command("demo")(demo)
