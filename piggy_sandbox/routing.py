"""Requests and responses as plain values, and the table that maps paths to handlers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from piggy_sandbox.errors import ApiError

API_ROOT = "/api/v3/oauth/clients"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict = field(default_factory=dict)
    base_url: str = ""


@dataclass
class Response:
    status: int
    payload: object
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[..., Response]


class Router:
    """Method + path regex to handler; unknown paths get the contract's 404 body."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
        self._routes.append((method, re.compile(f"^{regex}$"), handler))

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        allowed = False
        for route_method, regex, handler in self._routes:
            match = regex.match(path)
            if match is None:
                continue
            if route_method == method:
                return handler, match.groupdict()
            allowed = True
        if allowed:
            raise ApiError(405, 405, f"The {method} method is not supported for this route.")
        raise ApiError(404, 404, "Niet gevonden | Not found.")


def ok(data: object, meta: object | None = None, status: int = 200) -> Response:
    """The success envelope: `{"data": ..., "meta": ...}` with `{}` when a list has no meta."""
    return Response(status, {"data": data, "meta": {} if meta is None else meta})
