"""Fixtures of the source tests: a private pipeline and DuckDB file per test."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from source_helpers import Warehouse


@pytest.fixture
def warehouse(tmp_path, monkeypatch) -> Callable[..., Warehouse]:
    """`warehouse(sandbox)` -> a Warehouse with its own dlt state under tmp_path."""
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt-data"))

    def make(sandbox, name: str = "w") -> Warehouse:
        root = tmp_path / name
        root.mkdir()
        return Warehouse(root, sandbox)

    return make
