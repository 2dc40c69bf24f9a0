"""Properties of paging over the five meta shapes of contract section 3, and the unpaged `{}`/`[]`.

A small in-memory listing answers pages exactly as the contract describes each shape (Laravel's
names, `limit` sometimes a string, an empty page past `last_page`), so any total, page size and
window can be read end to end through `iter_pages`.
"""

from __future__ import annotations

import math
from concurrent.futures import Future

from contract_records import PROPERTY
from hypothesis import given
from hypothesis import strategies as st

from piggy_source.paging import PageInfo, check_count, expected_count, iter_pages, parse_meta

SHAPES = ("A", "B", "C", "D", "E")


def meta_for(shape: str, page: int, per_page: int, total: int, limit_as_text: bool) -> dict:
    """The meta a contract endpoint of `shape` answers for `page`."""
    last_page = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    count = max(0, min(per_page, total - start))
    first, last = (start + 1, start + count) if count else (None, None)
    if shape == "A":
        limit = str(per_page) if limit_as_text else per_page
        return {"page": page, "limit": limit, "viewing_from": first, "viewing_to": last,
                "last_page": last_page, "total": total}
    if shape == "B":
        return {"current_page": page, "from": first, "last_page": last_page,
                "links": [{"url": None, "label": "&laquo;", "active": False}],
                "path": "http://127.0.0.1/api/v3/oauth/clients/vouchers", "per_page": per_page,
                "to": last, "total": total}
    if shape == "C":
        return {"page": page, "per_page": per_page, "last_page": last_page, "total": total}
    if shape == "D":
        return {"current_page": page, "from": first, "last_page": last_page,
                "per_page": per_page, "total": total}
    return {"current_page": page, "last_page": last_page, "per_page": per_page, "total": total}


class Listing:
    """`total` numbered records served `per_page` at a time in one meta shape."""

    def __init__(self, shape: str, total: int, per_page: int, limit_as_text: bool) -> None:
        self.shape, self.total, self.per_page = shape, total, per_page
        self.limit_as_text = limit_as_text
        self.asked: list[int] = []

    @property
    def last_page(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def body(self, page: int) -> dict:
        start = (page - 1) * self.per_page
        data = list(range(start, min(self.total, start + self.per_page)))
        meta = meta_for(self.shape, page, self.per_page, self.total, self.limit_as_text)
        return {"data": data, "meta": meta}

    def fetch(self, page: int) -> Future:
        self.asked.append(page)
        future: Future = Future()
        future.set_result(self.body(page))
        return future


LISTINGS = st.builds(Listing, st.sampled_from(SHAPES), st.integers(0, 700),
                     st.integers(1, 120), st.booleans())


@PROPERTY
@given(shape=st.sampled_from(SHAPES), page=st.integers(1, 10**6), per_page=st.integers(1, 500),
       total=st.integers(0, 10**7), limit_as_text=st.booleans())
def test_every_shape_reads_as_the_same_page_info(shape, page, per_page, total, limit_as_text):
    meta = meta_for(shape, page, per_page, total, limit_as_text)
    last_page = max(1, math.ceil(total / per_page))
    assert parse_meta(meta) == PageInfo(page, per_page, last_page, total)


@PROPERTY
@given(listing=LISTINGS, window=st.integers(1, 8))
def test_a_listing_of_any_shape_is_read_whole_once_in_order(listing, window):
    pages = list(iter_pages(listing.fetch, listing.per_page, window))
    records = [record for _, body in pages for record in body["data"]]
    assert records == list(range(listing.total))
    assert [number for number, _ in pages] == list(range(1, len(pages) + 1))
    assert sorted(listing.asked) == list(range(1, listing.last_page + 1)), "a page read twice"


@PROPERTY
@given(listing=LISTINGS)
def test_the_meta_count_of_every_served_page_agrees(listing):
    for page in range(1, listing.last_page + 2):
        body = listing.body(page)
        info = parse_meta(body["meta"])
        assert expected_count(info, page) == len(body["data"])
        assert check_count("r", page, info, len(body["data"]))


@PROPERTY
@given(listing=LISTINGS, page=st.integers(1, 20), drift=st.integers(1, 5))
def test_a_page_short_of_its_meta_is_reported(listing, page, drift):
    body = listing.body(page)
    received = len(body["data"]) + drift
    assert not check_count("r", page, parse_meta(body["meta"]), received)


@PROPERTY
@given(meta=st.sampled_from([{}, [], None]), data=st.lists(st.integers(), max_size=40))
def test_an_unpaged_answer_is_one_page(meta, data):
    assert parse_meta(meta) == PageInfo()
    served: list[int] = []

    def fetch(page: int) -> Future:
        served.append(page)
        future: Future = Future()
        future.set_result({"data": data, "meta": meta})
        return future

    pages = list(iter_pages(fetch, 100, 4))
    assert pages == [(1, {"data": data, "meta": meta})]
    assert served == [1]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=8,
)
META_KEYS = st.sampled_from(["page", "current_page", "limit", "per_page", "last_page", "total",
                             "from", "to"])


@PROPERTY
@given(meta=JSON | st.dictionaries(META_KEYS, JSON, max_size=6))
def test_any_meta_reads_without_error_and_only_as_whole_numbers(meta):
    info = parse_meta(meta)
    for value in (info.page, info.per_page, info.last_page, info.total):
        assert value is None or type(value) is int
