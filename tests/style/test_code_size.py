"""Product code stays in small pieces: files under 250 lines, functions under 50.

A long file usually holds two purposes and a long function two steps; both are harder to read and
to test alone. This walks every module of `piggy_source/` and `pipelines/` with `ast` and names
each offender with its size, so the fix starts from the list. A function is measured from its
first statement (the docstring) to its end: a CLI command's signature lists its options one per
line and says nothing about how much the function does.
"""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("piggy_source", "pipelines")
MAX_FILE_LINES = 250
MAX_FUNCTION_LINES = 50


def product_files() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (REPO / package).rglob("*.py"))


def long_functions(path: Path, root: Path = REPO) -> list[str]:
    """`path:line name (N lines)` for each function or method whose body is too long."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.body[0].lineno + 1
            if length >= MAX_FUNCTION_LINES:
                where = path.relative_to(root)
                found.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    return found


def long_files() -> list[str]:
    found = []
    for path in product_files():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines >= MAX_FILE_LINES:
            found.append(f"{path.relative_to(REPO)} ({lines} lines)")
    return found


def test_the_walk_sees_the_product_code():
    names = {path.relative_to(REPO).as_posix() for path in product_files()}
    assert {"piggy_source/client.py", "pipelines/cli.py", "pipelines/payouts/approve.py"} <= names


def test_the_walk_finds_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    signature = "def too_long(\n    a: int,\n    b: int,\n) -> None:"
    (tmp_path / "long.py").write_text(f"{signature}\n{body}\n", encoding="utf-8")
    found = long_functions(tmp_path / "long.py", root=tmp_path)
    assert found == [f"long.py:1 too_long ({MAX_FUNCTION_LINES} lines)"]


def test_product_files_are_under_250_lines():
    offenders = long_files()
    assert not offenders, "files of 250 lines or more:\n" + "\n".join(offenders)


def test_product_functions_are_under_50_lines():
    offenders = [found for path in product_files() for found in long_functions(path)]
    assert not offenders, "functions of 50 lines or more:\n" + "\n".join(offenders)
