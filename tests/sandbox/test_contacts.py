"""/contacts and the single-contact endpoints against the contract (sections 3-5, 8)."""

from __future__ import annotations

from datetime import datetime

import pytest

META_A = {"page", "limit", "viewing_from", "viewing_to", "last_page", "total"}


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_page_envelope_and_meta_shape_a(api) -> None:
    body = api.get("/contacts", params={"limit": "25", "page": 2}).json()
    assert set(body) == {"data", "meta"}
    assert set(body["meta"]) == META_A
    assert body["meta"]["limit"] == "25"
    assert body["meta"]["page"] == 2
    assert (body["meta"]["viewing_from"], body["meta"]["viewing_to"]) == (26, 50)
    assert body["meta"]["total"] == 300
    assert body["meta"]["last_page"] == 12
    assert len(body["data"]) == 25


def test_contact_record_shape(api) -> None:
    contact = api.get("/contacts", params={"limit": 1}).json()["data"][0]
    assert {"id", "uuid", "email", "tier", "subscriptions", "credit_balance", "prepaid_balance",
            "current_values", "current_display_values"} <= set(contact)
    assert set(contact["credit_balance"]) == {"id", "balance"}
    assert set(contact["prepaid_balance"]) == {"balance_in_cents"}
    assert {"created_at", "updated_at", "firstname", "lastname", "birthdate", "status",
            "loyalty_total_credits_received", "loyalty_first_transaction_date",
            "loyalty_last_transaction_date"} <= set(contact["current_values"])
    names = {item["subscription_type"]["name"]: item for item in contact["subscriptions"]}
    assert names["Marketing"]["subscription_type"]["strategy"] == "OPT_IN"
    assert names["Service"]["subscription_type"]["strategy"] == "OPT_OUT"
    if contact["tier"] is not None:
        assert set(contact["tier"]) == {"uuid", "name", "description", "position", "media"}
    assert contact["current_values"]["created_at"].endswith("+00:00")


def test_every_contact_once_newest_first(api, read_all) -> None:
    contacts = read_all(api, "/contacts")
    assert len(contacts) == 300
    assert len({c["uuid"] for c in contacts}) == 300
    keys = [(_moment(c["current_values"]["created_at"]), c["id"]) for c in contacts]
    assert keys == sorted(keys, reverse=True)


def test_sort_created_at_ascending_ties_by_id(api, read_all) -> None:
    contacts = read_all(api, "/contacts", sort="created_at")
    keys = [(_moment(c["current_values"]["created_at"]), c["id"]) for c in contacts]
    assert keys == sorted(keys)
    assert len(contacts) == 300


@pytest.mark.parametrize("offset_form", ["Z", "+00:00", "+02:00"])
def test_created_at_filters(api, read_all, offset_form: str) -> None:
    everything = read_all(api, "/contacts", sort="created_at")
    pivot = everything[150]["current_values"]["created_at"]
    moment = _moment(pivot)
    if offset_form == "Z":
        text = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif offset_form == "+02:00":
        text = moment.astimezone(_moment("2020-01-01T00:00:00+02:00").tzinfo).isoformat()
    else:
        text = pivot
    gte = read_all(api, "/contacts", sort="created_at", **{"created_at[gte]": text})
    gt = read_all(api, "/contacts", sort="created_at", **{"created_at[gt]": text})
    lt = read_all(api, "/contacts", **{"created_at[lt]": text})
    lte = read_all(api, "/contacts", **{"created_at[lte]": text})
    assert all(_moment(c["current_values"]["created_at"]) >= moment for c in gte)
    assert all(_moment(c["current_values"]["created_at"]) > moment for c in gt)
    assert all(_moment(c["current_values"]["created_at"]) < moment for c in lt)
    assert len(gte) + len(lt) == 300
    assert len(gt) + len(lte) == 300
    expected = [c["uuid"] for c in everything
                if _moment(c["current_values"]["created_at"]) >= moment]
    assert [c["uuid"] for c in gte] == expected


def test_filters_combine_into_a_window(api, read_all) -> None:
    everything = read_all(api, "/contacts", sort="created_at")
    low = everything[100]["current_values"]["created_at"]
    high = everything[199]["current_values"]["created_at"]
    window = read_all(api, "/contacts", sort="created_at",
                      **{"created_at[gte]": low, "created_at[lte]": high})
    assert [c["uuid"] for c in window] == [c["uuid"] for c in everything[100:200]]


@pytest.mark.parametrize("params, field", [
    ({"limit": 101}, "limit"), ({"limit": 0}, "limit"), ({"limit": "ten"}, "limit"),
    ({"page": 0}, "page"), ({"page": "x"}, "page"), ({"sort": "updated_at"}, "sort"),
    ({"created_at[gte]": "yesterday"}, "created_at[gte]"),
])
def test_bad_parameters_answer_422_with_1003(api, params: dict, field: str) -> None:
    response = api.get("/contacts", params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == 1003 and body["status_code"] == 422
    assert field in body["errors"]


def test_limit_at_maximum_is_accepted(api) -> None:
    assert len(api.get("/contacts", params={"limit": 100}).json()["data"]) == 100


def test_page_beyond_last_is_empty_with_meta(api) -> None:
    body = api.get("/contacts", params={"page": 99, "limit": 100}).json()
    assert body["data"] == []
    assert body["meta"]["total"] == 300 and body["meta"]["last_page"] == 3


def test_single_contact_lookups(api) -> None:
    listed = api.get("/contacts", params={"limit": 1}).json()["data"][0]
    one = api.get(f"/contacts/{listed['uuid']}").json()["data"]
    assert one == listed
    found = api.get("/contacts/find-one-by", params={"email": listed["email"]}).json()["data"]
    assert found["uuid"] == listed["uuid"]
    balance = api.get(f"/contacts/{listed['uuid']}/credit-balance").json()["data"]
    assert balance == {"balance": listed["credit_balance"]["balance"]}
    tier = api.get(f"/contacts/{listed['uuid']}/tier").json()["data"]
    assert tier == listed["tier"]


@pytest.mark.parametrize("path, params", [
    ("/contacts/00000000-0000-4000-8000-000000000000", {}),
    ("/contacts/not-a-uuid/credit-balance", {}),
    ("/contacts/find-one-by", {"email": "nobody@example.com"}),
])
def test_unknown_contact_is_55031(api, path: str, params: dict) -> None:
    response = api.get(path, params=params)
    assert response.status_code == 404
    assert response.json()["code"] == 55031
