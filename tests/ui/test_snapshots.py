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
