"""Strict request files: every refusal names its line and field, bounds come from config, and a
huge line is refused from a bounded read instead of being held in memory. Also how payouts read
their settings."""

import datetime as dt
import tracemalloc

import pytest
from dlt.common.configuration import is_secret_hint

from piggy_source.settings import DEFAULT_BASE_URL
from pipelines.errors import describe_error
from pipelines.payouts.errors import PayoutError
from pipelines.payouts.requests import RequestLimits, read_requests
from pipelines.payouts.settings import SlackSettings
from pipelines.piggy_connection import PiggyConnection, load_connection

HEADER = b"request_id,contact_uuid,amount_cents,currency,order_reference,requested_at\n"
GOOD = b"q1,c-1,1250,EUR,o-1,2026-01-31T14:05:00Z\n"


def refusal(tmp_path, line: bytes, limits: RequestLimits | None = None) -> str:
    path = tmp_path / "requests.csv"
    path.write_bytes(HEADER + GOOD + line + b"\n")
    with pytest.raises(PayoutError) as refused:
        read_requests(path, limits or RequestLimits())
    message = str(refused.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("amount", "why"),
    [
        ("18446744073709551616", "above the maximum of 1000000 cents (payouts.max_amount_cents)"),
        ("1_500", "not a whole number of cents written in ASCII digits"),
        ("\uff11\uff15\uff10\uff10", "not a whole number of cents written in ASCII digits"),
        ("\u0661\u0665\u0660\u0660", "not a whole number of cents written in ASCII digits"),
        ("+1500", "not a whole number of cents written in ASCII digits"),
        ("0", "below the minimum of 1 cent"),
    ],
)
def test_an_amount_that_is_not_plain_ascii_digits_within_bounds_is_refused(tmp_path, amount, why):
    line = f"q2,c-2,{amount},EUR,o-2,2026-01-31T14:05:00Z".encode()
    message = refusal(tmp_path, line)
    assert message.startswith("requests.csv line 3 column 3 (amount_cents): ")
    assert why in message


def test_the_maximum_amount_comes_from_config(tmp_path):
    line = b"q2,c-2,2500,EUR,o-2,2026-01-31T14:05:00Z"
    message = refusal(tmp_path, line, RequestLimits(max_amount_cents=2000))
    assert message.startswith("requests.csv line 3 column 3 (amount_cents): 2500 is above")


def test_an_invalid_byte_is_reported_with_its_line_and_column(tmp_path):
    message = refusal(tmp_path, b"q2,c-\xff2,1250,EUR,o-2,2026-01-31T14:05:00Z")
    assert message.startswith("requests.csv line 3 column 6: byte 0xff is not UTF-8")


def test_a_row_with_extra_fields_is_refused_with_its_line(tmp_path):
    message = refusal(tmp_path, b"q2,c-2,1250,EUR,o-2,2026-01-31T14:05:00Z,extra")
    assert message.startswith("requests.csv line 3: 7 fields where the header has 6")


def test_a_request_from_the_future_is_refused(tmp_path):
    ahead = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    message = refusal(tmp_path, f"q2,c-2,1250,EUR,o-2,{ahead}".encode())
    assert message.startswith("requests.csv line 3 column 6 (requested_at): ")
    assert "is in the future" in message


def test_a_request_within_the_allowed_clock_skew_is_accepted(tmp_path):
    path = tmp_path / "requests.csv"
    skewed = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)).isoformat()
    path.write_bytes(HEADER + f"q1,c-1,1250,EUR,o-1,{skewed}\n".encode())
    (request,) = read_requests(path, RequestLimits(max_clock_skew_seconds=300))
    assert request["amount_cents"] == 1250


def test_a_huge_line_is_refused_with_its_number_without_reading_it_into_memory(tmp_path):
    path = tmp_path / "requests.csv"
    with path.open("wb") as handle:
        handle.write(HEADER + GOOD + b"q2,c-2,1250,EUR,o-2,")
        chunk = b"x" * (1 << 20)
        for _ in range(64):
            handle.write(chunk)
        handle.write(b"\n")
    tracemalloc.start()
    try:
        with pytest.raises(PayoutError) as refused:
            read_requests(path, RequestLimits(max_line_bytes=4096))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(refused.value) == (
        "requests.csv line 3 is longer than 4096 bytes (payouts.max_line_bytes): "
        "split the field or raise the limit"
    )
    assert peak < 2 * (1 << 20), f"peak {peak} bytes for a 64 MB line"


def test_load_requests_takes_its_bounds_from_the_payouts_settings(workspace, tmp_path):
    path = tmp_path / "requests.csv"
    path.write_bytes(HEADER + GOOD)
    workspace.extra_env["PAYOUTS__MAX_AMOUNT_CENTS"] = "1000"

    result = workspace.cli("payouts", "load-requests", str(path), expect_ok=False)

    assert describe_error(result.exception) == (
        "requests.csv line 2 column 3 (amount_cents): 1250 is above the maximum of 1000 cents "
        "(payouts.max_amount_cents)"
    )


def test_payouts_read_secrets_as_secrets_and_default_to_the_base_url_of_run(monkeypatch, tmp_path):
    monkeypatch.delenv("SOURCES__PIGGY__BASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert load_connection().base_url == DEFAULT_BASE_URL
    fields = {**PiggyConnection.get_resolvable_fields(), **SlackSettings.get_resolvable_fields()}
    secret = {name for name, hint in fields.items() if is_secret_hint(hint)}
    assert secret == {"api_key", "client_secret", "webhook_url"}
