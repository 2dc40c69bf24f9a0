"""Turn any failure into the one line a user needs to fix it.

dlt wraps errors raised inside a resource in `PipelineStepFailed`, several levels deep; the cause
the user can act on is at the bottom of that chain, so we unwrap it before printing.
"""

from piggy_source.exceptions import PiggyError

DONE, FAILED, USAGE, CHECK_FAILED, REFUSED, INTERRUPTED = 0, 1, 2, 3, 4, 130
"""The exit codes every command keeps (README, "Exit codes")."""


class CliError(Exception):
    """A wrong argument or setting found by the CLI itself; its message says what to change."""

    exit_code = FAILED


class RefusedError(CliError):
    """The command would be unsafe now (another process holds the lock, the data is stale)."""

    exit_code = REFUSED


def root_cause(exc: BaseException) -> BaseException:
    """Follow `__cause__`/`__context__` to the first error we raised on purpose, else the last."""
    seen: set[int] = set()
    current: BaseException | None = exc
    deepest = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, PiggyError | CliError):
            return current
        seen.add(id(current))
        deepest = current
        current = current.__cause__ or current.__context__
    return deepest


def describe_error(exc: BaseException) -> str:
    """One line: our own errors verbatim, anything else by its type and first line."""
    cause = root_cause(exc)
    if isinstance(cause, PiggyError | CliError):
        return str(cause)
    first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    return f"{type(cause).__name__}: {first_line} (rerun with --debug for details)"


def exit_code(exc: BaseException) -> int:
    """The documented exit code of a failure: our own errors carry theirs, anything else is 1."""
    cause = root_cause(exc)
    return cause.exit_code if isinstance(cause, CliError) else FAILED
