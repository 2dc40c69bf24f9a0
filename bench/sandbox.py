"""A sandbox in its own process, so serving never competes for a GIL with the code measured.

It is started through the product's own command (`piggy-elt sandbox serve`) on a free loopback
port, and is ready when it answers an authenticated request. Generated accounts are cached by the
sandbox in its data folder (the project's `.sandbox/` by default), so only the first run at a scale
pays for generating it.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.process import log_tail
from piggy_sandbox.control import SandboxControl

SANDBOX_TOKEN = "sandbox-token"
READY_PATH = "/api/v3/oauth/clients/tiers"


class SandboxFailed(RuntimeError):
    """The sandbox process exited or never became ready; the message carries its last log lines."""


@dataclass(frozen=True)
class SandboxSettings:
    """The account (scale, seed) and the traffic rules (latency, request budget) of one sandbox."""

    scale: int
    seed: int
    latency_ms: float = 0.0
    budget_per_window: int | None = None
    budget_window_seconds: float = 60.0

    def cli_options(self) -> list[str]:
        options = ["--scale", str(self.scale), "--seed", str(self.seed)]
        options += ["--latency-ms", f"{self.latency_ms:g}"]
        if self.budget_per_window is not None:
            options += ["--rate-limit", str(self.budget_per_window)]
            options += ["--rate-window", f"{self.budget_window_seconds:g}"]
        return options

    def as_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "seed": self.seed,
            "latency_ms": self.latency_ms,
            "budget_per_window": self.budget_per_window,
            "budget_window_seconds": self.budget_window_seconds,
        }


class SandboxProcess:
    """Context manager: start `piggy-elt sandbox serve`, wait until it serves, stop it on exit."""

    def __init__(
        self,
        settings: SandboxSettings,
        *,
        executable: Path,
        cwd: Path,
        data_dir: Path,
        log_path: Path,
        env: dict[str, str],
        ready_timeout: float,
    ) -> None:
        self.settings = settings
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.token = SANDBOX_TOKEN
        self._command = [str(executable), "sandbox", "serve", "--port", str(self.port)]
        self._command += ["--data-dir", str(data_dir)]
        self._command += settings.cli_options()
        self._cwd, self._log_path, self._env = cwd, log_path, env
        self._ready_timeout = ready_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self.ready_seconds = 0.0
        """From start to the first answer: generating the account when it is not cached yet."""

    def __enter__(self) -> SandboxProcess:
        log = self._log_path.open("wb")
        self._process = subprocess.Popen(
            self._command, cwd=self._cwd, env=self._env, stdout=log, stderr=log
        )
        log.close()
        started = time.perf_counter()
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        self.ready_seconds = time.perf_counter() - started
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def control(self) -> SandboxControl:
        return SandboxControl(self.base_url)

    def settle(self) -> None:
        """Start the next step on a fresh budget window and fresh request totals.

        The budget is a window per token; without this, a step would inherit the requests of the
        step before it and be throttled for them, which says nothing about the step itself.
        Setting the budget again is how the control API opens a new window.
        """
        if self.settings.budget_per_window is not None:
            self.control.configure(
                rate_limit=self.settings.budget_per_window,
                rate_window=self.settings.budget_window_seconds,
            )
        self.control.reset_totals()

    def mutate(self, fraction: float) -> dict[str, Any]:
        """One day of activity touching about `fraction` of the contacts: what a daily run sees.

        Earns, redemptions and cashback add ledger and wallet rows and move balances, a few
        contacts change tier, sign up or are deleted, so every incremental path has work to do.
        """
        contacts = int(self.control.status()["contacts"])
        touched = max(1, round(contacts * fraction))
        activity = {
            "earns": touched,
            "redemptions": max(1, touched // 4),
            "cashback": max(1, touched // 4),
            "tier_changes": max(1, touched // 20),
            "signups": max(1, touched // 10),
            "deletes": max(1, touched // 50),
        }
        result = self.control.advance(days=1, **activity)
        return {"contacts_before": contacts, "created": result["created"]}

    def served_requests(self) -> int:
        """API requests the sandbox answered since the last `settle()`, counted on its side."""
        return sum(self.control.totals().values())

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _wait_until_ready(self) -> None:
        """Generation of a large account can take minutes; poll until the API answers 200."""
        deadline = time.monotonic() + self._ready_timeout
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise SandboxFailed(f"sandbox exited early: {log_tail(self._log_path)}")
            try:
                response = httpx.get(self.base_url + READY_PATH, headers=headers, timeout=2.0)
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise SandboxFailed(f"sandbox not ready after {self._ready_timeout:.0f} s")


def _free_port() -> int:
    """A port the OS just handed out; the sandbox binds it right after, on loopback only."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
