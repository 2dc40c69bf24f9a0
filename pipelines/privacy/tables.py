"""Erasure in the warehouse, with plain parameterised UPDATEs through dlt's SQL client.

Every statement is `UPDATE <table> SET <column> = NULL|%s WHERE <key> = %s` or a `SELECT` with
`LOWER(...) LIKE %s`, which DuckDB, PostgreSQL, BigQuery and Snowflake all run as written. Rows
are never deleted: a ledger or payout row stays with its uuid and amounts, so balances and
liability still add up after an erasure; only the personal columns lose their values.
Each function returns `{target: rows}`; with `apply=False` it only counts.
"""

from collections.abc import Callable, Sequence
from typing import Any

import dlt

from piggy_source.flatten import row_hash
from piggy_source.schemas import HASHED_CONTACT_COLUMNS
from pipelines.dlt_sql import MissingTable, SqlClient
from pipelines.exports.warehouse import sql_client
from pipelines.privacy.personal_data import (
    AUDIT_JSON_COLUMNS,
    AUDIT_KEY,
    AUDIT_TABLE,
    CONTACT_HASH_COLUMN,
    QUARANTINE,
    Member,
    PersonalTable,
    scrub_json,
)


def erase_keyed(
    pipeline: dlt.Pipeline,
    dataset: str,
    tables: Sequence[PersonalTable],
    member: Member,
    apply: bool,
) -> dict[str, int]:
    """Null the declared columns of every row keyed by the member (every scd2 version too);
    rows whose columns are all null already are not counted, so a finished erasure counts none."""
    touched = {}
    with sql_client(pipeline, dataset) as client:
        for spec in tables:
            name = _table(client, spec.table)
            present = _columns(client, name)
            columns = [c for c in spec.columns if c in present]
            if spec.key not in present or not columns:
                continue
            where = f"WHERE {client.escape_column_name(spec.key)} = %s"
            held = " OR ".join(f"{client.escape_column_name(c)} IS NOT NULL" for c in columns)
            rows = _count(client, f"SELECT count(*) FROM {name} {where} AND ({held})", member.uuid)
            if not rows:
                continue
            touched[f"{dataset}.{spec.table}"] = rows
            if apply:
                nulls = ", ".join(f"{client.escape_column_name(c)} = NULL" for c in columns)
                client.execute_sql(f"UPDATE {name} SET {nulls} {where}", member.uuid)
                if spec.table == "contacts":
                    _rehash_versions(client, name, member.uuid, present)
    return touched


def erase_mentions(
    pipeline: dlt.Pipeline, dataset: str, member: Member, apply: bool
) -> dict[str, int]:
    """Quarantined payloads that name the member are nulled; audit entries are scrubbed."""
    touched = {}
    quarantine = _mentioning(
        pipeline,
        dataset,
        QUARANTINE.table,
        "_dlt_id",
        QUARANTINE.columns,
        member,
        also_key=QUARANTINE.key,
    )
    if quarantine:
        touched[f"{dataset}.{QUARANTINE.table}"] = len(quarantine)
    if apply:
        _rewrite(pipeline, dataset, QUARANTINE.table, "_dlt_id", quarantine, lambda _: None)
    return touched


def erase_audit(
    pipeline: dlt.Pipeline, dataset: str, member: Member, apply: bool
) -> dict[str, int]:
    """Audit entries (pushed batches) keep every other member; this one's values are removed."""
    rows = _mentioning(pipeline, dataset, AUDIT_TABLE, AUDIT_KEY, AUDIT_JSON_COLUMNS, member)
    if apply:
        _rewrite(
            pipeline,
            dataset,
            AUDIT_TABLE,
            AUDIT_KEY,
            rows,
            lambda v: scrub_json(v, member) if member.mentions(v) else v,
        )
    return {f"{dataset}.{AUDIT_TABLE}": len(rows)} if rows else {}


def _mentioning(
    pipeline: dlt.Pipeline,
    dataset: str,
    table: str,
    key: str,
    columns: Sequence[str],
    member: Member,
    also_key: str | None = None,
) -> list[dict[str, Any]]:
    """`key` and text columns of the rows that name the member: `LIKE` narrows them in the
    warehouse, then an exact look in Python confirms (a `_` in an email is a `LIKE` wildcard).
    With `also_key`, a row whose `also_key` is the member's uuid is theirs whatever its text."""
    needles = [member.uuid.lower(), *sorted(member.emails)]
    with sql_client(pipeline, dataset) as client:
        escaped = [client.escape_column_name(c) for c in columns]
        tests = [f"LOWER({c}) LIKE %s" for c in escaped for _ in needles]
        params: list[Any] = [f"%{needle}%" for _ in escaped for needle in needles]
        owner = client.escape_column_name(also_key) if also_key else "NULL"
        if also_key:
            tests.append(f"{owner} = %s")
            params.append(member.uuid)
        selected = ", ".join([client.escape_column_name(key), owner, *escaped])
        query = f"SELECT {selected} FROM {_table(client, table)} WHERE {' OR '.join(tests)}"
        try:
            found = client.execute_sql(query, *params) or []
        except MissingTable:
            return []
    theirs = [
        (values[0], values[2:])
        for values in found
        if values[1] == member.uuid or any(member.mentions(v) for v in values[2:])
    ]
    return [
        {key: row_key, **dict(zip(columns, texts, strict=True))}
        for row_key, texts in theirs
        if any(text is not None for text in texts)
    ]


def _rewrite(
    pipeline: dlt.Pipeline,
    dataset: str,
    table: str,
    key: str,
    rows: list[dict[str, Any]],
    change: Callable[[Any], Any],
) -> None:
    """Set each text column that names the member to `change(old value)`, row by row."""
    with sql_client(pipeline, dataset) as client, client.begin_transaction():
        name = _table(client, table)
        for row in rows:
            changed = {c: change(v) for c, v in row.items() if c != key and v is not None}
            sets = ", ".join(f"{client.escape_column_name(c)} = %s" for c in changed)
            where = f"{client.escape_column_name(key)} = %s"
            client.execute_sql(
                f"UPDATE {name} SET {sets} WHERE {where}", *changed.values(), row[key]
            )


def _rehash_versions(client: SqlClient, name: str, uuid: str, present: set[str]) -> None:
    """Give each version the hash the load filter computes for the erased member's pages, so
    the hash no longer derives from personal values and an unchanged member opens no version."""
    hashed = [c for c in HASHED_CONTACT_COLUMNS if c in present]
    columns = ", ".join(client.escape_column_name(c) for c in ("_dlt_id", *hashed))
    versions = client.execute_sql(f"SELECT {columns} FROM {name} WHERE uuid = %s", uuid) or []
    hash_column = client.escape_column_name(CONTACT_HASH_COLUMN)
    for dlt_id, *values in versions:
        row = dict(zip(hashed, values, strict=True))
        client.execute_sql(
            f"UPDATE {name} SET {hash_column} = %s WHERE _dlt_id = %s",
            row_hash(row, HASHED_CONTACT_COLUMNS),
            dlt_id,
        )


def _columns(client: SqlClient, name: str) -> set[str]:
    """The table's column names, lower case; none when the table does not exist."""
    try:
        with client.execute_query(f"SELECT * FROM {name} WHERE 1 = 0") as cursor:
            return {column[0].lower() for column in cursor.description}
    except MissingTable:
        return set()


def _count(client: SqlClient, query: str, *params: Any) -> int:
    try:
        return int((client.execute_sql(query, *params) or [[0]])[0][0])
    except MissingTable:
        return 0


def _table(client: SqlClient, table: str) -> str:
    return client.make_qualified_table_name(table)
