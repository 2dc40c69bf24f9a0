"""Open a page from a file in Debian's headless Chromium (driven by Playwright) and say what it did.

Playwright's own browser download cannot run here, so it drives `/usr/bin/chromium`, which
`make browser` installs. The flags keep Chromium from calling home, so any request the page log
shows came from the page itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Per chart: how many drawn SVG/canvas elements its container holds, and how many marks
# (bars, line paths, heatmap images, points) Plotly drew in them.
CHART_PROBE = """() => Array.from(document.querySelectorAll('[data-chart]')).map(chart => ({
  name: chart.dataset.chart,
  surfaces: chart.querySelectorAll('svg.main-svg, canvas').length,
  marks: chart.querySelectorAll('g.point path, path.point, path.js-line, g.hm image').length,
  title: (chart.querySelector('.gtitle') || {}).textContent || '',
  axes: Array.from(chart.querySelectorAll('.xtitle, .ytitle')).map(t => t.textContent),
  note: Array.from(chart.querySelectorAll('.annotation-text')).map(t => t.textContent).join(' '),
}))"""


@dataclass
class PageVisit:
    """What a page did while it loaded and drew."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    render_seconds: float = 0.0


def visit(page_path: Path, screenshot: Path, profile_dir: Path) -> PageVisit:
    """Load `page_path` from file://, wait until every chart drew, screenshot the whole page."""
    seen = PageVisit()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            page = browser.new_page()
            page.on("request", lambda request: seen.requests.append(request.url))
            page.on("console", lambda message: _keep_errors(message, seen))
            page.on("pageerror", lambda error: seen.console_errors.append(str(error)))
            page.goto(page_path.resolve().as_uri())
            page.wait_for_selector("body[data-rendered=true]", timeout=60_000)
            # from navigation start to every chart drawn, as the page's own clock measures it
            seen.render_seconds = page.evaluate("performance.now()") / 1000
            seen.charts = page.evaluate(CHART_PROBE)
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return seen


def _keep_errors(message, seen: PageVisit) -> None:
    if message.type == "error":
        seen.console_errors.append(message.text)
