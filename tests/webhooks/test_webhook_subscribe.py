"""`webhooks subscribe`: Piggy's subscriptions registered, and the secret it prints verifies."""

from __future__ import annotations

import re

import httpx

from tests.webhooks.conftest import ReceiverProcess
from tests.webhooks.test_webhook_sync import QUIET

PROFILE_EVENTS = {
    "contact_created",
    "contact_updated",
    "credit_reception_created",
    "prepaid_transaction_created",
    "voucher_redeemed",
}


def test_subscribe_registers_the_profile_events_and_the_printed_secret_verifies(
    make_sandbox, crm, tmp_path
):
    sandbox = make_sandbox()
    receiver = ReceiverProcess(sandbox.base_url, sandbox.token, crm, tmp_path)
    try:
        done = receiver.cli("subscribe", "--url", receiver.url)
        assert done.returncode == 0, done.stderr
        secret = re.search(r"WEBHOOKS__SECRET=(\w+)", done.stdout).group(1)
        assert '[webhooks]  secrets = ["' + secret + '"]' in done.stdout
        headers = {"Authorization": f"Bearer {sandbox.token}"}
        listed = httpx.get(f"{sandbox.api_url}/webhook-subscriptions", headers=headers).json()
        assert {s["event_type"] for s in listed["data"] if s["url"] == receiver.url} == (
            PROFILE_EVENTS
        )
        receiver.extra_env = {"WEBHOOKS__SECRET": secret}
        receiver.start()
        sandbox.control.advance(days=1, earns=5, **QUIET)
        assert all(d["delivered"] for d in sandbox.control.deliveries())
        assert receiver.status()["backlog"] + receiver.status()["done"] >= 5
    finally:
        receiver.stop()
        receiver.sock.close()


def test_subscribe_refuses_a_url_that_is_not_http(make_sandbox, crm, tmp_path):
    sandbox = make_sandbox()
    receiver = ReceiverProcess(sandbox.base_url, sandbox.token, crm, tmp_path)
    done = receiver.cli("subscribe", "--url", "ftp://example.com/hook")
    receiver.sock.close()
    assert done.returncode == 1
    assert (
        done.stderr.strip() == "error: --url must be an http(s) URL, got 'ftp://example.com/hook'"
    )


def test_serve_on_a_port_in_use_says_so_in_one_line(crm, tmp_path):
    receiver = ReceiverProcess("http://127.0.0.1:9", "token", crm, tmp_path)
    port = str(receiver.sock.getsockname()[1])
    try:
        done = receiver.cli("serve", "--port", port)
    finally:
        receiver.sock.close()
    assert done.returncode == 1
    assert done.stderr.strip().startswith(f"error: cannot listen on 127.0.0.1:{port} (")
    assert done.stderr.strip().endswith("pick another --port or --host")
    assert not receiver.journal.exists()
