"""Where things live: the user's data folder and the files bundled with the package."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

APP_NAME = "backroutine"
HOME_VARIABLE = "BACKROUTINE_HOME"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir, else $BACKROUTINE_HOME, else the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    from backroutine.settings import home_from_env  # the one reader of BACKROUTINE_*

    env = home_from_env()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir  # only here: it is not needed otherwise

    return Path(user_data_dir(APP_NAME, appauthor=False))


def user_routines_dir(data: Path) -> Path:
    return data / "routines"


@cache
def _bundled(name: str) -> Path:
    package = Path(__file__).resolve().parent.parent
    installed = package / name  # inside an installed wheel
    if installed.is_dir():
        return installed
    checkout = package.parent.parent / name  # a source checkout or an editable install
    if checkout.is_dir():
        return checkout
    return installed  # missing: callers report it (doctor, list)


def bundled_routines_dir() -> Path:
    return _bundled("routines")


def bundled_sounds_dir() -> Path:
    return _bundled("sounds")


def figures_dir() -> Path:
    return bundled_routines_dir() / "figures"


@cache
def bundled_sound_names() -> frozenset[str]:
    folder = bundled_sounds_dir()
    try:
        return frozenset(p.stem for p in folder.glob("*.wav"))
    except OSError:
        return frozenset()


@cache
def figure_names() -> frozenset[str]:
    try:
        return frozenset(p.stem for p in figures_dir().glob("*.txt"))
    except OSError:
        return frozenset()


@cache
def figure_text(name: str) -> str:
    return (figures_dir() / f"{name}.txt").read_text(encoding="utf-8").rstrip("\n")
