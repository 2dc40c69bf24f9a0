"""Malformed records from the sandbox: quarantined with their reason while their page loads."""

from __future__ import annotations

import json
from collections import Counter

from source_helpers import api_totals

from piggy_source.settings import ENDPOINTS

PATH_TO_RESOURCE = {endpoint.path.strip("/"): name for name, endpoint in ENDPOINTS.items()}


def test_each_malformed_shape_is_quarantined_and_the_rest_loads(sandbox, make_sandbox, warehouse):
    totals = api_totals(sandbox)
    broken = make_sandbox(malformed_rate=0.05)
    wh = warehouse(broken)
    wh.load()
    spoiled = broken.control.malformed()
    rejected = [s for s in spoiled if s["kind"] != "unknown_field"]
    assert {s["kind"] for s in spoiled} == {"missing_key", "wrong_type", "unknown_field"}

    quarantine = wh.query("SELECT resource, record_key, reason, raw_payload "
                          "FROM piggy_raw.quarantined_records")
    found = {(resource, key): reason for resource, key, reason, _ in quarantine}
    expected = {(PATH_TO_RESOURCE[s["resource"]], s["key"]): s["field"] for s in rejected}
    assert set(found) == set(expected)
    for place, field in expected.items():
        assert field in found[place], (place, found[place])
    assert all(json.loads(payload) for *_, payload in quarantine)

    per_resource = Counter(resource for resource, _ in expected)
    counts = wh.counts()
    for resource, bad in per_resource.items():
        loaded = (wh.current_contacts() if resource == "contacts" else counts[resource])
        assert loaded == totals[resource] - bad, resource

    extra = [s for s in spoiled if s["kind"] == "unknown_field"]
    table = PATH_TO_RESOURCE[extra[0]["resource"]]
    flagged = wh.scalar(f"SELECT count(*) FROM piggy_raw.{table} "
                        "WHERE x_sandbox_unexpected IS NOT NULL")
    assert flagged == sum(1 for s in extra if PATH_TO_RESOURCE[s["resource"]] == table)
