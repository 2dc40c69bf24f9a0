"""`piggy-elt report` from a real warehouse, opened from file:// in headless Chromium."""

from __future__ import annotations

import json
import re

from browser import visit
from plotly.offline import get_plotlyjs

CHARTS = {
    "redemption_trends",
    "cohort_retention",
    "points_liability",
    "ltv_by_decile",
    "ltv_by_cohort",
    "segments",
    "segment_history",
    "cashback",
    "freshness",
    "reconciliation",
}
# Everything in the page but the library: figures, styles, markup. Bounded by rewards, weeks,
# months, deciles and resources, not by contacts.
MAX_DATA_BYTES = 100_000
# The longest series: a year of days of points liability; no series is per contact.
MAX_POINTS_PER_TRACE = 400
# Parsing 4.8 MB of Plotly and drawing ten charts takes about a second on one busy core.
MAX_RENDER_SECONDS = 10


def test_every_chart_renders_offline_with_title_units_and_as_of(built, tmp_path):
    done = built.cli("report", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    page = tmp_path / "out" / "report.html"
    assert str(page.resolve()) in done.stdout

    seen = visit(page, tmp_path / "report.png", tmp_path / "chromium-profile")

    assert seen.requests == [page.resolve().as_uri()], "the page fetched something"
    assert seen.console_errors == []
    assert 0 < seen.render_seconds < MAX_RENDER_SECONDS
    assert {chart["name"] for chart in seen.charts} == CHARTS
    for chart in seen.charts:
        assert chart["surfaces"] > 0 and chart["marks"] > 0, chart
        assert f"as of {built.as_of}" in chart["title"], chart
        assert len(chart["axes"]) == 2 and all(chart["axes"]), chart
    notes = {chart["name"]: chart["note"] for chart in seen.charts if chart["note"]}
    assert set(notes) == {"cashback"}, notes
    assert "no cashback requests loaded" in notes["cashback"]
    assert (tmp_path / "report.png").stat().st_size > 50_000


def test_the_page_inlines_the_library_and_only_aggregates(built, tmp_path):
    done = built.cli("report", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert get_plotlyjs() in html
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?https?:""", html)
    assert len(html.encode()) - len(get_plotlyjs().encode()) < MAX_DATA_BYTES
    payload = json.loads(re.search(r'id="figures">(.*?)</script>', html, re.S).group(1))
    assert set(payload["figures"]) == CHARTS
    assert "@" not in json.dumps(payload["figures"]), "a contact's email reached the page"
    for name, figure in payload["figures"].items():
        for trace in figure["data"]:
            points = len(trace.get("y") or trace.get("z") or [])
            assert points <= MAX_POINTS_PER_TRACE, (name, trace.get("name"), points)


def test_report_before_transform_says_to_run_transform(loaded, tmp_path):
    done = loaded.cli("report", "--out", str(tmp_path))
    assert done.returncode == 1
    assert "run `piggy-elt transform` first" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "report.html").exists()


def test_an_as_of_other_than_the_build_day_is_refused(built, tmp_path):
    done = built.cli("report", "--out", str(tmp_path), "--as-of", "2026-10-01")
    assert done.returncode == 1
    assert f"built for {built.as_of}, not 2026-10-01" in done.stderr
    assert not (tmp_path / "report.html").exists()

    same_day = built.cli("report", "--out", str(tmp_path), "--as-of", built.as_of)
    assert same_day.returncode == 0, same_day.stderr
