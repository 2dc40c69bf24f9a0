"""The demo's sandbox: a seeded Piggy account served from the demo folder, changes kept.

`--keep-state` keeps what the demo does to the account (the cashback it pays) across demo runs,
so a second run loads those payouts like any other prepaid transaction and the at-most-once rule
can be seen on Piggy's side, not only in the ledger.
"""

import socket
import subprocess
import time
from pathlib import Path

import httpx

from pipelines.demo.folder import SANDBOX_TOKEN
from pipelines.demo.steps import cli_command
from pipelines.errors import CliError

SANDBOX_FOLDER = ".sandbox"
PAYOUTS_SHOP = "Webshop"


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sandbox(folder: Path, port: int, scale: int, seed: int) -> subprocess.Popen:
    """`piggy-elt sandbox serve` in the demo folder, its account kept in `.sandbox`."""
    return subprocess.Popen(
        cli_command(
            *("sandbox", "serve", "--port", str(port), "--scale", str(scale)),
            *("--seed", str(seed), "--data-dir", SANDBOX_FOLDER, "--keep-state"),
        ),
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )


def wait_until_serving(base_url: str, server: subprocess.Popen, timeout: float = 300.0) -> None:
    """Generation of a large account takes a while; poll until the API answers."""
    deadline = time.monotonic() + timeout
    url = f"{base_url}/api/v3/oauth/clients/tiers"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CliError(f"the sandbox exited with code {server.returncode} before serving")
        try:
            if httpx.get(url, headers=_headers(), timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise CliError(f"the sandbox did not answer within {timeout:.0f}s at {base_url}")


def sandbox_day(base_url: str) -> str:
    """The sandbox clock's day (UTC): the as-of day its seeded account was generated for."""
    response = httpx.get(f"{base_url}/_sandbox/status", timeout=10.0)
    response.raise_for_status()
    return response.json()["data"]["now"][:10]


def payouts_shop(base_url: str) -> str:
    """The uuid of the account's Webshop, the shop the demo books cashback payouts on."""
    response = httpx.get(f"{base_url}/api/v3/oauth/clients/shops", headers=_headers(), timeout=10)
    response.raise_for_status()
    shops = response.json()["data"]
    for shop in shops:
        if shop["name"] == PAYOUTS_SHOP:
            return shop["uuid"]
    raise CliError(f"the sandbox account has no shop named {PAYOUTS_SHOP!r} to book payouts on")


def _headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {SANDBOX_TOKEN}", "Accept": "application/json"}
