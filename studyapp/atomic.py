"""Writing a file all at once: a temporary file beside it, renamed into place.

Every file studyapp writes goes through here: ``--out`` of every command, class sets of
worksheets, Anki and CSV exports, the settings file. A reader never sees half a file, and a write
that fails part-way (a full disk, a file-size limit, an interrupted process) leaves the old file
or nothing, never a truncated file that would block the retry with "already exists".

The rules for the path written:

- an existing file is replaced only with ``force``; without it the rename is done with
  ``os.link``, which refuses atomically when a file appeared meanwhile;
- a symbolic link (dangling or not) is refused unless ``force``; with it, the *link itself* is
  replaced by the new file and whatever it pointed to is left alone. Following the link would
  write outside the folder the user named, which is what a planted link is for. (The settings
  file is the exception: ``config.save_settings`` resolves the link first, on purpose, since
  dotfile managers link it.)
- a folder is always refused.

This module imports nothing from studyapp, so any layer may use it. It raises ``Refused`` (a
one-line message) for a path it will not write, and lets ``OSError`` through for a write that
failed; callers turn both into their own errors.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

# Hard links not supported where the file is written (FAT, some network shares): then the
# no-overwrite check is a test just before the rename instead of the link's atomic one.
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV, errno.ENOSYS}


class Refused(Exception):
    """A path that will not be written (it exists, is a link or a folder); one line for the user."""


def check_target(path: Path, force: bool) -> None:
    """Raise ``Refused`` when ``path`` cannot be written under the rules above; callers may call
    it early, to fail before the work that makes the file."""
    if path.is_symlink():
        if not force:
            raise Refused(f"{path} is a symbolic link; pass --force to replace the link with the "
                          "file (what it points to is left alone)")
        return
    if path.is_dir():
        raise Refused(f"{path} is a folder; expected a file name")
    if path.exists() and not force:
        raise Refused(f"{path} already exists; pass --force to overwrite it")


@contextlib.contextmanager
def replacing(path: Path, *, force: bool, keep_mode: bool = False) -> Iterator[Path]:
    """Yield a new empty temporary file beside ``path``; when the block ends without an error,
    its contents are flushed to disk and it becomes ``path``. On any error it is removed.

    The temporary file has the mode of a file the user creates (0666 less the umask); with
    ``keep_mode``, that of the file it replaces.
    """
    check_target(path, force)
    temp = _create_temp(path)
    try:
        yield temp
        if keep_mode and path.is_file() and not path.is_symlink():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        _fsync(temp)
        install(temp, path, force=force)
    finally:
        temp.unlink(missing_ok=True)


def install(temp: Path, path: Path, *, force: bool) -> None:
    """Rename the finished file ``temp`` to ``path`` (same folder or file system), replacing a
    file or link there only with ``force``."""
    if force:
        os.replace(temp, path)
    else:
        try:
            os.link(temp, path)
        except FileExistsError:
            raise Refused(f"{path} already exists; pass --force to overwrite it") from None
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            check_target(path, force)
            os.replace(temp, path)
        else:
            temp.unlink()
    _fsync_folder(path.parent)


def write_text(path: Path, text: str, *, force: bool, newline: str | None = None,
               keep_mode: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; ``newline`` as for ``open``."""
    with replacing(path, force=force, keep_mode=keep_mode) as temp, \
            open(temp, "w", encoding="utf-8", newline=newline) as handle:
        handle.write(text)


def write_bytes(path: Path, parts: Iterable[bytes], *, force: bool) -> None:
    """Write the pieces ``parts`` one after the other, as they come, to ``path`` atomically."""
    with replacing(path, force=force) as temp, open(temp, "wb") as handle:
        handle.writelines(parts)


def write_with(path: Path, write: Callable[[Path], None], *, force: bool) -> None:
    """Let ``write`` fill the temporary file (by its path), then rename it to ``path``."""
    with replacing(path, force=force) as temp:
        write(temp)


def _create_temp(path: Path) -> Path:
    """A new empty file ``.NAME.RANDOM.tmp`` in ``path``'s folder, created exclusively."""
    for _ in range(100):
        temp = path.with_name(f".{path.name[:200]}.{os.urandom(4).hex()}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return temp
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(path.parent))


def _fsync(path: Path) -> None:
    """Flush the file's data to disk, so the rename never installs a file the disk lacks."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the system allows it (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
