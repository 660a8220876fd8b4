"""Home: drawn before the decks load, the streak and recent weeks, the command palette."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from studyapp.core.days import daily_counts, day_start, streak
from studyapp.core.numfmt import format_answer
from studyapp.core.session import StudySession
from studyapp.core.settings import Settings
from studyapp.tui.app import SCREENS, HomeScreen, build_app
from studyapp.tui.study import StudyScreen
from tests.report.test_report import Clock
from tests.tui.pilot import NOW, answer_anything, app_for, leave_answer_box, text_of

UTC_SETTINGS = Settings(timezone="UTC")


def test_streak_counts_back_from_today_or_from_yesterday_while_today_is_open():
    today = date(2026, 3, 2)
    counts = {today - timedelta(days=i): 1 for i in (1, 2, 3, 5)}
    assert streak(counts, today) == 3  # today not studied yet: the run up to yesterday stands
    counts[today] = 4
    assert streak(counts, today) == 4
    assert streak({today - timedelta(days=2): 1}, today) == 0


def test_daily_counts_put_answers_in_study_days_that_start_at_four():
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    start = day_start(date(2026, 3, 2), zone, 4)  # 04:00 in Shanghai = 20:00 UTC the day before
    ms = int(start.timestamp() * 1000)
    buckets = [(ms - 900_000, 2), (ms, 3), (ms + 23 * 3_600_000, 1)]
    assert daily_counts(buckets, zone, 4) == {date(2026, 3, 1): 2, date(2026, 3, 2): 4}


def answer_on(app, when) -> None:
    """One answer rated Good at ``when`` (a problem's right answer, as typed)."""
    session = StudySession(app.library, app.store, app.settings, Clock(when), np.random.default_rng(0))
    item = session.next()
    if item.problem is None:  # a card: rated by the learner, with nothing typed
        session.rate(item, 3, 1000)
        return
    text = format_answer(item.problem.answer, item.problem.decimals)
    session.rate(item, 3, 1000, text, session.answer(item, text=text))


@pytest.mark.asyncio
async def test_home_shows_the_streak_and_the_recent_weeks(tmp_path):
    earlier = app_for(tmp_path)  # three days of study, then the app is started again
    for days_ago in (1, 2, 3):
        answer_on(earlier, NOW - timedelta(days=days_ago))
    earlier.store.close()
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Streak: 3 days" in text_of(app.screen.query_one("#streak"))
        heatmap = app.screen.query_one("#recent")
        got = dict(heatmap.days)
        for days_ago in (1, 2, 3):
            assert got[(NOW - timedelta(days=days_ago)).date()] == 1
        assert got[NOW.date()] == 0
        await pilot.press("enter")
        await answer_anything(pilot, app.screen)
        await pilot.press("3")
        await leave_answer_box(pilot, app.screen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert "Streak: 4 days" in text_of(app.screen.query_one("#streak"))  # today counts once studied


@pytest.mark.asyncio
async def test_home_draws_before_loading_and_a_key_pressed_meanwhile_waits(tmp_path):
    app = build_app(tmp_path / "p.sqlite3", UTC_SETTINGS, clock=lambda: NOW, seed=1, eager=False)
    assert not app.loaded
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")  # the decks may not have loaded yet
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.loaded
        assert isinstance(app.screen, StudyScreen)  # the Enter was kept and acted on once loaded


@pytest.mark.asyncio
async def test_a_database_that_cannot_open_ends_the_app_with_one_line(tmp_path):
    (tmp_path / "p.sqlite3").mkdir()  # a folder where the database file should be
    app = build_app(tmp_path / "p.sqlite3", UTC_SETTINGS, clock=lambda: NOW, seed=1, eager=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 2 and app.load_error and "\n" not in app.load_error


@pytest.mark.parametrize(("lang", "title"), [("en", "Browse"), ("zh", "浏览")])
@pytest.mark.asyncio
async def test_the_command_palette_lists_every_home_action(tmp_path, lang, title):
    app = app_for(tmp_path, lang=lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert len([c for c in commands if c]) >= len(SCREENS) + 3
        commands[title].callback()
        await pilot.pause()
        assert type(app.screen).__name__ == "BrowseScreen"
        app.pop_screen()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.asyncio
async def test_a_broken_deck_is_a_notice_with_file_and_line_and_the_rest_works(tmp_path):
    from studyapp.paths import bundled_content_dir

    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitle: {en: Broken\n  zh: 坏的\n", encoding="utf-8")
    app = build_app(tmp_path / "p.sqlite3", UTC_SETTINGS, content=[bundled_content_dir(), broken],
                    clock=lambda: NOW, seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        notice = text_of(app.screen.query_one("#notice"))
        assert f"{broken}:3:" in notice and "A deck could not be loaded" in notice
        table = app.screen.query_one("#decks")
        assert table.row_count == 1 + len(app.library.decks) == 13  # every deck that loaded
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen) and app.screen.item is not None


@pytest.mark.asyncio
async def test_a_theme_chosen_outside_settings_is_saved(tmp_path):
    from studyapp.config import load_settings

    config = tmp_path / "config.toml"
    app = build_app(tmp_path / "p.sqlite3", UTC_SETTINGS, clock=lambda: NOW, seed=1, config_file=config)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.theme = "nord"  # what the palette's "Change theme" does
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert app.settings.theme == "nord" and load_settings(config)[0].theme == "nord"


FOOTER = {"en": ["Study", "Practise", "Exam", "Browse", "Stats", "Settings", "Help", "Quit"],
          "zh": ["学习", "练习", "考试", "浏览", "统计", "设置", "帮助", "退出"]}


def footer_text(app) -> str:
    from studyapp.tui.keys import KeyFooter

    return text_of(app.screen.query_one(KeyFooter))


@pytest.mark.parametrize(("lang", "size"), [("en", (120, 40)), ("zh", (80, 24)), ("zh", (120, 40))])
@pytest.mark.asyncio
async def test_the_footer_starts_with_enter_study(tmp_path, lang, size):
    app = app_for(tmp_path, lang=lang)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        footer = footer_text(app)
        assert footer.split()[:2] == ["Enter", FOOTER[lang][0]]
        at = [footer.index(f" {word} ") for word in FOOTER[lang]]
        assert at == sorted(at)  # study, practise, exam, browse, stats, settings, help, quit
        await pilot.press("enter")  # the key it names studies the highlighted deck
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)


@pytest.mark.asyncio
async def test_at_80_columns_the_primary_keys_come_first(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = footer_text(app)
        assert footer.startswith("Enter Study ") and footer.index("Practise") < footer.index("Exam")
        assert footer.index("Browse") < footer.index("Stats") < footer.index("Help") < footer.index("q Quit")
        assert "…" not in footer  # every key in sight, Quit included


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.asyncio
async def test_the_recent_weeks_fit_beside_the_decks_at_80_columns(tmp_path, lang):
    from rich.cells import cell_len

    from studyapp.tui.charts import GLYPHS, MONTHS

    earlier = app_for(tmp_path)
    for days_ago in range(99, 0, -3):  # oldest first, as they happened
        answer_on(earlier, NOW - timedelta(days=days_ago))
    earlier.store.close()
    app = app_for(tmp_path, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        heatmap = app.screen.query_one("#recent")
        lines = heatmap.render().plain.splitlines()
        assert heatmap.size.height == len(lines) and heatmap.region.right <= 80
        assert max(cell_len(line) for line in lines) <= heatmap.size.width
        months = lines[0].split()
        assert set(months) <= set(MONTHS[lang]) and len(months) >= 2  # whole names, no bare numbers
        legend = " ".join(lines[8:])
        assert all(f"{glyph} " in legend for glyph in GLYPHS[:2])  # the legend wraps, it is not cut
        assert legend.rstrip()[-1].isdigit()


PALETTE_EN = {"Study", "Practise ahead", "Exam", "Browse", "Statistics", "Settings", "Keys", "Theme", "Quit",
              "Screenshot"}


async def palette_hits(pilot, typed: str) -> list[str]:
    """The titles the command palette lists for ``typed``."""
    from textual.command import CommandList, CommandPalette
    from textual.widgets import Input

    if not CommandPalette.is_open(pilot.app):
        await pilot.press("ctrl+p")
        await pilot.pause()
    pilot.app.screen.query_one(Input).value = typed
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    hits = pilot.app.screen.query_one(CommandList)
    return [str(hits.get_option_at_index(k).prompt).split("\n")[0] for k in range(hits.option_count)
            if not hits.get_option_at_index(k).disabled]


@pytest.mark.parametrize(("lang", "statistics"), [("en", "Statistics"), ("zh", "统计")])
@pytest.mark.asyncio
async def test_the_palette_finds_a_command_by_its_english_or_chinese_name(tmp_path, lang, statistics):
    from textual.command import CommandPalette
    from textual.widgets import Input

    from studyapp.tui.stats import StatsScreen

    app = app_for(tmp_path, lang=lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert await palette_hits(pilot, "stat") == [statistics]
        assert await palette_hits(pilot, "统计") == [statistics]
        assert (await palette_hits(pilot, "theme"))[0] == {"en": "Theme", "zh": "主题"}[lang]
        placeholder = app.screen.query_one(Input).placeholder
        assert placeholder == {"en": "Search for commands…", "zh": "搜索命令…"}[lang]
        await palette_hits(pilot, "统计")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not CommandPalette.is_open(app) and isinstance(app.screen, StatsScreen)


@pytest.mark.asyncio
async def test_the_chinese_palette_has_no_english(tmp_path):
    import re

    app = app_for(tmp_path, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        entries = list(app.get_system_commands(app.screen))
        assert {e.title for e in entries} >= {"主题", "退出", "截图", "学习", "统计", "按键"}
        for entry in entries:  # Textual's own entries translated, or left out ("Keys": its panel is English)
            assert not re.search(r"[A-Za-z]", entry.title + entry.help), entry
        english = app_for(tmp_path / "en")
        async with english.run_test(size=(100, 30)):
            assert {e.title for e in english.get_system_commands(english.screen)} >= PALETTE_EN


@pytest.mark.asyncio
async def test_a_streak_of_one_is_one_day(tmp_path):
    earlier = app_for(tmp_path)
    answer_on(earlier, NOW - timedelta(days=1))
    earlier.store.close()
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert text_of(app.screen.query_one("#streak")).strip() == "Streak: 1 day"
