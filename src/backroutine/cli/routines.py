"""The commands about routine files: list, show, validate, new, schema."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from backroutine.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    UserError,
    cells,
    data_dir,
    fit,
    open_history,
    pad,
    print_json,
    quote,
    resolve_routine,
)
from backroutine.core.categories import CATEGORIES

if TYPE_CHECKING:
    from pathlib import Path

    from backroutine.cli.parsing import Commands
    from backroutine.core.progression import Progress


def register(commands: Commands) -> None:
    commands.add("list", "list the bundled routines and your own", cmd_list, _json_option)
    commands.add("show", "show a routine: description, cautions, timeline", cmd_show, _show_options)
    commands.add(
        "validate",
        "check routine files (and folders of them) for mistakes",
        cmd_validate,
        _validate_options,
    )
    commands.add(
        "new", "write a commented starter routine into your routines folder", cmd_new, _new_options
    )
    commands.add("schema", "print the JSON Schema of a routine file", cmd_schema)


def _json_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--json", action="store_true", help="print JSON")


def _show_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("routine", metavar="ROUTINE", help="a routine id or a path to a file")
    _json_option(sub)


def _validate_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("paths", metavar="PATH", nargs="+", help="files or folders")
    _json_option(sub)


def _new_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("name", metavar="NAME", help='the routine\'s name, e.g. "Morning ease"')
    sub.add_argument("--category", choices=CATEGORIES, default="gentle", help="default: gentle")


# -- list ----------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    from backroutine.core.library import load_library
    from backroutine.core.progression import routine_lock

    folder = data_dir(args)
    library = load_library(folder)
    progress = _progress_now(folder)
    rows = []
    # What the list shows comes with each entry (from the routine cache when the file has not
    # changed): no routine file is read again here.
    for entry in sorted(library, key=lambda e: (CATEGORIES.index(e.category), e.name.lower())):
        rows.append(
            {
                "id": entry.id,
                "name": entry.name,
                "category": entry.category,
                "summary": entry.summary,
                "level": entry.level,
                "total_seconds": entry.seconds,
                "source": entry.source,
                "path": str(entry.path),
                "replaces": str(entry.replaces) if entry.replaces else None,
                "locked": routine_lock(progress, entry.category, entry.level),
            }
        )
    if args.json:
        print_json(rows)
    else:
        _print_list(rows)
    for note in library.notes:
        print(f"note: {note}", file=sys.stderr)
    if library.problems:
        bad = sorted({p.file for p in library.problems})
        print(
            f"warning: {len(bad)} routine file(s) left out because of mistakes; "
            f"see them with: backroutine validate {' '.join(quote(b) for b in bad)}",
            file=sys.stderr,
        )
    return EXIT_OK


def _print_list(rows: list[dict[str, Any]]) -> None:
    from backroutine.core.durations import format_clock
    from backroutine.core.text import escaped

    if not rows:
        print("No routines found. Your own go in the routines folder of your data folder.")
        return
    shown = [(r, escaped(r["name"], one_line=True)) for r in rows]
    # Widths in terminal cells, so a name in Chinese or with emoji lines up like any other.
    id_width = max(cells(r["id"]) for r in rows)
    name_width = min(40, max(cells(name) for _, name in shown))
    for category in CATEGORIES:
        group = [(r, name) for r, name in shown if r["category"] == category]
        if not group:
            continue
        print(f"{category.capitalize()} ({len(group)})")
        for r, full_name in group:
            source = (
                "yours, replaces bundled"
                if r["replaces"]
                else ("yours" if r["source"] == "user" else "")
            )
            name = fit(full_name, name_width)
            length = format_clock(r["total_seconds"])
            level = f"L{r['level']}" if r["level"] else "  "
            line = f"  {pad(r['id'], id_width)}  {pad(name, name_width)}  {length:>6}  {level}"
            marks = ", ".join(filter(None, (source, "locked" if r["locked"] else "")))
            print(f"{line}  {marks}".rstrip())
        print()
    locks = {r["locked"] for r in rows if r["locked"]}
    for why in sorted(locks):
        print(f"Locked: {why}")
    if locks:
        print()
    print("Details and the full timeline: backroutine show ID")


def _progress_now(folder: Path) -> Progress:
    """Where the person stands now, read without creating anything (for list and play)."""
    from backroutine.core.clock import local_now
    from backroutine.core.progression import assess_history

    store = open_history(folder, create=False)
    try:
        return assess_history(store, now=local_now())
    finally:
        if store is not None:
            store.close()


# -- show ----------------------------------------------------------------------------------


def cmd_show(args: argparse.Namespace) -> int:
    from backroutine.core.advice import EMERGENCY_SIGNS
    from backroutine.core.timeline import expand

    routine = resolve_routine(args.routine, data_dir(args))
    timeline = expand(routine)
    if args.json:
        print_json(
            {
                "id": routine.id,
                "name": routine.name,
                "category": routine.category,
                "summary": routine.summary,
                "description": routine.description,
                "level": routine.level,
                "equipment": list(routine.equipment),
                "cautions": list(routine.cautions),
                "emergency_signs": EMERGENCY_SIGNS,  # the app's line, the same for every routine
                "references": list(routine.references),
                "path": str(routine.path) if routine.path else None,
                "total_seconds": timeline.total_seconds,
                "timeline": [s.to_dict() for s in timeline.segments],
            }
        )
        return EXIT_OK
    from backroutine.core.text import escaped
    from backroutine.showtext import routine_text

    print(escaped(routine_text(routine, timeline)))  # the file's text, never terminal codes
    return EXIT_OK


# -- validate --------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from backroutine.core.validate import validate_paths

    report = validate_paths(args.paths)
    if args.json:
        print_json(report.to_dict())
    else:
        for problem in report.problems:
            print(problem)
        print(report.summary())
    return EXIT_OK if report.ok else EXIT_INVALID


# -- new -----------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from backroutine.core import paths
    from backroutine.core.loading import MAX_NAME, id_from_stem
    from backroutine.core.schema import SCHEMA_FILE_NAME, schema_json
    from backroutine.core.starter import starter_routine
    from backroutine.core.text import first_unsafe

    name = " ".join(args.name.split())
    if not name or len(name) > MAX_NAME or first_unsafe(name) is not None:
        raise UserError(
            f"a routine name must be 1 to {MAX_NAME} characters of text; "
            f"got {len(name)} characters",
            EXIT_USAGE,
        )
    routine_id = id_from_stem(name)[:64].strip("-")
    if not routine_id:
        raise UserError(
            f'"{name}" has no letters or digits to make a file name from; '
            'use a name such as "Morning ease"',
            EXIT_USAGE,
        )
    folder_of_data = data_dir(args)
    folder = paths.user_routines_dir(folder_of_data)
    target = folder / f"{routine_id}.yaml"
    try:
        # Readable by the owner alone, like the history: it sits beside health data.
        for each in (folder_of_data, folder):
            if each.exists() and not each.is_dir():
                raise UserError(
                    f"{each} is a file, not a folder; choose another data folder with --data-dir"
                )
            if not each.is_dir():
                each.mkdir(mode=0o700, parents=True)
    except OSError as exc:
        raise UserError(
            f"cannot create the folder {exc.filename or folder}: {exc.strerror or exc}; "
            "check the path, or choose another with --data-dir"
        ) from None
    try:
        text = starter_routine(name, args.category, routine_id, str(target))
        # "x" mode: never overwrite, even if the file appears between a check and the write.
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise UserError(
            f"{target} already exists and is left as it is; choose another name, or edit that file"
        ) from None
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None
    schema_path = folder / SCHEMA_FILE_NAME
    try:
        current = schema_path.read_text(encoding="utf-8") if schema_path.exists() else None
        if current != schema_json():
            schema_path.write_text(schema_json(), encoding="utf-8")
    except OSError as exc:
        print(f"warning: cannot write the schema file {schema_path}: {exc}", file=sys.stderr)
    print(target)
    print(
        f"Edit it, then check it with: backroutine validate {quote(str(target))}",
        file=sys.stderr,
    )
    return EXIT_OK


# -- schema --------------------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace) -> int:
    from backroutine.core.schema import schema_json

    sys.stdout.write(schema_json())
    return EXIT_OK
