"""One contact at a time: by uuid, by email, its balance and its tier."""

from __future__ import annotations

import sqlite3

from piggy_sandbox.errors import ApiError
from piggy_sandbox.routing import API_ROOT, Request, Response, Router, ok

CONTACT_NOT_FOUND = 55031


def load_contact(app, db: sqlite3.Connection, contact_uuid: str) -> sqlite3.Row:
    """The live contact behind a uuid, or 404 with code 55031 (also for deleted contacts)."""
    ident = app.codec.decode("contact", contact_uuid)
    row = None if ident is None else db.execute(
        "SELECT * FROM contacts WHERE id = ? AND deleted_at IS NULL", (ident,)).fetchone()
    if row is None:
        raise ApiError.not_found(CONTACT_NOT_FOUND, "Contact")
    return row


def contact_record(app, db: sqlite3.Connection, row: sqlite3.Row) -> dict:
    return app.renderer.contact(row, app.renderer.tiers(db))


def _show(app, request: Request, uuid: str) -> Response:
    with app.store.read() as db:
        record = contact_record(app, db, load_contact(app, db, uuid))
    return ok(app.malform("contacts", [record])[0])


def _find_one_by(app, request: Request) -> Response:
    email = request.query.get("email")
    if not email:
        raise ApiError.invalid("email", "The email field is required.")
    with app.store.read() as db:
        row = db.execute("SELECT * FROM contacts WHERE email = ? AND deleted_at IS NULL",
                         (email.strip().lower(),)).fetchone()
        if row is None:
            raise ApiError.not_found(CONTACT_NOT_FOUND, "Contact")
        return ok(contact_record(app, db, row))


def _credit_balance(app, request: Request, uuid: str) -> Response:
    with app.store.read() as db:
        row = load_contact(app, db, uuid)
    return ok({"balance": row["credit_balance"]})


def _tier(app, request: Request, uuid: str) -> Response:
    with app.store.read() as db:
        row = load_contact(app, db, uuid)
        tier = None if row["tier_id"] is None else db.execute(
            "SELECT * FROM tiers WHERE id = ?", (row["tier_id"],)).fetchone()
    return ok(app.renderer.tier(tier))


def register(router: Router) -> None:
    router.add("GET", f"{API_ROOT}/contacts/find-one-by", _find_one_by)
    router.add("GET", f"{API_ROOT}/contacts/{{uuid}}", _show)
    router.add("GET", f"{API_ROOT}/contacts/{{uuid}}/credit-balance", _credit_balance)
    router.add("GET", f"{API_ROOT}/contacts/{{uuid}}/tier", _tier)
