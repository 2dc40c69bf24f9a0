"""Turn a batch of changes (from a clock advance) into webhook events, after the commit."""

from __future__ import annotations

from piggy_sandbox.reads_contacts import contact_record


def announce(app, created: list[int], touched: list[int], receptions: list[int],
             wallet_rows: list[int]) -> None:
    webhooks = app.webhooks
    if not webhooks.active():
        return
    with app.store.read() as db:
        for table, ids, event, entity in (
            ("loyalty_tx", receptions, "credit_reception_created", "credit_reception"),
            ("prepaid_tx", wallet_rows, "prepaid_transaction_created", "prepaid_transaction"),
        ):
            for ident in ids:
                row = db.execute(f"SELECT * FROM {table} WHERE id = ?", (ident,)).fetchone()
                render = app.renderer.loyalty if table == "loyalty_tx" else app.renderer.prepaid
                webhooks.emit(event, entity, render(db, [row])[0])
        for event, contact_ids in (("contact_created", created), ("contact_updated", touched)):
            for ident in contact_ids:
                row = db.execute("SELECT * FROM contacts WHERE id = ? AND deleted_at IS NULL",
                                 (ident,)).fetchone()
                if row is not None:
                    webhooks.emit(event, "contact", contact_record(app, db, row))
