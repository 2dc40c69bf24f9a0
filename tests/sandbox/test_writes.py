"""Write endpoints (contract section 6): state changes, error codes, invariants afterwards."""

from __future__ import annotations

import pytest


@pytest.fixture
def account(make_sandbox, connect):
    """A private sandbox, its client, a shop and a contact with a known balance."""
    private = make_sandbox()
    client = connect(private)
    shop = client.get("/shops").json()["data"][0]["uuid"]
    contact = client.get("/contacts", params={"limit": 1}).json()["data"][0]
    return private, client, shop, contact


def _balance(client, contact_uuid: str) -> int:
    return client.get(f"/contacts/{contact_uuid}/credit-balance").json()["data"]["balance"]


def test_add_points_by_credits_and_by_purchase(account) -> None:
    private, client, shop, contact = account
    before = _balance(client, contact["uuid"])
    plain = client.post("/credit-receptions", json={
        "shop_uuid": shop, "contact_uuid": contact["uuid"], "credits": 40})
    assert plain.status_code == 200
    record = plain.json()["data"]
    assert record["type"] == "credit_reception" and record["credits"] == 40
    assert record["unit_value"] is None and record["channel"] == "API"
    bought = client.post("/credit-receptions", json={
        "shop_uuid": shop, "contact_uuid": contact["uuid"], "unit_value": 23.5,
        "unit_name": "purchase_amount"}).json()["data"]
    assert bought["credits"] == 23 and bought["unit_value"] == 23.5
    assert bought["unit"]["is_default"] is True
    calculated = client.get("/credit-receptions/calculate", params={
        "shop_uuid": shop, "unit_value": "23.5", "contact_uuid": contact["uuid"]}).json()
    assert calculated["data"] == {"credits": 23}
    assert _balance(client, contact["uuid"]) == before + 63
    assert bought["contact"]["credit_balance"]["balance"] == before + 63
    listed = client.get("/loyalty-transactions", params={"contact_uuid": contact["uuid"],
                                                         "limit": 2}).json()["data"]
    assert [r["uuid"] for r in listed] == [bought["uuid"], record["uuid"]]
    assert private.control.invariants() == dict.fromkeys(private.control.invariants(), 0)


def test_remove_points_and_insufficient_credits(account) -> None:
    private, client, shop, contact = account
    balance = _balance(client, contact["uuid"])
    too_much = client.post("/credit-receptions", json={
        "shop_uuid": shop, "contact_uuid": contact["uuid"], "credits": -(balance + 1)})
    assert too_much.status_code == 422 and too_much.json()["code"] == 1017
    assert _balance(client, contact["uuid"]) == balance
    if balance:
        removed = client.post("/credit-receptions", json={
            "shop_uuid": shop, "contact_uuid": contact["uuid"], "credits": -balance})
        assert removed.json()["data"]["credits"] == -balance
        assert _balance(client, contact["uuid"]) == 0


def test_reverse_once(account) -> None:
    private, client, shop, contact = account
    before = _balance(client, contact["uuid"])
    earned = client.post("/credit-receptions", json={
        "shop_uuid": shop, "contact_uuid": contact["uuid"], "credits": 15}).json()["data"]
    reversal = client.post(f"/credit-receptions/{earned['uuid']}/reverse").json()["data"]
    assert reversal["credits"] == -15 and reversal["channel"] == "REVERSAL"
    assert reversal["reversed_uuid"] == earned["uuid"]
    assert _balance(client, contact["uuid"]) == before
    again = client.post(f"/credit-receptions/{earned['uuid']}/reverse")
    assert again.status_code == 422 and again.json()["code"] == 1003


def test_redeem_reward_spends_points_and_stock(account) -> None:
    private, client, shop, contact = account
    rewards = {r["title"]: r for r in client.get("/rewards").json()["data"]}
    cinema = rewards["Cinema tickets"]
    client.post("/credit-receptions", json={"shop_uuid": shop, "contact_uuid": contact["uuid"],
                                            "credits": 5000})
    before = _balance(client, contact["uuid"])
    redeemed = client.post("/reward-receptions", json={
        "contact_uuid": contact["uuid"], "reward_uuid": cinema["uuid"], "shop_uuid": shop})
    record = redeemed.json()["data"]
    assert record["type"] == "digital_reward_reception" and record["credits"] == -600
    assert record["digital_reward_code"]["code"]
    assert _balance(client, contact["uuid"]) == before - 600
    after = {r["title"]: r for r in client.get("/rewards").json()["data"]}
    assert after["Cinema tickets"]["stock"] == cinema["stock"] - 1
    tier = client.get(f"/contacts/{contact['uuid']}/tier").json()["data"]
    assert tier["name"] == "Platinum"


@pytest.mark.parametrize("title, credits, code", [
    ("Tote bag", 5000, 1018), ("Wireless earbuds", 0, 1017), ("Retired mug", 5000, 6003)])
