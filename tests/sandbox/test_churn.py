"""`churn_during_reads`: the account moves between the pages of a contacts read."""

from __future__ import annotations

import pytest

from piggy_sandbox import SandboxControlError


def test_every_nth_contacts_list_deletes_the_oldest_and_signs_one_up(make_sandbox, connect):
    private = make_sandbox(scale=50)
    client = connect(private)
    first = client.get("/contacts", params={"sort": "created_at", "limit": 10}).json()
    oldest = first["data"][0]["uuid"]
    private.control.configure(churn_during_reads=2)
    client.get("/contacts", params={"limit": 1})
    assert private.control.status()["churned"] == {"deleted": [], "created": []}
    after = client.get("/contacts", params={"sort": "created_at", "limit": 10}).json()
    churned = private.control.status()["churned"]
    assert churned["deleted"] == [oldest] and len(churned["created"]) == 1
    assert after["meta"]["total"] == first["meta"]["total"]
    assert after["data"][0]["uuid"] == first["data"][1]["uuid"], "every row moved back one place"
    gone = client.get(f"/contacts/{oldest}")
    assert gone.status_code == 404 and gone.json()["code"] == 55031
    assert client.get(f"/contacts/{churned['created'][0]}").status_code == 200
    assert private.control.invariants() == {key: 0 for key in private.control.invariants()}


def test_churn_is_off_by_default_and_refuses_a_negative_period(make_sandbox, connect):
    private = make_sandbox(scale=20)
    client = connect(private)
    for _ in range(5):
        client.get("/contacts")
    assert private.control.status()["churned"] == {"deleted": [], "created": []}
    with pytest.raises(SandboxControlError, match="churn_during_reads"):
        private.control.configure(churn_during_reads=-1)
