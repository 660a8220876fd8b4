"""Where a command's text goes: stdout, or the ``--out`` file written atomically
(``studyapp.atomic``), never overwriting a file or replacing a symbolic link without ``--force``.

Imported when a command runs, not when the parser is built (``atomic`` costs milliseconds).
"""

from __future__ import annotations

import sys
from pathlib import Path

from studyapp import atomic
from studyapp.commands.common import UsageError


def emit(text: str, out: Path | None, force: bool) -> None:
    """Print ``text`` or write it to ``out`` atomically, never overwriting a file or replacing a
    symbolic link unless ``force``."""
    if out is None:
        sys.stdout.write(text)
        return
    check_out(out, force)
    try:
        atomic.write_text(out, text, force=force)
    except atomic.Refused as exc:  # a file or link that appeared meanwhile
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None


def check_out(out: Path, force: bool) -> None:
    """Refuse an ``--out`` that is a folder, a symbolic link or (without ``force``) an existing
    file, before any work is done: one UsageError line."""
    if out.is_dir() and not out.is_symlink():
        raise UsageError(f"{out} is a folder; --out needs a file name")
    try:
        atomic.check_target(out, force)
    except atomic.Refused as exc:
        raise UsageError(str(exc)) from None
