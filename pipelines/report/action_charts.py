"""Figures of what the product did and how sound its data is: segments and exports, cashback
payouts, freshness and reconciliation. Same conventions as `charts`: title, as-of day, units, and
a note instead of a blank when a table is missing or empty.
"""

from collections import defaultdict
from datetime import date, datetime

import plotly.graph_objects as go

from pipelines.report.charts import frame, iso, money
from pipelines.report.queries import Table
from pipelines.times import as_utc

STALE_AFTER_HOURS = 26.0
STATUS_COLORS = {"fresh": "#1a7f37", "stale": "#cf222e", "never loaded": "#8c959f"}


def segments_now(sizes: Table, runs: Table, as_of: date) -> go.Figure:
    """Members per segment now, beside what the last export of each segment sent."""
    note = sizes.note or ("" if sizes.rows else "no segments built yet")
    figure = frame(
        "Segment members now and the last export's changes", as_of, "segment", "members", note
    )
    names = [row["segment"] for row in sizes.rows]
    figure.add_bar(x=names, y=[row["members"] for row in sizes.rows], name="members now")
    last = {row["segment"]: row for row in runs.rows}
    for column, label in (("entered", "entered"), ("changed", "changed"), ("members_left", "left")):
        figure.add_bar(
            x=names,
            y=[(last.get(n) or {}).get(column, 0) for n in names],
            name=f"last export: {label}",
        )
    if not runs.rows:
        figure.add_annotation(
            text=runs.note or "no export in the last 90 days",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.99,
            y=1.0,
            xanchor="right",
        )
    return figure


def segment_history(runs: Table, as_of: date) -> go.Figure:
    """Members of each segment at each export: how segments grew or shrank over time."""
    note = runs.note or (
        "" if runs.rows else "no export in the last 90 days: run `piggy-elt export`"
    )
    figure = frame(
        "Segment sizes at each export (last 90 days)", as_of, "export time (UTC)", "members", note
    )
    by_segment = defaultdict(list)
    for row in runs.rows:
        by_segment[row["segment"]].append(row)
    for segment, rows in sorted(by_segment.items()):
        figure.add_scatter(
            x=[iso(r["exported_at"]) for r in rows],
            y=[r["members"] for r in rows],
            name=segment,
            mode="lines+markers",
        )
    return figure


def cashback(decisions: Table, ledger: Table, as_of: date) -> go.Figure:
    """Cashback requested, approved by the rules, and paid into wallets, in major units."""
    notes = [table.note for table in (decisions, ledger) if table.note]
    if not decisions.rows and not decisions.note:
        notes.insert(0, "no cashback requests loaded")
    figure = frame(
        "Cashback requested, approved and paid",
        as_of,
        "stage",
        "amount (account currency)",
        "; ".join(notes),
    )
    requested = sum(int(r["amount_cents"] or 0) for r in decisions.rows)
    approved = sum(
        int(r["amount_cents"] or 0) for r in decisions.rows if r["decision"] == "approve"
    )
    paid = sum(int(r["amount_cents"] or 0) for r in ledger.rows if r["status"] == "paid")
    counts = (
        sum(int(r["requests"]) for r in decisions.rows),
        sum(int(r["requests"]) for r in decisions.rows if r["decision"] == "approve"),
        sum(int(r["requests"]) for r in ledger.rows if r["status"] == "paid"),
    )
    figure.add_bar(
        x=["requested", "approved", "paid"],
        y=[money(requested), money(approved), money(paid)],
        text=[f"{n} requests" for n in counts],
        name="cashback",
    )
    return figure


def freshness(table: Table, as_of: date, now: datetime) -> go.Figure:
    """Rows per raw resource, coloured by how long ago it was last loaded (fresh or stale)."""
    note = table.note or ("" if table.rows else "nothing loaded yet")
    figure = frame(
        f"Freshness per resource (stale {STALE_AFTER_HOURS:.0f} h after its last load)",
        as_of,
        "resource",
        "rows (log scale)",
        note,
    )
    for status, color in STATUS_COLORS.items():
        rows = [r for r in table.rows if freshness_status(r["last_loaded_at"], now) == status]
        figure.add_bar(
            x=[r["resource_name"] for r in rows],
            y=[max(int(r["row_count"]), 1) for r in rows],
            hovertext=[
                f"{r['row_count']} rows, loaded {hours_since(r['last_loaded_at'], now)} h"
                f" before {now:%Y-%m-%d %H:%M} UTC"
                for r in rows
            ],
            name=status,
            marker_color=color,
        )
    figure.update_xaxes(type="category", categoryorder="category ascending", tickangle=-45)
    figure.update_layout(height=480, margin={"b": 60}, legend={"y": -0.45})
    figure.update_yaxes(type="log")
    return figure


def reconciliation(table: Table, as_of: date) -> go.Figure:
    """Contacts whose points balance equals the sum of their ledger, and those that drift."""
    row = table.rows[0] if table.rows else {}
    contacts, drifted = int(row.get("contacts") or 0), int(row.get("drifted") or 0)
    note = table.note or ("" if contacts else "no current contacts")
    figure = frame(
        "Points balance reconciliation (API balance vs ledger)", as_of, "status", "contacts", note
    )
    figure.add_bar(
        x=["reconciled", "drifted"],
        y=[contacts - drifted, drifted],
        marker_color=["#1a7f37", "#cf222e"],
        name="contacts",
        text=[f"{contacts - drifted}", f"{drifted} ({int(row.get('drift_points') or 0)} points)"],
    )
    return figure


def hours_since(moment: datetime | None, now: datetime) -> float:
    return 0.0 if moment is None else round((now - as_utc(moment)).total_seconds() / 3600, 1)


def freshness_status(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "never loaded"
    return "fresh" if hours_since(moment, now) <= STALE_AFTER_HOURS else "stale"
