"""Erase a member everywhere piggy-elt keeps their personal data, and log it without naming them.

An erasure runs under both locks a writer takes: the loading pipeline's run lock (no load merges
rows while versions are nulled) and the actions lock (no export or payout reads half-erased
state). It counts first, records the erasure log entry (the intent, so later loads keep the
member erased even if this process dies part way; a rerun finishes the rest), then changes the
warehouse, the files and the webhook journal, then lets the caller rebuild the models.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
from dlt.common.configuration import resolve_configuration

from pipelines.dlt_sql import MissingTable
from pipelines.errors import CliError
from pipelines.exports.settings import ExportsConfiguration
from pipelines.exports.warehouse import ACTIONS_DATASET, actions_session, sql_client
from pipelines.loading import run_lock
from pipelines.payouts.settings import PayoutSettings
from pipelines.privacy.files import erase_from_files, erase_from_journal
from pipelines.privacy.log import log_entry, record_erasures
from pipelines.privacy.personal_data import ACTION_TABLES, RAW_TABLES, Member, PersonalTable
from pipelines.privacy.settings import member_hash
from pipelines.privacy.tables import erase_audit, erase_keyed, erase_mentions
from pipelines.warehouse import attach_pipeline
from pipelines.webhooks.settings import WebhooksConfiguration

NOTHING_TO_ERASE = "nothing to erase"


@dataclass(frozen=True)
class Session:
    """The warehouse (through the actions pipeline) and the folders an erasure reaches."""

    actions: dlt.Pipeline
    raw_dataset: str
    folders: tuple[Path, ...]
    journal: Path
    staging_layout: str = "%s_staging"

    def with_staging(self, dataset: str) -> tuple[str, str]:
        """The dataset and dlt's staging copy of it, which keeps the last merged rows."""
        layout = self.staging_layout
        return dataset, layout % dataset if "%s" in layout else layout


@dataclass(frozen=True)
class Erasure:
    """One member's erasure: what it touched (`{table or file: rows}`) and the log entry."""

    member: Member
    touched: dict[str, int]
    entry: dict[str, Any] | None = None


@contextmanager
def erasure_session(pipeline_name: str, run_locked: bool = False) -> Iterator[Session]:
    """Both locks held, the warehouse and every folder of personal data located.

    `run_locked`: the caller already holds the run lock (a run's retention pass, between its
    load and its end); the lock cannot be taken twice, even by the process holding it."""
    loaded = attach_pipeline(pipeline_name, NOTHING_TO_ERASE)
    run = nullcontext() if run_locked else run_lock(loaded.pipelines_dir, pipeline_name)
    with run, actions_session(pipeline_name) as actions:
        exports = resolve_configuration(ExportsConfiguration(), sections=("exports",))
        payouts = resolve_configuration(PayoutSettings(), sections=("payouts",))
        webhooks = resolve_configuration(WebhooksConfiguration(), sections=("webhooks",))
        folders = (Path(exports.output_dir), Path(payouts.review_dir))
        with actions.destination_client() as client:
            layout = getattr(client.config, "staging_dataset_name_layout", "%s_staging")
        yield Session(actions, loaded.dataset_name, folders, webhooks.journal_path(), layout)


def find_member(session: Session, uuid: str | None, email: str | None) -> Member:
    """The member named by uuid, else by email, with every email any version or ledger row
    gave."""
    if email is not None:
        address = email.strip().lower()
        found = sorted(
            set().union(
                *(_values(session, t, t.key, f"LOWER({t.email})", address) for t in RAW_TABLES)
            )
            - {None}
        )
        if len(found) != 1:
            named = "no contact" if not found else f"{len(found)} contacts"
            raise CliError(f"{named} with that email in {session.raw_dataset!r}: use --contact")
        uuid = found[0]
    emails = set().union(
        *(_values(session, spec, f"LOWER({spec.email})", spec.key, uuid) for spec in RAW_TABLES)
    )
    known = {e for e in emails if e} | ({email.strip().lower()} if email else set())
    if not known and not _values(session, RAW_TABLES[0], "uuid", "uuid", uuid):
        raise CliError(f"contact {uuid} is not in {session.raw_dataset!r}: check the uuid")
    return Member(str(uuid), frozenset(known))


def survey(session: Session, member: Member, apply: bool = False) -> dict[str, int]:
    """Every table and file with the member's personal data, and rows; changed when `apply`.
    dlt's staging datasets are included: a merge leaves its last batch there."""
    actions, touched = session.actions, dict[str, int]()
    for raw in session.with_staging(session.raw_dataset):
        touched |= erase_keyed(actions, raw, RAW_TABLES, member, apply)
        touched |= erase_mentions(actions, raw, member, apply)
    for ours in session.with_staging(ACTIONS_DATASET):
        touched |= erase_keyed(actions, ours, ACTION_TABLES, member, apply)
        touched |= erase_audit(actions, ours, member, apply)
    touched |= erase_from_files(session.folders, member, apply)
    return touched | erase_from_journal(session.journal, member, apply)


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


def _values(session: Session, spec: PersonalTable, column: str, key: str, value: Any) -> set[Any]:
    """Distinct `column` of one raw table where `key` is `value` (none when the table is absent)."""
    with sql_client(session.actions, session.raw_dataset) as client:
        table = client.make_qualified_table_name(spec.table)
        query = f"SELECT DISTINCT {column} FROM {table} WHERE {key} = %s"
        try:
            return {row[0] for row in client.execute_sql(query, value) or []}
        except MissingTable:
            return set()
