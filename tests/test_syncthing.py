"""Two computers, one history, through the real engine (issue 15): two Syncthing instances on
127.0.0.1 (their own homes; global and local discovery, relays and NAT off; static addresses)
share one folder, the data folder of "computer A" (A/data) and of "computer B" (B/data). Each
computer has its own config folder (so its own device id) and runs the real command line.

Both write at once while Syncthing runs: five check-ins each, a played session each (stopped
by Ctrl-C after a second, as a person would), and the safety answers on A. Within a minute both
must show every check-in exactly once, both sessions, the same devices and the same `status`.

It needs Debian's `syncthing` (1.19; .ci/run installs it) and fails without it: a machine that
cannot run the engine must not pass for one where two computers were shown to agree.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

SYNCTHING = "syncthing"
FOLDER_ID = "backroutine-data"
DEADLINE_SECONDS = 60  # from the end of the writes to both computers agreeing
DAYS = [date.today() - timedelta(days=n) for n in range(5, 0, -1)]
PAINS = {"A": [3, 4, 5, 4, 3], "B": [2, 2, 2, 2, 2]}  # never the same on one day


@dataclass
class Computer:
    name: str  # "A" or "B"
    root: Path
    gui_port: int
    listen_port: int
    api_key: str
    device_id: str = ""
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.root / "syncthing.log"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def home(self) -> Path:
        return self.root / "syncthing"

    def env(self) -> dict[str, str]:
        """This computer's environment: its data folder, config folder (device id) and caches."""
        env = dict(os.environ)
        env.update(
            HOME=str(self.root),
            BACKROUTINE_HOME=str(self.data),
            BACKROUTINE_AUDIO="off",
            XDG_CONFIG_HOME=str(self.root / "config"),
            XDG_CACHE_HOME=str(self.root / "cache"),
            XDG_STATE_HOME=str(self.root / "state"),
            XDG_DATA_HOME=str(self.root / "share"),
            STNODEFAULTFOLDER="1",
            STNOUPGRADE="1",
        )
        return env

    def cli(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "backroutine", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def json(self, *args: str) -> dict[str, object]:
        result = self.cli(*args, "--json")
        assert result.returncode == 0, f"{self.name}: {args}: {result.stderr}"
        shown: dict[str, object] = json.loads(result.stdout)
        return shown

    def rest(self, path: str) -> object:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.gui_port}{path}", headers={"X-API-Key": self.api_key}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())


def free_ports(count: int) -> list[int]:
    """Ports free on 127.0.0.1 just now (all held open together, so they differ)."""
    sockets = []
    try:
        for _ in range(count):
            held = socket.socket()
            held.bind(("127.0.0.1", 0))
            sockets.append(held)
        return [held.getsockname()[1] for held in sockets]
    finally:
        for held in sockets:
            held.close()


