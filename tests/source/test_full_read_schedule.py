"""`full_reads_every_runs`: the paged lists the API filters by nothing (vouchers, visits,
giftcards, referrals) are read on the first run and then one run in N; the runs in between send
them no request and leave their tables as they were, while everything else is read as usual."""

import pytest
from source_helpers import Warehouse

pytestmark = pytest.mark.integration

LISTS = ("vouchers", "visits", "giftcards", "referrals")
PATHS = {f"GET /{name}" for name in LISTS}


def list_requests(sandbox) -> dict[str, int]:
    return {path: count for path, count in sandbox.control.totals().items() if path in PATHS}


def loaded(warehouse: Warehouse) -> dict[str, tuple]:
    """Rows and the latest load of each list's table."""
    return {
        name: warehouse.query(f"SELECT count(*), max(_dlt_load_id) FROM piggy_raw.{name}")[0]
        for name in LISTS
    }


def test_the_unfiltered_lists_are_read_one_run_in_n(make_sandbox, tmp_path):
    sandbox = make_sandbox(scale=120)
    warehouse = Warehouse(tmp_path, sandbox)

    warehouse.load(full_reads_every_runs=2)
    assert set(list_requests(sandbox)) == PATHS
    first = loaded(warehouse)
    assert all(rows > 0 for rows, _ in first.values())

    sandbox.control.reset_totals()
    warehouse.load(full_reads_every_runs=2)
    assert list_requests(sandbox) == {}
    assert sandbox.control.totals().get("GET /rewards", 0) >= 1, "settings lists are read"
    assert sandbox.control.totals().get("GET /loyalty-transactions", 0) >= 1
    assert loaded(warehouse) == first

    sandbox.control.reset_totals()
    warehouse.load(full_reads_every_runs=2)
    assert set(list_requests(sandbox)) == PATHS
    third = loaded(warehouse)
    assert all(third[name][1] > first[name][1] for name in LISTS)


def test_every_run_reads_them_by_default_and_a_bad_setting_stops_in_one_line(
    make_sandbox, tmp_path, monkeypatch
):
    sandbox = make_sandbox(scale=60)
    warehouse = Warehouse(tmp_path, sandbox)
    warehouse.load()
    sandbox.control.reset_totals()
    warehouse.load()
    assert set(list_requests(sandbox)) == PATHS
    monkeypatch.setenv("SOURCES__PIGGY__FULL_READS_EVERY_RUNS", "0")
    with pytest.raises(Exception, match="full_reads_every_runs must be at least 1"):
        warehouse.load()


def test_a_list_named_in_the_selection_is_read_whatever_the_schedule(
    make_sandbox, tmp_path, monkeypatch
):
    sandbox = make_sandbox(scale=60)
    warehouse = Warehouse(tmp_path, sandbox)
    monkeypatch.setenv("SOURCES__PIGGY__FULL_READS_EVERY_RUNS", "5")
    warehouse.load()
    sandbox.control.reset_totals()
    warehouse.load(resources=["vouchers", "contacts"])
    assert list_requests(sandbox) == {"GET /vouchers": 1}
