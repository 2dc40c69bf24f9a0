"""Two approvers at once never pay a request twice: the second refuses (exit 4, one line).

Two `payouts approve --apply` processes start against one warehouse and a sandbox answering in
400 ms, the second at one of 20 offsets spread over a run; the sandbox counts exactly one
`POST /prepaid-transactions` per approved request every time. A second process that starts after
the first finished runs normally and finds everything paid. A credit whose answer is lost (on a
loaded machine the sandbox may answer after the client's timeout) leaves an open intent and exit
code 2; one more run settles it from the wallet, still with one POST per request. Trials run a
few at a time, each on its own copy of the workspace and its own sandbox; two requests (two
contacts) stay approved in each copy, which keeps the 40 processes within the time of a test.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import duckdb

APPROVED = 2
OFFSETS = [round(0.25 * n, 2) for n in range(20)]
TRIALS_AT_ONCE = 5
REFUSAL = "another piggy-elt export or payouts command holds"
POSTS = "POST /prepaid-transactions"


def trial(make_workspace, offset: float) -> dict:
    workspace = make_workspace(f"ws-{offset}", latency_ms=400)
    with duckdb.connect(str(workspace.warehouse)) as con:
        con.execute(
            "update piggy_analytics.mart_payout_review set decision = 'review'"
            " where request_id in ('r3', 'r4')"
        )
    results = {}

    def approve(name: str, delay: float) -> None:
        time.sleep(delay)
        results[name] = workspace.cli_process("payouts", "approve", "--apply")

    threads = [
        threading.Thread(target=approve, args=(name, delay))
        for name, delay in (("first", 0.0), ("second", offset))
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(r.returncode for r in results.values())
    if 2 in codes:  # a credit got no answer in time (a loaded machine): the next run settles it
        results["settle"] = workspace.cli_process("payouts", "approve", "--apply")
    posts = workspace.sandbox.control.totals().get(POSTS, 0)
    paid = workspace.query(
        "select count(distinct transaction_uuid) from piggy_actions.payout_ledger"
        " where status = 'paid'"
    )[0][0]
    return {
        "offset": offset,
        "posts": posts,
        "paid": paid,
        "seconds": time.monotonic() - started,
        "codes": codes,
        "settled": results["settle"].returncode if "settle" in results else None,
        "refusals": [r.stderr for r in results.values() if r.returncode == 4],
    }


def test_two_approvers_at_twenty_offsets_pay_each_request_exactly_once(payout_workspaces):
    lock = threading.Lock()

    def make_workspace(name: str, **options):
        with lock:  # the fixture's ExitStack is not thread-safe
            return payout_workspaces(name, **options)

    with ThreadPoolExecutor(TRIALS_AT_ONCE) as pool:
        trials = list(pool.map(lambda offset: trial(make_workspace, offset), OFFSETS))

    for result in trials:
        assert result["posts"] == APPROVED == result["paid"], result
        assert result["codes"] in ([0, 0], [0, 4], [2, 4]), result
        assert result["settled"] in (None, 0), result
        for stderr in result["refusals"]:
            assert len(stderr.strip().splitlines()) == 1, stderr
            assert REFUSAL in stderr, "refused by the lock, before opening the warehouse"
    refused = [r["offset"] for r in trials if 4 in r["codes"]]
    assert len(refused) >= 10, f"the lock was contended at offsets {refused} only"
    print({r["offset"]: (r["codes"], r["settled"], round(r["seconds"], 1)) for r in trials})
