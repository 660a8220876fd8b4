"""``studyapp.atomic``: a file is written whole or not at all, links and existing files are
replaced only with ``force``, and nothing temporary is ever left behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from studyapp import atomic


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def full_disk_after(count: int):  # noqa: ANN201 - a write callback
    """A writer that writes ``count`` bytes and then fails as a full disk does."""
    def write(temp: Path) -> None:
        with open(temp, "wb") as handle:
            handle.write(b"x" * count)
            handle.flush()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return write


@pytest.mark.parametrize("force", [False, True])
def test_a_write_failing_half_way_leaves_nothing_and_the_retry_works(tmp_path: Path, force: bool) -> None:
    out = tmp_path / "out.txt"
    with pytest.raises(OSError) as info:
        atomic.write_with(out, full_disk_after(4096), force=force)
    assert info.value.errno == errno.ENOSPC
    assert names(tmp_path) == []
    atomic.write_text(out, "whole", force=False)  # not blocked by "already exists"
    assert out.read_text(encoding="utf-8") == "whole" and names(tmp_path) == ["out.txt"]


def test_a_failure_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(OSError):
        atomic.write_with(out, full_disk_after(10), force=True)
    assert out.read_text(encoding="utf-8") == "old" and names(tmp_path) == ["out.txt"]


def test_pieces_are_written_in_order_and_a_failing_producer_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    atomic.write_bytes(out, iter([b"[1", b",2", b"]"]), force=False)
    assert out.read_bytes() == b"[1,2]"

    def failing():  # noqa: ANN202 - a generator that breaks after its first piece
        yield b"half"
        raise RuntimeError("generation failed")

    with pytest.raises(RuntimeError):
        atomic.write_bytes(out, failing(), force=True)
    assert out.read_bytes() == b"[1,2]" and names(tmp_path) == ["out.json"]


def test_an_existing_file_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(atomic.Refused, match="already exists; pass --force"):
        atomic.write_text(out, "new", force=False)
    atomic.write_text(out, "new", force=True)
    assert out.read_text(encoding="utf-8") == "new" and names(tmp_path) == ["out.txt"]


def test_a_file_that_appears_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    with pytest.raises(atomic.Refused, match="already exists"), \
            atomic.replacing(out, force=False) as temp:
        temp.write_text("mine", encoding="utf-8")
        out.write_text("theirs", encoding="utf-8")  # another program, between check and rename
    assert out.read_text(encoding="utf-8") == "theirs" and names(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("code", [errno.EPERM, errno.EOPNOTSUPP])
def test_without_hard_links_the_rename_still_refuses_an_existing_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def no_links(*_args: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "link", no_links)
    out = tmp_path / "out.txt"
    atomic.write_text(out, "one", force=False)
    assert out.read_text(encoding="utf-8") == "one"
    with pytest.raises(atomic.Refused):
        atomic.write_text(out, "two", force=False)
    assert out.read_text(encoding="utf-8") == "one" and names(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("dangling", [False, True])
def test_a_symlink_is_refused_without_force_and_replaced_with_it(tmp_path: Path, dangling: bool) -> None:
    target = tmp_path / "target.txt"
    if not dangling:
        target.write_text("mine", encoding="utf-8")
    link = tmp_path / "out.txt"
    link.symlink_to(target)
    with pytest.raises(atomic.Refused, match="is a symbolic link; pass --force") as info:
        atomic.write_text(link, "new", force=False)
    assert "\n" not in str(info.value)
    atomic.write_text(link, "new", force=True)
    assert not link.is_symlink() and link.read_text(encoding="utf-8") == "new"
    assert (target.read_text(encoding="utf-8") == "mine") if not dangling else not target.exists()


def test_a_folder_is_refused_even_with_force(tmp_path: Path) -> None:
    with pytest.raises(atomic.Refused, match="is a folder"):
        atomic.write_text(tmp_path, "x", force=True)


def test_modes(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    mask = os.umask(0o027)
    try:
        atomic.write_text(out, "a", force=False)
        assert out.stat().st_mode & 0o777 == 0o640  # 0666 less the umask, as open() makes it
        out.chmod(0o600)
        atomic.write_text(out, "b", force=True, keep_mode=True)
        assert out.stat().st_mode & 0o777 == 0o600
        atomic.write_text(out, "c", force=True)
        assert out.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(mask)


def test_newlines_are_written_as_asked(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    atomic.write_text(out, "a\r\nb\n", force=False, newline="")
    assert out.read_bytes() == b"a\r\nb\n"
