"""The settings screen: every valid change is used at once and saved; a bad one is explained."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Input, Select

from studyapp.config import load_settings
from studyapp.core.settings import TEXTUAL_THEMES, THEMES, Settings
from studyapp.tui.app import HomeScreen, build_app, textual_theme
from studyapp.tui.settings_screen import FIELDS, S, SettingsScreen
from tests.tui.pilot import NOW, app_for, settle, text_of


async def open_settings(pilot) -> SettingsScreen:
    await pilot.pause()
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("comma")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen


def test_every_theme_name_is_a_textual_theme():
    available = App().available_themes
    assert set(TEXTUAL_THEMES) <= set(available)
    assert all(textual_theme(name) in available for name in THEMES)


def test_both_languages_have_every_string():
    assert set(S["en"]) == set(S["zh"])


@pytest.mark.asyncio
async def test_settings_change_language_and_persist(tmp_path):
    config = tmp_path / "config.toml"
    app = app_for(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settings(pilot)
        assert "Language" in text_of(screen.query_one("#settings-form .field-name"))
        screen.query_one("#lang", Select).value = "zh"
        await settle(pilot)
        assert 'lang = "zh"' in config.read_text(encoding="utf-8")
        assert app.settings.lang == "zh"
        screen = app.screen
        assert isinstance(screen, SettingsScreen)  # relabelled in place
        assert "设置" in text_of(screen.query_one("#settings-title"))
        assert "语言" in text_of(screen.query_one(".field-name"))
        assert "返回" in [b.binding.description for b in screen.active_bindings.values()]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "卡组" in text_of(app.screen.query_one("#title"))
        assert "全部卡组" in str(app.screen.query_one("#decks").get_row_at(0)[0])
    settings, problems = load_settings(config)
    assert problems == [] and settings.lang == "zh"
    again = build_app(tmp_path / "p.sqlite3", settings, clock=lambda: NOW, seed=1, config_file=config)
    async with again.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert "卡组" in text_of(again.screen.query_one("#title"))


@pytest.mark.asyncio
async def test_a_bad_retention_is_explained_and_not_saved_a_good_one_is(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('# mine\nnew_per_day = 30\ntimezone = "UTC"\n', encoding="utf-8")
    app = app_for(tmp_path, new_per_day=30)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        box = screen.query_one("#desired_retention", Input)
        box.focus()
        box.value = "1.5"
        await pilot.press("enter")
        await settle(pilot)
        problem = screen.query_one("#problem-desired_retention")
        assert problem.display
        assert "expected 0.70 to 0.97, got 1.5" in text_of(screen.query_one("#problem-desired_retention"))
        assert app.settings.desired_retention == 0.9
        assert config.read_text(encoding="utf-8") == '# mine\nnew_per_day = 30\ntimezone = "UTC"\n'
        box.value = "0.85"
        await pilot.press("tab")  # leaving the box saves it too
        await settle(pilot)
        assert not problem.display and app.settings.desired_retention == 0.85
        assert config.read_text(encoding="utf-8") == ('# mine\nnew_per_day = 30\ntimezone = "UTC"\n'
                                                        'desired_retention = 0.85\n')


@pytest.mark.asyncio
async def test_escape_saves_a_box_left_unsubmitted_and_asks_twice_for_a_bad_one(tmp_path):
    app = app_for(tmp_path, lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        screen.query_one("#new_per_day", Input).value = "４５"  # full-width digits, as a Chinese IME types
        screen.query_one("#leech_threshold", Input).value = "abc"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and app.settings.new_per_day == 45
        assert "应为 1 到 99 之间的整数" in text_of(screen.query_one("#problem-leech_threshold"))
        assert screen.query_one("#leech_threshold", Input).has_focus
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    saved = load_settings(tmp_path / "config.toml")
    assert saved == (Settings(lang="zh", new_per_day=45, timezone="UTC"), [])


@pytest.mark.asyncio
async def test_theme_changes_at_once_and_is_saved(tmp_path):
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        assert app.theme == "textual-dark"
        screen.query_one("#theme", Select).value = "nord"
        await settle(pilot)
        assert app.theme == "nord"
        screen.query_one("#leech_action", Select).value = "suspend"
        screen.query_one("#day_start_hour", Select).value = 6
        screen.query_one("#fuzz", Select).value = False
        await settle(pilot)
        assert app.settings.fuzz is False
    saved, problems = load_settings(tmp_path / "config.toml")
    assert problems == []
    assert (saved.theme, saved.leech_action, saved.day_start_hour) == ("nord", "suspend", 6)
    assert saved.fuzz is False


@pytest.mark.asyncio
async def test_an_unwritable_config_file_is_one_notice(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    app = build_app(tmp_path / "p.sqlite3", Settings(timezone="UTC"), clock=lambda: NOW, seed=1,
                    config_file=blocker / "config.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        screen.query_one("#theme", Select).value = "light"
        await settle(pilot)
        notices = [n.message for n in app._notifications]  # noqa: SLF001
        assert any(m.startswith("Not saved: cannot save the settings to") for m in notices)
        assert app.theme == "textual-light"  # still used for this session


def shown_lines(widget) -> list[str]:
    """The lines a widget draws, as the terminal shows them."""
    from textual.geometry import Region

    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, *widget.size))]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.asyncio
async def test_help_texts_wrap_between_words(tmp_path, size):
    app = app_for(tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = await open_settings(pilot)
        helps = list(screen.query(".field-help"))
        assert len(helps) == len(FIELDS)
        for widget in helps:
            rows = shown_lines(widget)
            assert " ".join(rows) == str(widget.content), rows  # every break at a space, no word cut
            assert all(row and not row.startswith(" ") for row in rows)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.asyncio
async def test_chinese_settings_have_no_english_but_the_theme_names(tmp_path, size):
    import re

    app = app_for(tmp_path, lang="zh")
    async with app.run_test(size=size) as pilot:
        screen = await open_settings(pilot)
        words = [text_of(w) for w in screen.query(".field-name, .field-help, #settings-title, #file-only")]
        words.append(text_of(screen.query_one("#settings-file")).replace(str(tmp_path / "config.toml"), ""))
        words += [str(prompt) for key in ("lang", "day_start_hour", "leech_action", "fuzz")
                  for prompt, value in screen.query_one(f"#{key}", Select)._options if value != "en"]  # noqa: SLF001
        text = " ".join(words).replace("Asia/Shanghai", "")  # the example of a value to type
        assert not re.search(r"[A-Za-z]", text), text
        box = screen.query_one("#timezone", Input)
        box.value = "Mars/Olympus"
        await pilot.press("tab")
        await settle(pilot)
        problem = text_of(screen.query_one("#problem-timezone"))
        assert not re.search(r"[A-Za-z]", problem.replace("Mars/Olympus", "").replace("Asia/Shanghai", ""))
