"""The demo's payout flow on the shipped sample file: load, review, dry run, pay, say what was paid.

`examples/cashback_requests.csv` names members of the demo's default account (seed 7, 1,000
contacts; `examples/README.md`). The flow is the user's: `piggy-elt payouts load-requests`,
`transform` (which decides them), `payouts review`, `approve` (dry run) and `approve --apply`, each
a command in the demo folder. Paying is
at most once however often the demo runs: the ledger in the demo's warehouse and the wallet check
against the sandbox, whose account the demo keeps, settle a paid request as `already_paid`.
"""

from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.demo.folder import DEMO_PIPELINE
from pipelines.demo.steps import console, step

SAMPLE_REQUESTS = Path(__file__).resolve().parents[2] / "examples" / "cashback_requests.csv"
LEDGER = "piggy_actions.payout_ledger"


@dataclass(frozen=True)
class Payouts:
    """Requests paid by this demo run, and those an earlier run had paid already."""

    paid_now: dict[str, int]
    paid_before: dict[str, int]
    currency: str = "EUR"

    def lines(self) -> list[str]:
        return [
            f"paid now: {self._listed(self.paid_now)}",
            f"paid before, not again: {self._listed(self.paid_before)}",
        ]

    def _listed(self, paid: dict[str, int]) -> str:
        if not paid:
            return "none"
        total = sum(paid.values())
        each = ", ".join(f"{request} {cents / 100:.2f}" for request, cents in sorted(paid.items()))
        return f"{len(paid)} ({total / 100:.2f} {self.currency}: {each})"


def load_sample_requests(folder: Path) -> None:
    """Load the sample file before the transform, whose dbt build then decides the requests
    (`mart_payout_review`) with everything else, as a scheduled `piggy-elt sync` would."""
    step(
        "cashback requests (piggy-elt payouts load-requests)",
        folder,
        *("payouts", "load-requests", str(SAMPLE_REQUESTS), "--pipeline-name", DEMO_PIPELINE),
    )


def pay_sample_requests(folder: Path) -> Payouts:
    """Review what the transform decided, dry run, pay; return what the ledger says was paid."""
    pipeline = ("--pipeline-name", DEMO_PIPELINE)
    step(
        "review (piggy-elt payouts review --no-build)",
        folder,
        "payouts",
        "review",
        "--no-build",
        *pipeline,
    )
    step("dry run (piggy-elt payouts approve)", folder, "payouts", "approve", *pipeline)
    before = paid_requests(folder)
    step(
        "pay (piggy-elt payouts approve --apply)",
        folder,
        "payouts",
        "approve",
        "--apply",
        *pipeline,
    )
    after = paid_requests(folder)
    paid_now = {request: cents for request, cents in after.items() if request not in before}
    payouts = Payouts(paid_now, before)
    for line in payouts.lines():
        console.print(line)
    return payouts


def paid_requests(folder: Path) -> dict[str, int]:
    """Amounts in cents by request id of every payment the demo's ledger records as paid."""
    warehouse = folder / f"{DEMO_PIPELINE}.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        known = con.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = 'piggy_actions' and table_name = 'payout_ledger'"
        ).fetchone()
        if not known or not known[0]:
            return {}
        rows = con.execute(
            f"select request_id, amount_cents from {LEDGER} where status = 'paid'"
        ).fetchall()
    return {request: int(cents) for request, cents in rows}
