"""Start a sandbox: in a background thread (`run_sandbox`) or in the foreground (`serve`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from piggy_sandbox.app import SandboxApp
from piggy_sandbox.config import SandboxConfig
from piggy_sandbox.control import SandboxControl
from piggy_sandbox.routing import API_ROOT
from piggy_sandbox.server import SandboxHTTPServer
from piggy_sandbox.store import Store, prepare_database


@dataclass
class Sandbox:
    """A running sandbox: where to reach it and how to authenticate."""

    base_url: str
    token: str
    client_id: str
    client_secret: str
    config: SandboxConfig
    app: SandboxApp

    @property
    def api_url(self) -> str:
        return f"{self.base_url}{API_ROOT}"

    @property
    def control(self) -> SandboxControl:
        return SandboxControl(self.base_url, self.config.admin_token)


def build(config: SandboxConfig) -> tuple[SandboxHTTPServer, Sandbox]:
    """Generate or reuse the data, open it and bind the port (0 picks a free one)."""
    path, disposable = prepare_database(config)
    store = Store(path, disposable)
    app = SandboxApp(config, store)
    try:
        server = SandboxHTTPServer((config.host, config.port), app)
    except OSError:
        app.close()
        store.close()
        raise
    handle = Sandbox(server.base_url, config.token, config.client_id, config.client_secret,
                     config, app)
    return server, handle


def shutdown(server: SandboxHTTPServer) -> None:
    server.server_close()
    server.app.close()
    server.app.store.close()


@contextmanager
def run_sandbox(config: SandboxConfig | None = None, **options: object) -> Iterator[Sandbox]:
    """Serve on 127.0.0.1 from a background thread for the duration of the block.

    `run_sandbox(scale=300, seed=7, latency_ms=0, rate_limit=None, fault_rate=0, ...)`: any
    `SandboxConfig` field may be passed by name.
    """
    config = (config or SandboxConfig()).with_options(**options)
    server, handle = build(config)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="sandbox-http", daemon=True)
    thread.start()
    try:
        yield handle
    finally:
        server.shutdown()
        thread.join(timeout=10)
        shutdown(server)
