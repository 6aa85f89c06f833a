"""Where the progress log lives.

Light to import (no SQLite), for commands that only need the folder: the user protocol
folder is inside it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

FILE_NAME = "history.db"
APP_NAME = "hamstring-care"


def data_dir(given: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The data folder: ``--data-dir``, else ``$HAMSTRING_CARE_DATA``, else the user data dir."""
    if given is not None:
        return given
    env = os.environ if environ is None else environ
    if env.get("HAMSTRING_CARE_DATA"):
        return Path(env["HAMSTRING_CARE_DATA"])
    import platformdirs

    return platformdirs.user_data_path(APP_NAME)
