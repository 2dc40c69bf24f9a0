"""Fixtures for exports and payouts: a loaded and transformed warehouse, workspaces, a receiver.

Loading and transforming is the slow part, so it happens once per session into a template
workspace (a private sandbox, `piggy-elt run`, `piggy-elt transform`); each test copies the
template and starts its own sandbox of the same seed and scale, which serves the same account, so
tests that pay or change data never see each other.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from typer.testing import CliRunner

from piggy_sandbox import Sandbox, SandboxConfig, run_sandbox
from pipelines.cli import app

REPO = Path(__file__).resolve().parents[2]
SCALE = 100
SEED = 7


@dataclass
class Workspace:
    """A directory with its own warehouse file, dlt state and exports, bound to one sandbox."""

    root: Path
    sandbox: Sandbox
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    def env(self) -> dict[str, str]:
        return {
            "DLT_DATA_DIR": str(self.root / "dlt"),
            # named outright: a copied workspace must not follow the template's pipeline state
            "DESTINATION__DUCKDB__CREDENTIALS": str(self.warehouse),
            "SOURCES__PIGGY__BASE_URL": self.sandbox.base_url,
            "SOURCES__PIGGY__API_KEY": self.sandbox.token,
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "PAYOUTS__REVIEW_DIR": str(self.root / "exports" / "payout_review"),
            "EXPORTS__OUTPUT_DIR": str(self.root / "exports"),
            **self.extra_env,
        }

    def cli(self, *args: str, expect_ok: bool = True) -> Any:
        """Run the CLI in this process (fast); returns typer's result."""
        previous = Path.cwd()
        os.chdir(self.root)
        try:
            result = CliRunner().invoke(app, list(args), env=self.env(), catch_exceptions=True)
        finally:
            os.chdir(previous)
        if expect_ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    def cli_process(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess:
        """Run the CLI as its own process, for tests that kill it."""
        command = [sys.executable, "-c", "from pipelines.cli import main; main()", *args]
        full_env = {**os.environ, **self.env(), "PYTHONPATH": str(REPO), **(env or {})}
        return subprocess.run(
            command, cwd=self.root, env=full_env, capture_output=True, text=True, timeout=300
        )

    def query(self, sql: str, *params: Any) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.sandbox.token}", "Accept": "application/json"}
        response = httpx.request(method, self.sandbox.api_url + path, headers=headers, **kwargs)
        response.raise_for_status()
        return response.json()

    def prepaid_of(self, contact_uuid: str) -> list[dict]:
        """Every wallet transaction of a contact, read page by page from the sandbox."""
        rows, page = [], 1
        while True:
            body = self.api(
                "GET",
                "/prepaid-transactions",
                params={"contact_uuid": contact_uuid, "page": page, "limit": 30},
            )
            rows += body["data"]
            if page >= body["meta"]["last_page"] or not body["data"]:
                return rows
            page += 1


def sandbox_config(data_dir: Path) -> SandboxConfig:
    return SandboxConfig(scale=SCALE, seed=SEED, data_dir=data_dir)


@pytest.fixture(scope="session")
def template(tmp_path_factory, sandbox_data_dir) -> Path:
    """A workspace loaded from a fresh sandbox and transformed with dbt, to copy from."""
    root = tmp_path_factory.mktemp("actions-template")
    with run_sandbox(sandbox_config(sandbox_data_dir)) as sandbox:
        workspace = Workspace(root, sandbox)
        for args in (("run",), ("transform", "--target-path", str(root / "dbt-target"))):
            done = workspace.cli_process(*args)
            assert done.returncode == 0, done.stderr[-2000:]
    return root


@contextmanager
def copied_workspace(
    source: Path, root: Path, data_dir: Path, **sandbox_options: Any
) -> Iterator[Workspace]:
    """A private copy of a workspace with its own sandbox of the same account."""
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("dbt-target"))
    with run_sandbox(sandbox_config(data_dir), **sandbox_options) as sandbox:
        yield Workspace(root, sandbox)


@pytest.fixture
def workspace(template, tmp_path, sandbox_data_dir) -> Iterator[Workspace]:
    with copied_workspace(template, tmp_path / "ws", sandbox_data_dir) as copy:
        yield copy


class Receiver:
    """A webhook receiver on loopback: records every request, answers from a script.

    Each script entry is a status code, or `(status, headers)`; past the script it answers 200.
    """

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[int | tuple[int, dict[str, str]]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = outer.script.pop(0) if outer.script else 200
                status, extra_headers = answer if isinstance(answer, tuple) else (answer, {})
                outer.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "raw": raw, "status": status}
                )
                self.send_response(status)
                for name, value in extra_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args: Any) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def accepted(self, path: str | None = None) -> list[dict[str, Any]]:
        """Bodies of the requests answered 2xx, decoded."""
        return [
            json.loads(r["raw"])
            for r in self.requests
            if r["status"] < 300 and (path is None or r["path"] == path)
        ]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def shop_uuid() -> Callable[[Workspace], str]:
    def first_shop(workspace: Workspace) -> str:
        return workspace.api("GET", "/shops")["data"][0]["uuid"]

    return first_shop


@dataclass
class PayoutTemplate:
    root: Path
    requests: dict[str, dict]


@pytest.fixture(scope="session")
def payout_template(template, tmp_path_factory, sandbox_data_dir) -> PayoutTemplate:
    """The template plus seven cashback requests, loaded and decided (`payouts review`)."""
    from payout_requests import write_requests

    root = tmp_path_factory.mktemp("payout-template") / "ws"
    with copied_workspace(template, root, sandbox_data_dir) as copy:
        requests = write_requests(copy, root / "requests.csv")
        copy.cli("payouts", "load-requests", str(root / "requests.csv"))
        done = copy.cli_process("payouts", "review", "--target-path", str(root / "dbt-target"))
        assert done.returncode == 0, done.stderr[-2000:]
    return PayoutTemplate(root, requests)


@pytest.fixture
def payout_workspace(payout_template, tmp_path, sandbox_data_dir) -> Iterator[Workspace]:
    """A private copy of the decided requests, bound to a fresh sandbox of the same account."""
    with copied_workspace(payout_template.root, tmp_path / "ws", sandbox_data_dir) as copy:
        copy.extra_env["PAYOUTS__SHOP_UUID"] = copy.api("GET", "/shops")["data"][0]["uuid"]
        copy.extra_env["PAYOUTS__ACTOR"] = "test-operator"
        yield copy


@pytest.fixture
def payout_workspaces(
    payout_template, tmp_path, sandbox_data_dir
) -> Iterator[Callable[..., Workspace]]:
    """Factory: `payout_workspaces(name, **sandbox_options)`, a payout workspace whose sandbox
    starts with those options (a known token, latency); all stop when the test ends."""
    with ExitStack() as stack:

        def make(name: str = "ws", **sandbox_options: Any) -> Workspace:
            copy = stack.enter_context(
                copied_workspace(
                    payout_template.root, tmp_path / name, sandbox_data_dir, **sandbox_options
                )
            )
            copy.extra_env["PAYOUTS__SHOP_UUID"] = copy.api("GET", "/shops")["data"][0]["uuid"]
            copy.extra_env["PAYOUTS__ACTOR"] = "test-operator"
            return copy

        yield make
