"""Turn any failure into the one line a user needs to fix it.

dlt wraps errors raised inside a resource in `PipelineStepFailed`, several levels deep; the cause
the user can act on is at the bottom of that chain, so we unwrap it before printing.
"""

from piggy_source.exceptions import PiggyError
from pipelines.config_errors import describe_config_error, describe_warehouse_error

DONE, FAILED, USAGE, CHECK_FAILED, REFUSED, INTERRUPTED = 0, 1, 2, 3, 4, 130
"""The exit codes every command keeps (README, "Exit codes")."""


class CliError(Exception):
    """A wrong argument or setting found by the CLI itself; its message says what to change."""

    exit_code = FAILED


class UsageError(CliError):
    """An option that cannot work as given (a selection matching nothing, a wrong target)."""

    exit_code = USAGE


class DataCheckError(CliError):
    """The data failed a check (reconciliation, a dbt contract or test): loaded, not trusted."""

    exit_code = CHECK_FAILED


class RefusedError(CliError):
    """The command would be unsafe now (another process holds the lock, the data is stale)."""

    exit_code = REFUSED


def chain(exc: BaseException) -> list[BaseException]:
    """The error and every error behind it (`__cause__`, else `__context__`), outermost first."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in found):
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def root_cause(exc: BaseException) -> BaseException:
    """The first error we raised on purpose in the chain, else the deepest one."""
    errors = chain(exc)
    return next((e for e in errors if isinstance(e, PiggyError | CliError)), errors[-1])


def describe_error(exc: BaseException) -> str:
    """One line: our own errors verbatim, dlt's configuration errors explained, anything else by
    its type and first line."""
    cause = root_cause(exc)
    if isinstance(cause, PiggyError | CliError):
        return str(cause)
    for error in chain(exc):
        explained = describe_config_error(error) or describe_warehouse_error(error)
        if explained:
            return explained
    first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    return f"{type(cause).__name__}: {first_line} (rerun with --debug for details)"


def exit_code(exc: BaseException) -> int:
    """The documented exit code of a failure: our own errors carry theirs, anything else is 1."""
    cause = root_cause(exc)
    if isinstance(cause, CliError):
        return cause.exit_code
    return REFUSED if any(describe_warehouse_error(e) for e in chain(exc)) else FAILED
