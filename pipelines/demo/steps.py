"""One demo step: a `piggy-elt` command run in the demo folder as a user would run it."""

import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console

from pipelines.demo.folder import demo_environment
from pipelines.errors import CliError

console = Console()


def cli_command(*arguments: str) -> list[str]:
    """The `piggy-elt` of this interpreter, so the demo never runs another installation."""
    return [sys.executable, "-m", "pipelines", *arguments]


def step(title: str, folder: Path, *arguments: str) -> None:
    """Run one CLI command in the demo folder, its progress shown live; stop the demo on failure."""
    console.rule(f"[bold]{title}")
    started = time.monotonic()
    finished = subprocess.run(
        cli_command(*arguments), cwd=folder, env=demo_environment(folder), check=False
    )
    if finished.returncode != 0:
        raise CliError(f"demo step '{title}' failed (exit {finished.returncode}); see above")
    console.print(f"[green]{title}: done in {time.monotonic() - started:.1f}s")
