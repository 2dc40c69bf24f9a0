"""Page numbers over ordinal ids: validation, the range read, and the five meta shapes.

A list's ids are its created_at order, so without secondary filters a page is pure arithmetic on
id bounds (stepping over deleted contacts); secondary filters fall back to an indexed OFFSET.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field

from piggy_sandbox.errors import ApiError
from piggy_sandbox.ids import parse_instant
from piggy_sandbox.store import Store

DEFAULT_PAGE_SIZE = 30
DATE_OPERATORS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@dataclass(frozen=True)
class ListSpec:
    """One paged endpoint: its table, page-size parameter and maximum, meta shape, options."""

    table: str
    shape: str
    size_param: str = "limit"
    max_size: int = 100
    date_filters: bool = False
    live_only: bool = False
    string_limit: bool = False


@dataclass
class PageRequest:
    page: int
    size: int
    size_text: str | None
    ascending: bool
    bounds: list[tuple[str, int]] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)


def parse_page_request(spec: ListSpec, query: dict[str, str]) -> PageRequest:
    """Validate paging, sort and created_at filters; 422 with code 1003 names the bad parameter."""
    page = _positive_int(query.get("page", "1"), "page", None)
    size_text = query.get(spec.size_param)
    size = DEFAULT_PAGE_SIZE if size_text is None else _positive_int(
        size_text, spec.size_param, spec.max_size)
    size = min(size, spec.max_size)
    ascending = False
    request = PageRequest(page, size, size_text, ascending)
    if spec.date_filters:
        sort = query.get("sort")
        if sort not in (None, "created_at", "-created_at"):
            raise ApiError.invalid("sort", "The sort must be created_at or -created_at.")
        request.ascending = sort == "created_at"
        for op, symbol in DATE_OPERATORS.items():
            text = query.get(f"created_at[{op}]")
            if text is None:
                continue
            try:
                request.bounds.append((symbol, parse_instant(text)))
            except ValueError:
                raise ApiError.invalid(f"created_at[{op}]",
                                       "The value must be an ISO 8601 date and time.") from None
    return request


def _positive_int(text: str, name: str, maximum: int | None) -> int:
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise ApiError.invalid(name, f"The {name} must be an integer.") from None
    if value < 1:
        raise ApiError.invalid(name, f"The {name} must be at least 1.")
    if maximum is not None and value > maximum:
        raise ApiError.invalid(name, f"The {name} may not be greater than {maximum}.")
    return value


def fetch_page(store: Store, db: sqlite3.Connection, spec: ListSpec, request: PageRequest,
               columns: str) -> tuple[list[sqlite3.Row], int]:
    """The rows of one page, in the requested order, and the total across pages."""
    low, high = _id_bounds(db, spec.table, request.bounds)
    if low > high:
        return [], 0
    live = " AND deleted_at IS NULL" if spec.live_only else ""
    if request.where:
        return _filtered_page(store, db, spec, request, columns, low, high, live)
    gaps = store.gaps_between(low, high) if spec.live_only else 0
    total = high - low + 1 - gaps
    first = (request.page - 1) * request.size
    if first >= total:
        return [], total
    if request.ascending:
        start = _id_at(store, spec, low, first)
        sql = (f"SELECT {columns} FROM {spec.table} WHERE id >= ? AND id <= ?{live} "
               "ORDER BY id LIMIT ?")
        return db.execute(sql, (start, high, request.size)).fetchall(), total
    end = _id_at(store, spec, low, total - 1 - first)
    sql = (f"SELECT {columns} FROM {spec.table} WHERE id <= ? AND id >= ?{live} "
           "ORDER BY id DESC LIMIT ?")
    return db.execute(sql, (end, low, request.size)).fetchall(), total


def _id_at(store: Store, spec: ListSpec, low: int, position: int) -> int:
    """The id of the live row at 0-based `position` counted from `low`, skipping deleted ids."""
    ident = low + position
    if not spec.live_only:
        return ident
    while True:
        candidate = low + position + store.gaps_between(low, ident)
        if candidate == ident:
            return ident
        ident = candidate


def _id_bounds(db: sqlite3.Connection, table: str,
               bounds: list[tuple[str, int]]) -> tuple[int, int]:
    # two subqueries: SQLite answers a lone min() or max() of the rowid from the b-tree edge
    row = db.execute(f"SELECT (SELECT min(id) FROM {table}), (SELECT max(id) FROM {table})"
                     ).fetchone()
    if row[0] is None:
        return 1, 0
    low, high = row
    for symbol, moment in bounds:
        if symbol.startswith(">"):
            found = db.execute(f"SELECT id FROM {table} WHERE created_at {symbol} ? "
                               "ORDER BY created_at, id LIMIT 1", (moment,)).fetchone()
            low = max(low, found[0]) if found else high + 1
        else:
            found = db.execute(f"SELECT id FROM {table} WHERE created_at {symbol} ? "
                               "ORDER BY created_at DESC, id DESC LIMIT 1", (moment,)).fetchone()
            high = min(high, found[0]) if found else low - 1
    return low, high


def _filtered_page(store: Store, db: sqlite3.Connection, spec: ListSpec, request: PageRequest,
                   columns: str, low: int, high: int, live: str) -> tuple[list, int]:
    where = " AND ".join(request.where)
    condition = f"id BETWEEN ? AND ? AND {where}{live}"
    params = [low, high, *request.params]
    total = _cached_count(store, db, spec.table, condition, params)
    order = "ASC" if request.ascending else "DESC"
    sql = (f"SELECT {columns} FROM {spec.table} WHERE {condition} ORDER BY id {order} "
           "LIMIT ? OFFSET ?")
    offset = (request.page - 1) * request.size
    return db.execute(sql, (*params, request.size, offset)).fetchall(), total


_counts: dict[tuple, int] = {}


def _cached_count(store: Store, db: sqlite3.Connection, table: str, condition: str,
                  params: list[object]) -> int:
    """Totals of filtered lists, remembered until the next write changes the account."""
    key = (store.path, store.version, table, condition, tuple(params))
    if key not in _counts:
        if len(_counts) > 4096:
            _counts.clear()
        _counts[key] = db.execute(f"SELECT count(*) FROM {table} WHERE {condition}",
                                  params).fetchone()[0]
    return _counts[key]


def page_meta(spec: ListSpec, request: PageRequest, count: int, total: int, path: str) -> dict:
    """The endpoint's own meta shape (contract section 3)."""
    last_page = max(1, math.ceil(total / request.size))
    first = (request.page - 1) * request.size + 1 if count else None
    last = first + count - 1 if count else None
    if spec.shape == "A":
        limit = request.size_text if spec.string_limit and request.size_text else request.size
        return {"page": request.page, "limit": limit, "viewing_from": first or 0,
                "viewing_to": last or 0, "last_page": last_page, "total": total}
    if spec.shape == "B":
        links = [{"url": f"{path}?page={n}" if n <= last_page else None, "label": str(n),
                  "active": n == request.page} for n in range(1, min(last_page, 10) + 1)]
        return {"current_page": request.page, "from": first, "last_page": last_page,
                "links": links, "path": path, "per_page": request.size, "to": last,
                "total": total}
    if spec.shape == "C":
        return {"page": request.page, "per_page": request.size, "last_page": last_page,
                "total": total}
    if spec.shape == "D":
        return {"current_page": request.page, "from": first, "last_page": last_page,
                "per_page": request.size, "total": total}
    return {"current_page": request.page, "last_page": last_page, "per_page": request.size,
            "total": total}
