"""The benchmark harness runs end to end at a tiny scale and writes every figure.

Nothing timed is asserted (speed targets live in `python -m bench`); what is checked is that each
of the six figures was measured, that the document names machine, versions and settings, and the
facts that do not depend on speed: both connectors loaded the same rows, the incremental run
loaded the new ledger rows, the fetch-only baseline saw the same ledger as the load, the large
account's floor, rerun and dbt build were measured.
"""

import io
import json

import pytest
from rich.console import Console

from bench.profiles import SMOKE
from bench.report import FIGURES
from bench.run import run_benchmarks

pytestmark = pytest.mark.timeout(1500)
"""The module's fixture runs the whole harness (four sandboxes, ten figures, two dbt builds): about
five minutes on two idle cores, well over the suite's 600 s default when the machine is shared."""


@pytest.fixture(scope="module")
def document(tmp_path_factory, sandbox_data_dir):
    output = tmp_path_factory.mktemp("bench") / "latest.json"
    console = Console(file=io.StringIO())
    run_benchmarks(SMOKE, output, console=console, sandbox_data=sandbox_data_dir)
    return json.loads(output.read_text())


def test_every_figure_is_measured(document):
    assert list(document["figures"]) == list(FIGURES)
    failures = {
        key: figure["error"]
        for key, figure in document["figures"].items()
        if figure["error"] is not None
    }
    assert failures == {}
    assert all(figure["headline"] for figure in document["figures"].values())


def test_document_names_machine_versions_and_settings(document):
    assert document["machine"]["logical_cpus"] >= 1
    assert document["versions"]["dlt"] != "not installed"
    assert document["settings"]["profile"]["name"] == "smoke"
    assert document["settings"]["sandboxes"]["network"]["budget_per_window"] == 5000


def test_budget_figure_counts_requests_on_both_sides(document):
    figure = document["figures"]["budget_saturation"]
    assert figure["requests"] > 0
    assert figure["client_requests"] >= figure["requests"]
    assert figure["bound_seconds"] > 0 and figure["ratio"] > 0


def test_both_connectors_load_the_same_rows(document):
    figure = document["figures"]["versus_rest_api"]
    assert figure["same_rows"] == {"contacts": True, "loyalty_transactions": True}
    assert figure["ours"]["rows"]["loyalty_transactions"] > 0


def test_incremental_run_reads_the_new_ledger_rows_with_fewer_requests(document):
    figure = document["figures"]["incremental"]
    new_earns = figure["mutations"]["created"]["earns"]
    assert new_earns >= 1
    assert figure["ledger"]["incremental_rows"]["loyalty_transactions"] >= new_earns
    assert figure["ledger"]["incremental_requests"] < figure["ledger"]["full_requests"]


def test_cpu_baseline_reads_the_same_ledger_as_the_load(document):
    figure = document["figures"]["cpu_path"]
    assert figure["fetched_rows"] == figure["ledger_rows"] > 0


def test_memory_and_dbt_figures_carry_their_measures(document):
    scales = document["figures"]["memory"]["scales"]
    assert sorted(int(scale) for scale in scales) == list(SMOKE.memory_scales)
    assert all(item["peak_rss_mb"] > 0 and item["rows"] > 0 for item in scales.values())
    assert document["figures"]["dbt_build"]["nodes"].get("model", 0) > 0


def test_large_account_figures_load_rerun_and_build(document):
    load = document["figures"]["scale_load"]
    assert load["arrow_insert_rows"] >= load["per_resource_rows"]["loyalty_transactions"] > 0
    assert load["floor_seconds"] == max(load["budget_seconds"], load["arrow_insert_seconds"]) > 0
    assert load["peak_rss_mb"] > 0
    rerun = document["figures"]["scale_rerun"]
    assert rerun["rows"]["loyalty_transactions"] >= rerun["mutations"]["created"]["earns"] >= 1
    assert rerun["requests"] < load["requests"]
    assert document["figures"]["scale_dbt"]["nodes"].get("model", 0) > 0
