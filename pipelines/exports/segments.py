"""Which models may leave the warehouse, and which of their rows.

Only segments leave: a model in `dbt_project/models/marts/segments/` whose yml says
`config: {meta: {piggy_export: segment}}`. Each of them carries an enforced dbt contract, so dbt
refuses to build one whose columns or types drift from what the export reads. Any other table
(`dim_contacts` holds everyone, consent or not) is refused by name.

Segments are built from reachable members only, but a wrong segment SQL must still not reach a
CRM: every row is checked again against `dim_contacts`, the one place that knows consent and
deletion, and a member who is deleted, has no marketing consent or is unknown there is withheld
and counted.

A segment names members to email tools by `email`, or by `email_sha256` alone when the models keep
only the hash (`privacy.email_in_models`); a segment built under the other setting is refused
before anything is written or sent, so a switch to hashes never lets a plain address out.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt
import yaml

from pipelines.dlt_sql import MissingTable
from pipelines.errors import UsageError
from pipelines.exports.changes import EMAIL, EMAIL_SHA256, MEMBER_KEY
from pipelines.exports.errors import EmailSettingChanged, ExportError
from pipelines.exports.warehouse import ANALYTICS_DATASET, query_rows

SEGMENTS_FOLDER = Path(__file__).resolve().parents[2] / "dbt_project/models/marts/segments"
EXPORT_META, SEGMENT = "piggy_export", "segment"
CONTACTS_DIM = "dim_contacts"
DELETED, CONSENTED = "_piggy_is_deleted", "_piggy_has_marketing_consent"
SEGMENT_FLAGS = ("has_marketing_consent", "is_deleted")
"""Each segment's own consent and deletion flags (its dbt contract): checked, never sent on."""
NO_CONSENT, IS_DELETED, UNKNOWN = "no_consent", "deleted", "unknown_contact"
MEMBERS_QUERY = (
    "SELECT s.*, d.is_deleted AS " + DELETED + ", d.has_marketing_consent AS " + CONSENTED + " "
    "FROM {0} s LEFT JOIN {1} d ON d.contact_uuid = s.contact_uuid ORDER BY s.contact_uuid"
)


@dataclass
class Members:
    """A segment's exportable members, and how many rows were withheld and why."""

    columns: list[str]
    rows: list[dict[str, Any]]
    withheld: dict[str, int] = field(default_factory=dict)


def declared_segments(folder: Path = SEGMENTS_FOLDER) -> list[str]:
    """Models of the segments folder whose yml declares them a segment, sorted."""
    names = []
    for path in sorted(folder.glob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            meta = (model.get("config") or {}).get("meta") or {}
            if meta.get(EXPORT_META) == SEGMENT:
                names.append(model["name"])
    return sorted(names)


def require_segments(names: list[str], declared: list[str]) -> list[str]:
    """The names, when every one is a declared segment; else one line listing the valid ones."""
    refused = [name for name in names if name not in declared]
    if refused:
        raise UsageError(
            f"{', '.join(repr(name) for name in refused)} is not a segment: export takes only "
            f"the segments the dbt project declares ({EXPORT_META}: {SEGMENT}): "
            f"{', '.join(declared)}"
        )
    return names


def read_members(pipeline: dlt.Pipeline, segment: str, email: str = EMAIL) -> Members:
    """The segment's rows in a stable order, each one checked against `dim_contacts`; `email`
    is the column the segment must name members by."""
    try:
        columns, rows = query_rows(
            pipeline, ANALYTICS_DATASET, MEMBERS_QUERY, segment, CONTACTS_DIM
        )
    except MissingTable:
        raise ExportError(
            f"segment '{segment}' or {CONTACTS_DIM} not found in {ANALYTICS_DATASET}: run "
            "`piggy-elt transform` first"
        ) from None
    if MEMBER_KEY not in columns:
        raise ExportError(f"segment '{segment}' has no {MEMBER_KEY} column to key its members on")
    _require_email_column(segment, columns, email)
    missing = [flag for flag in SEGMENT_FLAGS if flag not in columns]
    if missing:
        raise ExportError(
            f"segment '{segment}' has no {' or '.join(missing)} column: every segment starts with "
            "the segment_member_columns() macro, which carries them"
        )
    hidden = (DELETED, CONSENTED, *SEGMENT_FLAGS)
    members = Members([c for c in columns if c not in hidden], [])
    for row in rows:
        deleted, consented = row.pop(DELETED), row.pop(CONSENTED)
        says_deleted, says_consented = row.pop("is_deleted"), row.pop("has_marketing_consent")
        reason = _withheld_because(deleted, consented) or _withheld_because(
            says_deleted, says_consented
        )
        if reason:
            members.withheld[reason] = members.withheld.get(reason, 0) + 1
        else:
            members.rows.append(row)
    return members


def _require_email_column(segment: str, columns: list[str], email: str) -> None:
    """The segment was built under the current `privacy.email_in_models`, or one line says so."""
    other = EMAIL if email == EMAIL_SHA256 else EMAIL_SHA256
    if other in columns:
        raise EmailSettingChanged(
            f"segment '{segment}' holds {other} but privacy.email_in_models asks for {email}: "
            "run `piggy-elt transform` to rebuild the segments, then export"
        )
    if email not in columns:
        raise ExportError(
            f"segment '{segment}' has no {email} column: every segment starts with the "
            "segment_member_columns() macro, which carries it"
        )


def _withheld_because(deleted: bool | None, consented: bool | None) -> str | None:
    if deleted is None and consented is None:
        return UNKNOWN
    if deleted:
        return IS_DELETED
    if not consented:
        return NO_CONSENT
    return None
