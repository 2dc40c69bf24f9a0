"""The `sandbox` command group: serve a local Piggy API, and make a running one's account move.

A thin layer over `piggy_sandbox`: flags map one to one onto `SandboxConfig` fields.
"""

from __future__ import annotations

import signal
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from piggy_sandbox import SandboxConfig, SandboxControl, SandboxControlError
from piggy_sandbox.config import FAULT_KINDS, MALFORMED_KINDS
from piggy_sandbox.runner import build, shutdown
from pipelines.errors import CliError

group = typer.Typer(
    help="Run a local Piggy API v3 sandbox (the default data source).", no_args_is_help=True
)


def _kinds(text: str, allowed: tuple[str, ...], flag: str) -> tuple[str, ...]:
    kinds = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [kind for kind in kinds if kind not in allowed]
    if unknown:
        raise CliError(f"{flag}: unknown kind {unknown[0]!r}; choose from {', '.join(allowed)}")
    return kinds


def _now(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"--now: {text!r} is not an ISO 8601 date-time with offset") from None
    if moment.tzinfo is None:
        raise CliError("--now needs an offset, e.g. 2026-11-01T00:00:00+00:00")
    return {"now": moment}


@group.command()
def serve(
    port: int = typer.Option(8765, help="Port on 127.0.0.1 (0 picks a free one)."),
    scale: int = typer.Option(1000, help="Number of contacts in the account."),
    seed: int = typer.Option(7, help="Seed: the same seed and scale serve the same bytes."),
    currency: str = typer.Option("EUR", help="Account currency (JPY is zero-decimal)."),
    now: str = typer.Option(None, help="The sandbox clock, e.g. 2026-11-01T00:00:00+00:00."),
    data_dir: str = typer.Option(".sandbox", help="Where generated accounts are kept."),
    keep_state: bool = typer.Option(False, help="Keep changes across restarts."),
    latency_ms: float = typer.Option(0.0, help="Fixed latency per API response."),
    jitter_ms: float = typer.Option(0.0, help="Extra random latency, up to this much."),
    rate_limit: int = typer.Option(None, help="Requests allowed per token and window."),
    rate_window: float = typer.Option(60.0, help="Budget window in seconds."),
    no_retry_after: bool = typer.Option(False, help="Answer 429 without Retry-After."),
    fault_rate: float = typer.Option(0.0, help="Share of API requests that fail (0..1)."),
    fault_kinds: str = typer.Option(",".join(FAULT_KINDS), help="Which faults, comma-separated."),
    slow_seconds: float = typer.Option(5.0, help="Delay of a 'slow' fault."),
    malformed_rate: float = typer.Option(0.0, help="Share of records served malformed (0..1)."),
    malformed_kinds: str = typer.Option(",".join(MALFORMED_KINDS), help="Which malformations."),
    token: str = typer.Option("sandbox-token", help="The personal access token."),
    token_ttl: int = typer.Option(3600, help="expires_in of client-credential tokens."),
    client_id: str = typer.Option("sandbox-client", help="OAuth client id."),
    client_secret: str = typer.Option("sandbox-secret", help="OAuth client secret."),
    webhook: str = typer.Option(None, help="Send signed webhook events to this URL."),
    webhook_secret: str = typer.Option(None, help="Secret that signs --webhook deliveries."),
    admin_token: str = typer.Option(None, help="Require this token on /_sandbox/ calls."),
) -> None:
    """Serve until stopped (Ctrl-C); prints the base URL and the token first."""
    if webhook and not webhook_secret:
        raise CliError("--webhook needs --webhook-secret to sign deliveries")
    try:
        config = SandboxConfig(
            scale=scale,
            seed=seed,
            currency=currency.upper(),
            data_dir=Path(data_dir),
            fresh=not keep_state,
            port=port,
            token=token,
            client_id=client_id,
            client_secret=client_secret,
            token_ttl=token_ttl,
            admin_token=admin_token,
            latency_ms=latency_ms,
            jitter_ms=jitter_ms,
            rate_limit=rate_limit,
            rate_window=rate_window,
            retry_after=not no_retry_after,
            fault_rate=fault_rate,
            fault_kinds=_kinds(fault_kinds, FAULT_KINDS, "--fault-kinds"),
            slow_seconds=slow_seconds,
            malformed_rate=malformed_rate,
            malformed_kinds=_kinds(malformed_kinds, MALFORMED_KINDS, "--malformed-kinds"),
            webhooks=((webhook, webhook_secret),) if webhook else (),
            **_now(now),
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None
    _serve_until_stopped(config)


def _stop(signum: int, frame: object) -> None:
    """SIGTERM ends serving the way Ctrl-C does, so the cleanup below runs either way."""
    raise KeyboardInterrupt


def _serve_until_stopped(config: SandboxConfig) -> None:
    """Print where to connect, then serve; Ctrl-C or SIGTERM stop it and remove its copy."""
    typer.echo(
        f"Preparing {config.scale} contacts (generated once per seed and scale, "
        f"kept in {config.data_dir})...",
        err=True,
    )
    try:
        server, handle = build(config)
    except OSError as exc:
        raise CliError(
            f"cannot listen on 127.0.0.1:{config.port} ({exc.strerror}); pick another --port"
        ) from None
    signal.signal(signal.SIGTERM, _stop)
    typer.echo(f"Piggy sandbox serving {config.scale} contacts (seed {config.seed})")
    typer.echo(f"base URL: {handle.base_url}")
    typer.echo(f"API root: {handle.api_url}")
    typer.echo(f"token: {handle.token}")
    typer.echo("Press Ctrl-C to stop.", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)
    finally:
        shutdown(server)


@group.command()
def advance(
    base_url: str = typer.Option("http://127.0.0.1:8765", help="The running sandbox."),
    days: float = typer.Option(1.0, help="Days to move the clock forward."),
    signups: int = typer.Option(None, help="New contacts (default: scales with the account)."),
    earns: int = typer.Option(None, help="Purchases that earn points."),
    redemptions: int = typer.Option(None, help="Reward redemptions."),
    cashback: int = typer.Option(None, help="Prepaid wallet credits and debits."),
    tier_changes: int = typer.Option(None, help="Contacts pushed to their next tier."),
    deletes: int = typer.Option(None, help="Contacts deleted."),
    admin_token: str = typer.Option(None, help="The sandbox's admin token, if it has one."),
) -> None:
    """Move a running sandbox's clock and create activity, for incremental loads to pick up."""
    counts = {
        "signups": signups,
        "earns": earns,
        "redemptions": redemptions,
        "cashback": cashback,
        "tier_changes": tier_changes,
        "deletes": deletes,
    }
    control = SandboxControl(base_url, admin_token)
    try:
        result = control.advance(days, **{k: v for k, v in counts.items() if v is not None})
    except SandboxControlError as exc:
        raise CliError(f"advance failed: {exc}") from None
    created = ", ".join(f"{count} {kind}" for kind, count in result["created"].items())
    typer.echo(f"clock now {result['now']}; created {created}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the CLI."""
    app.add_typer(group, name="sandbox")
