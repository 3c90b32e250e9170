"""Checking many routine files at once: what `backroutine validate` does.

Each file lists at most MAX_PROBLEMS problems (then one line saying how many more): the
report's `problems` are what is shown, `problem_count` counts them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from backroutine.core.errors import Problem, RoutineError
from backroutine.core.library import routine_files
from backroutine.core.loading import load_routine
from backroutine.core.yamldoc import Mark


@dataclass(slots=True)
class Report:
    checked: int = 0
    invalid_files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # as shown: capped per file
    valid_files: list[str] = field(default_factory=list)
    problem_count: int = 0  # every problem found, listed or not

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.problem_count += 1

    @property
    def ok(self) -> bool:
        return not self.invalid_files and self.checked > 0

    def summary(self) -> str:
        if self.checked == 0:
            return "No routine files checked."
        files = "file" if self.checked == 1 else "files"
        if not self.invalid_files:
            return f"{self.checked} {files} checked: all valid."
        count = self.problem_count
        problems = "problem" if count == 1 else "problems"
        return (
            f"{self.checked} {files} checked: {len(self.valid_files)} valid, "
            f"{len(self.invalid_files)} invalid ({count} {problems})."
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "checked": self.checked,
            "valid": self.valid_files,
            "invalid": self.invalid_files,
            "problems": [p.to_dict() for p in self.problems],
            "problem_count": self.problem_count,
        }


def validate_paths(given: list[str]) -> Report:
    report = Report()
    seen_ids: dict[str, str] = {}
    for text in given:
        path = Path(text)
        if not text.strip():  # Path("") is the current folder: never what was meant
            report.checked += 1
            report.invalid_files.append(text)
            report.add(Problem('""', 1, 1, "", "an empty path; give a file or folder"))
            continue
        if path.is_dir():
            files = routine_files(path, recursive=True)
            if not files:
                report.checked += 1
                report.invalid_files.append(text)
                report.add(Problem(text, 1, 1, "", "is a folder with no .yaml or .yml files in it"))
                continue
            labels = [(f, str(f)) for f in files]
        else:
            labels = [(path, text)]
        for file, label in labels:
            report.checked += 1
            try:
                routine = load_routine(file, shown_as=label)
            except RoutineError as exc:
                report.invalid_files.append(label)
                report.problems.extend(exc.problems)
                report.problem_count += exc.total
                continue
            first = seen_ids.get(routine.id)
            if first is not None:
                report.invalid_files.append(label)
                report.add(
                    Problem(
                        label,
                        *_id_mark(file),
                        "id",
                        f'the id "{routine.id}" is already used by {first}; ids must be '
                        "unique (set another id, or rename the file)",
                    )
                )
                continue
            seen_ids[routine.id] = label
            report.valid_files.append(label)
    return report


def _id_mark(path: Path) -> Mark:
    """Where the id is written, or the top of the file when it comes from the file name."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("id:"):
                return number, 5
    except (OSError, UnicodeDecodeError):
        pass
    return 1, 1