def test_reward_errors(account, title: str, credits: int, code: int) -> None:
    private, client, shop, contact = account
    reward = {r["title"]: r for r in client.get("/rewards").json()["data"]}[title]
    if credits:
        client.post("/credit-receptions", json={"shop_uuid": shop,
                                                "contact_uuid": contact["uuid"],
                                                "credits": credits})
    else:
        balance = _balance(client, contact["uuid"])
        if balance:
            client.post("/credit-receptions", json={"shop_uuid": shop,
                                                    "contact_uuid": contact["uuid"],
                                                    "credits": -balance})
    refused = client.post("/reward-receptions", json={
        "contact_uuid": contact["uuid"], "reward_uuid": reward["uuid"], "shop_uuid": shop})
    assert refused.json()["code"] == code


def test_claim_limit_1019(account) -> None:
    private, client, shop, contact = account
    gift = {r["title"]: r for r in client.get("/rewards").json()["data"]}["Welcome gift"]
    client.post("/credit-receptions", json={"shop_uuid": shop, "contact_uuid": contact["uuid"],
                                            "credits": 1000})
    body = {"contact_uuid": contact["uuid"], "reward_uuid": gift["uuid"], "shop_uuid": shop}
    answers = [client.post("/reward-receptions", json=body) for _ in range(2)]
    codes = [a.json().get("code") for a in answers]
    assert codes[-1] == 1019


@pytest.mark.parametrize("body, code", [
    ({"contact_uuid": "00000000-0000-4000-8000-000000000000", "credits": 5}, 55031),
    ({"shop_uuid": "00000000-0000-4000-8000-000000000000", "credits": 5}, 1008),
    ({"credits": "five"}, 1003),
    ({}, 1003),
])
def test_credit_reception_errors(account, body: dict, code: int) -> None:
    private, client, shop, contact = account
    full = {"shop_uuid": shop, "contact_uuid": contact["uuid"], **body}
    if not body:
        full.pop("shop_uuid")
    response = client.post("/credit-receptions", json=full)
    assert response.status_code in (404, 422)
    assert response.json()["code"] == code


def test_cashback_payout_moves_the_wallet(account) -> None:
    private, client, shop, contact = account
    before = contact["prepaid_balance"]["balance_in_cents"]
    paid = client.post("/prepaid-transactions", json={
        "contact_uuid": contact["uuid"], "amount_in_cents": 1250, "shop_uuid": shop})
    record = paid.json()["data"]
    assert record["amount_in_cents"] == 1250
    assert record["prepaid_balance"]["balance_in_cents"] == before + 1250
    assert record["created_at"].endswith("Z")
    again = client.get(f"/contacts/{contact['uuid']}").json()["data"]
    assert again["prepaid_balance"]["balance_in_cents"] == before + 1250
    newest = client.get("/prepaid-transactions", params={"limit": 1}).json()["data"][0]
    assert newest["uuid"] == record["uuid"]
    overdraw = client.post("/prepaid-transactions", json={
        "contact_uuid": contact["uuid"], "amount_in_cents": -(before + 1251), "shop_uuid": shop})
    assert overdraw.status_code == 422
    assert private.control.invariants()["prepaid_balance_mismatch"] == 0


def test_voucher_find_validate_redeem(account) -> None:
    private, client, shop, contact = account
    voucher = client.get("/vouchers", params={"status": "ACTIVE", "limit": 1}).json()["data"][0]
    found = client.get("/vouchers/find", params={"code": voucher["code"]}).json()["data"]
    assert found["uuid"] == voucher["uuid"]
    assert client.post(f"/vouchers/{voucher['uuid']}/validate").status_code == 200
    redeemed = client.post("/vouchers/redeem", json={"code": voucher["code"],
                                                     "shop_uuid": shop}).json()["data"]
    assert redeemed["status"] == "REDEEMED" and redeemed["is_redeemed"] is True
    again = client.post("/vouchers/redeem", json={"code": voucher["code"], "shop_uuid": shop})
    assert again.status_code == 422
    missing = client.get("/vouchers/find", params={"code": "NOPE"})
    assert missing.status_code == 404 and missing.json()["code"] == 80004


def test_update_reward(account) -> None:
    private, client, shop, contact = account
    reward = client.get("/rewards").json()["data"][0]
    updated = client.put(f"/rewards/{reward['uuid']}", json={
        "title": "Free espresso", "required_credits": 55}).json()["data"]
    assert (updated["title"], updated["required_credits"]) == ("Free espresso", 55)
    assert client.get("/rewards").json()["data"][0]["title"] == "Free espresso"
    bad = client.put(f"/rewards/{reward['uuid']}", json={"required_credits": "many"})
    assert bad.status_code == 422 and bad.json()["code"] == 1003
    unknown = client.put("/rewards/00000000-0000-4000-8000-000000000000", json={"title": "x"})
    assert unknown.json()["code"] == 6003
