"""What a refresh would drop that no API read brings back: the contacts' scd2 history."""

import dlt
from dlt.destinations.exceptions import DatabaseUndefinedRelation


def history_at_stake(pipeline: dlt.Pipeline, full_refresh: bool, refresh: str | None) -> str | None:
    """What a refresh would drop that no API read brings back, or None when nothing is lost.

    A refresh drops tables and reads them again; the contacts' scd2 history (earlier balances,
    tiers and profiles, deleted contacts) is in no API answer, so once dropped it is gone.
    """
    if not (full_refresh or refresh == "contacts") or not pipeline.default_schema_name:
        return None
    schema = pipeline.default_schema
    if "contacts" not in schema.tables:
        return None
    with pipeline.sql_client() as client:
        table = client.make_qualified_table_name("contacts")
        try:
            versions, contacts, closed = client.execute_sql(
                f"SELECT count(*), count(DISTINCT uuid), count(_dlt_valid_to) FROM {table}"
            )[0]
        except DatabaseUndefinedRelation:
            return None
    if not closed:
        return None
    tables = [
        t["name"] for t in schema.data_tables() if full_refresh or t.get("resource") == refresh
    ]
    flag = "--full-refresh" if full_refresh else "--refresh contacts"
    return (
        f"{flag} drops {len(tables)} tables, among them the contacts history: {versions} versions "
        f"of {contacts} contacts, {closed} of them earlier or deleted versions no API read brings "
        "back"
    )
