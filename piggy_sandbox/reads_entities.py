"""Records of the smaller lists (vouchers, giftcards, visits, referrals) and the settings lists."""

from __future__ import annotations

import sqlite3

from piggy_sandbox.catalog import (
    CONTACT_ATTRIBUTES,
    LOYALTY_PROGRAM_NAME,
    PERKS,
    SUBSCRIPTION_TYPES,
    UNITS,
    currency_prefix,
)
from piggy_sandbox.ids import iso, iso_z
from piggy_sandbox.routing import API_ROOT, Request, Response, Router, ok


def render_vouchers(app, db: sqlite3.Connection, rows: list) -> list[dict]:
    r = app.renderer
    contacts = r.contacts_by_id(db, (row["contact_id"] for row in rows))
    promotions = {p["id"]: p for p in db.execute("SELECT * FROM promotions")}
    records = []
    for row in rows:
        promotion = promotions[row["promotion_id"]]
        records.append({
            "uuid": r.uuid("voucher", row["id"]), "code": row["code"], "status": row["status"],
            "name": promotion["name"], "description": promotion["description"],
            "activation_date": iso_z(row["activation_date"]),
            "expiration_date": iso_z(row["expiration_date"]),
            "redeemed_at": iso_z(row["redeemed_at"]), "is_redeemed": row["status"] == "REDEEMED",
            "attributes": {"channel": promotion["channel"]},
            "contact": r.nested_contact(contacts.get(row["contact_id"]), row["contact_id"]),
            "promotion": promotion_record(r, promotion),
        })
    return records


def promotion_record(renderer, row: sqlite3.Row) -> dict:
    return {"uuid": renderer.uuid("promotion", row["id"]), "name": row["name"],
            "description": row["description"], "voucher_limit": row["voucher_limit"],
            "limit_per_contact": row["limit_per_contact"],
            "expiration_duration": row["expiration_duration"],
            "attributes": {"channel": row["channel"]}}


def render_giftcards(app, db: sqlite3.Connection, rows: list) -> list[dict]:
    r = app.renderer
    programs = {p["id"]: p for p in db.execute("SELECT * FROM giftcard_programs")}
    return [{"uuid": r.uuid("giftcard", row["id"]), "type": row["type"], "hash": row["hash"],
             "expiration_date": iso(row["expiration_date"]), "active": bool(row["active"]),
             "amount_in_cents": row["amount"],
             "giftcard_program": {"uuid": r.uuid("giftcard_program", row["program_id"]),
                                  "name": programs[row["program_id"]]["name"]}}
            for row in rows]


def render_giftcard_tx(app, db: sqlite3.Connection, rows: list) -> list[dict]:
    r = app.renderer
    shops = r.shops(db)
    return [{"id": row["id"],
             "uuid": r.uuid("giftcard_tx", row["id"]) if row["has_uuid"] else None,
             "amount_in_cents": row["amount"], "type": row["type"],
             "settled": bool(row["settled"]),
             "card": {"id": row["giftcard_id"], "uuid": r.uuid("giftcard", row["giftcard_id"])},
             "shop": {key: shops[row["shop_id"]][key] for key in ("id", "uuid", "name")},
             "created_at": iso(row["created_at"])}
            for row in rows]


def render_visits(app, db: sqlite3.Connection, rows: list) -> list[dict]:
    r = app.renderer
    contacts = r.contacts_by_id(db, (row["contact_id"] for row in rows))
    return [{"uuid": r.uuid("visit", row["id"]),
             "contact": r.nested_contact(contacts.get(row["contact_id"]), row["contact_id"]),
             "external_id": row["external_id"], "source": row["source"],
             "starts_at": iso(row["starts_at"]), "ends_at": iso(row["ends_at"]),
             "created_at": iso(row["created_at"])}
            for row in rows]


def render_referrals(app, db: sqlite3.Connection, rows: list) -> list[dict]:
    r = app.renderer
    ids = [row["referring_id"] for row in rows] + [row["referred_id"] for row in rows]
    contacts = r.contacts_by_id(db, ids)
    return [{"uuid": r.uuid("referral", row["id"]),
             "referring_contact": r.nested_contact(contacts.get(row["referring_id"]),
                                                   row["referring_id"]),
             "referred_contact": r.nested_contact(contacts.get(row["referred_id"]),
                                                  row["referred_id"]),
             "status": row["status"], "created_at": iso(row["created_at"])}
            for row in rows]


def _settings(app, request: Request, name: str) -> Response:
    r = app.renderer
    with app.store.read() as db:
        if name == "rewards":
            data = [r.reward(row) for row in db.execute("SELECT * FROM rewards ORDER BY id")]
            return ok(app.malform("rewards", data), {})
        if name == "tiers":
            return ok([r.tier(row) for row in db.execute("SELECT * FROM tiers ORDER BY id")], [])
        if name == "shops":
            return ok([r.shop_record(row) for row in db.execute("SELECT * FROM shops")], {})
        if name == "promotions":
            rows = db.execute("SELECT * FROM promotions ORDER BY id")
            return ok([promotion_record(r, row) for row in rows], [])
        if name == "giftcard-programs":
            rows = db.execute("SELECT * FROM giftcard_programs ORDER BY id")
            return ok([{"uuid": r.uuid("giftcard_program", row["id"]), "name": row["name"],
                        "active": bool(row["active"])} for row in rows], {})
        if name == "webhook-subscriptions":
            rows = db.execute("SELECT * FROM webhook_subscriptions ORDER BY id")
            return ok([webhook_record(r, row) for row in rows], [])
    return ok(_static_settings(app, name), [] if name in ("units", "contact-attributes") else {})


def webhook_record(renderer, row: sqlite3.Row) -> dict:
    return {"uuid": renderer.uuid("webhook", row["id"]), "name": row["name"],
            "event_type": row["event_type"], "url": row["url"], "status": row["status"],
            "created_at": iso(row["created_at"])}


def _static_settings(app, name: str) -> list[dict]:
    r = app.renderer
    prefix = currency_prefix(app.store.meta["currency"])
    if name == "units":
        return [dict(unit, prefix=prefix) if unit["is_default"] else dict(unit) for unit in UNITS]
    if name == "perks":
        return [{"uuid": r.uuid("perk", i), "label": label, "name": key, "data_type": kind,
                 "options": list(options)}
                for i, (key, label, kind, options) in enumerate(PERKS, 1)]
    if name == "subscription-types":
        return [r.subscription_type(i, *item) for i, item in enumerate(SUBSCRIPTION_TYPES, 1)]
    return [{"name": key, "label": label, "type": kind, "field_type": field,
             "description": description, "is_soft_read_only": soft,
             "is_hard_read_only": hard, "options": []}
            for key, label, kind, field, description, soft, hard in CONTACT_ATTRIBUTES]


def _loyalty_program(app, request: Request) -> Response:
    unit = dict(UNITS[0], prefix=currency_prefix(app.store.meta["currency"]))
    return ok({"id": 1, "name": LOYALTY_PROGRAM_NAME, "max_amount": 10_000,
               "custom_credit_name": "points", "unit": unit}, [])


def register(router: Router) -> None:
    for name in ("rewards", "tiers", "shops", "promotions", "giftcard-programs",
                 "webhook-subscriptions", "units", "perks", "subscription-types",
                 "contact-attributes"):
        router.add("GET", f"{API_ROOT}/{name}",
                   lambda app, request, name=name: _settings(app, request, name))
    router.add("GET", f"{API_ROOT}/loyalty-program", _loyalty_program)
