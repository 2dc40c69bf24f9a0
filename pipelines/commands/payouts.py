"""`piggy-elt payouts`: load cashback requests, review them, pay the approved ones exactly once."""

import json
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import dlt
import typer
from rich.console import Console
from rich.table import Table

from pipelines.errors import CliError
from pipelines.exports.audit import RunContext, os_user
from pipelines.exports.warehouse import actions_session
from pipelines.json_output import JsonFlag, result_document, warn
from pipelines.payouts import decide, review
from pipelines.payouts.approve import PayoutRun
from pipelines.payouts.dbt_build import build_review_mart
from pipelines.payouts.ledger import read_ledger
from pipelines.payouts.outcomes import Outcome, plan
from pipelines.payouts.recheck import broken_rule, changed_since_review, current_request
from pipelines.payouts.requests import load_requests, read_requests
from pipelines.payouts.settings import load_settings, require_shop
from pipelines.payouts.wallet import Wallet
from pipelines.piggy_connection import load_connection

PipelineName = Annotated[str, typer.Option(help="The loading dlt pipeline.")]
Actor = Annotated[str | None, typer.Option(help="Who runs this, for the audit.")]

WHY_NOT_PAID = {
    "back_to_review": "went back to review",
    "would_go_back_to_review": "would go back to review",
    "refused": "was refused by Piggy",
}


class Decision(StrEnum):
    """What a person decides for a request the review sent to them."""

    approve = "approve"
    reject = "reject"


payouts_app = typer.Typer(
    help="Cashback payouts: load requests, review, approve.", no_args_is_help=True
)


@payouts_app.command("load-requests")
def load_requests_command(
    file: Annotated[Path, typer.Argument(help="CSV of cashback requests (see README).")],
    pipeline_name: PipelineName = "piggy",
    as_json: JsonFlag = False,
) -> None:
    """Check a CSV of cashback requests and merge it into the warehouse by request_id."""
    with result_document("payouts load-requests", as_json) as document:
        requests = read_requests(file, load_settings().request_limits)
        with actions_session(pipeline_name) as pipeline:
            load_requests(pipeline, requests)
        document.update(file=str(file), requests=len(requests))
        typer.echo(f"loaded {len(requests)} cashback request(s) from {file}")


@payouts_app.command("review")
def review_command(
    build: Annotated[bool, typer.Option(help="Rebuild mart_payout_review with dbt first.")] = True,
    dbt_vars: Annotated[
        str | None,
        typer.Option(
            "--vars", help="dbt vars as JSON, e.g. '{\"payout_daily_cap_cents\": 50000}'."
        ),
    ] = None,
    target_path: Annotated[
        Path | None,
        typer.Option(
            help="Where dbt writes its artifacts (default: $DBT_TARGET_PATH, else"
            " dbt_project/target)."
        ),
    ] = None,
    actor: Actor = None,
    pipeline_name: PipelineName = "piggy",
    as_json: JsonFlag = False,
) -> None:
    """Decide every request, write the review queue and announce it."""
    with result_document("payouts review", as_json) as document:
        settings = load_settings(actor)
        with actions_session(pipeline_name) as pipeline:
            if build:
                build_review_mart(pipeline_name, _parse_vars(dbt_vars), target_path)
            decisions = _settled(pipeline, document).rows
            queue_file = review.write_queue(Path(settings.review_dir), decisions)
            counts = review.summary(decisions)
            document.update(decisions=counts, review_queue=str(queue_file), announced=False)
            typer.echo(", ".join(f"{decision} {count}" for decision, count in counts.items()))
            typer.echo(f"review queue: {queue_file}")
            message = review.announcement(decisions, queue_file)
            if message and settings.slack_webhook_url:
                context = RunContext.start(settings.actor, "payouts review")
                review.announce(pipeline, settings.slack_webhook_url, message, context)
                document["announced"] = True
                typer.echo("announced the review queue")


