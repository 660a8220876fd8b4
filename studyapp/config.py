"""Reading the settings file (TOML) under the user's config folder."""

from __future__ import annotations

import tomllib
from pathlib import Path

from studyapp.core.settings import Settings
from studyapp.paths import config_path


def load_settings(path: Path | None = None) -> tuple[Settings, list[str]]:
    """The settings and the problems found; a broken file gives defaults and a message."""
    path = path or config_path()
    if not path.exists():
        return Settings(), []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return Settings(), [f"{path}: cannot read the settings ({exc}); using defaults"]
    except tomllib.TOMLDecodeError as exc:
        return Settings(), [f"{path}: not valid TOML ({exc}); using defaults"]
    settings, errors = Settings.from_dict(data)
    return settings, [f"{path}: {e}; using the default" for e in errors]
