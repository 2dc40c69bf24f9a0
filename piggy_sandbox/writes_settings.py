"""Writes to the account's settings: updating a reward and managing webhook subscriptions."""

from __future__ import annotations

import secrets

from piggy_sandbox.errors import ApiError
from piggy_sandbox.mutations import REWARD_NOT_FOUND
from piggy_sandbox.reads_entities import webhook_record
from piggy_sandbox.routing import API_ROOT, Request, Response, Router, ok
from piggy_sandbox.webhooks import EVENTS

REWARD_FIELDS = ("title", "description", "required_credits")


def _update_reward(app, request: Request, uuid: str) -> Response:
    body = request.body
    changes = {name: body[name] for name in REWARD_FIELDS if name in body}
    if not changes:
        raise ApiError.invalid("title", "Give at least one of title, description, "
                                        "required_credits.")
    credits = changes.get("required_credits")
    if credits is not None and (isinstance(credits, bool) or not isinstance(credits, int)
                                or credits < 0):
        raise ApiError.invalid("required_credits", "The required_credits must be a positive "
                                                   "integer.")
    for name in ("title", "description"):
        if name in changes and not isinstance(changes[name], str):
            raise ApiError.invalid(name, f"The {name} must be a string.")
    with app.store.write() as db:
        ident = app.codec.decode("reward", uuid)
        if ident is None or db.execute("SELECT 1 FROM rewards WHERE id = ?",
                                       (ident,)).fetchone() is None:
            raise ApiError.not_found(REWARD_NOT_FOUND, "Reward")
        assignments = ", ".join(f"{name} = ?" for name in changes)
        db.execute(f"UPDATE rewards SET {assignments}, updated_at = ? WHERE id = ?",
                   (*changes.values(), app.store.now, ident))
        record = app.renderer.reward(db.execute("SELECT * FROM rewards WHERE id = ?",
                                                (ident,)).fetchone())
    app.webhooks.emit("reward_updated", "reward", record)
    return ok(record)


def _create_subscription(app, request: Request) -> Response:
    body = request.body
    event = body.get("event_type")
    if event not in EVENTS:
        raise ApiError.invalid("event_type", f"The event_type must be one of {', '.join(EVENTS)}.")
    url = body.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ApiError.invalid("url", "The url must be an http(s) URL.")
    secret = body.get("secret") or secrets.token_hex(16)
    with app.store.write() as db:
        cursor = db.execute(
            "INSERT INTO webhook_subscriptions (event_type, url, secret, name, status, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (event, url, secret, body.get("name") or event, body.get("status") or "ACTIVE",
             app.store.now))
        row = db.execute("SELECT * FROM webhook_subscriptions WHERE id = ?",
                         (cursor.lastrowid,)).fetchone()
    return ok(dict(webhook_record(app.renderer, row), secret=secret))


def _delete_subscription(app, request: Request, uuid: str) -> Response:
    ident = app.codec.decode("webhook", uuid)
    with app.store.write() as db:
        if ident is None or not db.execute("DELETE FROM webhook_subscriptions WHERE id = ?",
                                           (ident,)).rowcount:
            raise ApiError.not_found(1003, "Webhook subscription")
    return ok({})


def register(router: Router) -> None:
    router.add("PUT", f"{API_ROOT}/rewards/{{uuid}}", _update_reward)
    router.add("POST", f"{API_ROOT}/webhook-subscriptions", _create_subscription)
    router.add("DELETE", f"{API_ROOT}/webhook-subscriptions/{{uuid}}", _delete_subscription)
