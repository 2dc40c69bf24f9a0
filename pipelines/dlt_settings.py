"""dlt settings every load needs, set in code so they hold wherever piggy-elt runs.

`.dlt/config.toml` is only found in the project directory; these defaults apply everywhere, and a
user's own value for any of them (config, secrets or environment) takes precedence.
"""

import dlt


def use_dlt_columns_on_arrow() -> None:
    """Arrow pages get dlt's `_dlt_id` (scd2 needs one) and `_dlt_load_id` (docs/raw-tables.md)
    even when run outside the project directory, where `.dlt/config.toml` is not found."""
    dlt.config["normalize.parquet_normalizer.add_dlt_id"] = True
    dlt.config["normalize.parquet_normalizer.add_dlt_load_id"] = True


DUCKDB_MEMORY_LIMIT = "128MB"


def cap_duckdb_memory() -> None:
    """Bound DuckDB's memory so a load stays flat as the account grows.

    DuckDB may use 80% of RAM by default, and the merge of a large ledger takes it: a 973k-row
    `loyalty_transactions` load peaked at 1.46 GB. Capped at 128 MB, DuckDB spills to disk instead
    and the same load peaks at 0.37 GB in the same time. dlt keeps every credentials field out of
    config.toml, so the default is set here, through the secrets provider; a user's own
    `DESTINATION__DUCKDB__CREDENTIALS__GLOBAL_CONFIG` takes precedence.
    """
    key = "destination.duckdb.credentials.global_config"
    if dlt.secrets.get(key) is None:
        dlt.secrets[key] = {
            "memory_limit": DUCKDB_MEMORY_LIMIT,
            # raw tables keep no order, and DuckDB needs less memory for an INSERT without it
            "preserve_insertion_order": False,
        }


def load_jobs_one_at_a_time() -> None:
    """DuckDB's memory limit is one budget for every connection, so dlt's parallel load jobs
    share the 128 MB: on a million-contact account the ledger's merge left the others too little
    and the first load failed with "Out of Memory". One job at a time gives each the whole cap
    and costs little (DuckDB uses every core within a job). A user's own
    `LOAD__PARALLELISM_STRATEGY` takes precedence."""
    key = "load.parallelism_strategy"
    if dlt.config.get(key) is None:
        dlt.config[key] = "sequential"


def configure_dlt(destination: str) -> None:
    use_dlt_columns_on_arrow()
    if destination == "duckdb":
        cap_duckdb_memory()
        load_jobs_one_at_a_time()
