"""The routine cache: the list comes from it for unchanged files, never a stale routine."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from backroutine.core import library, loading, routine_cache
from backroutine.core.errors import RoutineError
from backroutine.core.library import find_routine, load_library
from backroutine.core.routine_cache import CACHE_NAME, RoutineCache

MINE = "name: Mine\ncategory: gentle\nsummary: {summary}\nsteps: [{{name: Walk, duration: 30s}}]\n"


@pytest.fixture
def data(_isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """BACKROUTINE_HOME with a routines folder; files count as settled as soon as written."""
    monkeypatch.setattr(routine_cache, "RACY_NS", 0)
    (_isolated_home / "routines").mkdir(parents=True)
    return _isolated_home


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The routine files read (parsed) from now on."""
    read: list[str] = []
    real = loading.load_routine

    def counting(path: Path | str, **kwargs: object):
        read.append(Path(path).name)
        return real(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "load_routine", counting)
    return read


def write(data: Path, name: str = "mine.yaml", summary: str = "One.") -> Path:
    path = data / "routines" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MINE.format(summary=summary), encoding="utf-8")
    return path


def cache_file(data: Path) -> Path:
    return data / "cache" / CACHE_NAME


def test_a_second_start_reads_no_file(data: Path, reads: list[str]) -> None:
    write(data)
    first = load_library(data)
    assert "mine.yaml" in reads and len(reads) > 10  # the bundled ones too
    reads.clear()
    again = load_library(data)
    assert reads == []
    mine = again.get("mine")
    assert mine is not None and mine.source == "user" and mine.seconds == 30
    assert (mine.name, mine.category, mine.level, mine.summary) == ("Mine", "gentle", None, "One.")
    assert [e.id for e in again] == [e.id for e in first]
    for cached, fresh in zip(again, first, strict=True):
        assert (cached.name, cached.seconds, cached.path) == (fresh.name, fresh.seconds, fresh.path)
    assert reads == []
    assert mine.routine.summary == "One." and reads == ["mine.yaml"]  # read when opened


def test_the_cache_lives_outside_the_routines_folder_and_is_private(data: Path) -> None:
    write(data)
    load_library(data)
    assert sorted(p.name for p in (data / "routines").iterdir()) == ["mine.yaml"]
    assert stat.S_IMODE(cache_file(data).stat().st_mode) == 0o600
    assert stat.S_IMODE(cache_file(data).parent.stat().st_mode) == 0o700
    assert not [p for p in cache_file(data).parent.iterdir() if p.name != CACHE_NAME]


def test_a_changed_file_is_read_again_same_size_new_mtime(data: Path, reads: list[str]) -> None:
    path = write(data, summary="One.")
    load_library(data)
    before = path.stat()
    write(data, summary="Two.")  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert path.stat().st_size == before.st_size
    reads.clear()
    mine = load_library(data).get("mine")
    assert reads == ["mine.yaml"]
    assert mine is not None and mine.summary == "Two." and mine.routine.summary == "Two."


def test_a_file_replaced_with_its_old_mtime_is_read_again(data: Path, reads: list[str]) -> None:
    path = write(data, summary="One.")
    load_library(data)
    before = path.stat()
    other = write(data, "other.txt", summary="Two.")
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, path)  # cp -p then mv: same size and mtime, another file
    reads.clear()
    mine = load_library(data).get("mine")
    assert reads == ["mine.yaml"] and mine is not None and mine.summary == "Two."


def test_a_removed_file_disappears(data: Path) -> None:
    path = write(data)
    load_library(data)
    path.unlink()
    assert load_library(data).get("mine") is None
    assert str(path) not in json.loads(cache_file(data).read_text())["files"]


def test_a_file_broken_since_is_reported_not_listed(data: Path) -> None:
    path = write(data)
    load_library(data)
    path.write_text("name: Mine\n", encoding="utf-8")
    again = load_library(data)
    assert again.get("mine") is None and again.problems
    assert str(path) not in json.loads(cache_file(data).read_text())["files"]


def test_files_with_problems_are_never_cached(data: Path, reads: list[str]) -> None:
    (data / "routines" / "broken.yaml").write_text("name: Broken\n", encoding="utf-8")
    load_library(data)
    reads.clear()
    assert load_library(data).problems and reads == ["broken.yaml"]


def test_a_cue_sound_file_that_has_gone_makes_the_routine_read_again(data: Path) -> None:
    folder = data / "routines"
    (folder / "ding.wav").write_bytes(b"RIFF")
    (folder / "cued.yaml").write_text(
        "name: Cued\ncategory: gentle\nsteps:\n"
        "  - {name: Hold, hold: 10s, cues: [{at: 50%, sound: ding.wav}]}\n",
        encoding="utf-8",
    )
    assert load_library(data).get("cued") is not None
    (folder / "ding.wav").unlink()
    again = load_library(data)
    assert again.get("cued") is None and again.problems


def test_a_routine_changed_after_the_list_is_read_when_opened(data: Path) -> None:
    path = write(data)
    load_library(data)
    mine = load_library(data).get("mine")  # from the cache
    assert mine is not None
    path.write_text("name: Mine\n", encoding="utf-8")
    with pytest.raises(RoutineError):
        mine.routine  # noqa: B018


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b'{"stamp": 1, "files": []}',
        b"[" * 100_000,
    ],
)
def test_a_corrupt_cache_is_ignored_and_rebuilt(
    data: Path, reads: list[str], content: bytes
) -> None:
    write(data)
    load_library(data)
    cache_file(data).write_bytes(content)
    reads.clear()
    assert load_library(data).get("mine") is not None and "mine.yaml" in reads
    reads.clear()
    load_library(data)
    assert reads == []  # rebuilt


