"""commands.parallel: every piece done exactly once, across processes on Linux; errors reach the
caller; what the parent had printed is not printed again by its children."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studyapp.commands import parallel


def _writer(folder: Path):
    def job(i: int) -> None:
        with open(folder / f"{i}.txt", "x", encoding="utf-8") as handle:  # "x": twice would fail
            handle.write(str(os.getpid()))
    return job


@pytest.mark.parametrize("count", [0, 1, parallel.LEAST - 1, parallel.LEAST, 137])
def test_every_piece_is_done_once(tmp_path: Path, count: int) -> None:
    parallel.each(_writer(tmp_path), count, workers=2)
    assert sorted(int(p.stem) for p in tmp_path.iterdir()) == list(range(count))


@pytest.mark.skipif(sys.platform != "linux", reason="work is shared over processes only on Linux")
def test_a_large_batch_is_shared_with_a_child_and_a_small_one_is_not(tmp_path: Path) -> None:
    big, small = tmp_path / "big", tmp_path / "small"
    big.mkdir()
    small.mkdir()
    parallel.each(_writer(big), 100, workers=2)
    parallel.each(_writer(small), parallel.LEAST - 1, workers=2)
    pids = {p.read_text() for p in big.iterdir()}
    assert str(os.getpid()) in pids and len(pids) == 2
    assert {p.read_text() for p in small.iterdir()} == {str(os.getpid())}


def test_one_core_means_here_in_order() -> None:
    seen: list[int] = []
    parallel.each(seen.append, 100, workers=1)
    assert seen == list(range(100))


@pytest.mark.parametrize("failing", [0, 1, 99])  # the parent's share, a child's share, the last
def test_an_error_in_any_share_reaches_the_caller(tmp_path: Path, failing: int) -> None:
    def job(i: int) -> None:
        if i == failing:
            raise OSError(28, "No space left on device", f"sheet-{i}.html")
        (tmp_path / f"{i}").touch()

    with pytest.raises(OSError, match=f"sheet-{failing}"):
        parallel.each(job, 100, workers=2)
    assert multiprocessing.active_children() == []  # no child outlives the call
    assert not (tmp_path / f"{failing}").exists()


def test_what_was_printed_before_is_printed_once() -> None:
    code = ("import sys\nfrom studyapp.commands import parallel\nsys.stdout.write('once ')\n"
            "sys.stderr.write('err ')\nparallel.each(lambda i: None, 100, workers=2)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (done.stdout, done.stderr) == ("once ", "err ")


@pytest.mark.skipif(sys.platform != "linux", reason="work is shared over processes only on Linux")
def test_a_child_killed_midway_is_one_oserror_not_a_broken_pool(tmp_path: Path) -> None:
    parent = os.getpid()

    def job(i: int) -> None:
        if os.getpid() != parent:
            os._exit(9)  # as the out-of-memory killer would end it
        (tmp_path / f"{i}").touch()

    with pytest.raises(OSError, match="worker process was stopped"):
        parallel.each(job, 100, workers=2)
    assert multiprocessing.active_children() == []
