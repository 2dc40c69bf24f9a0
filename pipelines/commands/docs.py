"""`piggy-elt docs`: dbt's static docs site for the warehouse the pipeline loaded."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipelines.commands.transform import dbt_variables
from pipelines.dbt_docs import DEFAULT_OUT, build_docs_site


def docs(
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write the site (index.html) into.")
    ] = DEFAULT_OUT,
    pipeline_name: str = typer.Option("piggy", "--pipeline-name", help="dlt pipeline name."),
    target_path: str = typer.Option(
        None,
        "--target-path",
        help=(
            "Where dbt writes its artifacts. Default: $DBT_TARGET_PATH, else dbt_project/target,"
            " as for transform."
        ),
    ),
    as_of: str = typer.Option(
        None,
        "--as-of",
        help="The day (YYYY-MM-DD) the models were built for, as given to transform: the same "
        "vars let dbt reuse the build's parse.",
    ),
) -> None:
    """Write dbt's docs site (models, columns, lineage, exposures) as one HTML file; run after
    `piggy-elt transform`."""
    target = Path(target_path) if target_path else None
    site = build_docs_site(pipeline_name, out, target, dbt_variables(as_of))
    Console(stderr=True).print("open it in a browser; no server needed")
    typer.echo(f"dbt docs: {site}")


def register(app: typer.Typer) -> None:
    """Add `docs` to the CLI."""
    app.command("docs")(docs)
