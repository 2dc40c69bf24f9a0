"""Contacts by uuid: the ones webhook events named since the last run, read again between sweeps.

Piggy's listing has no update filter, so a run that does not sweep sees no balance or tier
change; the events say who changed. Each named contact is asked for once with
`GET /contacts/{uuid}`, through the run's shared client (its request budget, retries and
`Retry-After` handling), and loads as a new scd2 version when it changed.

A contact Piggy answers 404 (55031) for is not retired here: only a complete sweep retires, after
its own checks (`piggy_source.sweep`: a complete listing, a confirming 404, at most
`max_retire_share` at once). Left out of the load, the contact stays open until that sweep; the
same holds for any other refusal. The requests go out from inside the contacts resource, after its
listing, so a contact read by both appears once in the load (scd2 would keep two open versions of
a contact staged twice).
"""

from collections.abc import Collection, Iterator
from typing import Any

from piggy_source.helpers import contact_items
from piggy_source.readers import SharedClient
from piggy_source.sweep import confirm_missing


def refetch_named(
    shared: SharedClient, uuids: Collection[str], already_read: Collection[str], window: int
) -> Iterator[Any]:
    """The named contacts not `already_read` by this run, as contacts pages of one contact."""
    wanted = set(uuids) - set(already_read)
    for _uuid, record, _known in confirm_missing(shared, wanted, window):
        shared.stats.add("contacts", refetched=1)
        if record is not None:
            yield from contact_items([record], shared.stats, set())[1]
