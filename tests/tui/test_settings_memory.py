"""Settings' memory model section with Pilot: a real fit to a simulated learner's year (kept, saved,
memory states recomputed), a reset, too few reviews, the optimizer missing, leaving mid-fit, and the
workload a new desired retention would cost, shown before it is saved. The words and the chart's
labels are also checked without an app (``memory_panel_view``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from rich.text import Text
from textual.widgets import Checkbox, Input

from studyapp.config import load_settings
from studyapp.core.content_files import content_files
from studyapp.core.library import load_library
from studyapp.core.memory_model import PARAMETER_COUNT, MemoryModel
from studyapp.core.optimizer import TooFewReviews
from studyapp.core.review_log import Review
from studyapp.core.scheduler import Scheduler
from studyapp.core.settings import Settings
from studyapp.core.workload import Workload
from studyapp.store import memory_states
from studyapp.store.progress import Store
from studyapp.tui import fit_process, memory_panel
from studyapp.tui.app import HomeScreen
from studyapp.tui.charts import HIGHLIGHT_STYLE, bar_lines
from studyapp.tui.memory_panel_view import S, Workloads, change_text, doing_text, tick_line
from studyapp.tui.settings_screen import SettingsScreen
from tests.tui.pilot import NOW, app_for, settle, text_of


def learn_a_year(path: Path) -> None:
    """The bundled decks' 339 items studied for most of a year by a learner who forgets twice as
    fast as FSRS's defaults expect (seeded): about 6,000 scheduled reviews, enough for a fit that
    beats the defaults on held-out reviews."""
    library = load_library(content_files(None))
    store = Store(path)
    store.sync(library.content_rows, library.fingerprints)
    store.conn.execute("PRAGMA synchronous = OFF")  # a throwaway file: no fsync per answer
    scheduler = Scheduler(Settings(timezone="UTC"))
    rng = np.random.default_rng(7)
    start = NOW - timedelta(days=300)
    for k, item in enumerate(store.items()):
        at = start + timedelta(days=k % 90, hours=int(rng.integers(0, 10)))
        while at < NOW - timedelta(days=1):
            rating = 3
            if not item.is_new and item.last_review is not None and item.stability is not None:
                days = (at - item.last_review).total_seconds() / 86400
                recall = (1 + 19 / 81 * days / (0.5 * item.stability)) ** -0.5
                rating = 1 if rng.random() > recall else 3
            after = scheduler.review(item, rating, at)
            store.record(Review(item.item_id, at, rating, 5000, "scheduled"), item, after)
            item = after
            assert item.due is not None
            at = max(item.due, at + timedelta(days=1)) + timedelta(hours=int(rng.integers(0, 12)))
    store.close()


@pytest.fixture(scope="module")
def year_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("year") / "year.sqlite3"
    learn_a_year(path)
    return path


@pytest.fixture
def studied(tmp_path, year_db) -> Path:
    shutil.copyfile(year_db, tmp_path / "p.sqlite3")
    return tmp_path


def stabilities(app) -> dict[str, float | None]:
    return {item.item_id: item.stability for item in app.store.items()}


async def open_settings(pilot) -> SettingsScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("comma")
    await settle(pilot)  # the workload simulation, started as the screen opens
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


async def press(pilot, screen: SettingsScreen, button: str) -> None:
    screen.query_one(f"#{button}").focus()
    await pilot.press("enter")


def shown(screen: SettingsScreen, part: str) -> str:
    return text_of(screen.query_one(f"#memory-{part}"))


@pytest.mark.asyncio
async def test_a_fit_is_kept_saved_and_the_memory_states_recomputed_then_reset(studied):
    config = studied / "config.toml"
    app = app_for(studied)
    async with app.run_test(size=(100, 40)) as pilot:
        before = stabilities(app)
        screen = await open_settings(pilot)
        assert "FSRS's default parameters" in shown(screen, "in-use")
        assert "Least time per item remembered: 0." in shown(screen, "workload")
        screen.query_one("#memory-per-deck", Checkbox).value = True
        await press(pilot, screen, "memory-fit")
        await settle(pilot)
        result = shown(screen, "result")
        assert "Fitted to 5," in result and "of your collection" in result
        figures = [line for line in result.splitlines() if "log loss 0." in line]
        assert [line.split()[0] for line in figures[:2]] == ["default", "fitted"]
        assert "predict your recall better" in result
        assert "deck activations" in result  # each deck's own fit, or why it has none
        assert "items' schedules changed" in result
        fit = app.settings.memory_model.collection
        assert fit is not None and len(fit.parameters) == PARAMETER_COUNT
        assert fit.fitted_at.startswith("2026-03-02")  # the app's clock
        saved, problems = load_settings(config)
        assert problems == [] and saved.memory_model.collection == fit
        assert "[memory_model]" in config.read_text(encoding="utf-8")
        after = stabilities(app)
        moved = [k for k in before if before[k] is not None and abs(after[k] - before[k]) > 1e-3]
        assert len(moved) > 100
        changed = int(result.split("Memory states recomputed: ")[1].split(" ")[0].replace(",", ""))
        assert changed >= len(moved)
        assert "Fitted to you on 2026-03-02" in shown(screen, "in-use")

        await press(pilot, screen, "memory-reset")
        await settle(pilot)
        assert "Back to FSRS's default parameters." in shown(screen, "result")
        assert app.settings.memory_model == MemoryModel()
        assert "memory_model" not in config.read_text(encoding="utf-8")
        again = stabilities(app)  # the defaults scheduled this year: they give its states back
        studied_items = [k for k in before if before[k] is not None]
        assert all(again[k] == pytest.approx(before[k], rel=1e-3, abs=1e-5) for k in studied_items)


def fit_here(monkeypatch, hold: threading.Event | None = None) -> list[bool]:
    """The fit in this process, as the child process runs it: a module patched by the test reaches
    it, and ``hold`` keeps it running until the test sets it. Returns the fits started."""
    calls: list[bool] = []

    def here(db, settings, per_deck, progress, stop):
        calls.append(per_deck)
        if hold is not None:
            hold.wait(10)
        store = Store(db, readonly=True)
        try:
            return memory_states.fit_all(store, Scheduler(settings), per_deck, progress)
        finally:
            store.close()

    monkeypatch.setattr(memory_panel, "fit_in_child", here)
    return calls


@pytest.mark.asyncio
async def test_a_second_press_while_fitting_is_refused(studied, monkeypatch):
    go = threading.Event()
    calls = fit_here(monkeypatch, hold=go)
    app = app_for(studied)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        await press(pilot, screen, "memory-fit")
        await press(pilot, screen, "memory-fit")
        await press(pilot, screen, "memory-reset")
        await pilot.pause()
        assert "Reading your scheduled reviews" in shown(screen, "doing")
        assert screen.query_one("#memory-progress").display
        go.set()
        await settle(pilot)
        assert len(calls) == 1
        assert app.settings.memory_model.collection is not None  # the reset was refused as well
        assert not screen.query_one("#memory-progress").display
        notices = [n.message for n in app._notifications]  # noqa: SLF001
        assert notices.count("The memory model is still being worked on: wait for it to finish.") == 2


@pytest.mark.asyncio
async def test_leaving_settings_mid_fit_lets_it_finish_and_save(studied, monkeypatch):
    go = threading.Event()
    fit_here(monkeypatch, hold=go)
    config = studied / "config.toml"
    app = app_for(studied)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        await press(pilot, screen, "memory-fit")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and not screen.is_attached
        go.set()
        await settle(pilot)
        assert app.settings.memory_model.collection is not None
        assert "[memory_model]" in config.read_text(encoding="utf-8")  # saved by the app
        notices = [n.message for n in app._notifications]  # noqa: SLF001
        assert any("items' schedules changed" in m for m in notices), notices


@pytest.mark.asyncio
async def test_too_few_reviews_is_one_line_and_nothing_changes(tmp_path):
    app = app_for(tmp_path, lang="zh")
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        assert "记忆模型" in text_of(screen.query_one("#memory-panel .memory-heading"))
        await press(pilot, screen, "memory-fit")
        await settle(pilot)
        result = shown(screen, "result")
        assert "复习太少" in result and "大约还需 64 次" in result
        assert len(result.strip().splitlines()) == 1
        assert app.settings.memory_model == MemoryModel()
        assert not (tmp_path / "config.toml").exists()


@pytest.mark.asyncio
async def test_without_the_optimizer_the_panel_says_so_and_settings_still_work(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "fsrs_rs_python", None)  # as if it had no wheel for this platform
    fit_here(monkeypatch)  # in this process, where the module is missing
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        assert "the FSRS optimizer is not installed" in shown(screen, "workload")
        assert not screen.query_one("#memory-chart").display
        for button in ("memory-fit", "memory-reset"):
            await press(pilot, screen, button)
            await settle(pilot)
            assert "the FSRS optimizer is not installed" in shown(screen, "result")
            assert "Traceback" not in shown(screen, "result")
        box = screen.query_one("#new_per_day", Input)
        box.focus()
        box.value = "35"
        await pilot.press("enter")
        await settle(pilot)
        assert app.settings.new_per_day == 35
        assert "new_per_day = 35" in (tmp_path / "config.toml").read_text(encoding="utf-8")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.asyncio
async def test_typing_a_retention_shows_its_workload_before_it_is_saved(tmp_path, monkeypatch):
    ready = threading.Event()
    simulate = memory_panel.simulate

    def held(*args):
        ready.wait(10)  # the simulation finishes when the test says
        return simulate(*args)

    monkeypatch.setattr(memory_panel, "simulate", held)
    config = tmp_path / "config.toml"
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("comma")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        box = screen.query_one("#desired_retention", Input)
        box.focus()
        await pilot.pause()
        await pilot.press("end", "backspace", "9", "5")
        await pilot.pause()
        assert box.value == "0.95"
        assert text_of(screen.query_one("#retention-change")).startswith("Working out the expected workload")
        ready.set()
        await settle(pilot)
        change = text_of(screen.query_one("#retention-change"))
        assert change.startswith("From 0.90 to 0.95: +")
        assert int(change.split(": +")[1].split(" ")[0]) > 0  # more reviews a day
        assert app.settings.desired_retention == 0.9 and not config.exists()
        await pilot.press("backspace", "x")
        await pilot.pause()
        assert not screen.query_one("#retention-change").display
        await pilot.press("backspace", "5", "enter")
        await settle(pilot)
        assert app.settings.desired_retention == 0.95 and "desired_retention = 0.95" in config.read_text()
        assert not screen.query_one("#retention-change").display
        assert "Your desired retention now: 0.95:" in shown(screen, "workload")


def test_the_fit_runs_in_a_child_process_that_quitting_ends(year_db, monkeypatch):
    reports = []
    spawned = []
    popen = subprocess.Popen

    def recorded(*args, **kwargs):
        spawned.append(popen(*args, **kwargs))
        return spawned[-1]

    monkeypatch.setattr(subprocess, "Popen", recorded)
    with pytest.raises(fit_process.AppClosed):
        fit_process.fit_in_child(year_db, Settings(), False, lambda *report: reports.append(report),
                                  stop=lambda: bool(reports))  # the app quits at the first report
    assert reports and spawned[0].poll() is not None  # killed, not left running


def test_too_few_reviews_come_back_from_the_child_with_their_figures(tmp_path):
    Store(tmp_path / "empty.sqlite3").close()
    with pytest.raises(TooFewReviews) as caught:
        fit_process.fit_in_child(tmp_path / "empty.sqlite3", Settings(), False, lambda *_: None,
                                  stop=lambda: False)
    assert (caught.value.usable, caught.value.needed) == (0, 64)
    assert str(caught.value).startswith("too few reviews to fit your reviews")


# --- the words and the chart's labels, without an app ---------------------------------------------
def test_both_languages_have_every_string():
    assert set(S["en"]) == set(S["zh"])


POINTS = tuple(Workload(round(0.70 + 0.01 * k, 2), 10.0 + k, 2.0 + k / 4, 300.0) for k in range(28))


@pytest.mark.parametrize(("raw", "expected"), [
    ("0.95", "From 0.90 to 0.95: +5 reviews and +1.2 minutes a day"),
    ("０.８５", "From 0.90 to 0.85: -5 reviews and -1.2 minutes a day"),  # full-width, as an IME types
    ("0.90", ""), ("0.9", ""), ("0.99", ""), ("abc", ""), ("", ""),
])
def test_change_text(raw, expected):
    text = change_text(Workloads(POINTS, 0.8), False, 0.9, raw, "en")
    assert text.startswith(expected) and bool(text) == bool(expected)


def test_change_text_waits_for_the_simulation_and_is_quiet_without_it():
    assert change_text(None, False, 0.9, "0.95", "zh") == "正在计算预计工作量…"
    assert change_text(None, True, 0.9, "0.95", "en") == ""


@pytest.mark.parametrize("width", [40, 60, 96])
def test_retention_labels_stand_under_their_bars(width):
    values = [p.minutes_per_day for p in POINTS]
    labels = [f"{p.retention:.2f}" for p in POINTS]
    ticks = tick_line(values, labels, width).plain
    shown_labels = ticks.split()
    assert shown_labels[0] == "0.70" and len(shown_labels) >= 3
    for label in shown_labels:
        k = labels.index(label)
        assert k % 5 == 0
        bars = bar_lines(values, labels, width, 6, highlight=k)[-2]  # the bottom row of bars
        column = next(span.start for span in bars.spans if span.style == HIGHLIGHT_STYLE)
        assert ticks.index(label) == column, (label, ticks)
    assert Text(ticks).cell_len <= width


def test_with_nothing_to_study_no_retention_is_called_the_cheapest():
    from studyapp.core.workload import Workload
    from studyapp.tui.memory_panel_view import chart_values, workload_lines

    work = Workloads(tuple(Workload(r / 100, 0.0, 0.0, 0.0) for r in range(70, 98)), None)
    assert chart_values(work)[2] is None
    lines = workload_lines(work, 0.9, "en")
    assert lines[0] == "No items to study yet: every retention costs nothing." and "0.90" in lines[1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_progress_line_says_reading_then_fitting_in_the_screens_language(lang):
    from studyapp.store.memory_states import READING

    assert doing_text("fit", "", lang) == doing_text("fit", READING, lang) == S[lang]["reading"]
    assert doing_text("fit", "held-out check 2/5", lang) == S[lang]["fitting"]
    assert doing_text("fit", "deck conv", lang) == S[lang]["fitting_deck"].format(deck="conv")
