"""Plotly figures from the report's aggregates: one function per chart, each titled with its units.

Every figure carries the as-of day in its title, names its axes with their units, and, when its
table is empty or missing, still draws its frame with a note saying why, so a reader never
mistakes a missing chart for a rendering failure.
"""

from collections import defaultdict
from datetime import date, datetime
from typing import Any

import plotly.graph_objects as go

from pipelines.report.queries import Table

MAX_REWARDS = 8
COHORTS_SHOWN = 24
TREND_MARKERS = {
    "rising": {"symbol": "triangle-up", "color": "#1a7f37"},
    "falling": {"symbol": "triangle-down", "color": "#cf222e"},
}


def frame(title: str, as_of: date, x_title: str, y_title: str, note: str = "") -> go.Figure:
    """An empty figure with the title, the as-of day, both axis titles and an optional note."""
    figure = go.Figure()
    figure.update_layout(
        title={"text": f"{title}<br><sup>as of {as_of.isoformat()}</sup>", "x": 0.01},
        xaxis_title=x_title,
        yaxis_title=y_title,
        margin={"l": 80, "r": 20, "t": 80, "b": 40},
        height=420,
        template="plotly_white",
        legend={"orientation": "h", "yanchor": "top", "y": -0.3},
    )
    if note:
        figure.add_annotation(
            text=note,
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            font={"size": 14, "color": "#57606a"},
        )
    return figure


def redemption_trends(table: Table, as_of: date) -> go.Figure:
    """Weekly redemptions of the most redeemed rewards; weeks labelled rising/falling marked."""
    by_reward: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in table.rows:
        by_reward[row["reward_title"] or "(untitled)"].append(row)
    top = sorted(by_reward, key=lambda name: -sum(r["redemptions"] for r in by_reward[name]))
    note = table.note or ("" if by_reward else "no reward redemptions in these weeks")
    figure = frame(
        "Redemptions per reward, weekly (▲ rising, ▼ falling)",
        as_of,
        "week starting (Monday, UTC)",
        "redemptions per week",
        note,
    )
    for name in top[:MAX_REWARDS]:
        rows = by_reward[name]
        figure.add_scatter(
            x=[iso(r["week_start"]) for r in rows],
            y=[r["redemptions"] for r in rows],
            name=name,
            mode="lines",
        )
    for label, marker in TREND_MARKERS.items():
        marked = [
            r for name in top[:MAX_REWARDS] for r in by_reward[name] if r["trend_label"] == label
        ]
        figure.add_scatter(
            x=[iso(r["week_start"]) for r in marked],
            y=[r["redemptions"] for r in marked],
            name=label,
            mode="markers",
            marker={**marker, "size": 10},
            text=[r["reward_title"] for r in marked],
        )
    return figure


def cohort_heatmap(table: Table, as_of: date) -> go.Figure:
    """Share of each monthly cohort active n months after its first activity."""
    note = table.note or ("" if table.rows else "no activity yet")
    figure = frame(
        "Cohort retention (share of cohort active)",
        as_of,
        "months since first activity",
        "cohort (month of first activity)",
        note,
    )
    if table.rows:
        cohorts = sorted({iso(r["cohort_month"])[:7] for r in table.rows})
        months = sorted({r["months_since_first_activity"] for r in table.rows})
        cells = {
            (iso(r["cohort_month"])[:7], r["months_since_first_activity"]): r["retention_rate"]
            for r in table.rows
        }
        z = [[percent(cells.get((c, m))) for m in months] for c in cohorts]
        figure.add_heatmap(
            x=months,
            y=cohorts,
            z=z,
            colorscale="Blues",
            zmin=0,
            zmax=100,
            colorbar={"title": {"text": "% active"}},
            hoverongaps=False,
        )
    return figure


def points_liability(table: Table, as_of: date) -> go.Figure:
    note = table.note or ("" if table.rows else "no points movements yet")
    figure = frame(
        "Points liability, breakage and points expiring soon", as_of, "day (UTC)", "points", note
    )
    series = (
        ("outstanding_points", "outstanding (after estimated expiry)"),
        ("breakage_points_cumulative", "breakage (expired, cumulative)"),
        ("points_expiring_next_14d", "expiring in 14 days"),
        ("points_expiring_next_30d", "expiring in 30 days"),
        ("points_expiring_next_90d", "expiring in 90 days"),
    )
    days = [iso(r["liability_date"]) for r in table.rows]
    for column, name in series:
        figure.add_scatter(x=days, y=[r[column] for r in table.rows], name=name, mode="lines")
    return figure


def ltv(table: Table, as_of: date, by: str) -> go.Figure:
    """Mean net value to date and mean 12-month projection per member, in major units."""
    label = "LTV decile (10 = highest net value)" if by == "decile" else "cohort (first activity)"
    note = table.note or ("" if table.rows else "no members yet")
    figure = frame(
        f"Customer value by {by}", as_of, label, "mean value per member (account currency)", note
    )
    rows = table.rows[-COHORTS_SHOWN:]
    groups = [str(r["grp"]) if by == "decile" else iso(r["grp"])[:7] for r in rows]
    for column, name in (
        ("net_value_cents", "net value to date"),
        ("projected_12m_value_cents", "projected next 12 months"),
    ):
        figure.add_bar(x=groups, y=[money(r[column]) for r in rows], name=name)
    figure.update_xaxes(type="category", tickangle=0 if by == "decile" else -45)
    return figure


def iso(value: Any) -> str:
    """Dates and times as ISO text: JSON has no date type, and Plotly reads ISO text as dates."""
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def percent(value: Any) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def money(cents: Any) -> float:
    """Minor units to major units, rounded to cents."""
    return round(float(cents or 0) / 100, 2)
