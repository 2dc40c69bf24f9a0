"""Shared fixtures: a sandbox Piggy API on a free loopback port, for every test directory.

`sandbox` is one read-only account for the whole session (scale 300, seed 7, no faults); it refuses
changes. `make_sandbox(**options)` starts a private one (its own copy of the data, its own port) for
tests that mutate the account, inject faults or limit the budget; it stops when the test ends.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from piggy_sandbox import Sandbox, SandboxConfig, run_sandbox

SESSION_SCALE = 300
SESSION_SEED = 7


@pytest.fixture(scope="session", autouse=True)
def dbt_artifacts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """dbt's artifacts of this session in a folder of its own.

    A build without `--target-path` writes to `$DBT_TARGET_PATH` (the CLI honours dbt's variable),
    so sessions running side by side never share `dbt_project/target` or its partial parse.
    """
    folder = tmp_path_factory.mktemp("dbt-target")
    previous = os.environ.get("DBT_TARGET_PATH")
    os.environ["DBT_TARGET_PATH"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("DBT_TARGET_PATH", None)
    else:
        os.environ["DBT_TARGET_PATH"] = previous


@pytest.fixture(scope="session")
def sandbox_data_dir(tmp_path_factory: pytest.TempPathFactory):
    """One data dir for the session, so every sandbox of the same seed and scale reuses its data."""
    return tmp_path_factory.mktemp("sandbox-data")


@pytest.fixture(scope="session")
def sandbox(sandbox_data_dir) -> Iterator[Sandbox]:
    """The session's shared sandbox: scale 300, seed 7, no faults, no budget.

    It refuses writes and control changes (403, code 7011), so no test can leak state into
    another; use `make_sandbox` to change an account.
    """
    config = SandboxConfig(
        scale=SESSION_SCALE, seed=SESSION_SEED, data_dir=sandbox_data_dir, read_only=True
    )
    with run_sandbox(config) as running:
        yield running


@pytest.fixture
def make_sandbox(sandbox_data_dir) -> Iterator[Callable[..., Sandbox]]:
    """Factory: `make_sandbox(scale=..., fault_rate=..., rate_limit=...)` -> a private sandbox.

    Generated data is cached per seed and scale across the session; each sandbox serves its own
    copy, so mutations never reach other tests.
    """
    with ExitStack() as stack:

        def start(**options: object) -> Sandbox:
            options.setdefault("scale", SESSION_SCALE)
            options.setdefault("seed", SESSION_SEED)
            options.setdefault("data_dir", sandbox_data_dir)
            return stack.enter_context(run_sandbox(SandboxConfig(), **options))

        yield start


INTEGRATION_FIXTURES = {
    "sandbox",
    "make_sandbox",
    "sandbox_data_dir",
    "template",
    "warehouse",
    "workspace",
    "payout_workspace",
    "payout_workspaces",
    "postgres_server",
    "engine_builds",
    "built",
    "loaded",
}
"""Fixtures that start a sandbox, a load, a dbt build or a server: a test using one is slow."""
INTEGRATION_FOLDERS = {"cli", "dbt", "demo", "deploy", "postgres", "report"}
"""Folders whose every test runs piggy-elt, dbt, a browser or a server as the user would."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Sort every test into the offline `unit` lane (`make test-fast`) or `integration`."""
    for item in items:
        folder = item.path.parent.name
        slow = INTEGRATION_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        slow = slow or folder in INTEGRATION_FOLDERS
        marked = {mark.name for mark in item.iter_markers()} & {"integration", "postgres", "soak"}
        if not (slow or marked):
            item.add_marker(pytest.mark.unit)
        elif "integration" not in marked:
            item.add_marker(pytest.mark.integration)