def generate(computer: Computer) -> None:
    """Keys and a config for one instance; its device id."""
    subprocess.run(
        [SYNCTHING, "generate", f"--home={computer.home}", "--no-default-folder"],
        env=computer.env(),
        capture_output=True,
        check=True,
        timeout=60,
    )
    shown = subprocess.run(
        [SYNCTHING, "serve", f"--home={computer.home}", "--device-id"],
        env=computer.env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    computer.device_id = shown.stdout.strip()


def configure(computer: Computer, other: Computer) -> None:
    """Loopback only, nothing announced or relayed, the other device at its static address,
    and the data folder shared with it (watched, rescanned often)."""
    path = computer.home / "config.xml"
    tree = ET.parse(path)
    root = tree.getroot()
    options = root.find("options")
    assert options is not None
    settings = {
        "listenAddress": f"tcp://127.0.0.1:{computer.listen_port}",
        "globalAnnounceEnabled": "false",
        "localAnnounceEnabled": "false",
        "relaysEnabled": "false",
        "natEnabled": "false",
        "startBrowser": "false",
        "urAccepted": "-1",
        "crashReportingEnabled": "false",
        "autoUpgradeIntervalH": "0",
        "reconnectionIntervalS": "2",
    }
    for key, value in settings.items():
        element = options.find(key)
        if element is None:
            element = ET.SubElement(options, key)
        element.text = value
    gui = root.find("gui")
    assert gui is not None
    for key, value in (("address", f"127.0.0.1:{computer.gui_port}"), ("apikey", computer.api_key)):
        element = gui.find(key)
        if element is None:
            element = ET.SubElement(gui, key)
        element.text = value
    peer = ET.SubElement(
        root, "device", id=other.device_id, name=f"computer {other.name}", compression="metadata"
    )
    ET.SubElement(peer, "address").text = f"tcp://127.0.0.1:{other.listen_port}"
    ET.SubElement(peer, "autoAcceptFolders").text = "false"
    folder = ET.Element(
        "folder",
        id=FOLDER_ID,
        label="backroutine",
        path=str(computer.data),
        type="sendreceive",
        rescanIntervalS="3",
        fsWatcherEnabled="true",
        fsWatcherDelayS="1",
    )
    for device_id in (computer.device_id, other.device_id):
        ET.SubElement(folder, "device", id=device_id)
    ET.SubElement(folder, "markerName").text = ".stfolder"
    root.insert(0, folder)
    tree.write(path)
    computer.data.mkdir(parents=True)
    (computer.data / ".stfolder").mkdir()  # as Syncthing makes it when a folder is added


def start(computer: Computer) -> None:
    with open(computer.log, "wb") as log:
        computer.process = subprocess.Popen(
            [
                SYNCTHING,
                "serve",
                f"--home={computer.home}",
                "--no-browser",
                "--no-restart",
                "--no-upgrade",
                "--no-default-folder",
            ],
            env=computer.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopped as a whole below
        )


def stop(computer: Computer) -> None:
    process = computer.process
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def use(computer: Computer, errors: list[str]) -> None:
    """What the person does on one computer: five check-ins, a routine stopped after a second,
    and (on A) the safety questions answered."""
    try:
        for day, pain in zip(DAYS, PAINS[computer.name], strict=True):
            result = computer.cli(
                "checkin", "--pain", str(pain), "--date", day.isoformat(),
                "--note", f"{computer.name} {day.isoformat()}",
            )  # fmt: skip
            if result.returncode != 0:
                errors.append(f"{computer.name}: checkin: {result.stderr}")
        player = subprocess.Popen(
            [sys.executable, "-m", "backroutine", "play", "desk-break", "--plain", "--mute"],
            env={**computer.env(), "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert player.stdout is not None
        shown = []
        for line in player.stdout:  # played until its first step is under way
            shown.append(line)
            if line.startswith("[ 0:00]"):
                break
        time.sleep(0.5)
        player.send_signal(signal.SIGINT)  # Ctrl-C: the session is saved as stopped
        out, err = player.communicate(timeout=30)
        out = "".join(shown) + out
        if "saved as stopped" not in out + err:
            errors.append(f"{computer.name}: play: {player.returncode} {out[-500:]} {err}")
        if computer.name == "A":
            result = computer.cli("safety", "--none")
            if result.returncode != 0:
                errors.append(f"{computer.name}: safety: {result.stderr}")
    except Exception as exc:  # said in the test's failure, not lost in a thread
        errors.append(f"{computer.name}: {type(exc).__name__}: {exc}")


EXPECTED = sorted(
    (day.isoformat(), pain, f"{name} {day.isoformat()}")
    for name in ("A", "B")
    for day, pain in zip(DAYS, PAINS[name], strict=True)
)  # every check-in of both computers, once: (day, pain, note)


def seen(computer: Computer) -> dict[str, object]:
    """What one computer shows, in a form comparable with the other's."""
    history = computer.json("history")
    devices = computer.json("devices")
    return {
        "checkins": sorted(
            (str(c["date"])[:10], c["pain"], c["note"]) for c in records(history["checkins"])
        ),
        "sessions": sorted(
            (s["routine_id"], s["started_at"], s["status"], s["steps_done"])
            for s in records(history["sessions"])
        ),
        "status": computer.json("status"),
        "devices": sorted(
            (d["id"], d["checkins"], d["sessions"], d["safety_answers"])
            for d in records(devices["devices"])
        ),
        "unread": devices["unread_files"],
    }


def records(value: object) -> list[dict[str, object]]:
    assert isinstance(value, list)
    return value


def agreed(a: dict[str, object], b: dict[str, object]) -> bool:
    return (
        a["checkins"] == b["checkins"] == EXPECTED
        and a["sessions"] == b["sessions"]
        and len(records(a["sessions"])) == 2
        and a["status"] == b["status"]
        and a["devices"] == b["devices"]
        and len(records(a["devices"])) == 2
        and a["unread"] == b["unread"] == []
    )


def test_two_computers_through_real_syncthing_agree_within_a_minute(tmp_path: Path) -> None:
    if shutil.which(SYNCTHING) is None:
        pytest.fail(
            "syncthing is not installed: this test runs two real Syncthing instances "
            "(Debian: apt-get install -y syncthing; .ci/run installs it)"
        )
    ports = free_ports(4)
    a = Computer("A", tmp_path / "A", ports[0], ports[1], "backroutine-test-key-a")
    b = Computer("B", tmp_path / "B", ports[2], ports[3], "backroutine-test-key-b")
    for computer in (a, b):
        computer.root.mkdir()
        generate(computer)
    configure(a, b)
    configure(b, a)
    last: dict[str, dict[str, object]] = {}
    try:
        start(a)
        start(b)
        errors: list[str] = []
        workers = [threading.Thread(target=use, args=(c, errors)) for c in (a, b)]
        for worker in workers:
            worker.start()  # both computers at once, while Syncthing starts and syncs
        for worker in workers:
            worker.join(timeout=120)
        assert errors == []
        written = time.monotonic()
        while time.monotonic() - written < DEADLINE_SECONDS:
            for computer in (a, b):
                assert computer.process is not None and computer.process.poll() is None, (
                    f"syncthing {computer.name} stopped: {computer.log.read_text()[-2000:]}"
                )
            last = {"A": seen(a), "B": seen(b)}
            if agreed(last["A"], last["B"]):
                break
            time.sleep(0.5)
        else:
            connections = {c.name: _safe(c.rest, "/rest/system/connections") for c in (a, b)}
            pytest.fail(
                f"the two computers did not agree within {DEADLINE_SECONDS} s:\n"
                f"A shows {last.get('A')}\nB shows {last.get('B')}\n"
                f"connections: {connections}\n"
                f"A's log: {a.log.read_text()[-1500:]}\nB's log: {b.log.read_text()[-1500:]}"
            )
        took = time.monotonic() - written
        # Every check-in exactly once, both sessions (stopped), the safety answers made on A.
        status = last["A"]["status"]
        assert isinstance(status, dict) and status["red_flags"]["asked"] is True
        for computer in (a, b):
            names = sorted(os.listdir(computer.data / "history"))
            assert not [n for n in names if "conflict" in n or n.endswith(("-wal", "-shm"))]
            assert sorted(n for n in names if n.endswith(".sqlite3")) == sorted(
                f"{device_id}.sqlite3" for device_id in _device_ids(a, b)
            )
        print(f"both computers agreed {took:.1f} s after the last write")
    finally:
        stop(a)
        stop(b)
    for computer in (a, b):
        assert computer.process is not None and computer.process.poll() is not None


def _device_ids(*computers: Computer) -> list[str]:
    ids = []
    for computer in computers:
        saved = json.loads((computer.root / "config" / "backroutine" / "device.json").read_text())
        ids.append(saved["id"])
    return ids


def _safe(call: Callable[[str], object], *args: str) -> object:
    try:
        return call(*args)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
