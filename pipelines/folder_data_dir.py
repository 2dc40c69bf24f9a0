"""A folder that names its own dlt data dir: `[piggy_elt] dlt_data_dir` in its `.dlt/config.toml`.

dlt keeps every pipeline's state, schemas and load packages in its data dir: `~/.dlt` unless the
environment variable `DLT_DATA_DIR` (documented by dlt) says otherwise. A folder that holds its
own warehouse, as the demo's does, must hold that state too, or `piggy-elt status` run there finds
no pipeline and a new folder inherits an old one's cursors. dlt's config has no key for the data
dir (only its workspace feature, a private module, reads one), so piggy-elt reads this key through
dlt's config and sets `DLT_DATA_DIR` from it before dlt first looks. A `DLT_DATA_DIR` already in
the environment wins, as environment settings do over config files in dlt.
"""

import os
from pathlib import Path

import dlt

SETTING = "piggy_elt.dlt_data_dir"
DATA_DIR_VARIABLE = "DLT_DATA_DIR"


def use_folder_data_dir() -> None:
    """Point dlt at the folder's data dir, a path relative to the folder holding `.dlt/`."""
    if os.environ.get(DATA_DIR_VARIABLE):
        return
    folder = dlt.config.get(SETTING, str)
    if folder:
        run_dir = Path(dlt.current.run_context().run_dir)
        os.environ[DATA_DIR_VARIABLE] = str((run_dir / folder).resolve())
