"""Where studyapp keeps things: bundled content, the progress database, the config file.

``STUDYAPP_HOME`` puts data and config in one folder (the tests use it to stay out of
the real home directory); otherwise the platform's user data and config folders are used.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "studyapp"
HOME_VARIABLE = "STUDYAPP_HOME"
DB_NAME = "progress.sqlite3"
CONFIG_NAME = "config.toml"

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_content_dir() -> Path:
    """The decks that ship with the app.

    An installed wheel carries them as ``studyapp/content``; a source checkout
    (editable install) keeps them in ``content/`` beside the package.
    """
    inside = _PACKAGE_DIR / "content"
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent / "content"


def _home() -> Path | None:
    value = os.environ.get(HOME_VARIABLE, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    home = _home()
    if home is not None:
        return home
    import platformdirs

    return platformdirs.user_data_path(APP_NAME)


def config_dir() -> Path:
    home = _home()
    if home is not None:
        return home
    import platformdirs

    return platformdirs.user_config_path(APP_NAME)


def cache_dir() -> Path:
    """Where caches go (the parsed content): nothing there is needed, all of it can be rebuilt."""
    home = _home()
    if home is not None:
        return home / "cache"
    import platformdirs

    return platformdirs.user_cache_path(APP_NAME)


def default_db_path() -> Path:
    return data_dir() / DB_NAME


def config_path() -> Path:
    return config_dir() / CONFIG_NAME


def user_decks_dir() -> Path:
    """The learner's own decks (``studyapp new-deck``, ``studyapp import``): loaded beside the
    bundled ones by every command and the study app."""
    return data_dir() / "decks"
