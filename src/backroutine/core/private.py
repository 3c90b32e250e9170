"""Folders for health data: made readable by their owner alone (the history, the reports)."""

from __future__ import annotations

import os
from pathlib import Path


def make_private_folders(folder: Path) -> None:
    """Create the folder and any missing parents as 0o700; an existing folder is left as is.
    NotADirectoryError (its filename: the path in the way) when a file stands where one of
    them should be; the caller says it in its own words."""
    missing: list[Path] = []
    current = folder
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            if path.is_dir():
                continue  # another process made it meanwhile
            raise NotADirectoryError(20, "a file, not a folder", str(path)) from None
        os.chmod(path, 0o700)  # the umask may have taken more away than group and others
