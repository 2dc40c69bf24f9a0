"""Every listing's first page is asked for at once, not one worker thread's worth at a time.

dlt runs a source's resources on a few worker threads (5); a resource that waited for its first
page there held a thread for a round trip, so 18 listings started in waves, a round trip apart.
A proxy adds 500 ms to every answer (room for a loaded machine to send them all) and notes when
requests arrive and answers leave: every first page must arrive before a second answer leaves (one
request goes alone first, to learn the budget).
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from lying_proxy import lying_proxy
from source_helpers import Warehouse

from piggy_source.settings import API_PREFIX, ENDPOINTS

LISTINGS = {API_PREFIX + endpoint.path for endpoint in ENDPOINTS.values()}


def first_page(url: str) -> str | None:
    """The listing whose first page `url` asks for, else None."""
    asked = urlsplit(url)
    if asked.path not in LISTINGS or parse_qs(asked.query).get("page", ["1"])[0] != "1":
        return None
    return asked.path


def test_the_first_pages_of_all_listings_go_out_at_once(sandbox, tmp_path):
    with lying_proxy(sandbox, lambda answer: time.sleep(0.5)) as proxy:
        through = SimpleNamespace(base_url=proxy.base_url, token=sandbox.token)
        Warehouse(tmp_path, through).load()
    answered = 0
    answered_before: dict[str, int] = {}
    for event, url in proxy.events:
        if event == "answered":
            answered += 1
        elif (listing := first_page(url)) is not None:
            answered_before.setdefault(listing, answered)
    assert set(answered_before) == LISTINGS
    assert max(answered_before.values()) <= 1, answered_before
