"""The other computers this one has seen in a shared history, so that one whose file vanishes
is not forgotten silently (issue 15).

A device file can leave the folder: removed on purpose (an old computer), or by mistake, or
by a sync engine told to delete it. Its records then leave the merge with it. So each time
the merge is read, this computer notes which devices it holds and how many records each
gave; a device seen before whose file is no longer there is said once ("the history of
COMPUTER is no longer in the folder: its N records are not shown..."), and listed by
`backroutine devices` until its file comes back.

The note is kept in the user config folder (beside device.json, core/device.py), one small
JSON file per data folder, never in the synced folder: it is what this computer saw, and a
write into its own history file at every read would make the sync engine copy that file
again and again. Losing it (a new config folder) only loses the warning, never a record."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from backroutine.core.device import config_dir, is_device_id, stored_name
from backroutine.core.history.layout import present_devices

SEEN_FOLDER = "seen"


@dataclass
class SeenDevice:
    """A device whose records this computer has merged."""

    id: str
    name: str
    records: int  # how many of its records the merge held when last seen
    file: str  # its file, as last seen
    gone_since: str | None = None  # when its file was first found missing (ISO), else None
    told: bool = False  # whether the person was told it is gone

    def notice(self) -> str:
        records = "1 record is" if self.records == 1 else f"{self.records} records are"
        return (
            f"The history of {self.name} is no longer in the folder: its {records} "
            "not shown; if it was removed on purpose, "
            f"nothing to do (if not, put back {self.file}, from a backup or the other "
            "computer, and they are shown again)."
        )


class SeenDevices:
    """The record of one data folder's devices, read once and written when it changes."""

    def __init__(self, data_dir: Path, folder: Path | None = None) -> None:
        self.data_dir = Path(data_dir).absolute()
        self._folder = folder
        self._devices: dict[str, SeenDevice] | None = None

    @property
    def path(self) -> Path:
        folder = config_dir() if self._folder is None else self._folder
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:24]
        return folder / SEEN_FOLDER / f"{digest}.json"

    def devices(self) -> dict[str, SeenDevice]:
        if self._devices is None:
            self._devices = self._load()
        return self._devices

    def gone(self) -> list[SeenDevice]:
        """The devices seen before whose file is not in the folder now."""
        return [seen for seen in self.devices().values() if seen.gone_since is not None]

    def observe(self, present: dict[str, tuple[str, int, str]], files: set[str]) -> list[str]:
        """Note what the merge holds now: `present` maps each other device read to (name,
        records, file); `files` holds the device id of every other file in the folder, read
        or not (a half-copied file is still there). The notices to give (each said once)."""
        known = self.devices()
        before = json.dumps(self._as_json(known), sort_keys=True)
        for device, (name, records, file) in present.items():
            if is_device_id(device):
                # Names come from other computers' files: kept escaped, never as codes.
                known[device] = SeenDevice(
                    device, stored_name(name), records, stored_name(file, 4096)
                )
        notices = []
        everything: set[str] | None = None
        for seen in known.values():
            there = seen.id in files
            if not there:
                # Past layout.MAX_FILES a file is there but not read: not gone either.
                if everything is None:
                    everything = present_devices(self.data_dir)
                there = seen.id in everything
            if there:
                if seen.id not in present and seen.gone_since is not None:
                    seen.gone_since, seen.told = None, False  # back, not read just now
                continue
            if seen.gone_since is None:
                seen.gone_since = datetime.now(UTC).isoformat(timespec="seconds")
            if not seen.told and seen.records > 0:
                notices.append(seen.notice())
                seen.told = True
        if json.dumps(self._as_json(known), sort_keys=True) != before:
            self._save(known)
        return notices

    def _as_json(self, devices: dict[str, SeenDevice]) -> dict[str, object]:
        return {
            "data_dir": str(self.data_dir),
            "devices": [asdict(seen) for seen in devices.values()],
        }

    def _load(self) -> dict[str, SeenDevice]:
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("data_dir") == str(self.data_dir):
                found = {}
                for item in saved["devices"]:
                    seen = SeenDevice(
                        id=str(item["id"]),
                        name=stored_name(item["name"]),  # an older version kept it raw
                        records=int(item["records"]),
                        file=stored_name(item["file"], 4096),
                        gone_since=None if item["gone_since"] is None else str(item["gone_since"]),
                        told=bool(item["told"]),
                    )
                    if is_device_id(seen.id):
                        found[seen.id] = seen
                return found
        return {}  # none yet, or unreadable: only a warning can be lost, never a record

    def _save(self, devices: dict[str, SeenDevice]) -> None:
        """Written whole under a temporary name, then renamed; a config folder that cannot be
        written only loses the warning."""
        path = self.path
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary.write_text(json.dumps(self._as_json(devices), indent=1), encoding="utf-8")
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
