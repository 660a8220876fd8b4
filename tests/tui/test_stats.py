"""The statistics screen with Pilot, on an empty history and on a full one.

The full history is the report tests' learner (``build_history``: StudySession with a fake clock,
Asia/Shanghai, days from 04:00) plus a session today; the numbers shown are checked against
``tests.report.test_report.expected``, which recomputes them from the raw rows in plain Python.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from rich.cells import cell_len

from studyapp.core.numfmt import format_answer
from studyapp.core.scheduler import REVIEW
from studyapp.core.session import StudySession
from studyapp.store.progress import Store
from studyapp.tui.app import HomeScreen, build_app
from studyapp.tui.charts import GLYPHS, BarChart, Heatmap
from studyapp.tui.stats import StatsScreen
from tests.report.test_report import NOW, SETTINGS, Clock, build_history, expected, small_library

TODAY_EN = {"today": "today", "reviews": "Reviews", "empty": "No reviews yet", "no_leeches": "No leeches.",
            "no_mistakes": "No mistakes diagnosed yet.", "today_row": "Today", "lapses": "lapses"}
TODAY_ZH = {"today": "今天", "reviews": "复习", "empty": "还没有复习记录", "no_leeches": "没有顽固卡。",
            "no_mistakes": "还没有诊断出错误。", "today_row": "今天", "lapses": "次遗忘"}
WORDS = {"en": TODAY_EN, "zh": TODAY_ZH}


def study_today(path: Path) -> None:
    """Up to twenty answers two hours before NOW (the same study day), some of them wrong; a few items
    in the Review state are brought forward so that today has a retention to show."""
    rng = random.Random(5)
    store = Store(path)
    clock = Clock(NOW - timedelta(hours=2))
    for state in [s for s in store.items() if not s.is_new and s.state == REVIEW][:8]:
        store.set_item(replace(state, due=clock.now - timedelta(hours=1)))
    session = StudySession(small_library(), store, replace(SETTINGS, new_per_day=20), clock,
                           np.random.default_rng(9))
    for _ in range(20):
        item = session.next()
        if item is None:
            break
        if item.problem is not None:
            mistakes = item.problem.kind.mistakes(item.problem.params)
            answer = mistakes[0].answer if mistakes and rng.random() < 0.5 else item.problem.answer
            text = format_answer(answer, item.problem.decimals)
            result = session.answer(item, text, elapsed_ms=9000)
            session.rate(item, result.proposed or (3 if result.correct else 1), elapsed_ms=9000, answer=text,
                         result=result)
        else:
            session.rate(item, rng.choice([1, 3, 3, 4]), elapsed_ms=4000)
        clock.now += timedelta(seconds=20)
    session.finish()
    store.close()


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stats") / "history.sqlite3"
    build_history(path, days=120)
    study_today(path)
    return path


def app_for(db: Path, lang: str, tmp_path: Path):
    return build_app(db, replace(SETTINGS, lang=lang), clock=lambda: NOW, seed=1,
                     config_file=tmp_path / "config.toml")


async def open_stats(pilot) -> StatsScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("s")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StatsScreen) and screen.figures is not None
    assert not screen.query_one("#stats-loading").display and screen.query_one("#stats-body").display
    return screen


def shown(screen: StatsScreen, name: str) -> str:
    return str(screen.query_one(f"#stats-{name}").content)


def lines(screen: StatsScreen, name: str) -> list[str]:
    return shown(screen, name).splitlines()


@pytest.mark.asyncio
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_statistics_on_an_empty_history(tmp_path: Path, lang: str) -> None:
    w = WORDS[lang]
    app = app_for(tmp_path / "p.sqlite3", lang, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(pilot)
        summary = shown(screen, "summary")
        assert f"{w['reviews']} 0 · {w['today']} 0 ·" in summary and w["empty"] in summary
        assert shown(screen, "leeches") == w["no_leeches"] and shown(screen, "mistakes") == w["no_mistakes"]
        assert "%" not in shown(screen, "retention")  # no review, no rate: blank cells
        heat = screen.query_one(Heatmap).render().plain
        assert not any(g in heat.splitlines()[k] for g in GLYPHS[1:] for k in range(1, 8))
        # a review recorded meanwhile shows after r
        session = app.session(None)
        item = session.next()
        session.rate(item, 3, elapsed_ms=1000)
        await pilot.press("r")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert f"{w['reviews']} 1 · {w['today']} 1 ·" in shown(screen, "summary")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)


def title_of(app, item_id: str, lang: str) -> str:
    """The start of an item's text in the content, found here without the report's helpers."""
    for deck in app.library.decks:
        for card in deck.cards:
            if card.id == item_id:
                text = (card.front or card.question or card.text).get(lang)
                return text.split("{{")[0].strip()[:6]
        for template in deck.problems:
            if template.id == item_id:
                return template.title.get(lang)[:6]
    raise AssertionError(item_id)


@pytest.mark.asyncio
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_statistics_on_a_full_history(history: Path, tmp_path: Path, lang: str) -> None:
    db = tmp_path / "p.sqlite3"
    shutil.copyfile(history, db)
    w = WORDS[lang]
    app = app_for(db, lang, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(pilot)
        exp = expected(db)  # after the app added the rest of the content's items (as new)
        today = exp["per_day"][exp["today"]]
        assert today >= 10  # the session today (history ends yesterday)
        summary = shown(screen, "summary")
        assert f"{w['reviews']} {exp['reviews']:,} · {w['today']} {today} ·" in summary
        assert w["empty"] not in summary
        # the heatmap and the bars carry the same days
        heat = dict(screen.query_one(Heatmap).days)
        assert heat[exp["today"]] == today and sum(heat.values()) == exp["reviews"]
        per_day = screen.query_one("#stats-per-day", BarChart)
        categories = ("new", "learning", "review", "relearning", "practice", "unknown")
        recent = [sum(exp["recent"][exp["today"] - timedelta(days=k)][c] for c in categories)
                  for k in range(29, -1, -1)]
        assert per_day.values == recent and per_day.highlight == 29
        forecast = screen.query_one("#stats-forecast", BarChart)
        assert forecast.values == [exp["forecast"][k] for k in range(30)]
        # retention today: young and mature, with counts
        row = lines(screen, "retention")[1]
        assert row.startswith(w["today_row"])
        for cls in ("young", "mature"):
            n, passed = exp["retention"]["today"][cls]
            if n:
                assert f"({passed}/{n})" in row
        assert sum(exp["retention"]["today"]["young"]) + sum(exp["retention"]["today"]["mature"]) > 0
        # the most frequent mistake, and the leeches in order of lapses
        tag, count = sorted(exp["mistakes"].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        first = lines(screen, "mistakes")[1].split()
        assert first[:2] == [str(count), tag]
        leeches = lines(screen, "leeches")[1:]
        assert len(leeches) == len(exp["leeches"]) > 0
        for line, (minus_lapses, item_id) in zip(leeches, exp["leeches"], strict=True):
            assert line.split()[0] == str(-minus_lapses) and w["lapses"] in line
            assert title_of(app, item_id, lang) in line, (item_id, line)
        # the deck with problems shows its mastery and accuracy
        conv = next(line for line in lines(screen, "decks")[1:]
                    if line.startswith(app.library.deck("convolution").title.get(lang)))
        want = exp["by_deck"]["convolution"]["r"]
        graded, right = exp["accuracy"]["convolution"]
        assert f"{sum(want) / len(want) * 100:.0f}%" in conv and f"({right}/{graded})" in conv
        for name in ("retention", "decks", "mistakes", "leeches"):
            body = lines(screen, name)
            assert max(cell_len(line) for line in body) <= 80 - 4, name  # fits 80 columns, wide chars too


@pytest.mark.asyncio
async def test_a_failure_is_one_line_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from studyapp.report import figures

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked\nsecond line")

    monkeypatch.setattr(figures, "compute", locked)
    app = app_for(tmp_path / "p.sqlite3", "en", tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, StatsScreen) and screen.figures is None
        assert shown(screen, "status") == "Could not compute the statistics: database is locked"
        assert not screen.query_one("#stats-loading").display
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HomeScreen)
