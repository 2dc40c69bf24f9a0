"""`--json`: one document on stdout whatever happens, people's output on stderr, same exit code."""

from __future__ import annotations

import json
import sys

import pytest
import typer
from typer.testing import CliRunner

from pipelines.errors import RefusedError
from pipelines.json_output import JsonFlag, result_document, warn

app = typer.Typer()


@app.command()
def job(fail: str = "", as_json: JsonFlag = False) -> None:
    with result_document("job", as_json) as document:
        print("a table for people")
        document["rows"] = 3
        warn(document, "something to look at")
        if fail == "refused":
            raise RefusedError("another run holds the lock: wait for it")
        if fail == "interrupt":
            raise KeyboardInterrupt
        if fail == "exit":
            raise typer.Exit(2)


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_with_json_stdout_is_one_document_and_people_read_stderr():
    done = invoke("--json")
    assert done.exit_code == 0
    document = json.loads(done.stdout)
    assert document["command"] == "job" and document["ok"] is True
    assert document["exit_code"] == 0 and document["rows"] == 3
    assert document["warnings"] == ["something to look at"]
    assert isinstance(document["duration_seconds"], float)
    assert "error" not in document
    assert "a table for people" in done.stderr
    assert "warning: something to look at" in done.stderr


def test_without_json_nothing_changes():
    done = invoke()
    assert done.stdout == "a table for people\n"


@pytest.mark.parametrize(
    ("fail", "code", "error"),
    [
        ("refused", 4, "another run holds the lock: wait for it"),
        ("interrupt", 130, "interrupted; run again to resume"),
        ("exit", 2, "exited with code 2"),
    ],
)
def test_a_failure_still_prints_one_document_with_its_exit_code_and_line(fail, code, error):
    done = invoke("--fail", fail, "--json")
    document = json.loads(done.stdout)
    assert document["ok"] is False
    assert document["exit_code"] == code and document["error"] == error
    assert document["rows"] == 3, "what was done before the failure is kept"
    if fail == "refused":
        assert isinstance(done.exception, RefusedError), "the CLI's main() prints it and exits 4"
    else:
        assert done.exit_code == code


def test_stdout_is_given_back_after_the_command(capsys):
    before = sys.stdout
    with result_document("job", True) as document:
        document["at"] = __import__("datetime").date(2026, 1, 2)
    assert sys.stdout is before
    assert json.loads(capsys.readouterr().out)["at"] == "2026-01-02"
