"""Scenario 4: bad usage costs one clear line and nothing else. A wrong or expired token, a host
nobody listens on, an unknown resource, bad dates, no secrets, a read-only or full disk under the
DuckDB file: each ends in one `error:` line, a non-zero exit, no traceback (unless `--debug`), and
the warehouse a previous run loaded is exactly as it was."""

from __future__ import annotations

import shutil
import socket

import httpx
import pytest
from cli_runs import Workspace, assert_one_line_error, run_together
from disk_faults import tmpfs
from warehouse_checks import Warehouse, differences, fingerprint

WRONG_TOKEN = "wrong-token-5b0e9d"


def closed_port() -> int:
    """A loopback port nobody listens on: bound once to pick it, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def expired_token(sandbox) -> str:
    """A client-credentials token the sandbox has since expired."""
    form = {"grant_type": "client_credentials", "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret}
    token = httpx.post(f"{sandbox.base_url}/oauth/token", data=form, timeout=30).json()
    sandbox.control.expire_tokens()
    return token["access_token"]


@pytest.fixture(scope="module")
def loaded(sandbox, tmp_path_factory) -> Workspace:
    """A workspace holding one complete load: what every bad run must leave untouched."""
    workspace = Workspace(tmp_path_factory.mktemp("loaded"))
    Warehouse.of(workspace, sandbox).load()
    return workspace


def copy_of(loaded: Workspace, root) -> Workspace:
    shutil.copytree(loaded.root, root)
    return Workspace(root)


def test_each_bad_usage_fails_in_one_line_and_loses_nothing(
    loaded, sandbox, make_sandbox, tmp_path
):
    other = make_sandbox(scale=20)
    url = sandbox.base_url
    cases = {
        "wrong token": (("run", "--base-url", url), {"SOURCES__PIGGY__API_KEY": WRONG_TOKEN},
                        ("401", "SOURCES__PIGGY__API_KEY")),
        "expired token": (("run", "--base-url", other.base_url, "--resources", "contacts"),
                          {"SOURCES__PIGGY__API_KEY": expired_token(other)},
                          ("401", "SOURCES__PIGGY__API_KEY")),
        "unreachable host": (("run", "--base-url", f"http://127.0.0.1:{closed_port()}"),
                             {"SOURCES__PIGGY__API_KEY": sandbox.token},
                             ("could not reach", "SOURCES__PIGGY__BASE_URL")),
        "unknown resource": (("run", "--base-url", url, "--resources", "contacts,coupons"),
                             {"SOURCES__PIGGY__API_KEY": sandbox.token},
                             ("unknown resource coupons",)),
        "bad date": (("run", "--base-url", url, "--start-date", "2026-02-30", "--end-date",
                      "2026-03-01"), {"SOURCES__PIGGY__API_KEY": sandbox.token},
                     ("--start-date", "YYYY-MM-DD")),
        "reversed dates": (("run", "--base-url", url, "--start-date", "2026-03-01",
                            "--end-date", "2026-02-01"),
                           {"SOURCES__PIGGY__API_KEY": sandbox.token}, ("before",)),
        "missing secrets": (("run", "--base-url", url), {}, ("SOURCES__PIGGY__API_KEY",)),
        "debug": (("--debug", "run", "--base-url", url),
                  {"SOURCES__PIGGY__API_KEY": WRONG_TOKEN}, ()),
    }
    workspaces = {name: copy_of(loaded, tmp_path / name.replace(" ", "-")) for name in cases}
    results = run_together([(workspaces[name], args, env)
                            for name, (args, env, _) in cases.items()])
    expected = fingerprint(loaded.duckdb_path)
    for (name, (_, _, phrases)), result in zip(cases.items(), results, strict=True):
        if name == "debug":
            assert result.returncode != 0
            assert "Traceback" in result.stderr and "PiggyAuthError" in result.stderr
        else:
            line = assert_one_line_error(result, *phrases)
            print(f"{name}: {line}")
            assert WRONG_TOKEN not in line and sandbox.token not in line, name
        assert not differences(expected, fingerprint(workspaces[name].duckdb_path)), name


@pytest.mark.parametrize("spoil", ["read_only", "fill"])
def test_a_read_only_or_full_disk_fails_in_one_line_and_a_rerun_recovers(
    spoil, sandbox, clean_reference, tmp_path
):
    with tmpfs(tmp_path / "disk", size_mb=64) as disk:
        workspace = Workspace(tmp_path / "work", duckdb_path=disk.mountpoint / "piggy.duckdb")
        workspace.env["SOURCES__PIGGY__API_KEY"] = sandbox.token
        Warehouse.of(workspace, sandbox).load(resources=["contacts", "tiers"])
        before = fingerprint(workspace.duckdb_path)
        getattr(disk, spoil)()
        failed = workspace.run("run", "--base-url", sandbox.base_url)
        line = assert_one_line_error(failed)
        print(f"{spoil}: {line}")
        assert str(disk.mountpoint) in line or "space" in line or "read-only" in line.lower(), line
        disk.restore()
        assert not differences(before, fingerprint(workspace.duckdb_path))
        Warehouse.of(workspace, sandbox).load()
        after = fingerprint(workspace.duckdb_path)
    assert not differences(clean_reference.fingerprint(), after)
