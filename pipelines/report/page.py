"""One static HTML file: Plotly's script and every figure's data inlined, nothing fetched later.

The page must open from a file on a machine with no network (a laptop on a train, a mail
attachment), so the library is copied in from the installed `plotly` wheel rather than linked
from a CDN, and the figures are JSON in the page. Each chart is a `div` with `data-chart` naming
it, which the browser test uses to check that every chart drew.
"""

import html
import json
from datetime import date, datetime

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1280px; padding: 16px;
       color: #1f2328; }
header p { color: #57606a; margin: 4px 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); gap: 16px; }
.chart { border: 1px solid #d0d7de; border-radius: 6px; min-height: 420px; }
"""

RENDER = """
const payload = JSON.parse(document.getElementById("figures").textContent);
const config = {displaylogo: false, responsive: true, modeBarButtonsToRemove: ["toImage"]};
Promise.all(Object.entries(payload.figures).map(([name, figure]) => Plotly.newPlot(
  document.querySelector(`[data-chart="${name}"]`), figure.data,
  {...figure.layout, template: payload.template}, config)))
  .then(() => { document.body.dataset.rendered = "true"; });
"""


def render_page(figures: dict[str, go.Figure], as_of: date, now: datetime, source: str) -> str:
    """The whole report as one HTML document."""
    data = {name: json.loads(figure.to_json()) for name, figure in figures.items()}
    # every figure carries the same 7 KB theme: ship it once and give it back to each in the page
    templates = [figure["layout"].pop("template", None) for figure in data.values()]
    payload = {"template": templates[0] if templates else None, "figures": data}
    # JSON inside a script element: "</" would end the element early
    inline = json.dumps(payload, separators=(",", ":")).replace("</", "<\\/")
    charts = "\n".join(
        f'<div class="chart" data-chart="{html.escape(name)}"></div>' for name in figures
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Piggy loyalty report, as of {as_of.isoformat()}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>Piggy loyalty report</h1>
<p>As of {as_of.isoformat()} (the day the marts were built for). Generated {now:%Y-%m-%d %H:%M}
UTC from {html.escape(source)}.</p>
</header>
<main class="charts">
{charts}
</main>
<script>{get_plotlyjs()}</script>
<script type="application/json" id="figures">{inline}</script>
<script>{RENDER}</script>
</body>
</html>
"""
