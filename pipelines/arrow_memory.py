"""Arrow's buffers from the system allocator, so memory a page freed goes back to the system.

pyarrow allocates from mimalloc by default, which keeps freed pages for reuse: after the extract
of a 52,000-contact account the run still held about 75 MB it no longer used, and the load step
came on top of it (peak 448-482 MB with mimalloc, 401-406 MB with the system allocator, same wall
time). A user's own `ARROW_DEFAULT_MEMORY_POOL` still wins.
"""

import os

import pyarrow as pa

POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def arrow_on_the_system_allocator() -> None:
    """Make the system allocator Arrow's default pool, unless the user chose one."""
    if not os.environ.get(POOL_VARIABLE):
        pa.set_memory_pool(pa.system_memory_pool())
