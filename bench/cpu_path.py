"""`python -m bench.cpu_path [--scale N]`: figure 3 alone, on an account of at least 500k rows.

The quick profile's figure 3 reads about 10,000 ledger rows, where dlt's fixed cost per run
outweighs the work per row; this runs the same comparison (a full ledger load against the same
pages only fetched and decoded, one after the other on one sandbox with no latency and no budget)
on an account large enough for the per-row cost to show: 52,000 contacts serve about 503,000
ledger rows.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bench.local_figures import cpu_path
from bench.report import build_document, print_table, write_document
from bench.sandbox import SandboxSettings
from bench.workspace import PROJECT_ROOT, SANDBOX_DATA, Workspace

DEFAULT_SCALE = 52_000
OUTPUT = PROJECT_ROOT / "bench" / "results" / "cpu_path.json"

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def main(
    scale: Annotated[int, typer.Option(help="Contacts in the account.")] = DEFAULT_SCALE,
    seed: Annotated[int, typer.Option(help="The account's seed.")] = 7,
    output: Annotated[Path, typer.Option(help="Where to write the JSON.")] = OUTPUT,
) -> None:
    """Ledger rows/s loaded against fetched-and-decoded only, on one account."""
    console = Console(width=120)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="piggy-cpu-") as folder:
        ws = Workspace(Path(folder), 3600.0, console, SANDBOX_DATA)
        settings = SandboxSettings(scale, seed)
        with ws.sandbox(f"local-{scale}", settings) as sandbox:
            figure = cpu_path(ws, sandbox)
    document = build_document(
        [figure], {"sandbox": settings.as_dict()}, PROJECT_ROOT, time.perf_counter() - started
    )
    write_document(document, output)
    print_table([figure], console)
    console.print(f"written to {output} in {document['wall_seconds']:.0f} s")


if __name__ == "__main__":
    app()
