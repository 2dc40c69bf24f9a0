"""Rebuild the payout decisions with dbt, on the warehouse the loading pipeline writes to.

The connection comes the way `piggy-elt transform` sets it (from the loading pipeline's dlt
config), so the decisions are built where the marts they read live.
"""

from pathlib import Path

import dlt

from pipelines.dbt_connection import (
    dbt_arguments,
    environment,
    node_results,
    project_paths,
    warehouse_settings,
)
from pipelines.payouts.errors import PayoutError

REVIEW_MODELS = "stg_actions__cashback_requests mart_payout_review"


def build_review_mart(
    loading_pipeline: str, dbt_vars: dict | None = None, target_path: Path | None = None
) -> None:
    """`dbt build` of the payout models, their unit and data tests included.

    dbt is imported here, not at module level: it takes seconds to import, and every `piggy-elt`
    call would pay for it.
    """
    from dbt.cli.main import dbtRunner

    loaded = dlt.attach(pipeline_name=loading_pipeline)
    target = loaded.destination.destination_type.rsplit(".", 1)[-1]
    paths = project_paths(target_path)
    with environment(warehouse_settings(loaded, target)):
        result = dbtRunner().invoke(dbt_arguments("build", paths, REVIEW_MODELS, dbt_vars or {}))
    failed = [r for r in node_results(result) if str(r.status) in ("error", "fail")]
    if result.exception is not None or failed:
        detail = str(result.exception).strip().split("\n")[0] if result.exception else ""
        detail = detail or failed[0].node.name
        raise PayoutError(
            f"dbt could not build mart_payout_review ({detail}): run `piggy-elt transform` "
            f"first so dim_contacts exists; details in {paths['logs']}/dbt.log"
        )
