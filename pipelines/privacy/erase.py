"""Erase a member everywhere piggy-elt keeps their personal data, and log it without naming them.

An erasure runs under both locks a writer takes: the loading pipeline's run lock (no load merges
rows while versions are nulled) and the actions lock (no export or payout reads half-erased
state). It counts first, records the erasure log entry (the intent, so later loads keep the
member erased even if this process dies part way; a rerun finishes the rest), then changes the
warehouse, the files and the webhook journal, then lets the caller rebuild the models.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
from dlt.common.configuration import resolve_configuration
from dlt.common.destination.exceptions import DestinationUndefinedEntity
from dlt.pipeline.exceptions import CannotRestorePipelineException

from pipelines.errors import CliError, UsageError
from pipelines.exports.settings import ExportsConfiguration
from pipelines.exports.warehouse import ACTIONS_DATASET, actions_session, sql_client
from pipelines.loading import exclusive_run
from pipelines.payouts.settings import PayoutSettings
from pipelines.privacy.files import erase_from_files, erase_from_journal
from pipelines.privacy.log import log_entry, record_erasures
from pipelines.privacy.personal_data import ACTION_TABLES, RAW_TABLES, Member
from pipelines.privacy.settings import member_hash
from pipelines.privacy.tables import erase_audit, erase_keyed, erase_mentions
from pipelines.webhooks.settings import WebhooksConfiguration


@dataclass(frozen=True)
class Session:
    """The warehouse (through the actions pipeline) and the folders an erasure reaches."""

    actions: dlt.Pipeline
    raw_dataset: str
    folders: tuple[Path, ...]
    journal: Path


@dataclass(frozen=True)
class Erasure:
    """One member's erasure: what it touched (`{table or file: rows}`) and the log entry."""

    member: Member
    touched: dict[str, int]
    entry: dict[str, Any] | None = None


@contextmanager
def erasure_session(pipeline_name: str) -> Iterator[Session]:
    """Both locks held, the warehouse and every folder of personal data located."""
    loaded = _attach(pipeline_name)
    with exclusive_run(loaded), actions_session(pipeline_name) as actions:
        exports = resolve_configuration(ExportsConfiguration(), sections=("exports",))
        payouts = resolve_configuration(PayoutSettings(), sections=("payouts",))
        webhooks = resolve_configuration(WebhooksConfiguration(), sections=("webhooks",))
        folders = (Path(exports.output_dir), Path(payouts.review_dir))
        yield Session(actions, loaded.dataset_name, folders, webhooks.journal_path())


def find_member(session: Session, uuid: str | None, email: str | None) -> Member:
    """The member named by uuid or by email, with every email any version or ledger row gave."""
    if (uuid is None) == (email is None):
        raise UsageError("name the member with exactly one of --contact UUID or --email ADDRESS")
    if email is not None:
        uuids = _uuids_with_email(session, email.strip().lower())
        if len(uuids) != 1:
            found = "no contact" if not uuids else f"{len(uuids)} contacts"
            raise CliError(f"{found} with that email in {session.raw_dataset!r}: use --contact")
        uuid = uuids[0]
    emails = _distinct(
        session,
        "SELECT DISTINCT LOWER(email) FROM {contacts} WHERE uuid = %s "
        "UNION SELECT DISTINCT LOWER(contact_email) FROM {ledger} WHERE contact_uuid = %s",
        uuid,
    )
    if not emails and not _distinct(session, "SELECT uuid FROM {contacts} WHERE uuid = %s", uuid):
        raise CliError(f"contact {uuid} is not in {session.raw_dataset!r}: check the uuid")
    known = {e for e in emails if e} | ({email.strip().lower()} if email else set())
    return Member(str(uuid), frozenset(known))


def survey(session: Session, member: Member, apply: bool = False) -> dict[str, int]:
    """Every table and file with the member's personal data, and rows; changed when `apply`."""
    actions, raw = session.actions, session.raw_dataset
    return {
        **erase_keyed(actions, raw, RAW_TABLES, member, apply),
        **erase_mentions(actions, raw, member, apply),
        **erase_keyed(actions, ACTIONS_DATASET, ACTION_TABLES, member, apply),
        **erase_audit(actions, ACTIONS_DATASET, member, apply),
        **erase_from_files(session.folders, member, apply),
        **erase_from_journal(session.journal, member, apply),
    }


def erase_all(
    session: Session,
    members: list[Member],
    reason: str,
    actor: str,
    key: bytes,
    rebuild: Callable[[], None],
) -> list[Erasure]:
    """Log every erasure, carry each out where `survey` found the member, then rebuild the
    models once so no mart keeps a trace."""
    planned = [(member, survey(session, member)) for member in members]
    entries = [
        log_entry(member_hash(key, member.uuid), reason, touched, actor)
        for member, touched in planned
    ]
    if entries:
        record_erasures(session.actions, entries)
    for member, _ in planned:
        survey(session, member, apply=True)
    if planned:
        rebuild()
    return [Erasure(m, t, e) for (m, t), e in zip(planned, entries, strict=True)]


def _uuids_with_email(session: Session, email: str) -> list[str]:
    query = (
        "SELECT DISTINCT uuid FROM {contacts} WHERE LOWER(email) = %s "
        "UNION SELECT DISTINCT contact_uuid FROM {ledger} WHERE LOWER(contact_email) = %s"
    )
    return sorted(u for u in _distinct(session, query, email) if u)


def _distinct(session: Session, query: str, value: str) -> list[Any]:
    """One-column answers of a query over contacts and the points ledger (either may be absent)."""
    with sql_client(session.actions, session.raw_dataset) as client:
        tables = {
            "contacts": client.make_qualified_table_name("contacts"),
            "ledger": client.make_qualified_table_name("loyalty_transactions"),
        }
        try:
            rows = client.execute_sql(query.format(**tables), *[value] * query.count("%s"))
        except DestinationUndefinedEntity:
            return []
    return [row[0] for row in rows or []]


def _attach(pipeline_name: str) -> dlt.Pipeline:
    try:
        return dlt.attach(pipeline_name=pipeline_name)
    except CannotRestorePipelineException:
        raise CliError(
            f"pipeline {pipeline_name!r} has not run here yet: nothing to erase"
        ) from None
