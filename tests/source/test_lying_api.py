"""Loads through a proxy that lies about paging: each ends at once in one line, loading nothing,
where the source used to page forever (4,571 pages of a `last_page` of 1e9 in 40 s)."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from lying_proxy import Answer, lying_proxy
from source_helpers import Warehouse

from pipelines.errors import describe_error

CONTACTS = "/api/v3/oauth/clients/contacts"


def failed_load(sandbox, rewrite, tmp_path) -> tuple[str, float, list[str]]:
    """Load contacts through the lying proxy: the one-line error, the wall time, what was asked."""
    with lying_proxy(sandbox, rewrite) as proxy:
        wh = Warehouse(tmp_path, SimpleNamespace(base_url=proxy.base_url, token=sandbox.token))
        started = time.monotonic()
        with pytest.raises(Exception) as caught:
            wh.load(resources=["contacts"])
        elapsed = time.monotonic() - started
        asked = [path for path in proxy.asked if path.startswith(CONTACTS)]
    assert not wh.path.exists() or "contacts" not in str(wh.counts())
    return describe_error(caught.value), elapsed, asked


@pytest.mark.timeout(120)
def test_a_billion_pages_in_the_meta_fail_at_page_one(sandbox, tmp_path):
    def claim_a_billion(answer: Answer) -> None:
        if answer.path == CONTACTS:
            answer.body["meta"]["last_page"] = 10**9

    line, elapsed, asked = failed_load(sandbox, claim_a_billion, tmp_path)
    print(f"last_page 1e9: {len(asked)} page requests, {elapsed:.1f}s: {line}")
    assert "\n" not in line and "claims 1000000000 pages for 300 records" in line
    assert len(asked) == 1


@pytest.mark.timeout(120)
def test_the_same_page_served_for_every_page_fails_on_the_repeat(sandbox, tmp_path):
    first: dict = {}

    def repeat_page_one(answer: Answer) -> None:
        if answer.path != CONTACTS:
            return
        if answer.query.get("page") == "1":
            first["data"] = answer.body["data"]
        answer.body["data"] = first["data"]
        answer.body["meta"] = {"page": answer.query.get("page"), "limit": "100"}

    line, elapsed, asked = failed_load(sandbox, repeat_page_one, tmp_path)
    print(f"repeated page: {len(asked)} page requests, {elapsed:.1f}s: {line}")
    assert "\n" not in line and "page 2 of /contacts with the same 100 records as page 1" in line
    assert len(asked) == 2
