"""The sandbox application: routes a request through auth, budget and faults to its handler.

Transport-free (a `Request` in, a `Response` or a fault out), so the HTTP layer only moves bytes.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter

from piggy_sandbox import admin, reads_contacts, reads_entities, reads_ledgers, writes
from piggy_sandbox.auth import Auth
from piggy_sandbox.config import SandboxConfig
from piggy_sandbox.errors import ApiError
from piggy_sandbox.ids import UuidCodec
from piggy_sandbox.malformed import Malformer
from piggy_sandbox.render import Renderer
from piggy_sandbox.routing import API_ROOT, Request, Response, Router
from piggy_sandbox.store import Store
from piggy_sandbox.traffic import Fault, TrafficShaper
from piggy_sandbox.webhooks import WebhookDispatcher

LOG = logging.getLogger("piggy_sandbox")
ACCOUNT_LOCKED = 7011


class SandboxApp:
    """One served account: its store, its rules of traffic and the counters tests read back."""

    def __init__(self, config: SandboxConfig, store: Store) -> None:
        self.config = config
        self.store = store
        self.codec = UuidCodec(store.seed)
        self.renderer = Renderer(self.codec, store.meta["currency"])
        self.auth = Auth(config.token, config.client_id, config.client_secret, config.token_ttl)
        self.traffic = TrafficShaper(config)
        self.malformer = Malformer(config.effective_fault_seed, config.malformed_rate,
                                   config.malformed_kinds)
        self.webhooks = WebhookDispatcher(self)
        self.counts: Counter[str] = Counter()
        self.churned: dict[str, list[str]] = {"deleted": [], "created": []}
        self._counts_lock = threading.Lock()
        self.api = Router()
        self.admin = Router()
        for module in (reads_contacts, reads_ledgers, reads_entities, writes):
            module.register(self.api)
        admin.register(self.admin)

    def malform(self, resource: str, records: list[dict]) -> list[dict]:
        return self.malformer.apply(resource, records)

    def count(self, key: str) -> None:
        with self._counts_lock:
            self.counts[key] += 1

    def handle(self, request: Request) -> Response | Fault:
        """Admin calls skip auth, budget and faults; API calls pass all three, in that order."""
        if request.path.startswith("/_sandbox/"):
            return self._guarded(lambda: self._admin(request))
        if request.method == "POST" and request.path == "/oauth/token":
            self.count("POST /oauth/token")
            return self._guarded(lambda: _token_response(self.auth.issue(request.body)))
        if not request.path.startswith(API_ROOT):
            return _error(ApiError(404, 404, "Niet gevonden | Not found."))
        return self._api(request)

    def _refuse_if_read_only(self, request: Request) -> None:
        if self.config.read_only and request.method != "GET":
            raise ApiError(403, ACCOUNT_LOCKED, "This sandbox is read-only (a shared fixture); "
                                                "start a private one to change its account.")

    def _admin(self, request: Request) -> Response:
        admin_token = self.config.admin_token
        if admin_token and request.headers.get("x-sandbox-admin-token") != admin_token:
            raise ApiError(401, 401, "The sandbox admin token is missing or wrong.")
        self._refuse_if_read_only(request)
        handler, params = self.admin.resolve(request.method, request.path)
        return handler(self, request, **params)

    def _api(self, request: Request) -> Response | Fault:
        try:
            token = self.auth.check(request.headers.get("authorization"))
        except ApiError as exc:
            return _error(exc)
        budget = self.traffic.spend(token)
        if budget.refused:
            response = _error(ApiError(429, 429, "Too Many Attempts."))
            response.headers.update(budget.headers)
            return response
        endpoint = request.path[len(API_ROOT):] or "/"
        self.count(f"{request.method} {_endpoint_key(endpoint)}")
        fault = self.traffic.fault_for(request)
        if fault is not None and fault.replaces_response:
            return fault
        response = self._guarded(lambda: self._route(request))
        response.headers.update(budget.headers)
        if fault is not None:
            fault.response = response
            return fault
        return response

    def _route(self, request: Request) -> Response:
        handler, params = self.api.resolve(request.method, request.path)
        self._refuse_if_read_only(request)
        return handler(self, request, **params)

    def _guarded(self, call) -> Response:
        """Errors in the contract's shape; a bug in the sandbox is a logged 500, not a hang-up."""
        try:
            return call()
        except ApiError as exc:
            return _error(exc)
        except Exception:  # noqa: BLE001 - the one place that turns a crash into a response
            LOG.exception("sandbox handler failed")
            return _error(ApiError(500, 500, "Server Error"))

    def close(self) -> None:
        self.webhooks.stop()


def _token_response(payload: dict) -> Response:
    return Response(200, payload)


def _error(exc: ApiError) -> Response:
    return Response(exc.status, exc.body())


def _endpoint_key(endpoint: str) -> str:
    """`/contacts/<uuid>/tier` -> `/contacts/{uuid}/tier`, so totals group by endpoint."""
    parts = [("{uuid}" if len(part) == 36 and part.count("-") == 4 else part)
             for part in endpoint.split("/")]
    return "/".join(parts)
