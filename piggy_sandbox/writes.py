"""Write endpoints (contract section 6): each changes state in one transaction, then notifies.

Webhooks are emitted after the commit, so a receiver that calls back always sees the new state.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3

from piggy_sandbox import mutations, people, writes_settings
from piggy_sandbox.errors import ApiError
from piggy_sandbox.reads_contacts import contact_record, load_contact
from piggy_sandbox.reads_entities import render_vouchers
from piggy_sandbox.routing import API_ROOT, Request, Response, Router, ok

SHOP_NOT_FOUND = 1008
VOUCHER_NOT_FOUND = 80004


def _required(body: dict, name: str) -> object:
    value = body.get(name)
    if value is None or value == "":
        raise ApiError.invalid(name, f"The {name} field is required.")
    return value


def _integer(body: dict, name: str) -> int:
    value = _required(body, name)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ApiError.invalid(name, f"The {name} must be an integer.")
    try:
        return int(value)
    except ValueError:
        raise ApiError.invalid(name, f"The {name} must be an integer.") from None


def _number(text: object, name: str) -> float:
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ApiError.invalid(name, f"The {name} must be a number.") from None
    if not math.isfinite(value) or value < 0:
        raise ApiError.invalid(name, f"The {name} must be a positive number.")
    return value


def shop_id(app, db: sqlite3.Connection, shop_uuid: object) -> int:
    ident = app.codec.decode("shop", str(shop_uuid))
    if ident is None or db.execute("SELECT 1 FROM shops WHERE id = ?", (ident,)).fetchone() is None:
        raise ApiError.not_found(SHOP_NOT_FOUND, "Shop")
    return ident


def _loyalty_record(app, db: sqlite3.Connection, row_id: int) -> dict:
    row = db.execute("SELECT * FROM loyalty_tx WHERE id = ?", (row_id,)).fetchone()
    return app.renderer.loyalty(db, [row])[0]


def _notify_contact(app, contact_id: int) -> None:
    with app.store.read() as db:
        row = db.execute("SELECT * FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        app.webhooks.emit("contact_updated", "contact", contact_record(app, db, row))


def _credit_reception(app, request: Request) -> Response:
    body = request.body
    with app.store.write() as db:
        contact = load_contact(app, db, str(_required(body, "contact_uuid")))
        shop = shop_id(app, db, _required(body, "shop_uuid"))
        unit_value = None
        if body.get("credits") is not None:
            credits = _integer(body, "credits")
        elif body.get("unit_value") is not None:
            unit_name = body.get("unit_name") or "purchase_amount"
            if unit_name != "purchase_amount":
                raise ApiError.invalid("unit_name", f"Unknown unit {unit_name}.")
            unit_value = _number(body["unit_value"], "unit_value")
            minor = app.store.minor_units
            credits = people.credits_for(round(unit_value * minor), minor)
        else:
            raise ApiError.invalid("credits", "Either credits or unit_value is required.")
        if credits == 0 and unit_value is None:
            raise ApiError.invalid("credits", "The credits may not be zero.")
        row_id = mutations.add_credits(db, contact["id"], shop, credits, app.store.now,
                                       unit_value=unit_value)
        record = _loyalty_record(app, db, row_id)
    app.webhooks.emit("credit_reception_created", "credit_reception", record)
    _notify_contact(app, contact["id"])
    return ok(record)


def _reverse(app, request: Request, uuid: str) -> Response:
    with app.store.write() as db:
        ident = app.codec.decode("loyalty", uuid)
        row = None if ident is None else db.execute(
            "SELECT * FROM loyalty_tx WHERE id = ? AND kind = 0", (ident,)).fetchone()
        if row is None:
            raise ApiError.not_found(1003, "Credit reception")
        if row["channel"] == "REVERSAL" or db.execute(
                "SELECT 1 FROM loyalty_tx WHERE reversed_id = ?", (ident,)).fetchone():
            raise ApiError(422, 1003, "This credit reception cannot be reversed (again).")
        row_id = mutations.add_credits(db, row["contact_id"], row["shop_id"], -row["credits"],
                                       app.store.now, channel="REVERSAL", reversed_id=ident)
        record = _loyalty_record(app, db, row_id)
    app.webhooks.emit("credit_reception_created", "credit_reception", record)
    _notify_contact(app, row["contact_id"])
    return ok(record)


def _calculate(app, request: Request) -> Response:
    query = request.query
    with app.store.read() as db:
        shop_id(app, db, _required(query, "shop_uuid"))
        if query.get("contact_uuid"):
            load_contact(app, db, query["contact_uuid"])
    minor = app.store.minor_units
    value = _number(_required(query, "unit_value"), "unit_value")
    return ok({"credits": people.credits_for(round(value * minor), minor)})


def _reward_reception(app, request: Request) -> Response:
    body = request.body
    with app.store.write() as db:
        contact = load_contact(app, db, str(_required(body, "contact_uuid")))
        shop = shop_id(app, db, _required(body, "shop_uuid"))
        reward_id = app.codec.decode("reward", str(_required(body, "reward_uuid")))
        moment = app.store.now
        code = "DRC-" + hashlib.blake2b(f"{contact['id']}:{moment}:{reward_id}".encode(),
                                        digest_size=5).hexdigest().upper()
        row_id = mutations.redeem_reward(db, contact["id"], reward_id or -1, shop, moment, code)
        record = _loyalty_record(app, db, row_id)
    _notify_contact(app, contact["id"])
    return ok(record)


def _prepaid(app, request: Request) -> Response:
    body = request.body
    with app.store.write() as db:
        contact = load_contact(app, db, str(_required(body, "contact_uuid")))
        shop = shop_id(app, db, _required(body, "shop_uuid"))
        amount = _integer(body, "amount_in_cents")
        if amount == 0:
            raise ApiError.invalid("amount_in_cents", "The amount_in_cents may not be zero.")
        row_id = mutations.prepaid(db, contact["id"], shop, amount, app.store.now)
        row = db.execute("SELECT * FROM prepaid_tx WHERE id = ?", (row_id,)).fetchone()
        record = app.renderer.prepaid(db, [row])[0]
    app.webhooks.emit("prepaid_transaction_created", "prepaid_transaction", record)
    _notify_contact(app, contact["id"])
    return ok(record)


def _voucher_by_code(db: sqlite3.Connection, code: object) -> sqlite3.Row:
    row = db.execute("SELECT * FROM vouchers WHERE code = ?", (str(code),)).fetchone()
    if row is None:
        raise ApiError.not_found(VOUCHER_NOT_FOUND, "Voucher")
    return row


def _find_voucher(app, request: Request) -> Response:
    with app.store.read() as db:
        row = _voucher_by_code(db, _required(request.query, "code"))
        return ok(render_vouchers(app, db, [row])[0])


def _usable(app, row: sqlite3.Row) -> None:
    if row["status"] != "ACTIVE" or (row["expiration_date"] or 0) < app.store.now:
        raise ApiError(422, 1003, f"The voucher cannot be used (status {row['status']}).",
                       {"code": [f"The voucher is {row['status'].lower()}."]})


def _validate_voucher(app, request: Request, uuid: str) -> Response:
    with app.store.read() as db:
        ident = app.codec.decode("voucher", uuid)
        row = None if ident is None else db.execute(
            "SELECT * FROM vouchers WHERE id = ?", (ident,)).fetchone()
        if row is None:
            raise ApiError.not_found(VOUCHER_NOT_FOUND, "Voucher")
        _usable(app, row)
        return ok(render_vouchers(app, db, [row])[0])


def _redeem_voucher(app, request: Request) -> Response:
    body = request.body
    with app.store.write() as db:
        row = _voucher_by_code(db, _required(body, "code"))
        shop_id(app, db, _required(body, "shop_uuid"))
        contact = load_contact(app, db, str(body["contact_uuid"])) if body.get(
            "contact_uuid") else None
        _usable(app, row)
        if contact is not None and row["contact_id"] not in (None, contact["id"]):
            raise ApiError(422, 1003, "The voucher belongs to another contact.")
        mutations.redeem_voucher(db, row["id"], contact["id"] if contact else None,
                                 app.store.now)
        row = db.execute("SELECT * FROM vouchers WHERE id = ?", (row["id"],)).fetchone()
        record = render_vouchers(app, db, [row])[0]
    app.webhooks.emit("voucher_redeemed", "voucher", record)
    return ok(record)


def register(router: Router) -> None:
    router.add("POST", f"{API_ROOT}/credit-receptions", _credit_reception)
    router.add("GET", f"{API_ROOT}/credit-receptions/calculate", _calculate)
    router.add("POST", f"{API_ROOT}/credit-receptions/{{uuid}}/reverse", _reverse)
    router.add("POST", f"{API_ROOT}/reward-receptions", _reward_reception)
    router.add("POST", f"{API_ROOT}/prepaid-transactions", _prepaid)
    router.add("GET", f"{API_ROOT}/vouchers/find", _find_voucher)
    router.add("POST", f"{API_ROOT}/vouchers/redeem", _redeem_voucher)
    router.add("POST", f"{API_ROOT}/vouchers/{{uuid}}/validate", _validate_voucher)
    writes_settings.register(router)
