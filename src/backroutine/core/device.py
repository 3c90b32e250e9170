"""This computer as the shared history knows it: a device id (a uuid4) and a name.

Both live in the platform's user config folder (XDG_CONFIG_HOME on Linux), never in the data
folder: a data folder kept in step by a file-sync engine is the same on every computer, so an
id kept there would be every computer's id, and two computers would write one file again."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from backroutine.core.paths import APP_NAME
from backroutine.core.text import describe_char, escaped, first_unsafe

DEVICE_FILE = "device.json"
WRITERS_FILE = "writers.json"
NAME_MAX_CHARS = 60
WRITERS_KEPT = 256  # per device id: the writer tokens this computer put in its files


class DeviceError(ValueError):
    """A device name that cannot be used, or a config folder that cannot be written."""


class DeviceNameError(DeviceError):
    """A device name that cannot be used (a usage error: the person typed it)."""


@dataclass(frozen=True, slots=True)
class Device:
    id: str  # 32 lowercase hex digits (uuid4().hex): also the name of its history file
    name: str


def config_dir() -> Path:
    from platformdirs import user_config_dir  # only here: most commands never need it

    return Path(user_config_dir(APP_NAME, appauthor=False))


def default_name() -> str:
    try:
        name = clean_name(socket.gethostname())
    except DeviceError:
        name = "this computer"
    return name


def clean_name(name: str) -> str:
    """A device name stripped; DeviceError when empty, too long or holding control codes (it
    is shown on other computers, so it is data like any note)."""
    if not isinstance(name, str):
        raise DeviceNameError("a device name must be text")
    name = name.strip()
    if not name:
        raise DeviceNameError("a device name cannot be empty")
    if len(name) > NAME_MAX_CHARS:
        raise DeviceNameError(f"a device name must be at most {NAME_MAX_CHARS} characters")
    for char in name:
        # Control codes (ESC starts every terminal sequence), C1, the bidi overrides and line
        # breaks: the name is shown on other computers, so it is data like any note.
        if first_unsafe(char) is not None or unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            raise DeviceNameError(
                f"a device name must not contain control or bidirectional characters "
                f"(it holds {describe_char(char)}); type it with letters, digits and spaces"
            )
    return name


def stored_name(name: object, limit: int = 100) -> str:
    """Another computer's name (or a file's path) as this computer keeps it (the seen/
    files): every control and bidirectional character written out as \\x1b, \\u202e..., on
    one line, and at most `limit` characters, so that nothing kept can reach a terminal."""
    text = escaped(str(name), one_line=True)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def is_device_id(text: str) -> bool:
    return len(text) == 32 and all(char in "0123456789abcdef" for char in text)


def this_device(folder: Path | None = None) -> Device:
    """This computer's id and name, made (and kept) on first use. A config folder that cannot
    be written gives an id derived from the host name, so that this computer still writes one
    file of its own, the same one every time.

    A device.json that cannot be used (not JSON, no valid id) is never replaced silently: it
    is kept aside as device.json.unreadable-DATE-TIME and a new id is made, and said (see
    take_notices). A new id rather than a refusal: a refusal would stop every check-in and
    safety answer until the file is fixed by hand, on the day they may matter most, while a
    new id loses nothing (the old file stays in the folder and its records are still shown,
    as another computer's)."""
    folder = config_dir() if folder is None else folder
    path = folder / DEVICE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = None
    except (OSError, ValueError) as exc:  # unreadable (permissions, not UTF-8): left as it is
        if isinstance(exc, OSError):
            return _host_device(
                f"{path} cannot be read ({exc.strerror}); this computer uses an id made from "
                "its host name until that is fixed"
            )
        text = ""
    if text is not None:
        saved = _parsed(text)
        if saved is not None:
            return saved
        if not _set_aside(path):
            return _host_device(
                f"{path} could not be read and could not be kept aside; this computer uses an "
                "id made from its host name until that is fixed"
            )
    device = Device(uuid.uuid4().hex, default_name())
    try:
        _save(path, device)
    except OSError:
        return _host_device(None)
    return device


_NOTICES: list[str] = []  # what this_device had to do, to be said once (take_notices)


def take_notices() -> list[str]:
    """What happened to this computer's identity since last asked (a bad device.json kept
    aside and a new id made), each said once."""
    taken = list(_NOTICES)
    _NOTICES.clear()
    return taken


def _parsed(text: str) -> Device | None:
    try:
        saved = json.loads(text)
    except ValueError:
        return None
    if not isinstance(saved, dict) or not isinstance(saved.get("id"), str):
        return None
    if not is_device_id(saved["id"]):
        return None
    try:
        name = clean_name(saved.get("name", ""))
    except DeviceError:
        name = default_name()  # a name with codes is never used: it would be shown elsewhere
    return Device(saved["id"], name)


def _set_aside(path: Path) -> bool:
    """device.json -> device.json.unreadable-YYYYMMDD-HHMMSS[-N], never over anything; False
    when it could not be moved (then it must not be replaced either)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for number in range(1, 1000):
        target = path.with_name(f"{path.name}.unreadable-{stamp}" + (f"-{number}" * (number > 1)))
        try:
            os.link(path, target)  # fails if target exists, where a rename would replace it
            os.unlink(path)
        except FileExistsError:
            continue
        except OSError:
            try:  # no hard links on this file system: a checked rename is the best left
                if os.path.lexists(target):
                    continue
                os.rename(path, target)
            except OSError:
                return False
        _NOTICES.append(
            f"This computer's id file {path} could not be read (it is not what backroutine "
            f"writes); it is kept as {target}, and this computer gets a new id. Its earlier "
            "records are still shown, under its old name, as another computer's; to keep the "
            "old id instead, put the file back as it was."
        )
        return True
    return False


def _host_device(why: str | None) -> Device:
    if why is not None:
        _NOTICES.append(why)
    return Device(uuid.uuid5(uuid.NAMESPACE_DNS, socket.gethostname()).hex, default_name())


def rename_device(name: str, folder: Path | None = None) -> Device:
    """Give this computer a new name (kept in the config folder); the device as it now is."""
    folder = config_dir() if folder is None else folder
    device = Device(this_device(folder).id, clean_name(name))
    try:
        _save(folder / DEVICE_FILE, device)
    except OSError as exc:
        raise DeviceError(f"the name could not be saved in {folder} ({exc.strerror})") from None
    return device


def save_device(device: Device, folder: Path | None = None) -> None:
    """Keep `device` as this computer's id and name (DeviceError when it cannot be)."""
    folder = config_dir() if folder is None else folder
    try:
        _save(folder / DEVICE_FILE, device)
    except OSError as exc:
        raise DeviceError(f"the id could not be saved in {folder} ({exc.strerror})") from None


def _save(path: Path, device: Device) -> None:
    """Written whole under a temporary name, then renamed: a crash never leaves half a file
    (which would give this computer a new id, and a second history file, next time)."""
    _write_private(path, json.dumps({"id": device.id, "name": device.name}))


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)


