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
        assert first[0] == str(count) and first[1] != tag  # named first; the tag beside the name
        assert tag in " ".join(lines(screen, "mistakes")[1:3])
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


# --- no data is "—"; mistakes by their names -----------------------------------------------------
MISTAKE = {"en": "This is tanh(x) itself, not its derivative.", "zh": "这是 tanh(x) 的函数值,不是导数。"}


def wrong_answers(app, item_id: str, tag: str, seed: int, times: int, start) -> None:
    """``times`` wrong scheduled answers to a problem template, diagnosed as ``tag``, on ``seed``."""
    from studyapp.core.review_log import Review
    from studyapp.core.scheduler import ItemState, Scheduler

    for k in range(times):
        at = start + timedelta(minutes=k)
        deck = next(t.deck for t in app.library.templates if t.id == item_id)
        before = app.store.get(item_id) or ItemState(item_id, deck, "problem")
        review = Review(item_id=item_id, reviewed_at=at, rating=1, duration_ms=20_000, mode="scheduled",
                        seed=seed, answer="0.5", result='{"correct": false}', mistake=tag, correct=False)
        app.store.record(review, before, Scheduler(app.settings).review(before, 1, at))


@pytest.mark.asyncio
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_mistakes_by_name_and_a_dash_where_there_is_no_data(tmp_path: Path, lang: str) -> None:
    import re

    app = app_for(tmp_path / "p.sqlite3", lang, tmp_path)
    # seed 1 of act.derivative asks for tanh' (seed 0, sigmoid'): the name is the answered problem's
    wrong_answers(app, "act.derivative", "act.value_for_derivative", 1, 3, NOW - timedelta(hours=3))
    wrong_answers(app, "conv.output-size", "conv.forgot_plus_one", 5, 1, NOW - timedelta(hours=2))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(pilot)
        mistakes = screen.query_one("#stats-mistakes").content
        rows = mistakes.plain.splitlines()
        assert rows[1].split()[0] == "3" and MISTAKE[lang] in rows[1]
        assert "act.value_for_derivative" in rows[1] or "act.value_for_derivative" in rows[2]
        assert "sigmoid" not in mistakes.plain
        tag_at = mistakes.plain.index("act.value_for_derivative")
        assert any(span.style == "dim" and span.start <= tag_at < span.end for span in mistakes.spans)
        assert {"en": "the + 1 is missing", "zh": "漏了 + 1"}[lang] in mistakes.plain
        # nothing in the Review state yet: every retention cell is "—", none 0%
        retention = lines(screen, "retention")[1:5]
        assert all(row.split()[-3:] == ["—"] * 3 for row in retention) and "%" not in "".join(retention)
        # a deck never studied: "—", not 0%
        never = app.library.deck("optimizers").title.get(lang)
        row = next(line for line in lines(screen, "decks") if line.startswith(never))
        assert row.count("—") == 2 and "%" not in row
        studied = next(line for line in lines(screen, "decks")
                       if line.startswith(app.library.deck("activations").title.get(lang)))
        assert "(0/3)" in studied and " 0%" in studied  # answered, all wrong: that is 0%
        if lang == "zh":  # no English but the tags, the content's own words and the keys
            words = [shown(screen, name) for name in ("title", "summary", "retention", "overdue")]
            words += [str(h.content) for h in screen.query(".stats-heading")]
            words += [mistakes.plain.splitlines()[0], shown(screen, "leeches")]
            assert not re.search(r"[A-Za-z]", " ".join(words)), words
            assert not re.search(r"[A-Za-z]", screen.query_one(Heatmap).render().plain)


def test_view_a_rate_over_nothing_is_a_dash() -> None:
    from studyapp.tui.stats_view import NONE, decks_text, percent, retention_text

    assert percent(None) == NONE and percent(0.0) == "0%"
    empty = {"rate": None, "passed": 0, "reviews": 0}
    fig = {"retention": {w: {c: empty for c in ("young", "mature", "all")}
                         for w in ("today", "week", "month", "year")}}
    text = retention_text(fig, "en").plain
    assert text.count(NONE) == 12 and "%" not in text
    deck = {"title": "Optimisers", "mastery": 0.0, "studied": 0, "problem_accuracy": None,
            "problem_answers": 0, "problem_right": 0}
    row = decks_text({"decks": [deck]}, "zh", 76).plain.splitlines()[1]
    assert row.count(NONE) == 2 and "%" not in row
    row = decks_text({"decks": [{**deck, "studied": 3, "mastery": 0.5}]}, "en", 76).plain.splitlines()[1]
    assert "50%" in row and row.count(NONE) == 1


def test_view_a_mistake_is_named_with_its_tag_beside_it_and_wraps_under_itself() -> None:
    from studyapp.tui.stats_view import mistakes_text

    name = "For x < 0 the slope is α (Leaky ReLU) or α·eˣ (ELU), not 0 as in ReLU."
    fig = {"mistakes": {"total": 12, "top": [
        {"tag": "act.negative_slope_ignored", "count": 12, "name": name, "item": "Leaky ReLU"},
        {"tag": "conv.unknown", "count": 2, "name": None}]}}
    text = mistakes_text(fig, "en", 50)
    rows = text.plain.splitlines()
    assert rows[1].startswith("    12  For x < 0") and all(len(r) <= 50 for r in rows)
    assert all(r.startswith(" " * 8) for r in rows[2:-1])  # under the name, past the count
    assert "act.negative_slope_ignored" in text.plain and rows[-1].split() == ["2", "conv.unknown"]


def test_view_the_message_of_the_problem_answered() -> None:
    from studyapp.core.library import load_library
    from studyapp.tui.stats_view import mistake_message

    template = next(t for d in load_library().decks for t in d.problems if t.id == "act.derivative")
    assert mistake_message(template, 1, "act.value_for_derivative", "zh") == MISTAKE["zh"]
    assert "sigmoid" in mistake_message(template, None, "act.value_for_derivative", "en")  # any variant
    assert mistake_message(template, 1, "no.such_tag", "en") is None


def test_view_the_summary_breaks_between_totals() -> None:
    from studyapp.tui.stats_view import summary_text

    fig = {"summary": {"reviews": 12345, "reviews_today": 12, "days_studied": 30, "streak_current": 4,
                       "streak_longest": 9, "time_ms": 4_000_000, "empty": False}}
    rows = summary_text(fig, "en", 60).plain.splitlines()
    assert rows == ["Reviews 12,345 · today 12 · days studied 30",
                    "streak 4 d (longest 9 d) · time 1 h 6 min"]
