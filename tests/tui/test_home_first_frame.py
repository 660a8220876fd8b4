"""Home's first frame: the decks with today's counts before the content, NumPy and the store have
loaded (``tui.app.first_home_view``), the same numbers the loaded app shows, and never a number
from a summary or a database that no longer matches the content."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from studyapp.core.content_files import cache_key, cache_paths, content_files, max_deck_bytes
from studyapp.core.settings import Settings
from studyapp.tui.app import StudyApp, build_app, first_home_view
from tests.tui.pilot import NOW, answer_anything, leave_answer_box, settle

SETTINGS = Settings(timezone="UTC", new_per_day=7)


def table_rows(app) -> list[tuple[str, ...]]:
    table = app.screen.query_one("#decks")
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def studied_once(db: Path, content: list[Path] | None = None) -> list[tuple[str, ...]]:
    """A first start that loads everything (and writes the summary), a few answers; Home's rows."""
    app = build_app(db, SETTINGS, content=content, clock=lambda: NOW, seed=1, eager=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        for _ in range(3):
            await answer_anything(pilot, app.screen)
            await pilot.press("3")
            await pilot.pause()
        await leave_answer_box(pilot, app.screen)
        await pilot.press("escape")  # the session's summary
        await settle(pilot)
        await pilot.press("escape")  # Home
        await settle(pilot)
        return table_rows(app)


@pytest.mark.asyncio
async def test_the_counts_are_in_the_first_frame_and_agree_with_the_loaded_app(tmp_path, monkeypatch):
    db = tmp_path / "p.sqlite3"
    after_study = await studied_once(db)
    release = threading.Event()
    loading = StudyApp._load

    def slow_load(self):  # the content takes its time: what shows meanwhile is the first frame's
        release.wait(30)
        loading(self)

    monkeypatch.setattr(StudyApp, "_load", slow_load)
    app = build_app(db, SETTINGS, clock=lambda: NOW, seed=1, eager=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not app.loaded
        first = table_rows(app)
        assert len(first) == 13 and first == after_study
        assert "0 done" not in str(app.screen.query_one("#today").render())
        release.set()
        await settle(pilot)
        assert app.loaded and table_rows(app) == first


def test_no_first_frame_without_a_current_summary_or_a_synced_database(tmp_path):
    db = tmp_path / "p.sqlite3"
    assert first_home_view(db, SETTINGS, lambda: NOW, None) is None  # no database yet
    app = build_app(db, SETTINGS, clock=lambda: NOW, seed=1)  # loads, syncs, writes the summary
    app.store.close()
    view = first_home_view(db, SETTINGS, lambda: NOW, None)
    assert view is not None and [d.id for d in view.decks] == [d.id for d in app.library.decks]

    files = content_files(None)
    summary = cache_paths(files)[1]
    kept = summary.read_bytes()
    summary.write_bytes(b"{not json")
    assert first_home_view(db, SETTINGS, lambda: NOW, None) is None  # corrupt: wait for the content
    summary.write_bytes(kept.replace(b'"key": "', b'"key": "stale'))
    assert first_home_view(db, SETTINGS, lambda: NOW, None) is None
    summary.write_bytes(kept)
    assert cache_key(files, max_deck_bytes()) in kept.decode()

    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '{}' WHERE key = 'content'")  # synced with other content
    conn.commit()
    conn.close()
    assert first_home_view(db, SETTINGS, lambda: NOW, None) is None


@pytest.mark.asyncio
async def test_an_edited_deck_is_never_counted_from_the_old_summary(tmp_path):
    from studyapp.paths import bundled_content_dir

    decks = tmp_path / "decks"
    decks.mkdir()
    for path in sorted(bundled_content_dir().glob("*.yaml"))[:2]:
        (decks / path.name).write_bytes(path.read_bytes())
    db = tmp_path / "p.sqlite3"
    await studied_once(db, [decks])
    assert first_home_view(db, SETTINGS, lambda: NOW, [decks]) is not None
    edited = sorted(decks.glob("*.yaml"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert first_home_view(db, SETTINGS, lambda: NOW, [decks]) is None
    assert first_home_view(db, replace(SETTINGS, new_per_day=1), lambda: NOW, None) is None  # other files
