"""dbt's docs site for the warehouse a pipeline loaded: models, columns, lineage, exposures.

`dbt docs generate --static` (dbt 1.7+) writes one self-contained `static_index.html` with the
manifest and the warehouse's catalog inlined, so the site opens from a file with no server. It is
copied out of dbt's target folder as `index.html` in the folder asked for.
"""

import shutil
from pathlib import Path
from typing import Any

from pipelines.dbt_connection import project_paths
from pipelines.dbt_runs import invoke, one_line, pipeline_warehouse
from pipelines.errors import CliError
from pipelines.warehouse import attach_pipeline

DEFAULT_OUT = Path("dbt-docs")
SITE_FILE = "index.html"
STATIC_FILE = "static_index.html"


def build_docs_site(
    pipeline_name: str = "piggy",
    out_dir: Path | None = None,
    target_path: Path | None = None,
    variables: dict[str, Any] | None = None,
) -> Path:
    """Build the static docs site for `pipeline_name`'s warehouse; returns the HTML file's path.

    `target_path` is where dbt keeps its artifacts (default `dbt_project/target`, as for
    `transform`, whose partial parse it reuses when `variables` are the build's: other vars make
    dbt parse the whole project again). Run after `transform`: the catalog describes the tables
    as built.
    """
    pipeline = attach_pipeline(pipeline_name)
    paths = project_paths(target_path)
    with pipeline_warehouse(pipeline):
        result = invoke(["docs", "generate"], paths, ("--static",), variables)
    built = paths["target"] / STATIC_FILE
    if not result.success or not built.is_file():
        reason = one_line(result.exception) or f"see {paths['logs']}/dbt.log"
        raise CliError(f"dbt docs generate failed: {reason}")
    folder = out_dir or DEFAULT_OUT
    folder.mkdir(parents=True, exist_ok=True)
    site = folder / SITE_FILE
    shutil.copyfile(built, site)
    return site.resolve()
