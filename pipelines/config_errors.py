"""Setup errors said the way a user fixes them: which key, where, what to install, what to close.

dlt raises configuration errors before any request is made (a missing credential, a value of the
wrong type, a settings file that is not valid TOML); its own messages name Python classes and hide
the file. DuckDB refuses a file another program holds open for writing (a BI tool, a second shell).
"""

import importlib.util
import os
from pathlib import Path

import tomlkit
from dlt.common.configuration.exceptions import (
    ConfigFieldMissingException,
    ConfigValueCannotBeCoercedException,
    LookupTrace,
    LookupTraces,
)
from tomlkit.exceptions import ParseError

DRIVER_OF_EXTRA = {
    "postgres": "psycopg2",
    "redshift": "psycopg2",
    "bigquery": "google.cloud.bigquery",
    "snowflake": "snowflake.connector",
}
SETTINGS_FILES = ("config.toml", "secrets.toml")


def describe_config_error(error: BaseException) -> str | None:
    """One actionable line for a dlt configuration error, or None for any other error."""
    if isinstance(error, ConfigFieldMissingException):
        return _missing(error)
    if isinstance(error, ConfigValueCannotBeCoercedException):
        hint = getattr(error.hint, "__name__", str(error.hint))
        return (
            f"setting `{error.field_name}` = {error.field_value!r} is not a valid {hint}: fix it "
            "in .dlt/config.toml or in its environment variable (e.g. SOURCES__PIGGY__"
            f"{error.field_name.upper()})"
        )
    if isinstance(error, ParseError):
        return f"{_broken_settings_file() or 'a .dlt settings file'} is not valid TOML: {error}"
    return None


def describe_warehouse_error(error: BaseException) -> str | None:
    """One line for a DuckDB file held by another program, or None for any other error."""
    message = str(error)
    if type(error).__name__ != "IOException" or "Could not set lock on file" not in message:
        return None
    path = message.split('"')[1] if message.count('"') >= 2 else "the warehouse file"
    return (
        f"{path} is open in another program (a BI tool, a notebook, another piggy-elt): close it "
        "there, or connect that program read-only, and run again"
    )


def _missing(error: ConfigFieldMissingException) -> str:
    leaves = [leaf for field in error.fields for leaf in _leaf_traces(error.traces[field])]
    names = [_environment_name(traces) for traces in leaves]
    sections = {tuple(trace.sections) for traces in leaves for trace in traces}
    deepest: tuple[str, ...] = max(sections, key=len) if sections else ()
    table = ".".join(deepest)
    line = f"missing setting(s) {', '.join(n for n in names if n)}"
    if table:
        line += f" (or [{table}] in .dlt/secrets.toml)"
    extra = _uninstalled_extra(table)
    if extra:
        line += f"; also install the {extra} extra: pip install 'piggy-elt[{extra}]'"
    return line


def _leaf_traces(traces: list) -> list[list[LookupTrace]]:
    """The lookups of every missing plain field; of a union, its first alternative only."""
    nested = [trace for trace in traces if isinstance(trace, LookupTraces)]
    if not nested:
        return [traces]
    return [leaf for field in nested[0].traces.values() for leaf in _leaf_traces(field)]


def _environment_name(traces: list[LookupTrace]) -> str | None:
    """The environment variable of the most specific section, without a pipeline-name prefix."""
    names = [t for t in traces if t.provider == "Environment Variables"]
    if not names:
        return None
    deepest = max(len(t.sections) for t in names)
    return min((t.key for t in names if len(t.sections) == deepest), key=len)


def _uninstalled_extra(table: str) -> str | None:
    parts = table.split(".")
    if len(parts) < 2 or parts[0] != "destination":
        return None
    driver = DRIVER_OF_EXTRA.get(parts[1])
    if driver is None:
        return None
    try:
        found = importlib.util.find_spec(driver) is not None
    except ModuleNotFoundError:
        found = False
    return None if found else parts[1]


def _broken_settings_file() -> Path | None:
    """The first settings file dlt reads that does not parse (dlt's error does not name it)."""
    folders = [Path(os.environ.get("DLT_PROJECT_DIR", ".")) / ".dlt", Path.home() / ".dlt"]
    for folder in folders:
        for name in SETTINGS_FILES:
            path = folder / name
            try:
                tomlkit.parse(path.read_text(encoding="utf-8"))
            except ParseError:
                return path
            except OSError:
                continue
    return None
