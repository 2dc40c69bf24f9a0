"""Every paged list: its page-size parameter and maximum, meta shape, order and filters."""

from __future__ import annotations

from datetime import datetime

import pytest

from piggy_sandbox import SandboxControlError

# path, page-size parameter, maximum, exact meta keys
PAGED = [
    ("/contacts", "limit", 100, {"page", "limit", "viewing_from", "viewing_to", "last_page",
                                 "total"}),
    ("/loyalty-transactions", "limit", 100, {"page", "limit", "viewing_from", "viewing_to",
                                             "last_page", "total"}),
    ("/giftcard-transactions", "perPage", 100, {"page", "limit", "viewing_from", "viewing_to",
                                                "last_page", "total"}),
    ("/referrals", "limit", 100, {"page", "limit", "viewing_from", "viewing_to", "last_page",
                                  "total"}),
    ("/vouchers", "limit", 500, {"current_page", "from", "last_page", "links", "path",
                                 "per_page", "to", "total"}),
    ("/giftcards", "limit", 100, {"page", "per_page", "last_page", "total"}),
    ("/prepaid-transactions", "limit", 30, {"current_page", "from", "last_page", "per_page",
                                            "total"}),
    ("/visits", "limit", 500, {"current_page", "last_page", "per_page", "total"}),
]
IDS = [path for path, *_ in PAGED]


def _page_number(meta: dict) -> int:
    return meta.get("page", meta.get("current_page"))


@pytest.mark.parametrize("path, size_param, maximum, meta_keys", PAGED, ids=IDS)
def test_meta_shape_and_maximum(api, path, size_param, maximum, meta_keys) -> None:
    body = api.get(path, params={size_param: maximum, "page": 1}).json()
    assert set(body["meta"]) == meta_keys
    assert 0 < len(body["data"]) <= maximum
    refused = api.get(path, params={size_param: maximum + 1})
    assert refused.status_code == 422
    assert refused.json()["code"] == 1003 and size_param in refused.json()["errors"]


@pytest.mark.parametrize("path, size_param, maximum, meta_keys", PAGED, ids=IDS)
def test_pages_cover_the_list_exactly_once(api, read_all, path, size_param, maximum,
                                           meta_keys) -> None:
    size = min(maximum, 40)
    first = api.get(path, params={size_param: size}).json()["meta"]
    records = read_all(api, path, size_param=size_param, size=size)
    assert len(records) == first["total"]
    keys = [record["uuid"] or record["id"] for record in records]
    assert len(set(keys)) == len(keys)
    beyond = api.get(path, params={size_param: size, "page": first["last_page"] + 1}).json()
    assert beyond["data"] == [] and _page_number(beyond["meta"]) == first["last_page"] + 1


@pytest.mark.parametrize("path, key", [("/loyalty-transactions", "created_at"),
                                       ("/giftcard-transactions", "created_at"),
                                       ("/prepaid-transactions", "created_at"),
                                       ("/visits", "created_at")])
def test_newest_first_by_default(api, read_all, path, key) -> None:
    size_param = "perPage" if "giftcard" in path else "limit"
    size = 30 if "prepaid" in path else 100
    moments = [datetime.fromisoformat(r[key].replace("Z", "+00:00"))
               for r in read_all(api, path, size_param=size_param, size=size)]
    assert moments == sorted(moments, reverse=True)


def test_timestamp_forms(api) -> None:
    voucher = api.get("/vouchers", params={"limit": 1}).json()["data"][0]
    prepaid = api.get("/prepaid-transactions", params={"limit": 1}).json()["data"][0]
    ledger = api.get("/loyalty-transactions", params={"limit": 1}).json()["data"][0]
    assert voucher["activation_date"].endswith(".000000Z")
    assert prepaid["created_at"].endswith(".000000Z")
    assert ledger["created_at"].endswith("+00:00")


def test_loyalty_transaction_shapes(api, read_all) -> None:
    records = read_all(api, "/loyalty-transactions")
    kinds = {r["type"] for r in records}
    assert kinds == {"credit_reception", "reward_reception", "digital_reward_reception"}
    for record in records:
        assert set(record["contact"]) == {"uuid", "email", "credit_balance"}
        assert set(record["shop"]) == {"id", "uuid", "type", "name"}
        if record["type"] == "credit_reception":
            assert {"credits", "unit_value", "unit", "channel", "contact_identifier",
                    "custom_campaign"} <= set(record)
            assert (record["unit"] is None) == (record["unit_value"] is None)
        else:
            assert record["credits"] < 0
            assert {"title", "reward", "expires_at", "has_been_collected"} <= set(record)
            assert ("digital_reward_code" in record) == (record["type"] ==
                                                         "digital_reward_reception")


