"""The upgrade from the cursor this source once kept by hand to dlt's incremental.

Earlier versions saved the newest `created_at` as `created_at_cursor` in the resource state. A
pipeline holding one continues from it once: the incremental starts there, less the lookback,
as the hand cursor did, and the resource then drops the key, so it is read on one run only.
"""

from contextlib import suppress
from datetime import datetime, timedelta

import dlt
from dlt.common.exceptions import PipelineStateNotAvailable

HAND_CURSOR_KEY = "created_at_cursor"


def hand_cursor_start(resource: str, lookback_seconds: int) -> datetime | None:
    """Where `resource` resumes when its state holds only a hand cursor (None: no such cursor).

    Read in the source function, where dlt's state is read-only, because the incremental takes
    its start before the resource runs.
    """
    saved = None
    with suppress(PipelineStateNotAvailable):
        resources = dlt.current.source_state().get("resources", {})
        state = resources.get(resource, {})
        if "incremental" not in state:
            saved = state.get(HAND_CURSOR_KEY)
    if saved is None:
        return None
    return datetime.fromisoformat(saved) - timedelta(seconds=lookback_seconds)


def forget_hand_cursor() -> None:
    """Drop the hand cursor from the running resource's state; it commits with the load, so a
    run that fails keeps it for the next."""
    dlt.current.resource_state().pop(HAND_CURSOR_KEY, None)
