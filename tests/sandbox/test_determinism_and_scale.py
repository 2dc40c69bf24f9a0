"""Same seed, same bytes; invariants at scale 10,000, also after the account moves."""

from __future__ import annotations

import pytest

PATHS = [
    ("/contacts", {"limit": 100, "page": 2}),
    ("/loyalty-transactions", {"limit": 100, "sort": "created_at", "page": 3}),
    ("/prepaid-transactions", {"limit": 30}),
    ("/vouchers", {"limit": 50}),
    ("/giftcard-transactions", {"perPage": 20}),
    ("/visits", {"limit": 50}),
    ("/referrals", {"limit": 20}),
    ("/rewards", {}),
]


def _bytes(client, paths) -> list[bytes]:
    return [client.get(path, params=params).content for path, params in paths]


def test_same_seed_same_bytes_from_separate_generations(make_sandbox, connect,
                                                        tmp_path) -> None:
    first = make_sandbox(seed=21, data_dir=tmp_path / "one")
    second = make_sandbox(seed=21, data_dir=tmp_path / "two")
    one = _bytes(connect(first), PATHS)
    two = [body.replace(second.base_url.encode(), first.base_url.encode())
           for body in _bytes(connect(second), PATHS)]
    assert one == two
    other = make_sandbox(seed=22, data_dir=tmp_path / "three")
    assert _bytes(connect(other), PATHS[:2]) != one[:2]


def test_generated_data_is_reused_and_mutations_do_not_leak(make_sandbox, connect,
                                                            tmp_path) -> None:
    first = make_sandbox(data_dir=tmp_path)
    before = connect(first).get("/contacts").content
    first.control.advance(days=5)
    generated = list(tmp_path.glob("*/base.sqlite"))
    assert len(generated) == 1
    stamp = generated[0].stat().st_mtime_ns
    second = make_sandbox(data_dir=tmp_path)
    assert connect(second).get("/contacts").content == before
    assert generated[0].stat().st_mtime_ns == stamp


def test_invariants_at_scale_10k_and_after_mutations(make_sandbox, connect) -> None:
    large = make_sandbox(scale=10_000, seed=5)
    client = connect(large)
    status = large.control.status()
    assert status["contacts"] == 10_000
    assert large.control.invariants() == dict.fromkeys(large.control.invariants(), 0)
    ledger = client.get("/loyalty-transactions").json()["meta"]["total"]
    assert 5 * 10_000 < ledger < 20 * 10_000
    result = large.control.advance(days=7)
    assert sum(result["created"].values()) > 1_000
    assert large.control.invariants() == dict.fromkeys(large.control.invariants(), 0)
    meta = client.get("/contacts", params={"limit": 100}).json()["meta"]
    expected = 10_000 + result["created"]["signups"] - result["created"]["deletes"]
    assert meta["total"] == expected and meta["last_page"] == -(-expected // 100)
    last = client.get("/contacts", params={"limit": 100, "page": meta["last_page"]}).json()
    assert len(last["data"]) == expected - 100 * (meta["last_page"] - 1)


def test_generated_shapes_are_realistic(sandbox, api, read_all) -> None:
    contacts = read_all(api, "/contacts")
    balances = sorted(c["credit_balance"]["balance"] for c in contacts)
    received = sorted(c["current_values"]["loyalty_total_credits_received"] for c in contacts)
    assert balances[0] >= 0
    assert received[-1] > 5 * received[len(received) // 2]
    tiers = {(c["tier"] or {}).get("name") for c in contacts}
    assert {"Bronze", "Silver", "Gold"} <= tiers
    years = {c["current_values"]["created_at"][:4] for c in contacts}
    assert years >= {"2024", "2025", "2026"}


@pytest.mark.parametrize("currency, minor", [("EUR", 100), ("JPY", 1)])
def test_currency_minor_units(make_sandbox, connect, currency: str, minor: int) -> None:
    private = make_sandbox(currency=currency, scale=50)
    client = connect(private)
    rows = client.get("/loyalty-transactions", params={"type": "credit_receptions",
                                                       "limit": 100}).json()["data"]
    purchases = [r for r in rows if r["unit_value"] is not None]
    assert purchases
    per_point = 1 if minor == 100 else 100
    for row in purchases:
        assert row["credits"] == int(row["unit_value"]) // per_point
    if minor == 1:
        assert all(float(r["unit_value"]).is_integer() for r in purchases)
        assert client.get("/units").json()["data"][0]["prefix"] == "¥"