@payouts_app.command("approve")
def approve_command(
    apply: Annotated[
        bool, typer.Option(help="Credit the approved amounts in Piggy (default: dry run).")
    ] = False,
    acknowledge_lost_ledger: Annotated[
        bool,
        typer.Option(
            help="The payout ledger was lost: record credits Piggy already holds for approved "
            "requests as paid (audited) instead of refusing."
        ),
    ] = False,
    actor: Actor = None,
    pipeline_name: PipelineName = "piggy",
    as_json: JsonFlag = False,
) -> None:
    """Show what would be paid, or with --apply pay it, each request at most once."""
    with result_document("payouts approve", as_json) as document:
        settings = load_settings(actor)
        document["apply"] = apply
        with actions_session(pipeline_name) as pipeline:
            settled = _settled(pipeline, document)
            decide.require_reviewed(pipeline, settled)
            approved = [row for row in settled.rows if row["decision"] == "approve"]
            if not apply:
                outcomes = _dry_run(pipeline, approved)
                title = "dry run: nothing was sent"
            else:
                shop_uuid = require_shop(settings)
                context = RunContext.start(settings.actor, "payouts approve --apply")
                with Wallet(load_connection(), shop_uuid) as wallet:
                    run = PayoutRun(pipeline, wallet, context, acknowledge_lost_ledger)
                    outcomes = run.apply(approved)
                title = f"payout run {context.run_id}"
                document["run_id"] = context.run_id
        document["outcomes"] = [asdict(outcome) for outcome in outcomes]
        _print_outcomes(title, outcomes)
        _warn_unsettled(outcomes, document)


@payouts_app.command("decide")
def decide_command(
    request_id: Annotated[str, typer.Argument(help="The request, as in the review queue.")],
    decision: Annotated[Decision, typer.Argument(help="approve or reject.")],
    reason: Annotated[str, typer.Option(help="Why: kept in the audit trail.")],
    pipeline_name: PipelineName = "piggy",
    as_json: JsonFlag = False,
) -> None:
    """Settle by hand a request the review sent to a person; audited under your OS user."""
    with result_document("payouts decide", as_json) as document:
        context = RunContext.start(os_user(), f"payouts decide {decision.value}")
        with actions_session(pipeline_name) as pipeline:
            decided = decide.decide(pipeline, request_id, decision.value, reason, context)
        document.update(
            {key: decided[key] for key in ("request_id", "decision", "reason", "decided_by")},
            decided_at=decided["decided_at"],
        )
        then = (
            "`piggy-elt payouts approve --apply` pays it"
            if decision.value == "approve"
            else "it will not be paid"
        )
        typer.echo(
            f"{request_id} {decision.value}d by {context.actor}: {decided['reason']}; {then}"
        )


def _settled(pipeline: dlt.Pipeline, document: dict) -> decide.Settled:
    """The decisions with the hand decisions applied; a hand decision that no longer holds is
    said once, as a warning."""
    settled = decide.settled_decisions(pipeline)
    for request_id in settled.outdated:
        warn(
            document,
            f"{request_id} changed since it was decided by hand and is back in review: "
            f"decide again with `piggy-elt payouts decide {request_id} approve|reject --reason`",
        )
    return settled


def _dry_run(pipeline: dlt.Pipeline, approved: list[dict]) -> list[Outcome]:
    """What `--apply` would do, judged on the warehouse alone (Piggy is not asked)."""
    ledger = read_ledger(pipeline)

    def check(request: dict, forecast: dict) -> str | None:
        current = current_request(pipeline, request["request_id"])
        return changed_since_review(request, current) or broken_rule(request, forecast, None)

    return plan(approved, ledger, check)


def _warn_unsettled(outcomes: list[Outcome], document: dict) -> None:
    """Say why each request was not paid, then what needs a person."""
    for outcome in outcomes:
        if outcome.result in WHY_NOT_PAID and outcome.reason:
            typer.echo(f"{outcome.request_id} {WHY_NOT_PAID[outcome.result]}: {outcome.reason}")
    returned = [o.request_id for o in outcomes if o.result == "back_to_review"]
    if returned:
        warn(
            document,
            f"{len(returned)} request(s) changed since review or broke a rule and went back to "
            "review unpaid (see why above): run `piggy-elt payouts review`",
        )
    still_open = [o.request_id for o in outcomes if o.result == "open"]
    if still_open:
        raise CliError(
            f"{len(still_open)} payout(s) got no answer from Piggy and no booking was found; "
            "run `piggy-elt payouts approve --apply` again to reconcile and retry them"
        )


def _parse_vars(text: str | None) -> dict:
    if not text:
        return {}
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        raise CliError("--vars must be a JSON object, e.g. '{\"payout_daily_cap_cents\": 50000}'")
    return parsed


def _print_outcomes(title: str, outcomes: list[Outcome]) -> None:
    """One row per request; the reasons follow as plain lines, whole on any terminal width."""
    table = Table(title=title)
    for column in ("request", "contact", "amount (cents)", "result", "transaction"):
        table.add_column(column, overflow="fold", no_wrap=column == "result")
    for outcome in outcomes:
        table.add_row(
            outcome.request_id,
            outcome.contact_uuid,
            str(outcome.amount_cents),
            outcome.result,
            outcome.transaction_uuid or "-",
        )
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add the `payouts` group to the CLI."""
    app.add_typer(payouts_app, name="payouts")
