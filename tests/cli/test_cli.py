"""Each CLI command's output and exit code, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backroutine import __version__
from backroutine.core import paths
from backroutine.core.loading import load_routine
from backroutine.core.schema import SCHEMA_FILE_NAME

GOOD = "name: Knee hugs\ncategory: yoga\nsteps:\n  - {name: Hug, hold: 30s, sides: both}\n"


def test_version(cli) -> None:
    result = cli("--version")
    assert result.code == 0
    assert result.out.strip() == f"backroutine {__version__}"


def test_no_command_prints_help(cli) -> None:
    result = cli()
    assert result.code == 0
    assert "validate" in result.out and "list" in result.out


def test_unknown_command_is_a_usage_error(cli) -> None:
    result = cli("dance")
    assert result.code == 2
    assert "invalid choice" in result.err


# -- list ----------------------------------------------------------------------------------


def test_list_json_shows_the_bundled_library(cli) -> None:
    result = cli("list", "--json")
    assert result.code == 0
    items = json.loads(result.out)
    assert len(items) >= 12
    for item in items:
        assert {"id", "name", "category", "total_seconds", "source", "path"} <= set(item)
        assert item["source"] == "bundled"
        assert Path(item["path"]).is_file()
    by_category = {
        c: [i for i in items if i["category"] == c] for c in ("gentle", "yoga", "strengthening")
    }
    assert all(len(group) >= 3 for group in by_category.values())


def test_list_text_groups_by_category(cli) -> None:
    result = cli("list")
    assert result.code == 0
    assert result.out.index("Gentle") < result.out.index("Yoga") < result.out.index("Strengthening")
    assert "desk-break" in result.out


def test_user_routine_replaces_a_bundled_one(cli, data_dir: Path, write) -> None:
    write("desk-break.yaml", GOOD.replace("Knee hugs", "My desk break"), data_dir / "routines")
    write("extra.yaml", GOOD, data_dir / "routines")
    result = cli("list", "--json")
    items = {i["id"]: i for i in json.loads(result.out)}
    assert items["desk-break"]["source"] == "user"
    assert items["desk-break"]["name"] == "My desk break"
    assert items["desk-break"]["replaces"].endswith("desk-break.yaml")
    assert items["extra"]["source"] == "user"
    assert "replaces the bundled one" in result.err
    text = cli("list")
    assert "yours, replaces bundled" in text.out


def test_data_dir_option_beats_the_environment(cli, tmp_path: Path, write) -> None:
    other = tmp_path / "other"
    write("mine.yaml", GOOD, other / "routines")
    assert "mine" not in {i["id"] for i in json.loads(cli("list", "--json").out)}
    for args in (
        ("--data-dir", str(other), "list", "--json"),
        ("list", "--json", "--data-dir", str(other)),
    ):
        assert "mine" in {i["id"] for i in json.loads(cli(*args).out)}


def test_a_broken_user_routine_is_left_out_with_a_warning(cli, data_dir: Path, write) -> None:
    write("broken.yaml", "name: [\n", data_dir / "routines")
    result = cli("list", "--json")
    assert result.code == 0
    assert "broken" not in {i["id"] for i in json.loads(result.out)}
    assert "left out" in result.err and "backroutine validate" in result.err


def test_platform_data_folder_is_used_without_the_variable(monkeypatch) -> None:
    monkeypatch.delenv("BACKROUTINE_HOME")
    folder = paths.data_dir()
    assert folder.name == "backroutine"


# -- show ----------------------------------------------------------------------------------


def test_show_json_by_path(cli, write) -> None:
    path = write("hugs.yaml", GOOD)
    result = cli("show", str(path), "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["id"] == "hugs" and data["name"] == "Knee hugs" and data["category"] == "yoga"
    assert data["total_seconds"] == 5 + 30 + 10 + 30
    first = data["timeline"][0]
    assert first == {
        "kind": "get_ready",
        "step": 0,
        "name": "Hug",
        "seconds": 5,
        "start": 0,
        "set": 1,
        "sets": 1,
        "side": "left",
    }
    assert [s["kind"] for s in data["timeline"]] == ["get_ready", "work", "rest", "work"]


def test_show_text_by_id(cli) -> None:
    result = cli("show", "desk-break")
    assert result.code == 0
    for part in ("Desk break", "Cautions:", "Timeline:", "get ready", "Total: 2:49 (169 s)"):
        assert part in result.out


def test_show_unknown_id_suggests(cli) -> None:
    result = cli("show", "desk-brake")
    assert result.code == 1
    assert 'no routine with the id "desk-brake"' in result.err
    assert "desk-break" in result.err
    assert "Traceback" not in result.err


def test_show_bad_file_lists_its_problems(cli, write) -> None:
    path = write("bad.yaml", "name: R\ncategory: gentle\nsteps:\n  - {name: A, reps: 0}\n")
    result = cli("show", str(path))
    assert result.code == 1
    assert f"{path}:4:21: steps[0].reps: 0 is out of range" in result.err


def test_show_by_id_of_a_broken_user_routine_says_why(cli, data_dir: Path, write) -> None:
    write("mine.yaml", "name: Mine\ncategory: gentle\nsteps:\n  - {name: A, hodl: 5}\n",
          data_dir / "routines")  # fmt: skip
    result = cli("show", "mine")
    assert result.code == 1
    assert "mine.yaml:4:15: steps[0].hodl" in result.err


def test_show_missing_path(cli) -> None:
    result = cli("show", "/nonexistent/x.yaml")
    assert result.code == 1 and "no such file" in result.err


# -- validate ------------------------------------------------------------------------------


def test_validate_good_file(cli, write) -> None:
    result = cli("validate", str(write("ok.yaml", GOOD)))
    assert result.code == 0
    assert result.out.strip() == "1 file checked: all valid."


def test_validate_reports_every_error_and_a_summary(cli, write) -> None:
    bad = write("bad.yaml", "name: R\ncategory: gentel\nsteps:\n  - {name: A, hodl: 5}\n")
    good = write("ok.yaml", GOOD)
    result = cli("validate", str(good), str(bad))
    assert result.code == 1
    lines = result.out.strip().splitlines()
    assert lines[0].startswith(f"{bad}:2:11: category:")
    assert lines[1].startswith(f"{bad}:4:15: steps[0].hodl:")
    assert lines[-1] == "2 files checked: 1 valid, 1 invalid (2 problems)."


def test_validate_folder_recursively(cli, tmp_path: Path, write) -> None:
    folder = tmp_path / "lib"
    write("a.yaml", GOOD, folder)
    write("deep/b.yml", GOOD.replace("Knee hugs", "B"), folder)
    write("notes.txt", "not a routine", folder)
    write(".hidden/c.yaml", "broken: [", folder)
    result = cli("validate", str(folder))
    assert result.code == 0, result.out
    assert "2 files checked: all valid." in result.out


def test_validate_duplicate_ids(cli, tmp_path: Path, write) -> None:
    write("a.yaml", "id: same\n" + GOOD, tmp_path / "x")
    write("b.yaml", "id: same\n" + GOOD, tmp_path / "x")
    result = cli("validate", str(tmp_path / "x"))
    assert result.code == 1
    assert 'b.yaml:1:5: id: the id "same" is already used by' in result.out


def test_validate_missing_and_unreadable_paths(cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("validate", "/nonexistent/routine.yaml", str(empty))
    assert result.code == 1
    assert "/nonexistent/routine.yaml:1:1: no such file; check the path" in result.out
    assert f"{empty}:1:1: is a folder with no .yaml or .yml files in it" in result.out
    assert "Traceback" not in result.out + result.err


def test_validate_empty_path_is_not_the_current_folder(cli) -> None:
    result = cli("validate", "")
    assert result.code == 1
    assert "an empty path" in result.out
    assert result.out.strip().endswith("1 file checked: 0 valid, 1 invalid (1 problem).")


def test_validate_needs_a_path(cli) -> None:
    result = cli("validate")
    assert result.code == 2
    assert "PATH" in result.err


def test_validate_json(cli, write) -> None:
    bad = write("bad.yaml", "name: R\ncategory: gentle\nsteps: []\n")
    result = cli("validate", "--json", str(bad))
    assert result.code == 1
    report = json.loads(result.out)
    assert report["invalid"] == [str(bad)]
    assert report["problems"][0]["line"] == 3 and report["problems"][0]["field"] == "steps"


def test_validate_the_bundled_library(cli) -> None:
    result = cli("validate", str(paths.bundled_routines_dir()))
    assert result.code == 0, result.out


# -- new -----------------------------------------------------------------------------------


def test_new_writes_a_valid_starter_and_never_overwrites(cli, data_dir: Path) -> None:
    result = cli("new", "My Morning Ease", "--category", "yoga")
    assert result.code == 0
    path = Path(result.out.strip())
    assert path == data_dir / "routines" / "my-morning-ease.yaml"
    text = path.read_text()
    assert text.startswith(f"# yaml-language-server: $schema=./{SCHEMA_FILE_NAME}\n")
    assert (path.parent / SCHEMA_FILE_NAME).is_file()
    routine = load_routine(path)
    assert routine.name == "My Morning Ease" and routine.category == "yoga"
    assert {s.kind for s in routine.steps} == {"hold", "reps", "duration", "rest"}

    path.write_text(text + "# my edits\n")
    again = cli("new", "My Morning Ease")
    assert again.code == 1
    assert "already exists" in again.err
    assert path.read_text().endswith("# my edits\n")  # untouched
    # the new routine shows in the library as the user's
    items = {i["id"]: i for i in json.loads(cli("list", "--json").out)}
    assert items["my-morning-ease"]["source"] == "user"


@pytest.mark.parametrize("name", ['Quote " and: colon', "Ünïcödé stretch", "#hash start"])
def test_new_quotes_any_name_safely(cli, name: str) -> None:
    result = cli("new", name)
    assert result.code == 0, result.err
    assert load_routine(Path(result.out.strip())).name == name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("new", "!!!"), "no letters or digits"),
        (("new", ""), "1 to 80 characters"),
        (("new", "x" * 81), "1 to 80 characters"),
        (("new", "Ok", "--category", "cardio"), "invalid choice"),
    ],
)
def test_new_refuses_bad_names(cli, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.code == 2
    assert message in result.err


def test_new_into_an_unwritable_place(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = cli("--data-dir", str(blocker), "new", "Ok")
    assert result.code == 1
    assert "is a file, not a folder" in result.err
    result = cli("--data-dir", str(blocker / "below"), "new", "Ok")
    assert result.code == 1
    assert "cannot create the folder" in result.err


# -- schema --------------------------------------------------------------------------------


def test_schema_is_json_schema(cli) -> None:
    result = cli("schema")
    assert result.code == 0
    schema = json.loads(result.out)
    assert schema["$schema"].startswith("http://json-schema.org/draft-07")
    assert schema["required"] == ["name", "category", "steps"]


def test_unexpected_errors_are_one_clear_line(cli, monkeypatch) -> None:
    def boom(args: object) -> int:
        raise RuntimeError("kaput")

    monkeypatch.setattr("backroutine.cli.routines.cmd_schema", boom)
    result = cli("schema")
    assert result.code == 70
    assert "unexpected error: RuntimeError: kaput" in result.err


def test_show_by_id_finds_a_user_routine_under_another_file_name(
    cli, data_dir: Path, write
) -> None:
    write(
        "whatever.yaml",
        "id: desk-break\n" + GOOD.replace("Knee hugs", "Mine"),
        data_dir / "routines",
    )
    result = cli("show", "desk-break", "--json")
    assert json.loads(result.out)["name"] == "Mine"


def test_show_by_id_when_the_file_name_differs_from_the_id(cli, data_dir: Path, write) -> None:
    write("file-name.yaml", "id: other-id\n" + GOOD, data_dir / "routines")
    assert json.loads(cli("show", "other-id", "--json").out)["name"] == "Knee hugs"
