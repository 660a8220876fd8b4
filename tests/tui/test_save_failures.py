"""The study screen when the progress database refuses a write (a full disk, a read-only or
locked file), and when another window answered the item meanwhile.

A full disk is made where the machine allows it: the database sits on a small tmpfs that a filler
file then fills. Where mounting is not allowed, the connection is wrapped so that its writes fail
with SQLite's own "database or disk is full". Either way: one line says so, the answer stays on
screen, nothing is shown as saved that was not, and the same key saves it once there is room.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from studyapp.core.settings import Settings
from studyapp.store.progress import Store
from studyapp.tui.app import build_app
from studyapp.tui.study import StudyScreen
from tests.tui.pilot import NOW, answer_anything, open_study, settle


class FullDisk:
    """A connection whose writes fail as on a full disk while ``full`` is set."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn, self.full = conn, False

    def execute(self, sql: str, *args):  # noqa: ANN201 - sqlite3's own return type
        if self.full and sql.split()[0].upper() in ("INSERT", "UPDATE", "DELETE", "COMMIT"):
            raise sqlite3.OperationalError("database or disk is full")
        return self.conn.execute(sql, *args)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.conn, name)


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs, or None where this machine does not let the tests mount one."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        yield None
        return
    yield folder
    if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return filler


def count_reviews(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]


@pytest.mark.asyncio
async def test_a_full_disk_keeps_the_answer_on_screen_and_saves_it_once_there_is_room(tmp_path, small_disk):
    db = (small_disk or tmp_path) / "p.sqlite3"
    app = build_app(db, Settings(timezone="UTC"), clock=lambda: NOW, seed=1, config_file=tmp_path / "c.toml")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = await open_study(pilot)
        await answer_anything(pilot, screen)
        await pilot.press("3")  # the first answer, saved
        await pilot.pause()
        assert count_reviews(db) == 1
        await answer_anything(pilot, screen)
        shown = screen.item
        if small_disk is not None:
            app.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the next write needs new room
            filler = fill(small_disk)
        else:
            app.store.conn = FullDisk(app.store.conn)
            app.store.conn.full = True
        await pilot.press("3")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any(m.startswith("Not saved: ") and ("full" in m or "disk" in m) for m in said), said
        assert isinstance(app.screen, StudyScreen) and screen.item is shown and screen.answered
        assert count_reviews(db) == 1  # nothing shown as saved that was not
        if small_disk is not None:
            filler.unlink()
        else:
            app.store.conn.full = False
        await pilot.press("3")  # the same key, once there is room
        await pilot.pause()
        assert count_reviews(db) == 2 and screen.item is not shown
        assert screen.session.answered == 2


@pytest.mark.asyncio
async def test_an_item_answered_in_another_window_is_scheduled_from_its_state_now(tmp_path):
    db = tmp_path / "p.sqlite3"
    app = build_app(db, Settings(timezone="UTC"), clock=lambda: NOW, seed=1, config_file=tmp_path / "c.toml")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = await open_study(pilot)
        item = screen.item
        other = Store(db)  # the other window answers the same item first
        before = other.get(item.id)
        from studyapp.core.review_log import Review
        from studyapp.core.scheduler import GOOD, Scheduler

        after = Scheduler(Settings(timezone="UTC")).preview(before, NOW)[GOOD]
        other.record(Review(item.id, NOW, GOOD, 1000, "scheduled"), before, after)
        other.close()
        await answer_anything(pilot, screen)
        await pilot.press("3")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("another window" in m for m in said), said
    with sqlite3.connect(db) as conn:
        states = [s for (s,) in conn.execute("SELECT prev_state FROM reviews WHERE item_id = ? ORDER BY id",
                                             (item.id,))]
    assert len(states) == 2 and states[0] != states[1]  # the second started from the first's result


@pytest.mark.asyncio
async def test_an_answer_over_the_length_limit_is_refused_before_parsing(tmp_path):
    from studyapp.core.answer_parse import MAX_LENGTH
    from tests.tui.pilot import DECK_ROW, advance_to, type_answer

    app = build_app(tmp_path / "p.sqlite3", Settings(timezone="UTC"), clock=lambda: NOW, seed=1,
                    config_file=tmp_path / "c.toml")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_study(pilot, DECK_ROW["convolution"])
        await advance_to(pilot, screen, lambda i: i.problem is not None)
        logged = count_reviews(tmp_path / "p.sqlite3")
        type_answer(screen, "1 " * (MAX_LENGTH // 2 + 10))
        screen.action_submit()
        await settle(pilot)  # graded in a worker: it is long
        notice = screen.query_one("#notice").render().plain
        assert "too long" in notice and f"{MAX_LENGTH:,}" in notice and not screen.answered
        assert count_reviews(tmp_path / "p.sqlite3") == logged  # nothing logged
