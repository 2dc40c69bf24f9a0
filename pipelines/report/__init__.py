"""`piggy-elt report`: the marts as one static HTML page of charts.

`queries` asks the warehouse for small aggregates, `charts` and `action_charts` turn them into
Plotly figures, `page` writes them with the library into one self-contained file.
"""

from datetime import date, datetime, timedelta
from pathlib import Path

import dlt
import plotly.graph_objects as go

from pipelines.errors import CliError
from pipelines.report import action_charts, charts, queries
from pipelines.report.page import render_page

REPORT_FILE = "report.html"


def build_report(pipeline: dlt.Pipeline, out_dir: Path, as_of: date | None, now: datetime) -> Path:
    """Write `report.html` under `out_dir` from the pipeline's marts; returns its path.

    The as-of day is the one the marts were built for: every figure in them (trend labels,
    expiring points, segments) belongs to that day, so asking for another day is refused rather
    than showing a page whose title and numbers disagree.
    """
    with queries.reader(pipeline) as read:
        built = queries.built_as_of(read)
        if as_of is not None and as_of != built:
            raise CliError(
                f"the marts were built for {built}, not {as_of}: run "
                f"`piggy-elt transform --as-of {as_of}` first, or leave out --as-of"
            )
        figures = all_figures(read, built, now)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / REPORT_FILE
    source = f"pipeline {pipeline.pipeline_name!r}, dataset {queries.ANALYTICS_DATASET!r}"
    path.write_text(render_page(figures, built, now, source), encoding="utf-8")
    return path


def all_figures(read: queries.Reader, as_of: date, now: datetime) -> dict[str, go.Figure]:
    """Every chart of the report, in page order, keyed by a stable name."""
    runs = queries.export_runs(read, (now - timedelta(days=queries.EXPORT_DAYS)).date())
    return {
        "redemption_trends": charts.redemption_trends(
            queries.redemption_trends(read, as_of), as_of
        ),
        "cohort_retention": charts.cohort_heatmap(queries.cohort_retention(read, as_of), as_of),
        "points_liability": charts.points_liability(queries.points_liability(read, as_of), as_of),
        "ltv_by_decile": charts.ltv(queries.ltv(read, "ltv_decile"), as_of, "decile"),
        "ltv_by_cohort": charts.ltv(queries.ltv(read, "cohort_month"), as_of, "cohort"),
        "segments": action_charts.segments_now(queries.segment_sizes(read), runs, as_of),
        "segment_history": action_charts.segment_history(runs, as_of),
        "cashback": action_charts.cashback(
            queries.payout_decisions(read), queries.payouts_paid(read), as_of
        ),
        "freshness": action_charts.freshness(queries.freshness(read), as_of, now),
        "reconciliation": action_charts.reconciliation(queries.reconciliation(read), as_of),
    }