# -- who wrote this computer's file last (two computers with one id) --------------------------
#
# Each store that writes this computer's device file puts a token of its own (random, made
# when it opened) into the file's meta table at its first write, and notes it here, in the
# config folder, which never syncs. A token in the file that this computer never noted was
# written by another computer using the same id (a copied config folder, a restored backup):
# both would write one file, and the sync engine would keep one of the two versions.


def known_writers(device_id: str, folder: Path | None = None) -> set[str]:
    """The writer tokens this computer noted for its file `device_id`."""
    path = (config_dir() if folder is None else folder) / WRITERS_FILE
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        saved = json.loads(path.read_text(encoding="utf-8"))
        tokens = saved.get(device_id, [])
        if isinstance(tokens, list):
            return {token for token in tokens if isinstance(token, str)}
    return set()


def remember_writer(device_id: str, token: str, folder: Path | None = None) -> bool:
    """Note a writer token of this computer (the latest WRITERS_KEPT per id); False when the
    config folder cannot be written (then the token must not go into the file: it would read
    as another computer's next time)."""
    path = (config_dir() if folder is None else folder) / WRITERS_FILE
    saved: dict[str, object] = {}
    with contextlib.suppress(OSError, ValueError, TypeError):
        loaded = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            saved = loaded
    tokens = saved.get(device_id)
    kept = [t for t in tokens if isinstance(t, str)] if isinstance(tokens, list) else []
    saved[device_id] = [*kept, token][-WRITERS_KEPT:]
    try:
        _write_private(path, json.dumps(saved))
    except OSError:
        return False
    return True
