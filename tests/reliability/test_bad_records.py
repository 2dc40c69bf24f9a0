"""Scenario 3: every malformed shape the sandbox can serve lands in quarantine with its reason,
and everything else loads. Unknown fields are not an error: they evolve the schema.

The sandbox names each record it spoils (`/_sandbox/malformed`), so the quarantine is checked
record by record, not by count.
"""

from __future__ import annotations

from collections import Counter

import httpx
from warehouse_checks import Warehouse

from piggy_source.settings import API_PREFIX, ENDPOINTS

SOURCE_NAMES = {"contacts": "contacts", "loyalty-transactions": "loyalty_transactions",
                "prepaid-transactions": "prepaid_transactions",
                "giftcard-transactions": "giftcard_transactions", "vouchers": "vouchers",
                "rewards": "rewards", "visits": "visits", "referrals": "referrals",
                "giftcards": "giftcards"}
UNKNOWN_FIELD = "x_sandbox_unexpected"


def api_total(sandbox, resource: str) -> int:
    """How many records the API serves for a resource: meta `total`, or the length of the list."""
    response = httpx.get(f"{sandbox.base_url}{API_PREFIX}{ENDPOINTS[resource].path}",
                         params={"page": 1}, timeout=60,
                         headers={"Authorization": f"Bearer {sandbox.token}"})
    body = response.json()
    meta = body["meta"]
    return int(meta["total"]) if isinstance(meta, dict) and "total" in meta else len(body["data"])


def key_column(resource: str) -> str:
    return "transaction_key" if resource == "giftcard_transactions" else "uuid"


def stored_key(resource: str, sandbox_key: str) -> str:
    """The sandbox names a giftcard transaction without uuid by its id; the table by `id:<id>`."""
    if resource == "giftcard_transactions" and "-" not in sandbox_key:
        return f"id:{sandbox_key}"
    return sandbox_key


def test_each_malformed_shape_is_quarantined_with_its_reason_and_the_rest_loads(
    make_sandbox, tmp_path
):
    sandbox = make_sandbox(scale=300, malformed_rate=0.03, fault_seed=5)
    spoiled = sandbox.control.malformed()
    assert {item["kind"] for item in spoiled} == {"missing_key", "wrong_type", "unknown_field"}
    warehouse = Warehouse(tmp_path / "w", sandbox)
    summary = warehouse.load()

    broken = [item for item in spoiled if item["kind"] != "unknown_field"]
    quarantined = warehouse.rows(
        "SELECT resource, record_key, reason, raw_payload FROM piggy_raw.quarantined_records")
    assert sorted((r, k) for r, k, _, _ in quarantined) == sorted(
        (SOURCE_NAMES[item["resource"]], item["key"]) for item in broken)
    reasons = {(r, k): reason for r, k, reason, _ in quarantined}
    for item in broken:
        reason = reasons[(SOURCE_NAMES[item["resource"]], item["key"])]
        assert item["field"] in reason, (item, reason)
    assert all(payload.startswith("{") and len(payload) > 20 for *_, payload in quarantined)
    assert sum(stats.quarantined for stats in summary.resources.values()) == len(broken)

    refused = Counter(SOURCE_NAMES[item["resource"]] for item in broken)
    for resource in SOURCE_NAMES.values():
        landed = warehouse.scalar(f"SELECT count(*) FROM piggy_raw.{resource}"
                                  + (" WHERE _dlt_valid_to IS NULL" if resource == "contacts"
                                     else ""))
        assert landed == api_total(sandbox, resource) - refused[resource], resource

    for item in (i for i in spoiled if i["kind"] == "unknown_field"):
        resource = SOURCE_NAMES[item["resource"]]
        value = warehouse.scalar(
            f"SELECT {UNKNOWN_FIELD} FROM piggy_raw.{resource} WHERE {key_column(resource)} = ?",
            stored_key(resource, item["key"]))
        assert value is not None and "never seen" in value, (item, value)


def test_a_loaded_contact_served_malformed_later_is_not_marked_deleted(make_sandbox, tmp_path):
    """A sweep that could not read a contact has not seen it disappear: its current version must
    stay open (a closed one means "deleted in Piggy" to every model downstream)."""
    sandbox = make_sandbox(scale=300, fault_seed=5)
    warehouse = Warehouse(tmp_path / "w", sandbox)
    warehouse.load(resources=["contacts"])
    before = warehouse.scalar("SELECT count(*) FROM piggy_raw.contacts WHERE _dlt_valid_to IS NULL")
    sandbox.control.configure(malformed_rate=0.05, malformed_kinds=["missing_key", "wrong_type"])
    spoiled = sandbox.control.malformed("contacts")
    assert spoiled
    warehouse.load(resources=["contacts"])
    retired = warehouse.rows(
        "SELECT uuid FROM piggy_raw.contacts GROUP BY uuid HAVING count(*) FILTER "
        "(WHERE _dlt_valid_to IS NULL) = 0")
    assert retired == [], f"{len(retired)} of {len(spoiled)} malformed contacts marked deleted"
    after = warehouse.scalar("SELECT count(*) FROM piggy_raw.contacts WHERE _dlt_valid_to IS NULL")
    assert after == before
