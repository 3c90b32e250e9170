"""Writing the report: private like the history (it holds the same health data), never through a
symbolic link, and never over an existing file without being told to.

The rules (what `backroutine report` promises):

- Without --out: into the data folder's `reports/` folder, created owner-only (0o700; an
  existing one is narrowed to that), as `report-YYYY-MM-DD.html` (the date of `today`). When a
  report of that day is there already, the new one is `report-YYYY-MM-DD-2.html`, then `-3`...:
  nothing is overwritten, and the path returned says where it went. A `reports` that is a
  symbolic link is refused.
- With --out FILE: exactly that file. If it exists, ReportFileError (with `exists` set, for
  the CLI to say "use --force") unless `force`, which replaces it in one step (written beside it,
  then renamed over it, so a failure leaves the old file whole). A symbolic link at FILE, or a
  folder, is refused even with force: a link could point at any file of the person's. FILE's
  folder must exist (a typing mistake should not create folders).
- The file is created 0o600 (owner read and write), whatever the umask allows more.
"""

from __future__ import annotations

import contextlib
import os
import stat
from datetime import date
from pathlib import Path

from backroutine.core.private import make_private_folders

REPORTS_FOLDER = "reports"
MAX_SAME_DAY = 999  # report-DATE-999.html: beyond that something is wrong; say so
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
_CREATE |= getattr(os, "O_CLOEXEC", 0)


class ReportFileError(Exception):
    """The report could not be written where asked; the message says why and what to do.
    `exists`: only because the file is there already (the CLI may suggest --force)."""

    def __init__(self, message: str, *, exists: bool = False) -> None:
        super().__init__(message)
        self.exists = exists


def reports_dir(data_dir: Path) -> Path:
    return Path(data_dir) / REPORTS_FOLDER


def report_name(today: date, number: int = 1) -> str:
    """report-YYYY-MM-DD.html, or report-YYYY-MM-DD-N.html for the Nth of that day."""
    suffix = "" if number == 1 else f"-{number}"
    return f"report-{today.isoformat()}{suffix}.html"


def write_report(
    html: str, *, data_dir: Path, today: date, out: Path | None = None, force: bool = False
) -> Path:
    """Write the report (see the module's rules); the path written. ReportFileError when it
    cannot be, nothing left behind."""
    data = html.encode("utf-8")
    if out is not None:
        return _write_named(data, Path(out), force=force)
    folder = reports_dir(data_dir)
    try:
        _private_folder(folder)
        for number in range(1, MAX_SAME_DAY + 1):
            path = folder / report_name(today, number)
            try:
                _create(path, data)
            except FileExistsError:
                continue  # an earlier report of the same day (or a link): the next number
            return path
    except OSError as exc:
        raise ReportFileError(f"cannot write the report in {folder}: {_reason(exc)}") from None
    raise ReportFileError(
        f"{folder} already holds {MAX_SAME_DAY} reports of {today.isoformat()}; move some "
        "away, or choose a file with --out"
    )


def _write_named(data: bytes, path: Path, *, force: bool) -> Path:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise ReportFileError(f"cannot write the report to {path}: {_reason(exc)}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise ReportFileError(
                f"{path} is a symbolic link; backroutine never writes a report through a link "
                "(it could point at any file). Choose another file name"
            )
        if not stat.S_ISREG(info.st_mode):
            raise ReportFileError(
                f"{path} is a folder or a special file, not a report; choose a file name"
            )
        if not force:
            raise ReportFileError(
                f"{path} already exists; choose another name, or replace it with --force",
                exists=True,
            )
    if not path.parent.is_dir():
        raise ReportFileError(f"cannot write the report to {path}: {path.parent} is not a folder")
    try:
        if info is None:
            try:
                _create(path, data)
                return path
            except FileExistsError:  # made meanwhile: refuse as above, never overwrite
                raise ReportFileError(
                    f"{path} already exists; choose another name, or replace it with --force",
                    exists=True,
                ) from None
        temporary = _temporary(path, data)
        try:
            os.replace(temporary, path)  # one step: the old file or the new, never half
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as exc:
        raise ReportFileError(f"cannot write the report to {path}: {_reason(exc)}") from None
    return path


def _create(path: Path, data: bytes) -> None:
    """Write a new file, 0o600; FileExistsError if anything (a file, a link) has that name.
    A file left half-written (a full disk) is removed."""
    descriptor = os.open(path, _CREATE, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(file.fileno(), 0o600)  # the umask takes bits away, never adds; be exact
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise


def _temporary(path: Path, data: bytes) -> Path:
    for number in range(1, 100):
        temporary = path.with_name(f".{path.name}.{os.getpid()}-{number}.tmp")
        try:
            _create(temporary, data)
        except FileExistsError:
            continue
        return temporary
    raise FileExistsError(f"no free temporary name beside {path}")


def _private_folder(folder: Path) -> None:
    """Create the folder and missing parents as 0o700; an existing `reports` folder is
    narrowed to 0o700; a link in its place is refused."""
    if folder.is_symlink():
        raise ReportFileError(
            f"{folder} is a symbolic link; backroutine writes reports only into a folder of "
            "its own. Replace the link with a folder, or choose a file with --out"
        )
    try:
        make_private_folders(folder)
    except NotADirectoryError as exc:
        raise ReportFileError(
            f"cannot write the report in {folder}: {exc.filename} is a file, not a folder"
        ) from None
    if stat.S_IMODE(os.stat(folder).st_mode) & 0o077:
        os.chmod(folder, 0o700)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
