"""Figure 7's rig: a CRM stub in this process, and the receiver as its own process.

The receiver is started through the product's command (`piggy-elt webhooks serve --fd N`) on a
socket this process listens on, the way systemd socket activation runs it in production, so a
receiver killed with SIGKILL and started again finds the deliveries that arrived meanwhile
waiting in the socket's backlog.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.process import log_tail

SECRET = "bench-webhook-secret"
CRM_KEY = "bench-crm-key"


class CrmStub:
    """Takes every profile push; `latest()` is what the CRM ends up holding per email."""

    def __init__(self) -> None:
        self.profiles: dict[str, dict[str, Any]] = {}
        self.pushes = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                for profile in json.loads(raw)["profiles"]:
                    outer.profiles.setdefault(profile["email"], {}).update(profile["properties"])
                outer.pushes += 1
                self.send_response(200)
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

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class ReceiverProcess:
    """`piggy-elt webhooks serve --fd N` on a socket held here; `kill9()` and `start()` again."""

    def __init__(self, root: Path, sandbox_url: str, token: str, crm_url: str) -> None:
        self.root = root
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4096)
        self.journal = root / "journal" / "journal.sqlite"
        self.log_path = root / "receiver.log"
        self.env = {
            **os.environ,
            "DLT_DATA_DIR": str(root / "dlt"),
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            "WEBHOOKS__SECRET": SECRET,
            "WEBHOOKS__JOURNAL_DIR": str(self.journal.parent),
            "EXPORTS__CRM__URL": crm_url,
            "EXPORTS__CRM__API_KEY": CRM_KEY,
            "SOURCES__PIGGY__BASE_URL": sandbox_url,
            "SOURCES__PIGGY__API_KEY": token,
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/webhooks/piggy"

    def start(self, timeout: float = 120.0) -> None:
        fd = self.sock.fileno()
        command = [sys.executable, "-m", "pipelines", "webhooks", "serve", "--fd", str(fd)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.root, env=self.env, pass_fds=(fd,), stdout=log, stderr=log
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            headers = {"Content-Type": "application/json"}
            try:
                if httpx.post(
                    self.url, content=b"{}", headers=headers, timeout=timeout
                ).status_code:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"receiver not ready: {log_tail(self.log_path)}")

    def kill9(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.sock.close()

    def events(self) -> list[tuple[float, float | None, str]]:
        """(received_at, done_at, state) per journaled event, in arrival order."""
        if not self.journal.exists():
            return []
        with sqlite3.connect(self.journal, timeout=10) as db:
            return db.execute(
                "SELECT received_at, done_at, state FROM events ORDER BY id"
            ).fetchall()
