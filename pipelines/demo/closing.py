"""The demo's last lines: where everything is and what to run next, plain and short enough to copy.

No box and no wrapping: a path or command cut at the terminal's edge cannot be pasted. Paths are
shown relative to where the demo was started when they lie below it (`demo/report.html`), so the
lines stay under 80 columns in the usual case; anything else is shown in full.
"""

import os
import shlex
import shutil
import sys
from pathlib import Path

from pipelines.demo.folder import (
    DBT_FOLDER,
    DEMO_PIPELINE,
    DOCS_FOLDER,
    EXPORTS_FOLDER,
)
from pipelines.demo.payouts import Payouts


def closing_lines(folder: Path, as_of: str, payouts: Payouts) -> list[str]:
    """Where the report, docs, warehouse and exports are; the payouts; three commands to run."""
    cli = shown_cli(folder)
    paid_now, paid_before = payouts.lines()
    pipeline = f"--pipeline-name {DEMO_PIPELINE}"
    return [
        f"piggy-elt demo: done, as of {as_of} (the sandbox's day)",
        f"Report:    {shown(folder / 'report.html')}",
        f"Docs:      {shown(folder / DOCS_FOLDER / 'index.html')} (dbt's docs site)",
        f"Warehouse: {shown(folder / (DEMO_PIPELINE + '.duckdb'))}",
        "           raw tables in piggy_raw, marts and segments in piggy_analytics",
        f"Exports:   {shown(folder / EXPORTS_FOLDER)}/ (a folder per segment, payout_review/)",
        f"dbt:       {shown(folder / DBT_FOLDER)}/ (compiled SQL, run results, logs)",
        f"Payouts:   {paid_now}",
        f"           {paid_before}",
        "Next, in the demo folder:",
        f"cd {shlex.quote(shown(folder))}",
        f"{cli} status {pipeline}",
        f"{cli} payouts approve {pipeline}",
        f"{cli} report {pipeline} --out .",
    ]


def shown(path: Path) -> str:
    """The path relative to the current folder when it lies below it, else in full."""
    here, target = Path.cwd().resolve(), path.resolve()
    return str(target.relative_to(here)) if target.is_relative_to(here) else str(target)


def shown_cli(folder: Path) -> str:
    """How to call this installation's `piggy-elt` from inside the demo folder: by name when the
    shell finds this very one, by a relative path when the project holds both, else in full."""
    cli = Path(sys.executable).parent / "piggy-elt"
    on_path = shutil.which("piggy-elt")
    if on_path and Path(on_path).absolute() == cli.absolute():
        return "piggy-elt"
    if cli.absolute().is_relative_to(Path.cwd().resolve()):
        return shlex.quote(os.path.relpath(cli.absolute(), folder.resolve()))
    return shlex.quote(str(cli))
