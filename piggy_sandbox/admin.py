"""The control API under `/_sandbox/`: never counted in the budget, never faulted.

Tests and tools read totals, change traffic shaping, move the clock and create activity, list the
records the malformed mode corrupts, and watch webhook deliveries.
"""

from __future__ import annotations

from piggy_sandbox import activity, invariants
from piggy_sandbox.errors import ApiError
from piggy_sandbox.ids import iso
from piggy_sandbox.malformed import TARGETS
from piggy_sandbox.reads_ledgers import SPECS
from piggy_sandbox.routing import Request, Response, Router, ok
from piggy_sandbox.webhooks import EVENTS

MALFORMED_SETTINGS = ("malformed_rate", "malformed_kinds")
UUID_KINDS = {"contacts": "contact", "loyalty-transactions": "loyalty",
              "prepaid-transactions": "prepaid", "giftcard-transactions": "giftcard_tx",
              "vouchers": "voucher", "rewards": "reward", "visits": "visit",
              "referrals": "referral", "giftcards": "giftcard"}


def _status(app, request: Request) -> Response:
    store = app.store
    with store.read() as db:
        contacts = db.execute("SELECT count(*) FROM contacts WHERE deleted_at IS NULL").fetchone()
    settings = dict(vars(app.traffic.settings))
    settings.update(malformed_rate=app.malformer.rate, malformed_kinds=list(app.malformer.kinds))
    return ok({"now": iso(store.now), "seed": store.seed, "scale": int(store.meta["scale"]),
               "currency": store.meta["currency"], "contacts": contacts[0],
               "requests": dict(app.counts), "faults": dict(app.traffic.injected),
               "churned": app.churned, "settings": settings})


def _reset_totals(app, request: Request) -> Response:
    app.counts.clear()
    app.traffic.injected.clear()
    return ok({})


def _settings(app, request: Request) -> Response:
    changes = dict(request.body)
    malformed = {key: changes.pop(key) for key in MALFORMED_SETTINGS if key in changes}
    try:
        current = app.traffic.update(**changes)
    except KeyError as exc:
        raise ApiError.invalid(str(exc.args[0]), "Unknown sandbox setting.") from None
    except ValueError as exc:
        raise ApiError.invalid(*exc.args) from None
    if "malformed_rate" in malformed:
        app.malformer.rate = float(malformed["malformed_rate"])
    if "malformed_kinds" in malformed:
        app.malformer.kinds = tuple(malformed["malformed_kinds"])
    current.update(malformed_rate=app.malformer.rate, malformed_kinds=list(app.malformer.kinds))
    return ok(current)


def _malformed(app, request: Request) -> Response:
    wanted = request.query.get("resource")
    resources = [wanted] if wanted else list(TARGETS)
    found = []
    for resource in resources:
        if resource not in TARGETS:
            raise ApiError.invalid("resource", f"Unknown resource {resource}.")
        found.extend(_corrupted(app, resource))
    return ok(found)


def _corrupted(app, resource: str) -> list[dict]:
    table = SPECS[resource].table if resource in SPECS else "rewards"
    kind = UUID_KINDS[resource]
    live = " WHERE deleted_at IS NULL" if resource == "contacts" else ""
    uuid_column = ", has_uuid" if resource == "giftcard-transactions" else ""
    found = []
    with app.store.read() as db:
        for row in db.execute(f"SELECT id{uuid_column} FROM {table}{live} ORDER BY id"):
            has_uuid = row["has_uuid"] if uuid_column else 1
            key = app.codec.encode(kind, row["id"]) if has_uuid else str(row["id"])
            verdict = app.malformer.verdict(resource, key)
            if verdict is not None:
                found.append({"key": key, **app.malformer.describe(resource, verdict)})
    return found


def _add_webhook(app, request: Request) -> Response:
    url, secret = request.body.get("url"), request.body.get("secret")
    if not url or not secret:
        raise ApiError.invalid("url", "Both url and secret are required.")
    events = request.body.get("events") or list(EVENTS)
    with app.store.write() as db:
        for event in events:
            db.execute("INSERT INTO webhook_subscriptions (event_type, url, secret, name, status,"
                       " created_at) VALUES (?, ?, ?, ?, 'ACTIVE', ?)",
                       (event, url, secret, f"sandbox {event}", app.store.now))
    return ok({"events": events})


def _deliveries(app, request: Request) -> Response:
    if request.query.get("wait", "1") != "0":
        app.webhooks.wait_idle()
    return ok([delivery.summary() for delivery in app.webhooks.deliveries])


def _expire_tokens(app, request: Request) -> Response:
    app.auth.expire_all()
    return ok({})


def _invariants(app, request: Request) -> Response:
    with app.store.read() as db:
        return ok(invariants.check(db))


def _advance(app, request: Request) -> Response:
    return ok(activity.advance(app, request.body))


def register(router: Router) -> None:
    router.add("GET", "/_sandbox/status", _status)
    router.add("POST", "/_sandbox/totals/reset", _reset_totals)
    router.add("POST", "/_sandbox/settings", _settings)
    router.add("GET", "/_sandbox/malformed", _malformed)
    router.add("POST", "/_sandbox/webhooks", _add_webhook)
    router.add("GET", "/_sandbox/webhooks/deliveries", _deliveries)
    router.add("POST", "/_sandbox/tokens/expire", _expire_tokens)
    router.add("GET", "/_sandbox/invariants", _invariants)
    router.add("POST", "/_sandbox/advance", _advance)
