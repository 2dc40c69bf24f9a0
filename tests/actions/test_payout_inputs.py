"""Request files and wallet reconciliation: the inputs a payout decision rests on."""

import pytest

from pipelines.payouts.errors import PayoutError
from pipelines.payouts.reconcile import WalletMark, find_booking
from pipelines.payouts.requests import read_requests

HEADER = "request_id,contact_uuid,amount_cents,currency,order_reference,requested_at,is_returned\n"
GOOD = "q1,c-1,1250,eur,o-1,2026-01-31T14:05:00Z,\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "q2,c-2,1250,EUR,o-2,31/01/2026,",
            r"line 3 column 6 \(requested_at\): '31/01/2026' is not ISO 8601",
        ),
        (
            "q2,c-2,1250,EURO,o-2,2026-01-31T14:05:00Z,",
            r"line 3 column 4 \(currency\): 'EURO' is not an ISO",
        ),
        ("q2,,1250,EUR,o-2,2026-01-31T14:05:00Z,", r"line 3 column 2 \(contact_uuid\): empty"),
        (
            "q2,c-2,1250,EUR,o-2,2026-01-31T14:05:00Z,maybe",
            r"line 3 column 7 \(is_returned\): 'maybe' is not",
        ),
        ("q1,c-2,1250,EUR,o-2,2026-01-31T14:05:00Z,", "line 3: request_id repeated"),
    ],
)
def test_a_bad_line_is_named_with_what_to_fix(tmp_path, line, message):
    path = tmp_path / "requests.csv"
    path.write_text(HEADER + GOOD + line + "\n")
    with pytest.raises(PayoutError, match=message):
        read_requests(path)


def test_a_good_file_is_typed(tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text(HEADER + GOOD)
    (request,) = read_requests(path)
    assert request["amount_cents"] == 1250 and request["currency"] == "EUR"
    assert request["requested_at"].isoformat() == "2026-01-31T14:05:00+00:00"
    assert request["is_returned"] is False and request["is_fraud_flagged"] is False


def test_a_file_without_a_required_column_is_refused(tmp_path):
    path = tmp_path / "requests.csv"
    path.write_text("request_id,contact_uuid\nq1,c-1\n")
    with pytest.raises(PayoutError, match="missing column"):
        read_requests(path)


def booking(uuid, cents, at):
    return {"uuid": uuid, "amount_in_cents": cents, "created_at": at}


def test_reconciliation_sees_only_bookings_made_after_the_mark_even_at_the_same_second():
    before = [
        booking("old-1", 500, "2026-11-01T10:00:00.000000Z"),
        booking("old-2", 500, "2026-11-01T09:00:00.000000Z"),
    ]
    mark = WalletMark.from_columns(WalletMark.of(before).to_columns())
    after = [booking("new-1", 500, "2026-11-01T10:00:00+00:00"), *before]

    assert find_booking(after, 500, mark, claimed=set())["uuid"] == "new-1"
    assert find_booking(after, 500, mark, claimed={"new-1"}) is None
    assert find_booking(after, 700, mark, claimed=set()) is None
    assert find_booking(before, 500, mark, claimed=set()) is None


def test_an_empty_wallet_mark_accepts_any_booking():
    mark = WalletMark.of([])
    assert (
        find_booking([booking("b", 100, "2020-01-01T00:00:00Z")], 100, mark, set())["uuid"] == "b"
    )
