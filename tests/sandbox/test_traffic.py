"""Traffic shaping: the request budget (429), latency, faults and malformed records."""

from __future__ import annotations

import time

import httpx
import pytest


def test_budget_headers_and_429(make_sandbox, connect) -> None:
    private = make_sandbox(rate_limit=3, rate_window=30)
    client = connect(private)
    remaining = []
    for _ in range(3):
        response = client.get("/tiers")
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "3"
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
    assert remaining == [2, 1, 0]
    refused = client.get("/tiers")
    assert refused.status_code == 429
    assert refused.json() == {"message": "Too Many Attempts.", "code": 429, "status_code": 429}
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
    assert refused.headers["X-RateLimit-Remaining"] == "0"


def test_budget_is_per_token_and_window(make_sandbox, connect) -> None:
    private = make_sandbox(rate_limit=2, rate_window=1)
    client = connect(private)
    assert [client.get("/tiers").status_code for _ in range(3)] == [200, 200, 429]
    access = httpx.post(f"{private.base_url}/oauth/token", data={
        "grant_type": "client_credentials", "client_id": private.client_id,
        "client_secret": private.client_secret}).json()["access_token"]
    other = httpx.get(f"{private.api_url}/tiers", headers={"Authorization": f"Bearer {access}"})
    assert other.status_code == 200
    time.sleep(1.1)
    assert client.get("/tiers").status_code == 200


def test_429_without_retry_after(make_sandbox, connect) -> None:
    private = make_sandbox(rate_limit=1, retry_after=False)
    client = connect(private)
    client.get("/tiers")
    refused = client.get("/tiers")
    assert refused.status_code == 429 and "Retry-After" not in refused.headers


def test_control_calls_are_outside_the_budget(make_sandbox, connect) -> None:
    private = make_sandbox(rate_limit=1)
    client = connect(private)
    client.get("/tiers")
    for _ in range(3):
        private.control.status()
    assert private.control.totals() == {"GET /tiers": 1}


def test_latency(make_sandbox, connect) -> None:
    private = make_sandbox(latency_ms=150)
    client = connect(private)
    client.get("/tiers")
    started = time.perf_counter()
    client.get("/tiers")
    assert time.perf_counter() - started >= 0.15


@pytest.mark.parametrize("kind", ["500", "502", "503"])
def test_server_error_faults(make_sandbox, connect, kind: str) -> None:
    private = make_sandbox(fault_rate=1.0, fault_kinds=(kind,))
    response = connect(private).get("/contacts")
    assert response.status_code == int(kind)
    assert response.json()["status_code"] == int(kind)


def test_dropped_connection(make_sandbox, connect) -> None:
    private = make_sandbox(fault_rate=1.0, fault_kinds=("drop",))
    with pytest.raises(httpx.RemoteProtocolError):
        connect(private).get("/contacts")


def test_truncated_body(make_sandbox, connect) -> None:
    private = make_sandbox(fault_rate=1.0, fault_kinds=("truncate",))
    with pytest.raises(httpx.RemoteProtocolError, match="incomplete|complete message"):
        connect(private).get("/contacts")


def test_slower_than_the_client_timeout(make_sandbox, connect) -> None:
    private = make_sandbox(fault_rate=1.0, fault_kinds=("slow",), slow_seconds=0.6)
    with pytest.raises(httpx.ReadTimeout):
        connect(private, timeout=0.2).get("/tiers")


def _outcomes(sandbox, client: httpx.Client, requests: int) -> list[str]:
    outcomes = []
    for page in range(1, requests + 1):
        try:
            outcomes.append(str(client.get("/loyalty-transactions",
                                           params={"page": page % 7 + 1}).status_code))
        except httpx.TransportError as exc:
            outcomes.append(type(exc).__name__)
    return outcomes


def test_faults_are_reproducible_from_the_seed(make_sandbox, connect) -> None:
    options = {"fault_rate": 0.4, "fault_kinds": ("500", "503", "drop", "truncate"),
               "fault_seed": 11}
    first = make_sandbox(**options)
    second = make_sandbox(**options)
    one = _outcomes(first, connect(first), 40)
    two = _outcomes(second, connect(second), 40)
    assert one == two
    assert "200" in one and len(set(one)) >= 3
    other = make_sandbox(**{**options, "fault_seed": 12})
    assert _outcomes(other, connect(other), 40) != one


def test_settings_change_at_runtime(make_sandbox, connect) -> None:
    private = make_sandbox()
    client = connect(private)
    assert client.get("/tiers").status_code == 200
    private.control.configure(fault_rate=1.0, fault_kinds=["503"])
    assert client.get("/tiers").status_code == 503
    private.control.configure(fault_rate=0.0)
    assert client.get("/tiers").status_code == 200
    assert private.control.status()["faults"] == {"503": 1}


def test_malformed_records_are_exact_and_stable(make_sandbox, connect, read_all) -> None:
    private = make_sandbox(malformed_rate=0.05, fault_seed=3)
    client = connect(private)
    listed = private.control.malformed("loyalty-transactions")
    assert {item["kind"] for item in listed} == {"missing_key", "wrong_type", "unknown_field"}
    first = read_all(client, "/loyalty-transactions")
    second = read_all(client, "/loyalty-transactions")
    assert first == second
    seen = set()
    for record in first:
        if "created_at" not in record:
            seen.add((record["uuid"], "missing_key"))
        elif not isinstance(record.get("credits"), int):
            seen.add((record["uuid"], "wrong_type"))
        elif "x_sandbox_unexpected" in record:
            seen.add((record["uuid"], "unknown_field"))
    assert seen == {(item["key"], item["kind"]) for item in listed}
    assert 0 < len(seen) < len(first) * 0.15
