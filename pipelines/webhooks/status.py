"""What `piggy-elt webhooks status` reports, read from the journal alone (the server may run)."""

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines.webhooks.errors import WebhookSetupError
from pipelines.webhooks.journal import DEAD, DONE, IGNORED, PENDING, UNKNOWN, Journal


def open_journal(path: Path) -> Journal:
    """The receiver's journal; refused when it was never created (nothing is created here)."""
    if not path.exists():
        raise WebhookSetupError(
            f"no webhook journal at {path}: start the receiver with `piggy-elt webhooks serve` "
            "(or point [webhooks] journal_dir at its folder)"
        )
    return Journal(path)


def read_status(path: Path) -> dict[str, Any]:
    """Backlog, oldest pending age, last push and dead letters; refuses a journal never created."""
    journal = open_journal(path)
    try:
        counts, figures = journal.counts(), journal.figures()
        dead = journal.dead_letters()
    finally:
        journal.close()
    now = time.time()
    oldest, last_push = figures["oldest_pending_at"], figures["last_push_at"]
    return {
        "journal": str(path),
        "backlog": counts.get(PENDING, 0),
        "oldest_pending_age_seconds": round(now - oldest, 1) if oldest else None,
        "last_push_at": _iso(last_push),
        "last_push_age_seconds": round(now - last_push, 1) if last_push else None,
        "dead_letters": counts.get(DEAD, 0),
        "done": counts.get(DONE, 0),
        "ignored": counts.get(IGNORED, 0),
        "unknown_types": counts.get(UNKNOWN, 0),
        "duplicates": figures["duplicates"],
        "replayed": figures["replayed"],
        "dead_letter_sample": dead,
    }


def status_lines(status: dict[str, Any]) -> list[str]:
    oldest = status["oldest_pending_age_seconds"]
    last = status["last_push_at"]
    lines = [
        f"journal: {status['journal']}",
        f"backlog: {status['backlog']} event(s) pending"
        + (f", oldest received {oldest:g} s ago" if oldest is not None else ""),
        "last push: "
        + (f"{last} ({status['last_push_age_seconds']:g} s ago)" if last else "never"),
        f"dead letters: {status['dead_letters']}",
        f"done: {status['done']}, no contact named: {status['ignored']}, "
        f"unknown types: {status['unknown_types']}, duplicate deliveries: {status['duplicates']}",
        f"dead letters replayed so far: {status['replayed']}",
    ]
    for letter in status["dead_letter_sample"]:
        lines.append(
            f"  dead #{letter['id']} {letter['type']} contact {letter['contact_uuid']} after "
            f"{letter['attempts']} attempts: {letter['last_error']}"
        )
    return lines


def _iso(moment: float | None) -> str | None:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds") if moment else None
