"""A routine file's text, read without surprises: only a regular file (a pipe or a device
could block forever), at most 1 MiB (read no further than that), UTF-8 (a byte-order mark
allowed). Every failure is a RoutineError with one problem at 1:1, or at the bad byte.
"""

from __future__ import annotations

import stat
from pathlib import Path

from backroutine.core import format
from backroutine.core.errors import Problem, RoutineError

MAX_FILE_BYTES = format.MAX_FILE_BYTES


def read_text(path: Path, label: str) -> str:
    """The text of the file at `path`; `label` names it in messages."""
    data = _read_bytes(path, label)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise RoutineError(
            [
                Problem(
                    label,
                    line,
                    column,
                    "",
                    f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
                )
            ]
        ) from None


def _read_bytes(path: Path, label: str) -> bytes:
    def fail(message: str) -> RoutineError:
        return RoutineError([Problem(label, 1, 1, "", message)])

    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise fail("is a folder, not a routine file")
        if not stat.S_ISREG(mode):
            # A FIFO or a device could block forever or never end.
            raise fail("is not a regular file (a pipe or a device?); give a .yaml file")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise fail("no such file; check the path") from None
    except IsADirectoryError:
        raise fail("is a folder, not a routine file") from None
    except PermissionError:
        raise fail("cannot be read (permission denied); check the file's permissions") from None
    except NotADirectoryError:
        raise fail("no such file (a part of the path is a file, not a folder)") from None
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise fail("is larger than 1 MiB, the most a routine file may be")
    return data
