"""Whole-list settings endpoints, and authentication (contract sections 1, 2, 5)."""

from __future__ import annotations

import time

import httpx
import pytest

from piggy_sandbox import SandboxControlError

WHOLE_LISTS = {
    "/rewards": {"uuid", "title", "reward_type", "is_active", "required_credits", "description",
                 "media", "pre_redeemable", "expiration_duration", "cost_price", "stock"},
    "/tiers": {"uuid", "name", "description", "position"},
    "/perks": {"uuid", "label", "name", "data_type", "options"},
    "/units": {"name", "label", "prefix", "is_default"},
    "/shops": {"id", "uuid", "name", "type", "reference"},
    "/promotions": {"uuid", "name", "description", "voucher_limit", "limit_per_contact",
                    "expiration_duration", "attributes"},
    "/giftcard-programs": {"uuid", "name", "active"},
    "/contact-attributes": {"name", "label", "type", "field_type", "description",
                            "is_soft_read_only", "is_hard_read_only", "options"},
    "/subscription-types": {"uuid", "name", "description", "active", "strategy"},
}


@pytest.mark.parametrize("path, keys", WHOLE_LISTS.items(), ids=list(WHOLE_LISTS))
def test_whole_lists_have_no_paging_meta(api, path: str, keys: set[str]) -> None:
    body = api.get(path).json()
    assert body["meta"] in ({}, [])
    assert body["data"] and all(keys <= set(item) for item in body["data"])


def test_both_empty_meta_forms_occur(api) -> None:
    metas = [api.get(path).json()["meta"] for path in WHOLE_LISTS]
    assert {} in metas and [] in metas


def test_rewards_carry_stock_cost_and_custom_keys(api) -> None:
    rewards = api.get("/rewards").json()["data"]
    assert {r["reward_type"] for r in rewards} == {"PHYSICAL", "DIGITAL"}
    assert any(r["stock"] is None for r in rewards) and any(r["stock"] == 0 for r in rewards)
    assert all(r["cost_price"] is None or isinstance(r["cost_price"], int) for r in rewards)
    assert all(key.startswith("custom_") for r in rewards for key in r
               if key not in WHOLE_LISTS["/rewards"])


def test_loyalty_program_is_one_object(api) -> None:
    body = api.get("/loyalty-program").json()
    assert body["meta"] == []
    assert {"id", "name", "max_amount", "custom_credit_name", "unit"} <= set(body["data"])


def test_subscription_types_are_marketing_and_service(api) -> None:
    types = {t["name"]: t["strategy"] for t in api.get("/subscription-types").json()["data"]}
    assert types == {"Marketing": "OPT_IN", "Service": "OPT_OUT"}


def test_unknown_path_is_404_in_error_shape(api) -> None:
    response = api.get("/no-such-thing")
    assert response.status_code == 404
    assert set(response.json()) == {"message", "code", "status_code"}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": "Basic c2FuZGJveA=="}])
def test_missing_or_bad_token_is_401(sandbox, headers: dict) -> None:
    response = httpx.get(f"{sandbox.api_url}/contacts", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["status_code"] == 401 and isinstance(body["code"], int) and body["message"]


def _token(sandbox, **overrides: str) -> httpx.Response:
    form = {"grant_type": "client_credentials", "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret, **overrides}
    return httpx.post(f"{sandbox.base_url}/oauth/token", data=form)


def test_client_credentials_token_works(sandbox) -> None:
    issued = _token(sandbox).json()
    assert issued["token_type"] == "Bearer" and issued["expires_in"] == 3600
    response = httpx.get(f"{sandbox.api_url}/tiers",
                         headers={"Authorization": f"Bearer {issued['access_token']}"})
    assert response.status_code == 200


@pytest.mark.parametrize("overrides", [{"client_secret": "nope"}, {"client_id": "other"},
                                       {"grant_type": "password"}])
def test_bad_client_credentials_are_refused(sandbox, overrides: dict) -> None:
    response = _token(sandbox, **overrides)
    assert response.status_code in (400, 401)
    assert "access_token" not in response.json()


def test_issued_token_expires(make_sandbox) -> None:
    private = make_sandbox(token_ttl=1)
    access = _token(private).json()["access_token"]
    headers = {"Authorization": f"Bearer {access}"}
    assert httpx.get(f"{private.api_url}/tiers", headers=headers).status_code == 200
    time.sleep(1.2)
    expired = httpx.get(f"{private.api_url}/tiers", headers=headers)
    assert expired.status_code == 401
    fresh = _token(private).json()["access_token"]
    renewed = httpx.get(f"{private.api_url}/tiers", headers={"Authorization": f"Bearer {fresh}"})
    assert renewed.status_code == 200


def test_custom_personal_token(make_sandbox) -> None:
    private = make_sandbox(token="my-own-token")
    assert httpx.get(f"{private.api_url}/tiers",
                     headers={"Authorization": "Bearer sandbox-token"}).status_code == 401
    assert httpx.get(f"{private.api_url}/tiers",
                     headers={"Authorization": "Bearer my-own-token"}).status_code == 200


def test_the_shared_sandbox_refuses_changes(sandbox, api) -> None:
    shop = api.get("/shops").json()["data"][0]["uuid"]
    contact = api.get("/contacts", params={"limit": 1}).json()["data"][0]["uuid"]
    refused = api.post("/credit-receptions", json={"shop_uuid": shop, "contact_uuid": contact,
                                                   "credits": 5})
    assert refused.status_code == 403 and refused.json()["code"] == 7011
    with pytest.raises(SandboxControlError, match="read-only"):
        sandbox.control.advance(days=1)
    assert api.get(f"/contacts/{contact}/credit-balance").status_code == 200
