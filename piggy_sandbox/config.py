"""Everything that shapes one sandbox: its data (seed, scale, clock, currency) and its traffic.

A single frozen dataclass so the CLI, the Python API and the tests describe a sandbox the same way,
and so the data part alone (`data_key`) names the generated database that later starts reuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

GENERATOR_VERSION = 2
"""Raised whenever the same seed and scale generate different data; part of `data_key`."""

DEFAULT_NOW = datetime(2026, 11, 1, tzinfo=UTC)
FAULT_KINDS = ("500", "502", "503", "drop", "slow", "truncate")
MALFORMED_KINDS = ("missing_key", "wrong_type", "unknown_field")
PREPAID_ORDERS = ("newest", "oldest")
"""The prepaid list has no `sort`: the contract assumes newest first, "oldest" lets a test see a
client that relies on that assumption."""
ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "ISK", "CLP", "VND"}


@dataclass(frozen=True)
class SandboxConfig:
    """How to build and how to serve one sandbox; every default is the demo's."""

    scale: int = 1000
    seed: int = 7
    now: datetime = DEFAULT_NOW
    currency: str = "EUR"
    data_dir: Path = Path(".sandbox")
    fresh: bool = True
    host: str = "127.0.0.1"
    port: int = 0
    token: str = "sandbox-token"
    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"
    token_ttl: int = 3600
    admin_token: str | None = None
    read_only: bool = False
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    rate_limit: int | None = None
    rate_window: float = 60.0
    retry_after: bool = True
    fault_rate: float = 0.0
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    slow_seconds: float = 5.0
    malformed_rate: float = 0.0
    malformed_kinds: tuple[str, ...] = MALFORMED_KINDS
    fault_seed: int | None = None
    prepaid_order: str = "newest"
    churn_during_reads: int = 0
    webhooks: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.scale < 1:
            raise ValueError(f"scale must be at least 1, got {self.scale}")
        if self.now.tzinfo is None:
            raise ValueError("the sandbox clock needs a timezone-aware datetime")
        for kind in self.fault_kinds:
            if kind not in FAULT_KINDS:
                raise ValueError(
                    f"unknown fault kind {kind!r}; choose from {', '.join(FAULT_KINDS)}")
        for kind in self.malformed_kinds:
            if kind not in MALFORMED_KINDS:
                raise ValueError(
                    f"unknown malformed kind {kind!r}; choose from {', '.join(MALFORMED_KINDS)}"
                )
        if self.prepaid_order not in PREPAID_ORDERS:
            raise ValueError(f"prepaid_order must be one of {', '.join(PREPAID_ORDERS)}")
        if self.churn_during_reads < 0:
            raise ValueError("churn_during_reads must be 0 (off) or a number of requests")
        for name in ("fault_rate", "malformed_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")

    @property
    def data_key(self) -> str:
        """Names the generated data: everything that changes its bytes, nothing that does not,
        the generator's version included (an account made by an older generator is not reused)."""
        stamp = self.now.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
        account = f"seed{self.seed}-scale{self.scale}-{self.currency.lower()}-{stamp}"
        return f"{account}-g{GENERATOR_VERSION}"

    @property
    def minor_units(self) -> int:
        """Cents per major unit of the account currency (1 for zero-decimal currencies)."""
        return 1 if self.currency.upper() in ZERO_DECIMAL_CURRENCIES else 100

    @property
    def effective_fault_seed(self) -> int:
        return self.seed if self.fault_seed is None else self.fault_seed

    def with_options(self, **options: object) -> SandboxConfig:
        return replace(self, **options)  # type: ignore[arg-type]
