"""Fixtures of the source tests: a private pipeline and DuckDB file per test."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from source_helpers import SECRET, Warehouse

from pipelines.cli import main


@pytest.fixture
def warehouse(tmp_path, monkeypatch) -> Callable[..., Warehouse]:
    """`warehouse(sandbox)` -> a Warehouse with its own dlt state under tmp_path."""
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt-data"))

    def make(sandbox, name: str = "w") -> Warehouse:
        root = tmp_path / name
        root.mkdir()
        return Warehouse(root, sandbox)

    return make


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run the CLI in-process, as the console script does: `cli(*args) -> (code, out, err)`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path / "dlt"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("SOURCES__PIGGY__API_KEY", SECRET)

    def invoke(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["piggy-elt", *args])
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code or 0
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke
