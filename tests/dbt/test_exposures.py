"""The exposures name exactly the models each consumer reads, taken from the consumer's code, so
a report chart or an export that starts reading another model fails here until the exposure (and
the docs site's lineage) says so."""

from __future__ import annotations

import re
from pathlib import Path

from dbt_warehouse import DocsSite

from pipelines.exports.freshness import FRESHNESS_MART
from pipelines.exports.segments import CONTACTS_DIM
from pipelines.payouts.recheck import REQUESTS_VIEW
from pipelines.payouts.review import REVIEW_MART

REPORT_CODE = Path(__file__).resolve().parents[2] / "pipelines" / "report"
MODEL_NAME = re.compile(r'"((?:fct|dim|mart|seg|stg|int)_\w+)"')


def exposed(site: DocsSite, exposure: str) -> set[str]:
    nodes = site.manifest["exposures"][f"exposure.piggy_elt.{exposure}"]["depends_on"]["nodes"]
    return {node.split(".", 2)[-1] for node in nodes}


def test_the_report_exposure_names_every_model_the_report_reads(docs_site: DocsSite):
    read = {name for path in REPORT_CODE.glob("*.py") for name in MODEL_NAME.findall(
        path.read_text())}
    assert "mart_points_liability" in read
    assert exposed(docs_site, "html_report") == read | {"piggy_actions_ledger.payout_ledger"}


def test_the_segment_exports_exposure_names_each_segment_and_what_the_export_checks(
    docs_site: DocsSite
):
    segments = {node["name"] for node in docs_site.manifest["nodes"].values()
                if node["resource_type"] == "model"
                and node["config"]["meta"].get("piggy_export") == "segment"}
    assert len(segments) == 4
    assert exposed(docs_site, "segment_exports") == segments | {CONTACTS_DIM, FRESHNESS_MART}


def test_the_payout_review_exposure_names_the_review_mart_and_the_requests(docs_site: DocsSite):
    assert exposed(docs_site, "payout_review") == {REVIEW_MART, REQUESTS_VIEW}
