"""`piggy-elt docs` writes dbt's static docs site, one HTML file that opens with no server."""

from __future__ import annotations

from pathlib import Path

from dbt_warehouse import DocsSite, Warehouse, run_cli


def test_docs_writes_one_page_holding_models_columns_and_exposures(
    docs_site: DocsSite, warehouse: Warehouse
):
    assert docs_site.run.returncode == 0, docs_site.run.stderr[-2000:]
    last = docs_site.run.stdout.strip().splitlines()[-1]
    assert last.startswith("dbt docs: ")
    page = Path(last.removeprefix("dbt docs: "))
    assert page == (warehouse.workdir / "site" / "index.html").resolve()
    html = page.read_text()
    for name in ("dim_contacts", "fct_points_ledger", "mart_points_liability",
                 "seg_vip_candidates", "stg_piggy__contacts", "int_points_fifo",
                 "html_report", "segment_exports", "payout_review"):
        assert name in html, name
    assert "Points still owed" in html  # a docs block, rendered into a column description
    assert '"piggy_staging"' in html and '"piggy_analytics"' in html  # the catalog is inlined


def test_docs_for_a_pipeline_that_never_ran_is_one_line(warehouse: Warehouse, tmp_path):
    result = run_cli(["docs", "--pipeline-name", "nowhere", "--out", str(tmp_path / "site")],
                     warehouse.env, warehouse.workdir)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: pipeline 'nowhere' has not run here yet: run `piggy-elt run` first")
    assert not (tmp_path / "site").exists()
