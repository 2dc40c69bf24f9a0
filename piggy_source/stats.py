"""Counters per resource (pages, rows, requests, retries, 429s) that progress displays read.

Updated from the HTTP loop thread and from dlt's extract threads; each update is a single integer
addition under the GIL, and a listener (the CLI's progress bar) is told which resource moved.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ResourceStats:
    """What reading one resource cost and produced. `rechecked` counts contacts a sweep missed and
    asked for by uuid; `kept_live` those of them Piggy still had (kept open, not retired);
    `refetched` contacts webhook events named, asked for by uuid between sweeps."""

    pages: int = 0
    rows: int = 0
    quarantined: int = 0
    requests: int = 0
    retries: int = 0
    throttled: int = 0
    rechecked: int = 0
    kept_live: int = 0
    refetched: int = 0
    started_at: float = field(default_factory=time.monotonic)

    def requests_per_second(self) -> float:
        elapsed = time.monotonic() - self.started_at
        return self.requests / elapsed if elapsed > 0 else 0.0


Listener = Callable[[str, ResourceStats], None]


class RunStats:
    """All resources' counters for one run, plus an optional listener told of every change."""

    def __init__(self, listener: Listener | None = None) -> None:
        self.resources: dict[str, ResourceStats] = {}
        self.listener = listener

    def of(self, resource: str) -> ResourceStats:
        if resource not in self.resources:
            self.resources[resource] = ResourceStats()
        return self.resources[resource]

    def add(self, resource: str, **increments: int) -> None:
        stats = self.of(resource)
        for name, amount in increments.items():
            setattr(stats, name, getattr(stats, name) + amount)
        if self.listener is not None:
            self.listener(resource, stats)
