"""The clinician's report (services/report.py): its content for a known history, that it loads
nothing from outside and shows history text as text; and writing it (services/report_files.py):
private, never through a link, never over a file without being told."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from report_sample import NOW, SCRIPT_NOTE, START, make_sample_history

from backroutine.core.history import DB_NAME, EmptyHistory, HistoryStore
from backroutine.services.report import build_report
from backroutine.services.report_charts import date_labels, minutes_labels
from backroutine.services.report_files import ReportFileError, write_report

OUTSIDE = re.compile(r"https?://|<script|@import|url\(|<link|<iframe|<object|<embed", re.I)
SECTIONS = ("glance", "pain", "function", "sessions", "safety", "professional", "notes", "about")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("sample")
    make_sample_history(folder)
    with HistoryStore.open(folder) as store:
        return build_report(store, NOW)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- content --------------------------------------------------------------------------------


def test_every_section_is_there(sample: str) -> None:
    assert sample.startswith("<!DOCTYPE html>")
    for key in SECTIONS:
        assert f'<section id="{key}"' in sample
    assert "Period:</strong> 19 Oct 2026 to 22 Nov 2026 (5 weeks)" in sample


def test_nothing_is_loaded_from_outside(sample: str) -> None:
    assert OUTSIDE.findall(sample) == []
    assert " src=" not in sample and " href=" not in sample


def test_the_charts_are_inline_svg_with_fixed_ids(sample: str) -> None:
    assert sample.count("<svg ") == 3
    for chart in ("pain", "function", "weeks"):
        assert f'id="chart-{chart}"' in sample
    assert "xmlns" not in sample and "<!--" not in sample  # pygal's addresses are gone


def test_the_same_history_makes_the_same_report(tmp_path: Path, sample: str) -> None:
    make_sample_history(tmp_path)
    with HistoryStore.open(tmp_path) as store:
        assert build_report(store, NOW) == sample


def test_a_note_with_markup_appears_as_text(sample: str) -> None:
    assert "alert" in sample
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; it spasmed again" in sample
    assert "<script" not in sample


def test_the_pain_section(sample: str) -> None:
    pain = section(sample, "pain")
    assert "35 check-ins on 35 days" in pain
    assert "starting pain 7; a day counts as clearly better at 4 or below" in pain
    assert "Flare days: 4 Nov 2026, 5 Nov 2026." in pain  # 3 Nov is 1 above the usual level
    assert "Flare day" in pain and "Starting pain of the episode" in pain  # the chart's keys


def test_the_glance(sample: str) -> None:
    glance = section(sample, "glance")
    for label, value in [
        ("Pain now", "2/10"),
        ("Starting pain (this episode)", "7/10 on 19 Oct 2026"),
        ("Flare days in the period", "2"),
        ("Function score (PSFS)", "7/10 (from 2.3)"),
        ("See a professional", "none now"),
    ]:
        assert f'{label}</span><span class="value">{value}</span>' in glance


def test_the_function_section(sample: str) -> None:
    function = section(sample, "function")
    assert "Score now: <strong>7/10</strong>, +4.7 from 2.3" in function
    assert "a meaningful change (2 points or more)" in function
    assert "gardening <em>(removed 21 Oct 2026)</em>" in function
    for name, first, latest in [
        ("putting on socks", 2, "8 (16 Nov 2026)"),
        ("sitting for an hour", 3, "7 (16 Nov 2026)"),
        ("lifting my child", 2, "6 (16 Nov 2026)"),
    ]:
        assert re.search(
            rf"<td[^>]*>{name}</td><td[^>]*>{first}</td><td[^>]*>{re.escape(latest)}", function
        )


def test_the_sessions_section(sample: str) -> None:
    sessions = section(sample, "sessions")
    assert "53 sessions (52 completed) on 34 days, 588 min in all; 1 stopped" in sessions
    assert sessions.count("<tr>") == 6  # a header and five weeks
    assert "16 Nov 2026</td>" in sessions


def test_the_safety_section(sample: str) -> None:
    safety = section(sample, "safety")
    assert "Last answered on 19 Oct 2026, 08:20, to the current questions." in safety
    assert "Marked as checked by a professional on 29 Oct 2026, 08:30." in safety
    assert "<strong>Answered yes:</strong> Stiffness for more than 30 minutes" in safety
    assert safety.count("<strong>Yes</strong>") == 1
    assert safety.count("<td>No</td>") == 18


def test_the_professional_section_says_none_holds(sample: str) -> None:
    assert "None of the app's reasons holds on 22 Nov 2026." in section(sample, "professional")


def test_reasons_to_see_a_professional_are_listed(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        for day in range(3):
            store.add_checkin(at=START + timedelta(days=day), pain=9)
        store.save_red_flags(["fever_unwell"], at=START)
        report = build_report(store, START + timedelta(days=2, hours=1))
    professional = section(report, "professional")
    assert '<li class="urgency-today"><strong>See a doctor today:</strong>' in professional
    assert '<li class="urgency-soon"><strong>See someone soon:</strong>' in professional
    assert "See a doctor today</span>" in section(report, "glance")


def test_since_limits_the_period(tmp_path: Path) -> None:
    make_sample_history(tmp_path)
    with HistoryStore.open(tmp_path) as store:
        report = build_report(store, NOW, since=date(2026, 11, 9))
    assert "Period:</strong> 9 Nov 2026 to 22 Nov 2026 (2 weeks)" in report
    assert SCRIPT_NOTE[:10] not in report  # a note of 4 Nov
    assert "Back to cycling to work." in report
    assert "14 check-ins on 14 days" in report
    with HistoryStore.open(tmp_path) as store, pytest.raises(ValueError, match="after today"):
        build_report(store, NOW, since=date(2026, 11, 23))


def test_an_empty_history_makes_a_report_that_says_so() -> None:
    report = build_report(EmptyHistory(), NOW)
    assert "No pain check-ins in this period." in report
    assert "No activities have been named yet." in report
    assert "No sessions in this period." in report
    assert "Never answered." in report
    assert "<svg" not in report and OUTSIDE.findall(report) == []


def test_hostile_names_are_text(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.add_activity("<img src=x onerror=alert(1)>", at=START)
        store.add_checkin(at=START, pain=5, ratings=[("<img src=x onerror=alert(1)>", 3)])
        store.add_checkin(at=START + timedelta(days=1), pain=4, note="b </td></tr>")
        session = store.start_session(
            routine_id="x",
            routine_name="<b>R</b>",
            category="<i>odd</i>",
            steps_total=1,
            started_at=START,
        )
        store.finish_session(session, status="completed", steps_done=1, active_seconds=60, at=START)
    # A note the store would refuse, as a tampered file could hold it.
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        db.execute("UPDATE checkins SET note = 'a\u202e' || note WHERE note IS NOT NULL")
    with HistoryStore.open(tmp_path) as store:
        report = build_report(store, START + timedelta(days=2))
    assert "<img" not in report and "<b>R" not in report and "<i>odd" not in report
    assert "&lt;img src=x onerror=alert(1)&gt;" in report
    assert "a\\u202eb &lt;/td&gt;&lt;/tr&gt;" in report  # the override shown, not obeyed
    assert OUTSIDE.findall(report) == []


@pytest.mark.parametrize("days", [1, 365])
def test_a_report_of_one_day_or_a_year(tmp_path: Path, days: int) -> None:
    with HistoryStore.open(tmp_path) as store:
        store.add_activity("walking", at=START)
        for day in range(days):
            at = START + timedelta(days=day)
            store.add_checkin(
                at=at, pain=(day * 7) % 11, ratings=[("walking", day % 11)] if day % 7 == 0 else ()
            )
            session = store.start_session(
                routine_id="g", routine_name="G", category="gentle", steps_total=1, started_at=at
            )
            store.finish_session(
                session, status="completed", steps_done=1, active_seconds=300, at=at
            )
        report = build_report(store, START + timedelta(days=days - 1, hours=12))
    assert report.count("<svg ") == 3
    assert OUTSIDE.findall(report) == []
    assert f"{days} check-ins on {days} days" in report


def test_date_labels_and_minute_steps() -> None:
    # Mondays from the week of the start to the Monday after the end; about ten at most.
    assert date_labels(date(2026, 10, 21), date(2026, 11, 2)) == [
        date(2026, 10, 19), date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9)
    ]  # fmt: skip
    assert len(date_labels(date(2025, 11, 1), date(2026, 11, 1))) <= 12
    assert minutes_labels(137) == [0, 20, 40, 60, 80, 100, 120, 140]
    assert minutes_labels(1) == [0, 5]


def section(report: str, key: str) -> str:
    start = report.index(f'<section id="{key}"')
    return report[start : report.index("</section>", start)]


# -- writing --------------------------------------------------------------------------------


TODAY = date(2026, 11, 22)


def test_the_default_place_is_a_private_reports_folder(tmp_path: Path) -> None:
    data = tmp_path / "missing" / "data"
    first = write_report("<p>1</p>", data_dir=data, today=TODAY)
    assert first == data / "reports" / "report-2026-11-22.html"
    assert first.read_text(encoding="utf-8") == "<p>1</p>"
    assert mode(first) == 0o600
    assert mode(first.parent) == mode(data) == 0o700


def test_a_report_of_the_same_day_never_overwrites(tmp_path: Path) -> None:
    paths = [write_report(f"<p>{n}</p>", data_dir=tmp_path, today=TODAY) for n in range(3)]
    assert [p.name for p in paths] == [
        "report-2026-11-22.html",
        "report-2026-11-22-2.html",
        "report-2026-11-22-3.html",
    ]
    assert [p.read_text(encoding="utf-8") for p in paths] == ["<p>0</p>", "<p>1</p>", "<p>2</p>"]


def test_an_open_reports_folder_is_narrowed(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir(mode=0o755)
    os.chmod(tmp_path / "reports", 0o755)
    write_report("x", data_dir=tmp_path, today=TODAY)
    assert mode(tmp_path / "reports") == 0o700


def test_a_reports_link_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "reports").symlink_to(elsewhere)
    with pytest.raises(ReportFileError, match="symbolic link"):
        write_report("x", data_dir=tmp_path / "data", today=TODAY)
    assert list(elsewhere.iterdir()) == []


def test_a_link_named_like_the_report_is_stepped_over(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir(mode=0o700)
    target = tmp_path / "secret.txt"
    target.write_text("keep", encoding="utf-8")
    (tmp_path / "reports" / "report-2026-11-22.html").symlink_to(target)
    path = write_report("x", data_dir=tmp_path, today=TODAY)
    assert path.name == "report-2026-11-22-2.html"
    assert target.read_text(encoding="utf-8") == "keep"


def test_an_explicit_file_is_written_private(tmp_path: Path) -> None:
    out = tmp_path / "for-dr.html"
    assert write_report("<p>a</p>", data_dir=tmp_path / "data", today=TODAY, out=out) == out
    assert mode(out) == 0o600
    assert not (tmp_path / "data").exists()  # nothing made in the data folder


def test_an_existing_explicit_file_is_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "for-dr.html"
    out.write_text("old", encoding="utf-8")
    os.chmod(out, 0o644)
    with pytest.raises(ReportFileError, match=r"already exists.*--force") as caught:
        write_report("new", data_dir=tmp_path, today=TODAY, out=out)
    assert caught.value.exists
    assert out.read_text(encoding="utf-8") == "old"
    write_report("new", data_dir=tmp_path, today=TODAY, out=out, force=True)
    assert out.read_text(encoding="utf-8") == "new"
    assert mode(out) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["for-dr.html"]  # no temporary left


def test_an_explicit_link_is_refused_even_when_forced(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    out = tmp_path / "report.html"
    out.symlink_to(target)
    for force in (False, True):
        with pytest.raises(ReportFileError, match="symbolic link") as caught:
            write_report("x", data_dir=tmp_path, today=TODAY, out=out, force=force)
        assert not caught.value.exists
    assert target.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("where", ["folder", "missing/report.html"])
def test_an_explicit_place_that_is_no_file_is_refused(tmp_path: Path, where: str) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(ReportFileError):
        write_report("x", data_dir=tmp_path, today=TODAY, out=tmp_path / where, force=True)
    assert not (tmp_path / "missing").exists()


def test_a_file_where_the_folder_should_be_is_said(tmp_path: Path) -> None:
    (tmp_path / "reports").write_text("not a folder", encoding="utf-8")
    with pytest.raises(ReportFileError, match="is a file, not a folder"):
        write_report("x", data_dir=tmp_path, today=TODAY)


def test_a_folder_that_cannot_be_written_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "reports").mkdir(mode=0o500)
    real_open = os.open

    def refused(path: str | os.PathLike[str], flags: int, mode: int = 0o777) -> int:
        if flags & os.O_CREAT:  # as for any user but root in a folder with no write bit
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", refused)
    with pytest.raises(ReportFileError, match="cannot write the report"):
        write_report("x", data_dir=tmp_path, today=TODAY)


# -- corrected check-ins ------------------------------------------------------------------------


def test_corrected_and_deleted_check_ins_are_marked(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path) as store:
        typo = store.add_checkin(at=START, pain=1, note="meant <b>10</b>")
        gone = store.add_checkin(at=START + timedelta(days=1), pain=0)
        store.add_checkin(at=START + timedelta(days=2), pain=6)
        assert typo.uid is not None and gone.uid is not None
        store.correct_checkin(
            typo.uid, at=START + timedelta(days=2, hours=1), pain=10, note="meant <b>10</b>"
        )
        store.delete_checkin(gone.uid, at=START + timedelta(days=2, hours=2))
        report = build_report(store, START + timedelta(days=3))
    fixed = section(report, "corrections")
    assert "<td>pain 1</td><td>pain 10</td>" in fixed.replace('<td class="nowrap">', "<td>")
    assert "<td>pain 0</td><td>deleted (not counted)</td>" in fixed.replace(
        '<td class="nowrap">', "<td>"
    )
    notes = section(report, "notes")
    assert "10 <small>(corrected; first 1)</small>" in notes
    assert "meant &lt;b&gt;10&lt;/b&gt;" in notes
    # The figures use the check-ins as they are now: 10 then 6, the deleted 0 left out.
    assert "2 check-ins on 2 days" in section(report, "pain")
    assert "first 10, last 6" in section(report, "pain")


def test_a_report_without_corrections_has_no_such_section(sample: str) -> None:
    assert 'id="corrections"' not in sample
