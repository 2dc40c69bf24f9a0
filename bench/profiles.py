"""The settings of a benchmark run: account sizes and the traffic the sandbox imposes.

The budget and the latency are production's (`X-RateLimit-Limit: 5000` per minute, about 100 ms a
round trip from Europe); only the account sizes change between the quick and the full run, so the
ratios of the two stay comparable. `smoke` exists for the test that checks the harness itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

PRODUCTION_BUDGET_PER_MINUTE = 5000
PRODUCTION_LATENCY_MS = 100.0


@dataclass(frozen=True)
class BenchProfile:
    """`budget_scale`: the account behind figures 1, 2, 5 and 6 (latency and budget on);
    `memory_scales`: the two accounts of figure 4 (no latency, no budget), the smaller of which
    also serves figure 3 (its rows/s do not depend on the account's size)."""

    name: str
    budget_scale: int
    memory_scales: tuple[int, int]
    scale_account: int | None = None
    """The large account of figures 8 to 10 (load, rerun, dbt build), or None to skip them."""
    latency_ms: float = PRODUCTION_LATENCY_MS
    budget_per_minute: int = PRODUCTION_BUDGET_PER_MINUTE
    budget_window_seconds: float = 60.0
    mutate_fraction: float = 0.01
    seed: int = 7
    step_timeout_seconds: float = 1800.0

    @property
    def cpu_scale(self) -> int:
        return self.memory_scales[0]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


QUICK = BenchProfile(name="quick", budget_scale=1_000, memory_scales=(1_000, 4_000))
FULL = BenchProfile(
    name="full",
    budget_scale=20_000,
    # 52,000 contacts hold about 500,000 ledger rows, the least figure 3 gives a verdict on
    memory_scales=(52_000, 208_000),
    scale_account=1_000_000,
    step_timeout_seconds=3600.0,
)
SMOKE = BenchProfile(
    name="smoke",
    budget_scale=60,
    memory_scales=(60, 120),
    scale_account=60,
    latency_ms=5.0,
    step_timeout_seconds=300.0,
)
