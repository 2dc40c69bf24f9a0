"""An account that moves while it is read: contacts deleted and created between list pages.

With `churn_during_reads = N`, every N-th contacts list request first deletes the oldest live
contact and signs one up. Deleting the oldest is the worst case for a paged read sorted by
`created_at`: every later row shifts back one place, so a page asked for after the change starts
one row late and the row at each page edge is served on no page at all.
"""

from __future__ import annotations

import random

from piggy_sandbox import mutations
from piggy_sandbox.activity import _Story


def churn(app) -> None:
    """Delete the oldest live contact and sign one up, one clock second later, in one write."""
    store = app.store
    with store.write() as db:
        oldest = db.execute("SELECT min(id) FROM contacts WHERE deleted_at IS NULL").fetchone()[0]
        moment = store.now + 1
        store.set_now(db, moment)
        story = _Story(app, db, random.Random(f"{store.seed}:churn:{moment}"))
        story.play("signups", moment)
        if oldest is not None:
            mutations.delete_contact(db, oldest, moment)
    if oldest is not None:
        store.mark_deleted(oldest)
        app.churned["deleted"].append(app.codec.encode("contact", oldest))
    app.churned["created"].extend(app.codec.encode("contact", i) for i in story.signed_up)
    story.notify()
