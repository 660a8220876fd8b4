"""Reading and saving the settings file (TOML) under the user's config folder.

Saving edits the file the way a person would: only the settings that changed are rewritten, each
on its own line where the user wrote it (keeping a comment at the end of that line); every other
line — comments, the order of keys, keys this version does not know, even a bad value the user has
not changed yet — is kept as written. The edited text is parsed back before it is written, and
should it ever not mean the new settings plus every unknown key of the old file (a safety net: no
layout is known to need it), the file is written out whole from the merged values: comments would
then be lost, values never. A file that is not valid TOML is never overwritten: it may hold one typo
in an otherwise precious file.
"""

from __future__ import annotations

import os
from pathlib import Path

from studyapp.core.settings import Settings
from studyapp.paths import config_path

# The editing lives in ``studyapp.settings_toml``; it and the TOML parser are imported when there is
# a file to read or a change to save, not by every start (a start without a settings file reads none).


class SettingsSaveError(Exception):
    """The settings could not be saved; ``str()`` is one line for the user."""


def load_settings(path: Path | None = None) -> tuple[Settings, list[str]]:
    """The settings and the problems found; a broken file gives defaults and a message."""
    path = path or config_path()
    if not path.exists():
        return Settings(), []
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return Settings(), [f"{path}: cannot read the settings ({exc}); using defaults"]
    except tomllib.TOMLDecodeError as exc:
        return Settings(), [f"{path}: not valid TOML ({exc}); using defaults"]
    settings, errors = Settings.from_dict(data)
    return settings, [f"{path}: {e}; using the default" for e in errors]


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write ``settings`` to the settings file (atomically) and return the file written.

    Raises SettingsSaveError when the folder or file cannot be written, or when the existing
    file cannot be read or is not valid TOML.
    """
    import tomllib

    from studyapp.settings_toml import settings_toml

    # through a symlink (dotfile managers link the config file) the link's target is updated
    path = Path(os.path.realpath(path or config_path()))
    try:
        old_text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsSaveError(f"cannot read {path} to update it: {_reason(exc)}") from None
    try:
        text = settings_toml(settings, old_text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsSaveError(f"{path} is not valid TOML ({exc}); fix or remove it to save "
                                "the settings") from None
    _write_atomically(path, text)
    return path


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through ``studyapp.atomic`` (never a half-written file), keeping
    the mode of the file it replaces."""
    from studyapp import atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(path, text, force=True, newline="", keep_mode=True)
    except OSError as exc:
        raise SettingsSaveError(f"cannot save the settings to {path}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    return (getattr(exc, "strerror", None) or str(exc)).replace("\n", " ")
