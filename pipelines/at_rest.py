"""Personal data and secrets at rest: only where needed, and only for the user who runs piggy-elt.

The warehouse file, dlt's pipelines folder (state, traces, load packages), export files and review
queues all hold customer data. Under the usual umask 022 they would be world-readable, so the CLI
masks group and other bits for everything it (and dlt, and DuckDB) creates; it warns when the file
holding the API keys is readable by others, which only its owner can fix; and it has dlt delete a
load package's data files once they are in the warehouse, where they are needed.
"""

import os
import stat
from pathlib import Path

import dlt
import typer

OWNER_ONLY_MASK = 0o077


def create_owner_only() -> None:
    """Every file and folder this process creates from now on is readable by its owner only.

    A process-wide setting, made once at the CLI entry: dlt and DuckDB create their own files, so
    only the umask reaches them all.
    """
    os.umask(os.umask(OWNER_ONLY_MASK) | OWNER_ONLY_MASK)


def delete_loaded_files() -> None:
    """Have dlt delete each load package's data files once loaded (unless the user said otherwise).

    dlt keeps them by default under `<pipelines dir>/<name>/load/loaded/`: a second copy of every
    contact's email and name, outside the warehouse, that nothing reads again and no erasure would
    reach. The package's schema and state stay, so dlt's own bookkeeping is unchanged.
    """
    key = "load.delete_completed_jobs"
    if dlt.config.get(key) is None:
        dlt.config[key] = True


def secrets_file() -> Path:
    """The project's `secrets.toml`, where dlt looks for it."""
    return Path(dlt.current.run_context().settings_dir) / "secrets.toml"


def warn_if_secrets_readable(path: Path | None = None) -> bool:
    """One warning line when others may read the secrets file; True when it was given."""
    path = path or secrets_file()
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if not mode & (stat.S_IRWXG | stat.S_IRWXO):
        return False
    typer.secho(
        f"warning: {path} is readable by other users (mode {stat.S_IMODE(mode):o}); "
        f"run `chmod 600 {path}`",
        fg=typer.colors.YELLOW,
        err=True,
    )
    return True
