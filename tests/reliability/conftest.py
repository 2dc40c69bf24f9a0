"""Fixtures of the reliability tests: private workspaces and a clean reference warehouse."""

from __future__ import annotations

import pytest
from cli_runs import Workspace
from warehouse_checks import Warehouse


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    """A user's empty working folder for `piggy-elt` subprocesses."""
    return Workspace(tmp_path / "work")


@pytest.fixture(scope="module")
def clean_reference(sandbox, tmp_path_factory) -> Warehouse:
    """The session sandbox loaded once with nothing going wrong: what faulty runs must equal."""
    warehouse = Warehouse(tmp_path_factory.mktemp("clean"), sandbox)
    warehouse.load()
    return warehouse
