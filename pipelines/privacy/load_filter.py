"""Keep erased members erased: their personal columns are nulled in every page on the way in.

Piggy still has a member we erased (an erasure request is ours to honour, not Piggy's), so the
next sweep would load their email and names again. Before a load, the erasure log is read; when
it has entries, a map on every resource nulls the personal columns (`personal_data`) of rows
whose member key hashes to a logged member. The work is per page and vectorised: each distinct
uuid of a page is hashed once per run, then `pyarrow.compute` builds the mask and nulls the
columns. Contacts get their version hash recomputed from the nulled row, so an erased member who
does not change opens no new version. With nobody erased, nothing is added to the load.
"""

from typing import Any

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.extract import DltSource

from piggy_source.flatten import row_hash
from piggy_source.schemas import HASHED_CONTACT_COLUMNS
from pipelines.errors import CliError
from pipelines.privacy.log import logged_hashes
from pipelines.privacy.personal_data import (
    CONTACT_HASH_COLUMN,
    LOAD_KEYS,
    personal_load_columns,
)
from pipelines.privacy.settings import erasure_key, load_privacy, member_hash


def forget_erased(source: DltSource, pipeline: dlt.Pipeline) -> DltSource:
    """The source, with erased members' personal columns nulled in whatever it loads."""
    logged = logged_hashes(pipeline)
    if not logged:
        return source
    config = load_privacy()
    if not config.erasure_key:
        raise CliError(
            f"the erasure log of this warehouse has {len(logged)} erased member(s) but "
            "privacy.erasure_key is not set: restore the key the erasures used in "
            ".dlt/secrets.toml [privacy] (or PRIVACY__ERASURE_KEY), or this load would bring "
            "them back"
        )
    erased = ErasedMembers(erasure_key(config), logged)
    for resource in source.selected_resources.values():
        resource.add_map(erased.strip)
    return source


class ErasedMembers:
    """Recognises erased members by the keyed hash of their uuid, remembering each answer."""

    def __init__(self, key: bytes, hashes: set[str]) -> None:
        self.key = key
        self.hashes = hashes
        self.seen: dict[str, bool] = {}
        self.personal = personal_load_columns()

    def is_erased(self, uuid: str) -> bool:
        if uuid not in self.seen:
            self.seen[uuid] = member_hash(self.key, uuid) in self.hashes
        return self.seen[uuid]

    def strip(self, item: Any) -> Any:
        """A page with the erased members' personal values null; any other item as it came."""
        if not isinstance(item, pa.Table) or not item.num_rows:
            return item
        personal = [c for c in item.column_names if c in self.personal]
        key = next((k for k in LOAD_KEYS if k in item.column_names), None)
        if not personal or key is None:
            return item
        erased = [u for u in pc.unique(item[key]).to_pylist() if u and self.is_erased(u)]
        if not erased:
            return item
        mask = pc.fill_null(pc.is_in(item[key], value_set=pa.array(erased, item[key].type)), False)
        for column in personal:
            index = item.schema.get_field_index(column)
            values = item[column]
            nulled = pc.if_else(mask, pa.scalar(None, values.type), values)
            item = item.set_column(index, item.schema.field(index).with_nullable(True), nulled)
        if key == "uuid" and CONTACT_HASH_COLUMN in item.column_names:
            item = _rehash(item, mask)
        return item


def _rehash(table: pa.Table, mask: pa.ChunkedArray) -> pa.Table:
    """The version hash of the masked contacts, from their nulled values."""
    hashes = table[CONTACT_HASH_COLUMN].to_pylist()
    rows = table.select([c for c in HASHED_CONTACT_COLUMNS if c in table.column_names])
    for index in pc.indices_nonzero(mask).to_pylist():
        hashes[index] = row_hash(rows.slice(index, 1).to_pylist()[0], HASHED_CONTACT_COLUMNS)
    index = table.schema.get_field_index(CONTACT_HASH_COLUMN)
    return table.set_column(index, table.schema.field(index), pa.array(hashes, pa.string()))
