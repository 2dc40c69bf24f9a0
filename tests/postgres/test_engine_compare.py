"""The comparison itself: engine noise passes, real differences do not hide behind type juggling."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from engine_compare import Table, differences

COLUMNS = ("contact_uuid", "share", "is_active", "seen_at")
AUCKLAND = timezone(timedelta(hours=13))


def test_types_and_row_order_of_each_engine_compare_equal():
    duckdb_rows = Table(COLUMNS, [("a", 1 / 3, True, datetime(2026, 11, 1, 11, tzinfo=UTC)),
                                  ("b", 0.5, False, None)])
    postgres_rows = Table(COLUMNS, [("b", Decimal("0.5"), False, None),
                                    ("a", Decimal("0.3333333333333333333"), True,
                                     datetime(2026, 11, 2, 0, tzinfo=AUCKLAND))])
    assert differences(duckdb_rows, postgres_rows, "contact_uuid") == []


def test_a_rate_off_beyond_the_tolerance_is_reported():
    duckdb_rows = Table(COLUMNS, [("a", 0.25, True, None)])
    postgres_rows = Table(COLUMNS, [("a", Decimal("0.2501"), True, None)])
    assert differences(duckdb_rows, postgres_rows, "contact_uuid") == [
        "contact_uuid='a' share: duckdb 0.25, postgres 0.2501"
    ]


def test_a_boolean_never_equals_a_number_and_a_missing_row_is_named():
    duckdb_rows = Table(COLUMNS, [("a", 1, True, None), ("b", 2, False, None)])
    postgres_rows = Table(COLUMNS, [("a", 1, 1, None), ("c", 2, False, None)])
    found = differences(duckdb_rows, postgres_rows, "contact_uuid")
    assert sorted(found) == [
        "contact_uuid='a' is_active: duckdb True, postgres 1",
        "key 'b' only on duckdb",
        "key 'c' only on postgres",
    ]


def test_keyless_models_compare_as_sets_of_rows():
    duckdb_rows = Table(("month", "members"), [("2026-10", 3), ("2026-11", 4)])
    postgres_rows = Table(("members", "month"), [(4, "2026-11"), (3, "2026-10")])
    assert differences(duckdb_rows, postgres_rows, None) == []
    postgres_rows = Table(("members", "month"), [(5, "2026-11"), (3, "2026-10")])
    assert differences(duckdb_rows, postgres_rows, None) != []