def test_malformed_records_are_read_again(data: Path, reads: list[str]) -> None:
    path = write(data)
    load_library(data)
    document = json.loads(cache_file(data).read_text())
    record = document["files"][str(path)]
    for broken in (None, "x", record[:5], [*record[:4], 7, *record[5:]], [*record[:6], "odd", *record[7:]]):  # fmt: skip
        document["files"][str(path)] = broken
        cache_file(data).write_text(json.dumps(document))
        reads.clear()
        mine = load_library(data).get("mine")
        assert reads == ["mine.yaml"] and mine is not None and mine.category == "gentle"


def test_a_cache_of_another_version_is_ignored(
    data: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(data)
    load_library(data)
    monkeypatch.setattr(routine_cache, "__version__", "99.0")
    reads.clear()
    load_library(data)
    assert "mine.yaml" in reads
    reads.clear()
    load_library(data)
    assert reads == []  # and rebuilt for this version
    monkeypatch.setattr(routine_cache, "FORMAT", routine_cache.FORMAT + 1)
    load_library(data)
    assert "mine.yaml" in reads


def test_a_cache_others_can_write_or_a_link_is_ignored(data: Path, reads: list[str]) -> None:
    write(data)
    load_library(data)
    os.chmod(cache_file(data), 0o666)
    reads.clear()
    load_library(data)
    assert "mine.yaml" in reads
    elsewhere = data / "elsewhere.json"
    os.replace(cache_file(data), elsewhere)
    os.chmod(elsewhere, 0o600)
    cache_file(data).symlink_to(elsewhere)
    reads.clear()
    load_library(data)
    assert "mine.yaml" in reads
    assert not cache_file(data).is_symlink()  # replaced by a file of its own


def test_a_cache_that_cannot_be_written_is_no_error(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(data)

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(routine_cache.os, "replace", refuse)
    assert load_library(data).get("mine") is not None
    assert os.listdir(data / "cache") == []  # the temporary file is gone


def test_a_read_only_cache_folder_is_no_error(
    data: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(data)
    (data / "cache").mkdir(mode=0o500)

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        # What a folder without the write bit does, for anyone but root (tests may run as root).
        raise PermissionError(13, "Permission denied")

    import tempfile  # the cache imports it when it writes

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    try:
        assert load_library(data).get("mine") is not None
        reads.clear()
        assert load_library(data).get("mine") is not None and "mine.yaml" in reads  # uncached
        assert os.listdir(data / "cache") == []
    finally:
        os.chmod(data / "cache", 0o700)


def test_a_file_where_the_cache_folder_goes_is_left_alone(data: Path) -> None:
    write(data)
    (data / "cache").write_text("mine", encoding="utf-8")
    assert load_library(data).get("mine") is not None
    assert (data / "cache").read_text(encoding="utf-8") == "mine"


def test_no_data_folder_is_made_for_a_cache(_isolated_home: Path) -> None:
    assert load_library(_isolated_home).get("desk-break") is not None
    assert not _isolated_home.exists()


def test_a_file_just_changed_is_read_again_next_time(
    data: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routine_cache, "RACY_NS", 60 * 10**9)  # all files are "just changed"
    write(data)
    load_library(data)
    reads.clear()
    load_library(data)
    assert "mine.yaml" in reads  # its mtime may not have ticked since: not trusted yet


def test_find_routine_uses_the_cache_and_reads_the_one_found(data: Path, reads: list[str]) -> None:
    for n in range(5):
        write(data, f"r{n}.yaml")
    write(data, "sub/mine.yaml")
    load_library(data)
    reads.clear()
    entry, _ = find_routine("mine", data)
    assert entry is not None and entry.loaded is not None and reads == ["mine.yaml"]
    reads.clear()
    entry, _ = find_routine("desk-break", data)
    assert entry is not None and entry.source == "bundled" and reads == ["desk-break.yaml"]


def test_the_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BACKROUTINE_HOME", str(tmp_path / "home"))
    assert routine_cache.cache_folder(tmp_path / "home") == (tmp_path / "home" / "cache", False)
    assert routine_cache.cache_folder(tmp_path / "given") == (tmp_path / "given" / "cache", False)
    monkeypatch.delenv("BACKROUTINE_HOME")
    from platformdirs import user_cache_dir, user_data_dir

    default = Path(user_data_dir("backroutine", appauthor=False))
    assert routine_cache.cache_folder(default) == (
        Path(user_cache_dir("backroutine", appauthor=False)),
        True,
    )


def test_a_cache_is_not_needed(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(data)

    def no_folder(_: Path) -> tuple[Path, bool]:
        raise RuntimeError("no home folder")

    monkeypatch.setattr(routine_cache, "cache_folder", no_folder)
    assert RoutineCache.of(data).folder is None
    assert load_library(data).get("mine") is not None


def test_routine_files_order_and_skips(tmp_path: Path) -> None:
    for rel in ["b.yaml", "a/z.yml", "a-b.YAML", ".hidden.yaml", ".h/x.yaml", "n.txt", "d.yaml/q.yaml"]:  # fmt: skip
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "l.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    found = library.routine_files(tmp_path, recursive=True)
    names = [p.relative_to(tmp_path).as_posix() for p in found]
    assert names == ["a/z.yml", "a-b.YAML", "b.yaml", "d.yaml/q.yaml", "l.yaml"]  # as Paths sort
    top = library.routine_files(tmp_path, recursive=False)
    assert [p.name for p in top] == ["a-b.YAML", "b.yaml", "l.yaml"]
    assert library.routine_files(tmp_path / "missing", recursive=True) == []
