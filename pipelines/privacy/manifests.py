"""Export manifests after an erasure: counted again as if the member had never been exported.

A segment folder holds the segment file, its delta and `manifest.json`, which counts the rows
and the entered/changed/left/unchanged members of that export. Once the member's rows leave the
files, counts that still include them would say that someone, now erased, was in the segment
(in a small segment, who). So the manifest is rewritten to describe the files as they now are:
`rows` and the delta counts lose the member, and `content_hash` is taken again over the rows
left. Nothing notes that an erasure happened, which would say the same thing another way. The
manifest is written the exports' way (owner-only, renamed into place).
"""

import json
from pathlib import Path
from typing import Any

from pipelines.exports.changes import UNCHANGED, content_hash, fingerprint
from pipelines.exports.files import CHANGE_COLUMN, write_manifest
from pipelines.privacy.personal_data import FILE_KEY

MANIFEST = "manifest.json"
DELTA = "delta"


def recount_manifest(
    folder: Path,
    removed: dict[str, list[dict[str, Any]]],
    kept: dict[str, list[dict[str, Any]]],
    apply: bool,
) -> dict[str, int]:
    """`{manifest: 1}` when the folder's manifest counted a removed row; rewritten when `apply`.

    `removed` and `kept` map a file stem (the segment's, or `delta`) to its rows dropped and
    kept by the erasure."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    manifest = json.loads(path.read_text(encoding="utf-8"))
    segment = str(manifest.get("segment"))
    if not removed.get(segment) and not removed.get(DELTA):
        return {}
    if apply:
        write_manifest(folder, recounted(manifest, removed, kept.get(segment)))
    return {str(path): 1}


def recounted(
    manifest: dict[str, Any],
    removed: dict[str, list[dict[str, Any]]],
    segment_rows: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """The manifest without the removed rows: a member sent in the delta loses its kind of
    change; a member only in the segment file was unchanged (a delta export does not send
    those)."""
    segment = str(manifest.get("segment"))
    members, changes = removed.get(segment, []), removed.get(DELTA, [])
    counts = dict(manifest.get("delta") or {})
    for row in changes:
        _decrement(counts, str(row.get(CHANGE_COLUMN)))
    sent = {row.get(FILE_KEY) for row in changes}
    for row in members:
        if row.get(FILE_KEY) not in sent:
            _decrement(counts, UNCHANGED)
    rows = max(int(manifest.get("rows", 0)) - len(members), 0)
    fixed = {**manifest, "delta": counts, "rows": rows}
    if segment_rows is not None:
        fixed["content_hash"] = content_hash(
            {str(row.get(FILE_KEY)): fingerprint(row) for row in segment_rows}
        )
    return fixed


def _decrement(counts: dict[str, int], kind: str) -> None:
    if counts.get(kind):
        counts[kind] -= 1
