"""`python -m bench [--quick]`: the six figures, printed and written to bench/results/."""

from pathlib import Path
from typing import Annotated

import typer

from bench.profiles import FULL, QUICK
from bench.run import DEFAULT_OUTPUT, run_benchmarks

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def main(
    quick: Annotated[
        bool,
        typer.Option(
            "--quick", help="Small accounts: the whole run in under 3 minutes on 2 cores."
        ),
    ] = False,
    output: Annotated[Path, typer.Option(help="Where to write the JSON.")] = DEFAULT_OUTPUT,
    work_dir: Annotated[
        Path | None,
        typer.Option(help="Keep the DuckDB files, dlt state and step logs in this folder."),
    ] = None,
) -> None:
    """Benchmark piggy-elt against the local sandbox: budget, speed-up, CPU, memory, dbt."""
    run_benchmarks(QUICK if quick else FULL, output, work_dir=work_dir)


if __name__ == "__main__":
    app()
