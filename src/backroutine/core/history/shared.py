"""Opening the history of a data folder shared by several computers (layout.py): this
computer's own file, made from the single file on first use, named, and the merge to read."""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from backroutine.core.device import (
    Device,
    DeviceError,
    save_device,
    take_notices,
    this_device,
)
from backroutine.core.history import layout
from backroutine.core.history import own as own_file
from backroutine.core.history.common import DB_NAME, HistoryError, _Damaged
from backroutine.core.history.connect import _connect_file, open_or_start_anew, opening_in
from backroutine.core.history.files import (
    _make_private_folder,
    _move_aside,
    copy_database,
    linked_files,
    refuse_linked_folder,
)
from backroutine.core.history.layout import (
    _silently_removed,
    adopt_single_file,
    device_path,
    history_folder,
    is_source_name,
    too_many,
)
from backroutine.core.history.merge import Merge

if TYPE_CHECKING:
    from backroutine.core.history.store import HistoryStore

S = TypeVar("S", bound="HistoryStore")


def open_shared(cls: type[S], folder: Path, device: Device | None) -> S:
    device = this_device() if device is None else device
    own = device_path(folder, device.id)
    notices: list[str] = take_notices()  # a bad device.json kept aside, said once
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
    opening = list(notices)  # said once: a new id below opens again, and says these too
    store = cls(own, connection, notices)
    store.device = device
    store.owner = device.id  # its writes are checked for another writer with this id
    store._merge = Merge(folder, own, device.id, notices)
    count = too_many(folder)
    if count is not None:
        notices.append(
            f"The folder {history_folder(folder)} holds {count} history files, more than "
            f"computers sharing a history make: only the {layout.MAX_FILES} most recently "
            "changed are read, so that every command still answers at once; the other "
            f"{count - layout.MAX_FILES} "
            "are left out (their records are not shown). Move away the files that do not "
            "belong there."
        )
    store.links = links_left_out(folder, own)
    notices.extend(
        f"Left out: {path} is a link; backroutine never reads a history through a link (it "
        "could point at any file). Replace it with the file itself to have its records shown."
        for path in store.links
    )
    if own_file.written_by_another(connection, device.id):
        # Another computer uses this id. This one takes an id of its own at once, keeping
        # every record, rather than refusing every write until `backroutine devices` is run:
        # a check-in or a yes to an emergency question must never be turned away for it.
        try:
            new, said = give_new_id(folder, device)
        except (HistoryError, DeviceError) as exc:
            store.same_id = True  # every write refuses; `backroutine devices` tries again
            notices.append(f"{own_file.SAME_ID.format(path=own)} ({exc}).")
        else:
            store.close()
            reopened = open_shared(cls, folder, new)
            reopened.notices[:0] = [*opening, said]
            return reopened
    else:
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


def give_new_id(folder: Path, device: Device) -> tuple[Device, str]:
    """This computer, found sharing its id with another (own.claim), gets an id of its own.

    Its records are carried over: the new file starts as a whole copy of the shared one
    (checked and cleaned like any file of its own), so that they stay in a file this computer
    alone writes, whatever becomes of the old one. The old file is left as it is, neither
    renamed nor written: the other computer may be writing it now, and it finds the same
    conflict and does the same. Records that are in both files are shown once (by uid).
    The new device, and the notice to give."""
    new = Device(uuid.uuid4().hex, device.name)
    old = device_path(folder, device.id)
    target = device_path(folder, new.id)
    temporary = target.with_name(f".{target.name}.migrating")
    with opening_in(folder), _silently_removed(temporary):
        try:
            copy_database(old, temporary)
        except sqlite3.Error as exc:
            raise HistoryError(f"the history {old} could not be copied ({exc})") from None
        cleaned: list[str] = []
        try:
            connection = _connect_file(temporary, notices=cleaned, kept=str(old))
        except _Damaged as exc:
            raise HistoryError(f"the history {old} could not be copied ({exc})") from None
        try:
            connection.execute("DELETE FROM meta WHERE key = 'writer'")  # no one wrote it yet
            connection.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [("device_id", new.id), ("device_name", new.name)],
            )
        finally:
            connection.close()
        os.rename(temporary, target)  # a new uuid4: nothing is there
    try:
        save_device(new)
    except DeviceError:
        os.unlink(target)  # the id was not kept: this computer stays as it was
        raise
    return new, (
        f"Another computer was using this computer's id ({device.id}: a copied config folder "
        f"or a restored backup). This computer now has an id of its own, {new.id}: its file "
        f"{target} starts as a copy of {old}, so every record is kept and shown once. "
        f"{old.name} is left as it is, for the other computer."
    )
