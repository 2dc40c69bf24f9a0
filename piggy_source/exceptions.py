"""Errors the source raises on purpose: each message says what to fix, in one line."""


class PiggyError(Exception):
    """Base of every error the user can act on; the CLI prints its message without a traceback."""
