"""Running the app for the CLI: however it ends (a key, a signal, an exception), an unfinished
session is saved as stopped and the history is written before the process exits; then the
exit code says whether all of that went well."""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

from backroutine.core.writer import finish_writing

if TYPE_CHECKING:
    from backroutine.ui.app import BackroutineApp


def _say_on_stderr(line: str) -> None:
    print(f"backroutine: {line}", file=sys.stderr)


def run_app(app: BackroutineApp) -> int:
    # What exists by now (modules, the routine, the history) lives as long as the app: the
    # garbage collector need not walk it again and again (35-55 ms of the first frame, and
    # pauses while a routine plays).
    gc.freeze()
    try:
        code = app.run()
    finally:
        gc.unfreeze()
        # However the app ended (even by an exception), an unfinished session is saved: the
        # player screen drives it, and the app keeps a reference to it for this.
        if app.conductor is not None:
            app.conductor.stop("quit")
        saved = finish_writing(app.writer, _say_on_stderr)
    if app.return_code not in (None, 0):
        return app.return_code  # the app ended on an error: never a silent success
    return code or (0 if saved else 1)
