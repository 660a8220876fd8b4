"""Where studyapp finds its bundled content (and, later, its data files)."""

from __future__ import annotations

from pathlib import Path

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
