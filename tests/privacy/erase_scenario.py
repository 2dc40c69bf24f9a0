"""The account history the erasure tests share, built through the CLI on either engine.

A member is loaded, renames in Piggy (a second version with names no other contact has), has
their record quarantined on a later read, lands in segment files, the export state and the CRM
pushes in the audit, has a cashback request in the review queue and events in the webhook
journal. That is every place personal data is kept; the tests then erase them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pyarrow.parquet as pq
from erase_workspace import Workspace, rename_in_piggy

from pipelines.payouts.review import write_queue
from pipelines.webhooks.journal import Journal

NEW_FIRSTNAME, NEW_LASTNAME = "Quirinella", "Zwartbroekhuysen"


@dataclass(frozen=True)
class Member:
    uuid: str
    email: str
    firstname: str
    lastname: str

    @property
    def needles(self) -> list[str]:
        """What must not be found anywhere once erased: the email and the names no one shares."""
        return [self.email, NEW_FIRSTNAME, NEW_LASTNAME]


def exported_member(workspace: Workspace) -> Member:
    """A member of a segment file with an email: the export files hold their row."""
    for parquet in sorted((workspace.root / "exports").glob("seg_*/seg_*.parquet")):
        for row in pq.read_table(parquet).to_pylist():
            if row.get("email"):
                return Member(row["contact_uuid"], row["email"], row["firstname"], row["lastname"])
    raise AssertionError("no segment exported a member with an email")


def build_history(workspace: Workspace, crm_url: str) -> Member:
    """Load, rename, quarantine, transform, export, queue and journal: the member everywhere."""
    workspace.extra_env.update({"EXPORTS__CRM__URL": crm_url, "EXPORTS__CRM__API_KEY": "crm-key"})
    workspace.run()
    workspace.transform()
    workspace.cli("export")
    first = exported_member(workspace)
    rename_in_piggy(workspace.sandbox, first.email, NEW_FIRSTNAME, NEW_LASTNAME)
    workspace.run()
    control = workspace.sandbox.control
    control.configure(malformed_rate=1.0, malformed_kinds=["wrong_type"])
    workspace.run()
    control.configure(malformed_rate=0.0)
    workspace.transform()
    workspace.cli("export")
    queue_review(workspace, first)
    journal_events(workspace, first)
    return first


def queue_review(workspace: Workspace, member: Member) -> None:
    """A review queue holding the member's cashback request and another contact's, written by
    the payouts' own queue writer."""
    requested = dt.datetime.now(dt.UTC).replace(microsecond=0)
    decisions = [
        {
            "request_id": rid,
            "contact_uuid": uuid,
            "email": email,
            "amount_cents": 6000,
            "currency": "EUR",
            "order_reference": f"order-{rid}",
            "requested_at": requested,
            "reasons": "over_contact_cap",
            "decision": "review",
        }
        for rid, uuid, email in (
            ("q1", member.uuid, member.email),
            ("q2", "other-contact", "someone.else@example.com"),
        )
    ]
    write_queue(workspace.root / "exports" / "payout_review", decisions)


def journal_events(workspace: Workspace, member: Member) -> None:
    """Two deliveries in the webhook journal: the member's, and another contact's."""
    journal = Journal(workspace.root / "dlt" / "webhooks" / "journal.sqlite")
    for uuid, email, first, last in (
        (member.uuid, member.email, NEW_FIRSTNAME, NEW_LASTNAME),
        ("other-contact", "someone.else@example.com", "Other", "Person"),
    ):
        contact = {"uuid": uuid, "email": email, "firstname": first, "lastname": last}
        body = json.dumps({"type": "contact.updated", "data": {"contact": contact}}).encode()
        journal.add(body, "contact.updated", uuid, email, "done")
    journal.close()
