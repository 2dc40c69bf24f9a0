"""`piggy-elt transform` runs the whole dbt project green on a real sandbox load."""

from __future__ import annotations

import json

from dbt_warehouse import Warehouse, run_cli


def run_results(warehouse: Warehouse) -> list[dict]:
    path = warehouse.workdir / "target" / "run_results.json"
    return json.loads(path.read_text())["results"]


def test_dbt_build_is_green(warehouse: Warehouse):
    assert warehouse.transform.returncode == 0, warehouse.transform.stderr[-2000:]
    results = run_results(warehouse)
    failed = [r["unique_id"] for r in results if r["status"] not in ("pass", "success")
              and (r["status"], r["unique_id"].split(".")[0]) != ("no-op", "exposure")]
    assert failed == []
    assert "dbt build on duckdb" in warehouse.transform.stdout


def test_build_ran_the_reconciliation_and_every_unit_test(warehouse: Warehouse):
    statuses = {r["unique_id"]: r["status"] for r in run_results(warehouse)}
    assert statuses["test.piggy_elt.assert_balances_reconcile"] == "pass"
    unit_tests = {uid.split(".")[-1] for uid in statuses if uid.startswith("unit_test.")}
    assert {
        "fifo_expiry_consumes_oldest_lots_first",
        "ltv_projects_from_the_pooled_cohort_curve",
        "cohorts_by_signup_and_by_first_activity",
        "fifo_spending_written_off_points_gives_breakage_back",
        "movements_say_who_acted",
        "redemption_trends_label_exactly_ten_percent",
        "tier_changes_dated_by_the_contact_and_first_tier_joined",
        "redemption_trends_by_reward_and_week",
        "points_expiring_segment_rule",
        "vip_candidates_segment_rule",
        "lapsed_redeemers_segment_rule",
        "high_value_at_risk_segment_rule",
        "segment_base_keeps_only_reachable_contacts",
    } <= unit_tests


def test_a_bi_user_sees_only_what_to_query_in_the_analytics_schema(warehouse: Warehouse):
    """Facts, dims, marts, segments and the payout review in piggy_analytics; staging and
    intermediate models each in their own schema, by these exact names."""
    by_schema: dict[str, set[str]] = {}
    for schema, name in warehouse.query(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema in ('piggy_analytics', 'piggy_staging', 'piggy_intermediate')"
    ):
        by_schema.setdefault(schema, set()).add(name)
    analytics = by_schema["piggy_analytics"]
    assert {
        "dim_contacts", "fct_points_ledger", "mart_points_liability", "mart_resource_freshness",
        "seg_points_expiring_14d", "seg_vip_candidates", "seg_lapsed_redeemers",
        "seg_high_value_at_risk", "mart_payout_review", "stg_actions__cashback_requests",
    } <= analytics
    moved = {name for name in analytics if name.startswith(("stg_piggy__", "int_"))}
    assert moved == set()
    assert {"stg_piggy__contacts", "stg_piggy__dlt_loads"} <= by_schema["piggy_staging"]
    assert all(name.startswith("stg_piggy__") for name in by_schema["piggy_staging"])
    assert {"int_contacts_current", "int_points_fifo"} <= by_schema["piggy_intermediate"]
    assert all(name.startswith("int_") for name in by_schema["piggy_intermediate"])


def test_unknown_pipeline_is_one_clear_line(warehouse: Warehouse):
    result = run_cli(["transform", "--pipeline-name", "nowhere"], warehouse.env, warehouse.workdir)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: pipeline 'nowhere' has not run here yet: run `piggy-elt run` first")


def test_bad_as_of_day_is_one_clear_line(warehouse: Warehouse):
    result = run_cli(["transform", "--as-of", "yesterday"], warehouse.env, warehouse.workdir)
    assert result.returncode == 2
    assert "--as-of 'yesterday' is not a date: use YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr
