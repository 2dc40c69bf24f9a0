"""How often a run sweeps every contact: every run by default, or every N runs.

A full sweep costs a request per hundred contacts and is the only read that sees balance and tier
changes of every contact, and the only one that sees deletions (the API has no update filter and
lists no deleted contacts). When the webhooks name the contacts that changed
(`piggy-elt webhooks serve`, refetched by the run), the runs in between can read only new contacts
and the named ones, and a sweep every N runs still retires the deleted.

The runs since the last sweep are counted in the contacts resource's dlt state, which commits with
the load: a failed run is not counted, and a backfill window neither sweeps nor counts.
"""

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

import dlt
from dlt.common.exceptions import PipelineStateNotAvailable

from piggy_source.exceptions import PiggyConfigError

RUNS_SINCE_KEY = "runs_since_sweep"
EVERY_KEY = "sweep_every_runs"
DEFAULT_SWEEP_EVERY_RUNS = 1


def check_every(every_runs: int, setting: str = "contacts_sweep_every_runs") -> int:
    """`every_runs` if it is a whole number of runs, else one line naming the `setting`."""
    if not isinstance(every_runs, int) or every_runs < 1:
        raise PiggyConfigError(
            f"sources.piggy.{setting} must be at least 1, not {every_runs!r}: "
            f"fix it in .dlt/config.toml or SOURCES__PIGGY__{setting.upper()}"
        )
    return every_runs


def sweep_due(every_runs: int) -> bool:
    """Whether this run sweeps: the first run does, then one run in `every_runs`.

    Read in the source function, where dlt's state is read-only, because the contacts resource's
    write disposition (whether scd2 may retire anyone) is fixed before it runs.
    """
    runs_since = None
    with suppress(PipelineStateNotAvailable):
        resources = dlt.current.source_state().get("resources", {})
        runs_since = resources.get("contacts", {}).get(RUNS_SINCE_KEY)
    return runs_since is None or runs_since + 1 >= every_runs


def count_run(swept: bool, every_runs: int) -> None:
    """Record this run in the running contacts resource's state (0 after a sweep); `every_runs`
    0 means sweeps are switched off (`contacts_sweep = false`)."""
    state = dlt.current.resource_state()
    state[RUNS_SINCE_KEY] = 0 if swept else state.get(RUNS_SINCE_KEY, 0) + 1
    state[EVERY_KEY] = every_runs


def schedule_line(state: Mapping[str, Any]) -> str | None:
    """What the last run did and when the next sweep is due, from the contacts resource's state."""
    runs_since, every = state.get(RUNS_SINCE_KEY), state.get(EVERY_KEY)
    if runs_since is None or every is None:
        return None
    done = "swept" if runs_since == 0 else "not swept"
    if not every:
        return f"{done}; sweeps are off (sources.piggy.contacts_sweep = false)"
    left = max(1, every - runs_since)
    return f"{done}; next sweep in {left} run{'s' if left > 1 else ''}"
