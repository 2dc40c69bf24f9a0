"""Where a run after a crash needs more than dlt's public API gives: the one place that knows it.

Three behaviours of dlt 1.31, each pinned by `tests/reliability/test_dlt_workarounds.py`, so an
upgrade that changes one fails there first:

1. `Pipeline.run()` given pending packages loads only those and extracts nothing, so the run
   after a crash would report success on the previous run's data. `finish_interrupted` runs
   them first, through `run()` without data (dlt's own sync, normalize and load).
2. Normalize commits the load package and then deletes the extracted one; a crash in between
   leaves a half-deleted extracted package that every later normalize fails on. dlt has no public
   call to delete one extracted package (`drop_pending_packages` drops every pending package,
   the committed load among them), so `discard_torn_extracts` removes its folder, known only
   from dlt's storage layout (`<working dir>/normalize/extracted/<load id>`).
3. A copy into staging that committed just before a crash, but that dlt had not yet recorded,
   runs again on resume, and dlt's scd2 merge does not de-duplicate staging: each new version
   lands twice, as identical rows (`_dlt_id` included). `drop_replayed_versions` keeps one.
"""

import shutil
from pathlib import Path

import dlt
from dlt.common.schema.utils import get_merge_strategy
from dlt.destinations.exceptions import DatabaseUndefinedRelation

EXTRACTED_FOLDER = Path("normalize", "extracted")
KEPT_SUFFIX = "__resumed"


def finish_interrupted(pipeline: dlt.Pipeline) -> list[str]:
    """Finish what a killed or failed run left behind, so the caller's run reads anew; return the
    load ids finished. The sync of the first `run()` may also discard the packages of a first
    load that never reached the destination, and then there is nothing to resume."""
    discard_torn_extracts(pipeline)
    restore_kept_versions(pipeline)
    if not pipeline.has_pending_data:
        return []
    resumed = pipeline.run()
    load_ids = list(resumed.loads_ids) if resumed is not None else []
    for load_id in load_ids:
        drop_replayed_versions(pipeline, load_id)
    return load_ids


def discard_torn_extracts(pipeline: dlt.Pipeline) -> None:
    """Delete an extracted package that normalize has already turned into a load package."""
    converted = {
        *pipeline.list_normalized_load_packages(),
        *pipeline.list_completed_load_packages(),
    }
    extracted = Path(pipeline.working_dir) / EXTRACTED_FOLDER
    for load_id in converted.intersection(pipeline.list_extracted_load_packages()):
        shutil.rmtree(extracted / load_id)


def scd2_tables(pipeline: dlt.Pipeline) -> list[str]:
    if not pipeline.default_schema_name:
        return []
    tables = pipeline.default_schema.tables
    return [name for name in tables if get_merge_strategy(tables, name) == "scd2"]


def drop_replayed_versions(pipeline: dlt.Pipeline, load_id: str) -> None:
    """Keep one copy of each row an scd2 merge inserted twice while resuming `load_id`.

    No transaction: BigQuery allows no DDL in one and Snowflake commits DDL implicitly, so the
    rewrite is a chain of single statements, each atomic on its own, in an order that a kill at
    any point leaves recoverable. First the distinct rows of the load are saved in a side table
    (one `CREATE TABLE AS`: it exists whole or not at all); then `restore_kept_versions` swaps
    them in. Only a load with such copies is touched.
    """
    with pipeline.sql_client() as client:
        for table in scd2_tables(pipeline):
            name = client.make_qualified_table_name(table)
            of_load = f"FROM {name} WHERE _dlt_load_id = %s"
            counted = client.execute_sql(
                f"SELECT count(*) - count(DISTINCT _dlt_id) {of_load}", load_id
            )
            copies = counted[0][0] if counted else 0
            if copies:
                kept = client.make_qualified_table_name(table + KEPT_SUFFIX)
                client.execute_sql(f"CREATE TABLE {kept} AS SELECT DISTINCT * {of_load}", load_id)
    restore_kept_versions(pipeline)


def restore_kept_versions(pipeline: dlt.Pipeline) -> None:
    """Replace a load's rows by the distinct rows saved beside the table, then drop the copy.

    Each step is safe to repeat: the side table is dropped last, so a run killed after the
    `DELETE` or after the `INSERT` finds it at its next start and runs the steps again, ending
    with the same rows.
    """
    tables = scd2_tables(pipeline)
    if not tables:
        return
    with pipeline.sql_client() as client:
        for table in tables:
            name = client.make_qualified_table_name(table)
            kept = client.make_qualified_table_name(table + KEPT_SUFFIX)
            try:
                client.execute_sql(f"SELECT 1 FROM {kept} WHERE 1 = 0")
            except DatabaseUndefinedRelation:
                continue
            client.execute_sql(
                f"DELETE FROM {name} WHERE _dlt_load_id IN (SELECT _dlt_load_id FROM {kept})"
            )
            client.execute_sql(f"INSERT INTO {name} SELECT * FROM {kept}")
            client.execute_sql(f"DROP TABLE {kept}")
