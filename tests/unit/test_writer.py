"""The history writer: in order, off the caller's thread, nothing dropped while the history is
busy or failing; and the recorder's progress every few seconds."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backroutine.core.engine import Session, StallGuard
from backroutine.core.history import HistoryError, HistoryStore
from backroutine.core.loading import load_text
from backroutine.core.recording import SAVE_EVERY, SessionRecorder
from backroutine.core.writer import HistoryWriter, finish_writing
from fakes import FakeClock


class FlakyStore:
    """Refuses writes while `busy` (or `broken`) is set; records the ones that went through."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.busy = threading.Event()
        self.broken = threading.Event()
        self.tries = 0

    def write(self, what: str) -> None:
        self.tries += 1
        if self.busy.is_set():
            raise HistoryError("locked by another program", busy=True)
        if self.broken.is_set():
            raise HistoryError("the disk is full")
        self.written.append(what)


def quick_sleep(seconds: float) -> None:
    time.sleep(0.005)


def test_writes_run_in_order_on_another_thread() -> None:
    store = FlakyStore()
    threads: list[str] = []
    writer = HistoryWriter(store, sleep=quick_sleep)
    for n in range(5):
        writer.submit(
            lambda s, n=n: (threads.append(threading.current_thread().name), s.write(f"w{n}"))
        )
    assert writer.close(5) == []
    assert store.written == ["w0", "w1", "w2", "w3", "w4"]
    assert set(threads) == {"history-writer"}


def test_a_busy_history_is_waited_out_and_nothing_is_lost() -> None:
    store = FlakyStore()
    notices: list[str] = []
    writer = HistoryWriter(store, on_notice=notices.append, sleep=quick_sleep)
    store.busy.set()
    writer.submit(lambda s: s.write("start"))
    for n in range(50):  # progress while waiting: only the latest is kept
        writer.submit(lambda s, n=n: s.write(f"progress {n}"), replaces="progress")
    writer.submit(lambda s: s.write("finish"))
    assert not writer.drain(0.2) and writer.trouble == "locked by another program"
    assert writer.pending <= 3
    store.busy.clear()
    assert writer.drain(5)
    assert store.written == ["start", "progress 49", "finish"]
    assert notices[0].startswith("Waiting for the history") and "Nothing is lost" in notices[0]
    assert notices[-1] == "The history is written again: nothing was lost."
    writer.close(1)


def test_a_full_disk_keeps_the_writes_until_it_is_freed() -> None:
    store = FlakyStore()
    notices: list[str] = []
    writer = HistoryWriter(store, on_notice=notices.append, sleep=quick_sleep)
    store.broken.set()
    writer.submit(lambda s: s.write("start"))
    assert not writer.drain(0.1)
    assert "cannot be written just now (the disk is full)" in notices[0]
    store.broken.clear()
    assert writer.drain(5) and store.written == ["start"]
    writer.close(1)


def test_finish_writing_says_what_could_not_be_saved() -> None:
    store = FlakyStore()
    store.busy.set()
    writer = HistoryWriter(store, sleep=quick_sleep)
    writer.submit(lambda s: s.write("finish"), what="how this session ended (stopped)")
    said: list[str] = []
    assert finish_writing(writer, said.append, timeout=0.3) is False
    assert said[0].startswith("Waiting for the history to save this session")
    assert said[-1].startswith("Not saved: how this session ended (stopped).")
    assert store.written == []


def test_a_write_that_is_a_bug_does_not_stop_the_others() -> None:
    store = FlakyStore()
    notices: list[str] = []
    writer = HistoryWriter(store, on_notice=notices.append, sleep=quick_sleep)
    writer.submit(lambda s: 1 / 0)
    writer.submit(lambda s: s.write("after"))
    assert writer.close(5) == [] and store.written == ["after"]
    assert "ZeroDivisionError" in notices[0]


ROUTINE = "name: Hold\ncategory: gentle\ndefaults: {get_ready: 0}\nsteps: [{name: H, hold: 60s}]\n"


def test_progress_is_saved_every_few_seconds_of_a_bout(tmp_path: Path) -> None:
    clock = FakeClock(10.0)
    session = Session(load_text(ROUTINE, path=tmp_path / "hold.yaml"), clock=clock)
    store = HistoryStore.open(tmp_path / "data")
    writer = HistoryWriter(store)
    recorder = SessionRecorder(writer, session, now=lambda: datetime(2026, 11, 1, tzinfo=UTC))
    session.start()
    recorder.started()
    saved = []
    for _ in range(20):  # one look a second, as the clients do, with no event in a hold
        clock.now += 1
        recorder.saw(session.update())
        assert writer.drain(5)
        saved.append(store.sessions()[0].active_seconds)
    # kill -9 at any moment loses less than SAVE_EVERY seconds (plus one write)
    assert all(clock_s - s < SAVE_EVERY + 1 for clock_s, s in zip(range(1, 21), saved, strict=True))
    assert saved[-1] >= 18 and store.sessions()[0].status == "interrupted"
    writer.close(5)
    store.close()


@pytest.mark.parametrize(("late", "excused"), [(1.5, 0.0), (10.0, 10.0)])
def test_a_stall_of_the_process_is_a_pause(tmp_path: Path, late: float, excused: float) -> None:
    clock, real = FakeClock(10.0), FakeClock(10.0)
    session = Session(load_text(ROUTINE, path=tmp_path / "hold.yaml"), clock=clock)
    guard = StallGuard(session, real=real)
    session.start()
    guard.expect(1.0, session.next_wake())  # the client sleeps one second...
    clock.now += 1.0 + late  # ...and wakes `late` seconds after it should have
    real.now += 1.0 + late
    assert guard.check() == pytest.approx(excused)
    session.update()
    assert session.active_seconds == pytest.approx(1.0 + late - excused)
    assert session.position == pytest.approx(1.0 + late - excused)


def test_a_preview_is_not_a_stall(tmp_path: Path) -> None:
    # At --speed 100 the session's clock runs 100 times faster than real time: only real
    # lateness counts.
    clock, real = FakeClock(10.0), FakeClock(10.0)
    session = Session(load_text(ROUTINE, path=tmp_path / "hold.yaml"), clock=clock)
    guard = StallGuard(session, real=real)
    session.start()
    guard.expect(0.01, session.next_wake())
    clock.now += 30.0
    real.now += 0.3
    assert guard.check() == 0.0
