"""The computers that share a history (`backroutine devices`): who they are, what each has
recorded, naming this one, and turning sharing on for a folder a sync engine is not seen in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backroutine.core.device import Device, rename_device, take_notices, this_device
from backroutine.core.history import HistoryStore
from backroutine.core.history.layout import history_exists, history_folder, is_shared
from backroutine.core.history.merge import DeviceSummary
from backroutine.core.history.seen import SeenDevice
from backroutine.core.history.shared import give_new_id, name_file


@dataclass
class DevicesView:
    device: Device  # this computer
    shared: bool  # one file per computer (else the single file of one computer)
    folder: Path  # where the files are
    devices: list[DeviceSummary] = field(default_factory=list)
    unread: dict[Path, str] = field(default_factory=dict)  # files left out now, and why
    missing: list[SeenDevice] = field(default_factory=list)  # seen before, their file gone
    links: list[Path] = field(default_factory=list)  # device files that are links: never read
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "this_device": {"id": self.device.id, "name": self.device.name},
            "shared": self.shared,
            "folder": str(self.folder),
            "devices": [summary.to_dict() for summary in self.devices],
            "unread_files": [{"file": str(p), "why": why} for p, why in self.unread.items()],
            "missing_devices": [
                {
                    "id": seen.id,
                    "name": seen.name,
                    "records": seen.records,
                    "file": seen.file,
                    "gone_since": seen.gone_since,
                }
                for seen in self.missing
            ],
        }


def devices_view(data_dir: Path) -> DevicesView:
    """What `devices` shows. Nothing is created where there is no history yet (looking must
    not make a data folder), and a single-computer folder is left as it is."""
    device = this_device()
    shared = is_shared(data_dir)
    folder = history_folder(data_dir) if shared else Path(data_dir)
    view = DevicesView(device, shared, folder, notices=take_notices())
    if not history_exists(data_dir):
        view.devices = [DeviceSummary(device.id, device.name, this=True)]
        return view
    with HistoryStore.open(data_dir) as store:
        notices, same_id = [*view.notices, *store.notices], store.same_id
    if same_id:
        # Two computers with one id: this one gets an id of its own, its records copied.
        notices = [notice for notice in notices if "writes this computer's history" not in notice]
        device, said = give_new_id(Path(data_dir), device)
        view.device = device
        notices.append(said)
    with HistoryStore.open(data_dir, device=device if same_id else None) as store:
        view.notices = [*notices, *(notice for notice in store.notices if notice not in notices)]
        view.devices = store.devices()
        view.unread = store.unread_files()
        view.links = list(store.links)
        view.missing = store.missing_devices()
    for summary in view.devices:
        if summary.this:
            summary.id, summary.name = device.id, device.name
    return view


def name_this_device(data_dir: Path, name: str) -> Device:
    """Name this computer (DeviceError for a name that cannot be used); the name goes into its
    own history file too when the folder is shared, for the other computers to show."""
    device = rename_device(name)
    if is_shared(data_dir) and history_exists(data_dir):
        with HistoryStore.open(data_dir, device=device) as store:
            if not store.same_id:  # else devices_view gives a new id first, with this name
                name_file(store, device)
    return device


def share(data_dir: Path) -> list[str]:
    """Turn on one file per computer in a data folder (for a sync engine that leaves no marker
    seen by layout.is_shared); the single file becomes this computer's. The notices."""
    with HistoryStore.open(data_dir, device=this_device()) as store:
        return list(store.notices)


def left_out_lines(data_dir: Path) -> list[str]:
    """What of the other computers' files is left out of the merge now, a line each (for
    `doctor`): whole files, and "N records of COMPUTER left out: why". Nothing is created
    where there is no shared history, and a history that cannot be opened says so once."""
    from backroutine.core.device import DeviceError
    from backroutine.core.history import HistoryError
    from backroutine.core.text import escaped

    if not (is_shared(data_dir) and history_exists(data_dir)):
        return []
    try:
        view = devices_view(data_dir)
    except (DeviceError, HistoryError) as exc:
        return [f"the history cannot be read: {escaped(str(exc), one_line=True)}"]
    lines = [
        f"{escaped(str(path), one_line=True)} left out: {escaped(why, one_line=True)}"
        for path, why in view.unread.items()
    ]
    return lines + [line for summary in view.devices for line in summary.left_out_lines()]
