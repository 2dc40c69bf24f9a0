"""Every listing's first page is asked for before any listing reads on past its first page.

dlt runs a source's resources on a few worker threads; a resource that waited for its first page
there held a thread for a round trip, so the first pages of later listings waited behind the
second pages of earlier ones. A proxy adds 200 ms to every answer and notes the order requests
reached the sandbox.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from lying_proxy import lying_proxy
from source_helpers import Warehouse

from piggy_source.settings import API_PREFIX, ENDPOINTS

LISTINGS = {API_PREFIX + endpoint.path for endpoint in ENDPOINTS.values()}


def test_the_first_pages_of_all_listings_go_out_before_any_second_page(sandbox, tmp_path):
    with lying_proxy(sandbox, lambda answer: time.sleep(0.2)) as proxy:
        through = SimpleNamespace(base_url=proxy.base_url, token=sandbox.token)
        Warehouse(tmp_path, through).load()
    first: dict[str, int] = {}
    later: list[int] = []
    for order, asked in enumerate(map(urlsplit, proxy.asked)):
        if asked.path not in LISTINGS:
            continue
        page = parse_qs(asked.query).get("page", ["1"])[0]
        if page == "1":
            first.setdefault(asked.path, order)
        else:
            later.append(order)
    assert set(first) == LISTINGS
    assert later, "the account is large enough for some listing to have a second page"
    assert max(first.values()) < min(later)
