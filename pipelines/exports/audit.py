"""The audit trail of everything the product does outward: exports pushed, payouts made.

One append-only warehouse table, `action_audit`: who ran it, when, which command, what was done
to what, what was sent and what the other side answered. Rows travel in the same dlt load as the
state change they explain, so the trail and the state never disagree.
"""

import getpass
import json
import uuid
from dataclasses import dataclass
from typing import Any

import dlt
from dlt.common.schema.typing import TTableSchemaColumns

from pipelines.times import now_utc

AUDIT_TABLE = "action_audit"
AUDIT_COLUMNS: TTableSchemaColumns = {
    "sent_json": {"data_type": "text", "nullable": True},
    "status_code": {"data_type": "bigint", "nullable": True},
    "answer_json": {"data_type": "text", "nullable": True},
}


@dataclass(frozen=True)
class RunContext:
    """Who runs what, once per command; every audit row carries it."""

    run_id: str
    actor: str
    command: str

    @classmethod
    def start(cls, actor: str | None, command: str) -> "RunContext":
        return cls(uuid.uuid4().hex, actor or os_user(), command)


def os_user() -> str:
    """The logged-in user, the default answer to "who ran it"."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def audit_row(
    context: RunContext,
    action: str,
    subject: str,
    sent: Any = None,
    status_code: int | None = None,
    answer: Any = None,
    outcome: str = "",
) -> dict[str, Any]:
    """One audit entry; `sent` and `answer` are kept as JSON text, whatever their shape."""
    return {
        "audit_id": uuid.uuid4().hex,
        "run_id": context.run_id,
        "actor": context.actor,
        "command": context.command,
        "occurred_at": now_utc(),
        "action": action,
        "subject": subject,
        "sent_json": None if sent is None else json.dumps(sent, sort_keys=True, default=str),
        "status_code": status_code,
        "answer_json": None if answer is None else json.dumps(answer, sort_keys=True, default=str),
        "outcome": outcome,
    }


def audit_resource(rows: list[dict[str, Any]]) -> Any:
    """The rows as a dlt resource appending to `action_audit`."""
    return dlt.resource(rows, name=AUDIT_TABLE, write_disposition="append", columns=AUDIT_COLUMNS)
