"""Which deck files a run reads, their size limit, and the fingerprint of what loading them would
read: everything about the content that can be known without parsing it (nor importing NumPy), so
that a start can tell at once whether the content cache and its summary are current.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from studyapp.paths import bundled_content_dir, cache_dir, user_decks_dir

DECK_SUFFIXES = (".yaml", ".yml")
MAX_DECK_VARIABLE = "STUDYAPP_MAX_DECK_MB"
MAX_DECK_BYTES = 5_000_000  # the default limit: the largest bundled deck is about 55 kB
CACHE_FORMAT = 1  # bump when the content cache's encoding changes
# The code whose behaviour the cached content depends on: a change to it invalidates the cache.
_LOADER_MODULES = ("content", "schema", "yamlpos", "library", "content_cache", "content_files",
                   "content_rows", "deck_summary", "bilingual")


def deck_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in DECK_SUFFIXES))
        else:
            files.append(path)
    return files


def study_files(extra: Iterable[Path] = ()) -> list[Path]:
    """The deck files a study run reads: the bundled decks, the learner's own (the user deck
    folder, when there is one), then ``extra`` (``--content``: files or folders), each file once."""
    user = user_decks_dir()
    files = deck_files([bundled_content_dir(), *([user] if user.is_dir() else []), *extra])
    seen: set[Path] = set()
    unique = []
    for file in files:
        resolved = file.resolve()
        if resolved not in seen:  # --content naming a folder already read
            seen.add(resolved)
            unique.append(file)
    return unique


def content_files(paths: Iterable[Path] | None) -> list[Path]:
    """The deck files of a run: those under ``paths``, or the bundled decks when None."""
    return deck_files([bundled_content_dir()] if paths is None else paths)


def max_deck_bytes() -> float:
    """The size limit of one deck file: ``STUDYAPP_MAX_DECK_MB`` megabytes (a positive number,
    decimals allowed, ``inf`` for none), else 5 MB. A value that is not a positive number is
    ignored; the message of a deck over the limit says what the variable takes."""
    value = os.environ.get(MAX_DECK_VARIABLE, "").strip()
    try:
        megabytes = float(value)
    except ValueError:
        return MAX_DECK_BYTES
    return megabytes * 1_000_000 if megabytes > 0 else MAX_DECK_BYTES  # nan > 0 is False


def cache_key(files: Iterable[Path], max_bytes: float) -> str:
    """The fingerprint of what loading ``files`` would read, and of the code that reads it: every
    path with its size and modification time, written out (a few kilobytes; not hashed, so that a
    start need not import hashlib, and two different keys can never be taken for one)."""
    here = Path(__file__).parent
    parts: list[Any] = [CACHE_FORMAT, max_bytes]
    code = [here / f"{name}.py" for name in _LOADER_MODULES] + sorted((here / "kinds").glob("*.py"))
    for path in [*files, *code]:
        try:
            st = path.stat()
            parts.append((str(path), st.st_size, st.st_mtime_ns))
        except OSError:
            parts.append((str(path), None, None))
    return repr(parts)


def cache_paths(files: list[Path]) -> tuple[Path, Path]:
    """Where the parsed content of ``files`` is cached, and where its summary is (one pair per set
    of deck files, so that ``--content`` runs do not evict the bundled decks' cache)."""
    # Only a file name: two sets of files that share it just take turns (the key tells them apart).
    name = f"{zlib.crc32(repr([str(f.resolve()) for f in files]).encode()):08x}"
    folder = cache_dir()
    return folder / f"content-{name}.json", folder / f"summary-{name}.json"


def write_cache(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all; a cache that cannot be written (a read-only home, a
    full disk) is simply not written, never an error."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
