"""How often a run reads the paged lists the API filters by nothing: every run, or one run in N.

Vouchers, visits, giftcards and referrals take no date filter and carry no update time, so the
only way to see what changed in them is to read them whole. On a large account that is most of a
daily run: at a million contacts, visits and vouchers were 3,062 of a rerun's 4,591 requests.
`full_reads_every_runs = N` reads them on the first run and then one run in N; the runs in
between leave their tables as the last full read left them (a voucher redeemed since shows its
old status until the next one), which the freshness mart shows per table.

The runs since the last full read are counted in each list's own dlt resource state, which
commits with the load: a failed run is not counted.
"""

import dlt

RUNS_SINCE_KEY = "runs_since_full_read"
DEFAULT_FULL_READS_EVERY_RUNS = 1


def full_read_due(every_runs: int) -> bool:
    """Whether the running list resource reads this run, counted in its state (0 after a read)."""
    state = dlt.current.resource_state()
    runs_since: int | None = state.get(RUNS_SINCE_KEY)
    if runs_since is None or runs_since + 1 >= every_runs:
        state[RUNS_SINCE_KEY] = 0
        return True
    state[RUNS_SINCE_KEY] = runs_since + 1
    return False
