"""Read a CSV drop line by line with a bounded read, so no line is ever held whole in memory.

A request file comes from another system and may be broken or hostile: a line longer than the
limit is refused after reading at most the limit (plus one byte), and a byte that is not UTF-8 is
reported with its line and column instead of deep inside the csv module.
"""

from collections.abc import Iterator
from typing import BinaryIO

from pipelines.payouts.errors import PayoutError

BOM = b"\xef\xbb\xbf"


def text_lines(handle: BinaryIO, name: str, max_line_bytes: int) -> Iterator[str]:
    """Each line of the file decoded, newline kept (the csv module needs it for quoted fields)."""
    number = 0
    while line := handle.readline(max_line_bytes + 1):
        number += 1
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            raise PayoutError(
                f"{name} line {number} is longer than {max_line_bytes} bytes "
                "(payouts.max_line_bytes): split the field or raise the limit"
            )
        if number == 1 and line.startswith(BOM):
            line = line[len(BOM) :]
        yield _decoded(line, name, number)


def _decoded(line: bytes, name: str, number: int) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        column = len(line[: exc.start].decode("utf-8")) + 1
        raise PayoutError(
            f"{name} line {number} column {column}: byte 0x{line[exc.start]:02x} is not UTF-8; "
            "save the file as UTF-8"
        ) from None
