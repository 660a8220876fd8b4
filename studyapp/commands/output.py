"""Where a command's text goes: stdout, or the ``--out`` file written atomically
(``studyapp.atomic``), never overwriting a file or replacing a symbolic link without ``--force``.

Imported when a command runs, not when the parser is built (``atomic`` costs milliseconds).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from studyapp import atomic
from studyapp.commands.common import UsageError


def emit(text: str | bytes | Iterator[bytes], out: Path | None, force: bool) -> None:
    """Print ``text`` or write it to ``out`` atomically, never overwriting a file or replacing a
    symbolic link unless ``force``. Bytes (UTF-8, or pieces of it as they are made) go out as
    they are."""
    if out is None:
        _print(text)
        return
    check_out(out, force)
    try:
        if isinstance(text, str):
            atomic.write_text(out, text, force=force)
        else:
            atomic.write_bytes(out, [text] if isinstance(text, bytes) else text, force=force)
    except atomic.Refused as exc:  # a file or link that appeared meanwhile
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None


def _print(text: str | bytes | Iterator[bytes]) -> None:
    if isinstance(text, str):
        sys.stdout.write(text)
        return
    parts = [text] if isinstance(text, bytes) else text
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a stdout that takes only text (a test's StringIO)
        sys.stdout.write(b"".join(parts).decode())
        return
    sys.stdout.flush()  # whatever text went before comes first
    buffer.writelines(parts)
    buffer.flush()


def check_out(out: Path, force: bool) -> None:
    """Refuse an ``--out`` that is a folder, a symbolic link or (without ``force``) an existing
    file, before any work is done: one UsageError line."""
    if out.is_dir() and not out.is_symlink():
        raise UsageError(f"{out} is a folder; --out needs a file name")
    try:
        atomic.check_target(out, force)
    except atomic.Refused as exc:
        raise UsageError(str(exc)) from None
