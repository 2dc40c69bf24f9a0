"""The paged read endpoints: contacts and every ledger or entity list with its own page shape."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from piggy_sandbox import reads_entities as entities
from piggy_sandbox.churn import churn
from piggy_sandbox.errors import ApiError
from piggy_sandbox.paging import ListSpec, PageRequest, fetch_page, page_meta, parse_page_request
from piggy_sandbox.routing import API_ROOT, Request, Response, Router, ok

SPECS = {
    "contacts": ListSpec("contacts", "A", date_filters=True, live_only=True, string_limit=True),
    "loyalty-transactions": ListSpec("loyalty_tx", "A", date_filters=True),
    "giftcard-transactions": ListSpec("giftcard_tx", "A", size_param="perPage",
                                      date_filters=True, string_limit=True),
    "referrals": ListSpec("referrals", "A"),
    "vouchers": ListSpec("vouchers", "B", max_size=500),
    "giftcards": ListSpec("giftcards", "C"),
    "prepaid-transactions": ListSpec("prepaid_tx", "D", max_size=30),
    "visits": ListSpec("visits", "E", max_size=500),
}
LOYALTY_TYPES = {"credit_receptions": "kind = 0", "reward_receptions": "kind IN (1, 2)"}
VOUCHER_STATUSES = ("ACTIVE", "REDEEMED", "EXPIRED", "DEACTIVATED", "INACTIVE", "LOCKED")

Filter = Callable[["object", Request, PageRequest], None]


def _uuid_filter(app, request: Request, page: PageRequest, param: str, kind: str,
                 column: str) -> None:
    value = request.query.get(param)
    if value is None:
        return
    ident = app.codec.decode(kind, value)
    page.where.append(f"{column} = ?")
    page.params.append(ident if ident is not None else -1)


def _loyalty_filters(app, request: Request, page: PageRequest) -> None:
    kind = request.query.get("type")
    if kind is not None:
        if kind not in LOYALTY_TYPES:
            raise ApiError.invalid("type", "The type must be credit_receptions or "
                                           "reward_receptions.")
        page.where.append(LOYALTY_TYPES[kind])
    _uuid_filter(app, request, page, "contact_uuid", "contact", "contact_id")
    _uuid_filter(app, request, page, "shop_uuid", "shop", "shop_id")


def _prepaid_filters(app, request: Request, page: PageRequest) -> None:
    """No `sort` here: the order is the sandbox's `prepaid_order` setting (newest by default)."""
    page.ascending = app.traffic.settings.prepaid_order == "oldest"
    _uuid_filter(app, request, page, "contact_uuid", "contact", "contact_id")
    _uuid_filter(app, request, page, "shop_uuid", "shop", "shop_id")


def _voucher_filters(app, request: Request, page: PageRequest) -> None:
    status = request.query.get("status")
    if status is not None:
        if status not in VOUCHER_STATUSES:
            raise ApiError.invalid("status", f"The status must be one of "
                                             f"{', '.join(VOUCHER_STATUSES)}.")
        page.where.append("status = ?")
        page.params.append(status)
    _uuid_filter(app, request, page, "contact_uuid", "contact", "contact_id")
    _uuid_filter(app, request, page, "promotion_uuid", "promotion", "promotion_id")


def _no_filters(app, request: Request, page: PageRequest) -> None:
    return None


def _render_contacts(app, db: sqlite3.Connection, rows: list) -> list[dict]:
    tiers = app.renderer.tiers(db)
    return [app.renderer.contact(row, tiers) for row in rows]


FILTERS: dict[str, Filter] = {
    "loyalty-transactions": _loyalty_filters,
    "prepaid-transactions": _prepaid_filters,
    "vouchers": _voucher_filters,
}


def list_handler(name: str, render: Callable) -> Callable[..., Response]:
    spec = SPECS[name]
    add_filters = FILTERS.get(name, _no_filters)

    def handle(app, request: Request) -> Response:
        page = parse_page_request(spec, request.query)
        add_filters(app, request, page)
        if name == "contacts" and app.traffic.churn_due():
            churn(app)
        with app.store.read() as db:
            rows, total = fetch_page(app.store, db, spec, page, "*")
            records = render(app, db, rows)
        records = app.malform(name, records)
        path = f"{request.base_url}{API_ROOT}/{name}"
        return ok(records, page_meta(spec, page, len(records), total, path))

    return handle


def register(router: Router) -> None:
    renderers = {
        "contacts": _render_contacts,
        "loyalty-transactions": lambda app, db, rows: app.renderer.loyalty(db, rows),
        "prepaid-transactions": lambda app, db, rows: app.renderer.prepaid(db, rows),
        "vouchers": entities.render_vouchers,
        "giftcards": entities.render_giftcards,
        "giftcard-transactions": entities.render_giftcard_tx,
        "visits": entities.render_visits,
        "referrals": entities.render_referrals,
    }
    for name, render in renderers.items():
        router.add("GET", f"{API_ROOT}/{name}", list_handler(name, render))
