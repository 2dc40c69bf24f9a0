"""Paging offline: every meta shape, `limit` as a string, and where a listing ends."""

from concurrent.futures import Future

import pytest
from hypothesis import given
from hypothesis import strategies as st

from piggy_source.paging import PageInfo, check_count, expected_count, iter_pages, parse_meta

SHAPES = {
    "A": {"page": 2, "limit": "30", "viewing_from": 31, "viewing_to": 60, "last_page": 4,
          "total": 100},
    "B": {"current_page": 2, "from": 31, "last_page": 4, "links": [], "path": "/vouchers",
          "per_page": 30, "to": 60, "total": 100},
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


@given(total=st.integers(0, 400), size=st.integers(1, 50), window=st.integers(1, 6),
       with_last_page=st.booleans())
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