def test_loyalty_filters(api, read_all) -> None:
    everything = read_all(api, "/loyalty-transactions")
    credits = read_all(api, "/loyalty-transactions", type="credit_receptions")
    rewards = read_all(api, "/loyalty-transactions", type="reward_receptions")
    assert {r["type"] for r in credits} == {"credit_reception"}
    assert len(credits) + len(rewards) == len(everything)
    contact = everything[0]["contact"]["uuid"]
    mine = read_all(api, "/loyalty-transactions", contact_uuid=contact)
    assert mine and all(r["contact"]["uuid"] == contact for r in mine)
    assert len(mine) == sum(r["contact"]["uuid"] == contact for r in everything)
    shop = everything[0]["shop"]["uuid"]
    at_shop = read_all(api, "/loyalty-transactions", shop_uuid=shop)
    assert len(at_shop) == sum(r["shop"]["uuid"] == shop for r in everything)
    assert api.get("/loyalty-transactions", params={"type": "visits"}).status_code == 422


def test_loyalty_created_at_window_and_sort(api, read_all) -> None:
    ascending = read_all(api, "/loyalty-transactions", sort="created_at")
    pivot = ascending[len(ascending) // 2]["created_at"]
    later = read_all(api, "/loyalty-transactions", sort="created_at",
                     **{"created_at[gte]": pivot})
    expected = [r["uuid"] for r in ascending if r["created_at"] >= pivot]
    assert [r["uuid"] for r in later] == expected


def test_voucher_filters_and_statuses(api, read_all) -> None:
    vouchers = read_all(api, "/vouchers", size=500)
    assert {v["status"] for v in vouchers} == {"ACTIVE", "REDEEMED", "EXPIRED", "DEACTIVATED",
                                               "INACTIVE", "LOCKED"}
    redeemed = read_all(api, "/vouchers", size=500, status="REDEEMED")
    assert redeemed and all(v["is_redeemed"] and v["redeemed_at"] for v in redeemed)
    promotion = vouchers[0]["promotion"]["uuid"]
    by_promotion = read_all(api, "/vouchers", size=500, promotion_uuid=promotion)
    assert len(by_promotion) == sum(v["promotion"]["uuid"] == promotion for v in vouchers)
    assert api.get("/vouchers", params={"status": "USED"}).status_code == 422


def test_prepaid_balances_follow_the_ledger(api, read_all) -> None:
    rows = read_all(api, "/prepaid-transactions", size=30)
    by_contact: dict[str, list[dict]] = {}
    for row in reversed(rows):
        by_contact.setdefault(row["contact"]["uuid"], []).append(row)
    for contact_uuid, history in by_contact.items():
        running = 0
        for row in history:
            running += row["amount_in_cents"]
            assert row["prepaid_balance"]["balance_in_cents"] == running
        mine = read_all(api, "/prepaid-transactions", size=30, contact_uuid=contact_uuid)
        assert len(mine) == len(history)


def test_giftcard_transactions_sometimes_lack_a_uuid(api, read_all) -> None:
    rows = read_all(api, "/giftcard-transactions", size_param="perPage")
    assert any(r["uuid"] is None for r in rows) and any(r["uuid"] for r in rows)
    assert all(isinstance(r["id"], int) for r in rows)


def test_unsupported_filters_are_not_applied(api) -> None:
    """Only contacts and the two transaction ledgers sort or filter on created_at."""
    plain = api.get("/visits", params={"limit": 5}).json()
    asked = api.get("/visits", params={"limit": 5, "sort": "created_at",
                                       "created_at[gte]": "2030-01-01T00:00:00Z"}).json()
    assert asked == plain


def _prepaid_ids(client, read_all, **params) -> list[str]:
    return [row["uuid"] for row in read_all(client, "/prepaid-transactions", size=30, **params)]


def test_prepaid_order_setting_answers_oldest_first_and_changes_at_runtime(
    make_sandbox, connect, read_all
) -> None:
    """Prepaid has no `sort`; `prepaid_order` lets a client meet an API that is not newest first."""
    private = make_sandbox(scale=60, prepaid_order="oldest")
    client = connect(private)
    oldest_first = _prepaid_ids(client, read_all)
    contact = client.get("/prepaid-transactions", params={"limit": 1}).json()["data"][0]
    mine_oldest = _prepaid_ids(client, read_all, contact_uuid=contact["contact"]["uuid"])
    assert private.control.configure(prepaid_order="newest")["prepaid_order"] == "newest"
    newest_first = _prepaid_ids(client, read_all)
    mine_newest = _prepaid_ids(client, read_all, contact_uuid=contact["contact"]["uuid"])
    assert len(oldest_first) > 30 and oldest_first == newest_first[::-1]
    assert len(mine_oldest) > 1 and mine_oldest == mine_newest[::-1]
    moments = [r["created_at"] for r in read_all(client, "/prepaid-transactions", size=30)]
    assert moments == sorted(moments, reverse=True)


def test_an_unknown_prepaid_order_is_refused(make_sandbox) -> None:
    private = make_sandbox(scale=20)
    with pytest.raises(SandboxControlError, match="prepaid_order: choose from newest, oldest"):
        private.control.configure(prepaid_order="random")
    with pytest.raises(ValueError, match="prepaid_order"):
        make_sandbox(scale=20, prepaid_order="random")
