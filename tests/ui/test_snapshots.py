"""SVG snapshots of the key screens at 80x24 (update with: pytest --snapshot-update)."""

from __future__ import annotations


def test_intro_screen(rig, snap_compare) -> None:
    assert snap_compare(rig.app, terminal_size=(80, 24))


async def steady(pilot) -> None:
    """The screen once the cue's flash is over: the flash ends on a real 0.4 s timer, so a
    snapshot taken at once would show it or not depending on the machine's load."""
    for row in pilot.app.screen.query("#clock-row"):
        row.remove_class("flash")
    await pilot.pause()


def test_player_during_a_hold(rig, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        rig.advance(11)  # Twist, left side, the cue just fired
        await pilot.pause()
        await steady(pilot)

    assert snap_compare(rig.app, terminal_size=(80, 24), run_before=run_before)


def test_player_during_reps(rig, snap_compare) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        rig.advance(28.5)  # Tilt, rep 1, the hold phase
        await pilot.pause()
        await steady(pilot)

    assert snap_compare(rig.app, terminal_size=(80, 24), run_before=run_before)


def test_help_screen(rig, snap_compare) -> None:
    assert snap_compare(rig.app, terminal_size=(80, 24), press=["enter", "question_mark"])


def test_checkin_dialog(rig, snap_compare) -> None:
    """The check-in, every spasm answer on screen (a stylesheet rule once pushed three off)."""

    async def run_before(pilot) -> None:
        from backroutine.ui.screens.checkin import CheckinScreen

        await pilot.app.push_screen(CheckinScreen(pilot.app.save_checkin))
        await pilot.pause()

    assert snap_compare(rig.app, terminal_size=(80, 24), run_before=run_before)


def test_checkin_refusal_and_the_new_bout_question(rig, snap_compare) -> None:
    """After a long gap: the new-bout question first, its default shown; 12 refused, the
    message under the field."""

    async def run_before(pilot) -> None:
        from backroutine.ui.screens.checkin import CheckinScreen

        await pilot.app.push_screen(CheckinScreen(pilot.app.save_checkin, gap_days=35))
        await pilot.pause()
        await pilot.press("1", "2", "enter")
        await pilot.pause()

    assert snap_compare(rig.app, terminal_size=(80, 24), run_before=run_before)


def _home_app(tmp_path, *, answered: bool):
    """The home screen on a fixed day: one check-in and one 31 s session (or, not answered
    yet, the first run's safety questions over it)."""
    from datetime import timedelta

    from backroutine.audio import RecordingPlayer
    from backroutine.core.history import HistoryStore
    from backroutine.ui.app import make_app
    from fakes import FakeClock

    from .conftest import fixed_now

    store = HistoryStore.open(tmp_path / "home")
    now = fixed_now()
    if answered:
        store.save_red_flags([], at=now - timedelta(days=1))
        store.add_checkin(at=now - timedelta(hours=2), pain=4)
        started = now - timedelta(hours=1)
        session = store.start_session(routine_id="desk-break", routine_name="Desk break",
                                      category="gentle", steps_total=5, started_at=started)  # fmt: skip
        store.finish_session(session, status="stopped", steps_done=1, active_seconds=31,
                             at=started + timedelta(seconds=31))  # fmt: skip
    clock = FakeClock()
    app = make_app(store=store, data_dir=tmp_path / "home", clock=clock,
                   player=RecordingPlayer(clock=clock), now=fixed_now)  # fmt: skip
    return app, store


async def _settled(pilot) -> None:
    from .conftest import settle

    await settle(pilot)
    await pilot.pause()


def test_home_at_80x24(tmp_path, snap_compare) -> None:
    """Routines and "Your back" take turns below 100 columns; the footer fits."""
    app, store = _home_app(tmp_path, answered=True)
    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=_settled)
    finally:
        store.close()


def test_safety_questions_at_80x24(tmp_path, snap_compare) -> None:
    """[x] and [ ] boxes, wrapped questions indented, Save in sight below the questions."""
    app, store = _home_app(tmp_path, answered=False)

    async def run_before(pilot) -> None:
        await _settled(pilot)
        await pilot.press("space")

    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
    finally:
        store.close()
