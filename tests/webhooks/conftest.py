"""A CRM stub, and the receiver as a real process on a socket the test holds.

The test owns the listening socket and passes it to each receiver process (`serve --fd`), as
systemd socket activation does: a receiver killed with SIGKILL and started again loses no
delivery, because connections made in between wait in the socket's backlog.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from piggy_sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
SECRET = "piggy-webhook-secret-for-tests"
CRM_KEY = "crm-key-for-tests"


class CrmStub:
    """Records every profile pushed with the right key; `down` answers 503 until cleared."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, dict[str, Any]]] = []
        self.refused = 0
        self.down = False
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                authorised = self.headers.get("Authorization") == f"Bearer {CRM_KEY}"
                status = 503 if outer.down else (200 if authorised else 401)
                if status == 200:
                    now = time.time()
                    outer.arrivals += [(now, p) for p in json.loads(raw)["profiles"]]
                else:
                    outer.refused += 1
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/profiles"

    def latest(self) -> dict[str, dict[str, Any]]:
        """The profile each email ended with, as the CRM would hold it."""
        profiles: dict[str, dict[str, Any]] = {}
        for _, profile in list(self.arrivals):
            profiles.setdefault(profile["email"], {}).update(profile["properties"])
        return profiles

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class ReceiverProcess:
    """`piggy-elt webhooks serve --fd N` on the test's socket, restartable after SIGKILL."""

    sandbox_url: str
    token: str
    crm: CrmStub
    root: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    sock: socket.socket = field(init=False)
    process: subprocess.Popen | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4096)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/webhooks/piggy"

    @property
    def journal(self) -> Path:
        return self.root / "journal" / "journal.sqlite"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "DLT_DATA_DIR": str(self.root / "dlt"),
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            "WEBHOOKS__SECRET": SECRET,
            "WEBHOOKS__JOURNAL_DIR": str(self.root / "journal"),
            "WEBHOOKS__BACKOFF_SECONDS": "0.2",
            "WEBHOOKS__MAX_BACKOFF_SECONDS": "1",
            "EXPORTS__CRM__URL": self.crm.url,
            "EXPORTS__CRM__API_KEY": CRM_KEY,
            "SOURCES__PIGGY__BASE_URL": self.sandbox_url,
            "SOURCES__PIGGY__API_KEY": self.token,
            **self.extra_env,
        }

    def start(self) -> None:
        fd = self.sock.fileno()
        command = [sys.executable, "-m", "pipelines", "webhooks", "serve", "--fd", str(fd)]
        log = open(self.root / "receiver.log", "ab")  # noqa: SIM115 - the child keeps it open
        self.process = subprocess.Popen(
            command, cwd=self.root, env=self.env(), pass_fds=(fd,), stdout=log, stderr=log
        )
        log.close()
        self.wait_ready()

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Ready once it answers: an unsigned call is refused (401) and stores nothing."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                answer = httpx.post(
                    self.url,
                    content=b"{}",
                    timeout=timeout,
                    headers={"Content-Type": "application/json"},
                )
                if answer.status_code == 401:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"receiver not ready; log: {self.log()}")

    def kill9(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def log(self) -> str:
        path = self.root / "receiver.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "pipelines", "webhooks", *args]
        return subprocess.run(
            command, cwd=self.root, env=self.env(), capture_output=True, text=True, timeout=120
        )

    def status(self) -> dict[str, Any]:
        done = self.cli("status", "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


@dataclass
class Rig:
    sandbox: Sandbox
    crm: CrmStub
    receiver: ReceiverProcess

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.sandbox.token}"}
        return httpx.request(
            method, self.sandbox.api_url + path, headers=headers, timeout=30, **kwargs
        )

    def balance(self, contact_uuid: str) -> int | None:
        answer = self.api("GET", f"/contacts/{contact_uuid}")
        return answer.json()["data"]["credit_balance"]["balance"] if answer.is_success else None

    def wait_until(self, check: Callable[[], bool], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.2)
        raise AssertionError(f"timed out; status {self.receiver.status()}")

    def drained(self) -> bool:
        return self.receiver.status()["backlog"] == 0


@pytest.fixture
def crm() -> Iterator[CrmStub]:
    stub = CrmStub()
    yield stub
    stub.close()


@pytest.fixture
def rig(make_sandbox, crm, tmp_path) -> Iterator[Callable[..., Rig]]:
    """`rig(**sandbox_options)`: a sandbox delivering every event to a running receiver."""
    receivers: list[ReceiverProcess] = []

    def build(receiver_env: dict[str, str] | None = None, **options: Any) -> Rig:
        root = tmp_path / f"receiver{len(receivers)}"
        root.mkdir()
        receiver = ReceiverProcess("", "", crm, root, receiver_env or {})
        sandbox = make_sandbox(webhooks=((receiver.url, SECRET),), **options)
        receiver.sandbox_url, receiver.token = sandbox.base_url, sandbox.token
        receivers.append(receiver)
        receiver.start()
        return Rig(sandbox, crm, receiver)

    yield build
    for receiver in receivers:
        receiver.stop()
        receiver.sock.close()
