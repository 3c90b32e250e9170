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
from pathlib import Path

from backroutine.core.paths import APP_NAME
from backroutine.core.text import describe_char, escaped, first_unsafe

DEVICE_FILE = "device.json"
NAME_MAX_CHARS = 60


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
    file of its own, the same one every time."""
    folder = config_dir() if folder is None else folder
    path = folder / DEVICE_FILE
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        saved = json.loads(path.read_text(encoding="utf-8"))
        if is_device_id(saved["id"]):
            try:
                name = clean_name(saved.get("name", ""))
            except DeviceError:
                name = default_name()
            return Device(saved["id"], name)
    device = Device(uuid.uuid4().hex, default_name())
    try:
        _save(path, device)
    except OSError:
        return Device(uuid.uuid5(uuid.NAMESPACE_DNS, socket.gethostname()).hex, device.name)
    return device


def rename_device(name: str, folder: Path | None = None) -> Device:
    """Give this computer a new name (kept in the config folder); the device as it now is."""
    folder = config_dir() if folder is None else folder
    device = Device(this_device(folder).id, clean_name(name))
    try:
        _save(folder / DEVICE_FILE, device)
    except OSError as exc:
        raise DeviceError(f"the name could not be saved in {folder} ({exc.strerror})") from None
    return device


def _save(path: Path, device: Device) -> None:
    """Written whole under a temporary name, then renamed: a crash never leaves half a file
    (which would give this computer a new id, and a second history file, next time)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"id": device.id, "name": device.name}), encoding="utf-8")
    os.replace(temporary, path)
