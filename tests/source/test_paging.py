"""Paging offline: every meta shape, `limit` as a string, and where a listing ends."""

from concurrent.futures import Future

import pytest
from hypothesis import given
from hypothesis import strategies as st

from piggy_source.exceptions import PiggyPagingError
from piggy_source.listing import Listing
from piggy_source.paging import PageInfo, check_count, expected_count, iter_pages, parse_meta

SHAPES = {
    "A": {
        "page": 2,
        "limit": "30",
        "viewing_from": 31,
        "viewing_to": 60,
        "last_page": 4,
        "total": 100,
    },
    "B": {
        "current_page": 2,
        "from": 31,
        "last_page": 4,
        "links": [],
        "path": "/vouchers",
        "per_page": 30,
        "to": 60,
        "total": 100,
    },
    "C": {"page": 2, "per_page": 30, "last_page": 4, "total": 100},
    "D": {"current_page": 2, "from": 31, "last_page": 4, "per_page": 30, "total": 100},
    "E": {"current_page": 2, "last_page": 4, "per_page": 30, "total": 100},
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_meta_shape_reads_the_same(shape):
    assert parse_meta(SHAPES[shape]) == PageInfo(page=2, per_page=30, last_page=4, total=100)


@pytest.mark.parametrize("meta", [{}, [], None, "x"])
def test_unpaged_meta_is_silent(meta):
    assert parse_meta(meta) == PageInfo()


def test_non_numeric_meta_values_are_unknown():
    assert parse_meta({"page": True, "limit": "many", "last_page": 2.5}) == PageInfo()


def test_expected_count_of_last_page_is_the_remainder():
    info = PageInfo(per_page=30, last_page=4, total=100)
    assert [expected_count(info, page) for page in (1, 4, 5)] == [30, 10, 0]
    assert check_count("contacts", 4, info, 10)
    assert not check_count("contacts", 4, info, 9)


def fake_listing(total: int, size: int, with_last_page: bool = True):
    """A listing of `total` numbered records, answering futures like the client does."""
    asked: list[int] = []

    def fetch(page: int) -> Future:
        asked.append(page)
        future: Future = Future()
        rows = list(range((page - 1) * size, min(total, page * size)))
        meta = {"page": page, "limit": str(size), "total": total}
        if with_last_page:
            meta["last_page"] = max(1, -(-total // size))
        future.set_result({"data": rows, "meta": meta})
        return future

    return fetch, asked


@given(
    total=st.integers(0, 400),
    size=st.integers(1, 50),
    window=st.integers(1, 6),
    with_last_page=st.booleans(),
)
def test_pages_arrive_in_order_complete_and_once(total, size, window, with_last_page):
    fetch, asked = fake_listing(total, size, with_last_page)
    pages = list(iter_pages(fetch, size, window))
    records = [row for _, body in pages for row in body["data"]]
    assert records == list(range(total))
    assert [number for number, _ in pages] == list(range(1, len(pages) + 1))
    assert len(asked) == len(set(asked))


def test_without_last_page_a_full_page_asks_for_one_more():
    fetch, asked = fake_listing(60, 30, with_last_page=False)
    list(iter_pages(fetch, 30, 4))
    assert asked == [1, 2, 3]


def test_closing_early_cancels_pages_in_flight():
    futures: list[Future] = []

    def fetch(page: int) -> Future:
        future: Future = Future()
        if page <= 2:
            future.set_result({"data": [page] * 10, "meta": {"last_page": 9}})
        futures.append(future)
        return future

    pages = iter_pages(fetch, 10, 4)
    assert next(pages)[0] == 1
    assert next(pages)[0] == 2
    pages.close()
    # window 4: page 1 alone, then 2-5 in flight; taking page 2 asked for page 6
    assert len(futures) == 6
    assert [f.cancelled() for f in futures] == [False, False, True, True, True, True]


def lying_listing(meta: dict, pages_of_rows):
    """A listing whose page `n` holds `pages_of_rows(n)`, with the same `meta` on every page."""
    asked: list[int] = []

    def fetch(page: int) -> Future:
        asked.append(page)
        future: Future = Future()
        future.set_result({"data": pages_of_rows(page), "meta": {**meta, "page": page}})
        return future

    return fetch, asked


def keyed(numbers) -> list[dict]:
    return [{"uuid": f"u-{n}"} for n in numbers]


def fresh_page(page: int) -> list[dict]:
    """A full page of records no other page holds."""
    return keyed(range(page * 100, page * 100 + 100))


def test_a_last_page_that_contradicts_total_stops_at_page_one():
    meta = {"limit": "100", "last_page": 10**9, "total": 200}
    fetch, asked = lying_listing(meta, fresh_page)
    with pytest.raises(PiggyPagingError, match="claims 1000000000 pages for 200 records"):
        list(iter_pages(fetch, 100, 4, Listing("/contacts")))
    assert asked == [1]


def test_the_same_full_page_served_again_stops_the_read():
    fetch, asked = lying_listing({"total": 10**6}, lambda page: keyed(range(100)))
    with pytest.raises(PiggyPagingError, match="page 2 of /contacts with the same 100 records"):
        list(iter_pages(fetch, 100, 4, Listing("/contacts")))
    assert asked == [1, 2]


def test_pages_beyond_what_total_promised_plus_the_slack_stop_the_read():
    fetch, asked = lying_listing({"total": 1000}, fresh_page)
    with pytest.raises(PiggyPagingError, match="after page 12"):
        list(iter_pages(fetch, 100, 4, Listing("/contacts")))
    assert asked == list(range(1, 13)), "10 pages promised, 2 pages of growth allowed"


def test_a_listing_that_grows_by_a_page_while_read_is_read_to_its_end():
    growing = {1: keyed(range(100)), 2: keyed(range(100, 200)), 3: keyed(range(200, 230))}
    fetch, asked = lying_listing({"total": 200}, lambda page: growing.get(page, []))
    listing = Listing("/contacts")
    pages = list(iter_pages(fetch, 100, 4, listing))
    assert [number for number, _ in pages] == [1, 2, 3]
    assert (listing.pages, listing.rows, listing.short_pages) == (3, 230, [])


def test_a_short_page_before_the_last_is_recorded():
    rows = {1: keyed(range(100)), 2: keyed(range(100, 105)), 3: keyed(range(200, 300))}
    fetch, _ = lying_listing({"limit": 100, "last_page": 3, "total": 300}, rows.get)
    listing = Listing("/contacts")
    list(iter_pages(fetch, 100, 2, listing))
    assert (listing.rows, listing.short_pages) == (205, [2])
