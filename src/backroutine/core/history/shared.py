"""Opening the history of a data folder shared by several computers (layout.py): this
computer's own file, made from the single file on first use, named, and the merge to read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from backroutine.core.device import Device, this_device
from backroutine.core.history.common import DB_NAME, _Damaged
from backroutine.core.history.connect import _connect_file, open_or_start_anew, opening_in
from backroutine.core.history.files import (
    _make_private_folder,
    _move_aside,
    linked_files,
    refuse_linked_folder,
)
from backroutine.core.history.layout import (
    adopt_single_file,
    device_path,
    history_folder,
    is_source_name,
)
from backroutine.core.history.merge import Merge

if TYPE_CHECKING:
    from backroutine.core.history.store import HistoryStore

S = TypeVar("S", bound="HistoryStore")


def open_shared(cls: type[S], folder: Path, device: Device | None) -> S:
    device = this_device() if device is None else device
    own = device_path(folder, device.id)
    notices: list[str] = []
    refuse_linked_folder(history_folder(folder))
    with opening_in(folder):
        _make_private_folder(history_folder(folder))
        try:
            moved = adopt_single_file(folder, own)
        except _Damaged as exc:
            # The single file cannot be read: moved aside as it always was, and a new start.
            notices.append(_move_aside(folder / DB_NAME, str(exc)))
            moved = None
        if moved:
            notices.append(moved)
        connection = open_or_start_anew(own, _connect_file, notices)
    store = cls(own, connection, notices)
    store.device = device
    store._merge = Merge(folder, own, device.id, notices)
    store.links = links_left_out(folder, own)
    notices.extend(
        f"Left out: {path} is a link; backroutine never reads a history through a link (it "
        "could point at any file). Replace it with the file itself to have its records shown."
        for path in store.links
    )
    name_file(store, device)
    store.red_flags()  # the merge read once now, so that a file left out is said at once
    return store


def links_left_out(folder: Path, own: Path) -> list[Path]:
    """The device files of `history/` that are symbolic links (the merge reads only regular
    files), and a linked single file beside it: each is named once, when the store opens."""
    links = [path for path in linked_files(history_folder(folder), is_source_name) if path != own]
    if (folder / DB_NAME).is_symlink():
        links.append(folder / DB_NAME)
    return links


def name_file(store: HistoryStore, device: Device) -> None:
    """Write this device's id and name into its file, for the other computers to show; only
    when they changed (a write at every start would make the sync engine copy the file)."""
    wanted = {"device_id": device.id, "device_name": device.name}
    stored = {key: value for key, value in store._read("SELECT key, value FROM meta", (), own=True)}
    if all(stored.get(key) == value for key, value in wanted.items()):
        return
    store._transaction(
        lambda connection: connection.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(wanted.items()),
        )
    )
