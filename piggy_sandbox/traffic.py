"""Traffic shaping: latency, a request budget per token and window, and faults by rate.

Every random choice is a hash of (fault seed, request key, how many times that key was asked), so
a run is reproducible whatever the thread interleaving, and a retried request gets a fresh draw.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from piggy_sandbox.config import FAULT_KINDS, PREPAID_ORDERS, SandboxConfig
from piggy_sandbox.routing import Request, Response

UNLIMITED_BUDGET = 1_000_000
SERVER_ERRORS = {"500": "Server Error", "502": "Bad Gateway", "503": "Service Unavailable"}


@dataclass
class Budget:
    refused: bool
    headers: dict[str, str]


@dataclass
class Fault:
    """A response the HTTP layer must spoil: replace it, drop it, slow it or truncate it."""

    kind: str
    delay: float = 0.0
    response: Response | None = None

    @property
    def replaces_response(self) -> bool:
        return self.kind in SERVER_ERRORS or self.kind == "drop"


@dataclass
class Settings:
    """The knobs that can change while serving (through the control API)."""

    latency_ms: float
    jitter_ms: float
    rate_limit: int | None
    rate_window: float
    retry_after: bool
    fault_rate: float
    fault_kinds: tuple[str, ...]
    slow_seconds: float
    seed: int
    paths: tuple[str, ...] = field(default_factory=tuple)
    prepaid_order: str = "newest"
    churn_during_reads: int = 0


class TrafficShaper:
    def __init__(self, config: SandboxConfig) -> None:
        self.settings = Settings(config.latency_ms, config.jitter_ms, config.rate_limit,
                                 config.rate_window, config.retry_after, config.fault_rate,
                                 tuple(config.fault_kinds), config.slow_seconds,
                                 config.effective_fault_seed,
                                 prepaid_order=config.prepaid_order,
                                 churn_during_reads=config.churn_during_reads)
        self._lock = threading.Lock()
        self._windows: dict[str, list[float]] = {}
        self._seen: Counter[str] = Counter()
        self._contact_lists = 0
        self.injected: Counter[str] = Counter()

    def update(self, **changes: object) -> dict[str, object]:
        """Change settings at runtime; unknown names are refused so typos do not pass silently."""
        with self._lock:
            for name, value in changes.items():
                if not hasattr(self.settings, name):
                    raise KeyError(name)
                if name == "fault_kinds":
                    value = tuple(value)  # type: ignore[arg-type]
                    unknown = [kind for kind in value if kind not in FAULT_KINDS]
                    if unknown:
                        raise ValueError(name, f"unknown fault kinds: {', '.join(unknown)}")
                if name == "prepaid_order" and value not in PREPAID_ORDERS:
                    raise ValueError(name, f"choose from {', '.join(PREPAID_ORDERS)}")
                if name == "churn_during_reads" and (not isinstance(value, int) or value < 0):
                    raise ValueError(name, "give 0 (off) or a number of contacts list requests")
                if name == "paths":
                    value = tuple(value)  # type: ignore[arg-type]
                setattr(self.settings, name, value)
            if "rate_limit" in changes or "rate_window" in changes:
                self._windows.clear()
            return dict(vars(self.settings))

    def spend(self, token: str) -> Budget:
        """Count one request against the token's window; refuse it once the window is used up."""
        settings = self.settings
        limit = settings.rate_limit or UNLIMITED_BUDGET
        now = time.monotonic()
        with self._lock:
            window = self._windows.setdefault(token, [now, 0])
            if now - window[0] >= settings.rate_window:
                window[0], window[1] = now, 0
            window[1] += 1
            used, started = window[1], window[0]
        headers = {"X-RateLimit-Limit": str(limit),
                   "X-RateLimit-Remaining": str(max(0, limit - used))}
        if used <= limit:
            return Budget(False, headers)
        if settings.retry_after:
            wait = max(1, math.ceil(started + settings.rate_window - now))
            headers["Retry-After"] = str(wait)
        return Budget(True, headers)

    def churn_due(self) -> bool:
        """Count one contacts list request; True on every `churn_during_reads`-th one."""
        every = self.settings.churn_during_reads
        if every <= 0:
            return False
        with self._lock:
            self._contact_lists += 1
            return self._contact_lists % every == 0

    def _draw(self, key: str, salt: str) -> float:
        digest = hashlib.blake2b(f"{self.settings.seed}:{salt}:{key}".encode(),
                                 digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64

    def fault_for(self, request: Request) -> Fault | None:
        settings = self.settings
        if settings.fault_rate <= 0 or not settings.fault_kinds:
            return None
        if settings.paths and not any(p in request.path for p in settings.paths):
            return None
        query = "&".join(f"{k}={v}" for k, v in sorted(request.query.items()))
        base = f"{request.method} {request.path}?{query}"
        with self._lock:
            self._seen[base] += 1
            key = f"{base}#{self._seen[base]}"
        if self._draw(key, "fault") >= settings.fault_rate:
            return None
        kinds = settings.fault_kinds
        kind = kinds[min(len(kinds) - 1, int(self._draw(key, "kind") * len(kinds)))]
        with self._lock:
            self.injected[kind] += 1
        if kind in SERVER_ERRORS:
            status = int(kind)
            body = {"message": SERVER_ERRORS[kind], "code": status, "status_code": status}
            return Fault(kind, response=Response(status, body))
        return Fault(kind, delay=settings.slow_seconds if kind == "slow" else 0.0)

    def latency(self, request: Request) -> float:
        """Seconds to wait before answering: fixed latency plus a reproducible jitter."""
        settings = self.settings
        if settings.latency_ms <= 0 and settings.jitter_ms <= 0:
            return 0.0
        jitter = settings.jitter_ms * self._draw(f"{request.path}?{request.query}", "jitter")
        return (settings.latency_ms + jitter) / 1000.0
