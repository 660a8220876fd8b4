"""Saving the settings file: exact round trips, escapes, and a hand-written file kept as written."""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.config import SettingsSaveError, load_settings, save_settings
from studyapp.core.settings import LEECH_ACTIONS, RANGES, THEMES, Settings
from studyapp.settings_toml import settings_toml, toml_document, toml_value

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)  # TOML cannot hold surrogates


def whole(key: str):
    low, high = RANGES[key]
    return st.integers(low, high)


MINUTES = st.lists(st.floats(min_value=0, max_value=10080, exclude_min=True), max_size=4).map(tuple)
LIMITS = st.dictionaries(TEXT, st.dictionaries(st.sampled_from(["new", "reviews"]), st.integers(0, 9999)),
                         max_size=3)
VALID_SETTINGS = st.builds(
    Settings, lang=st.sampled_from(["en", "zh"]), desired_retention=st.floats(0.70, 0.97),
    new_per_day=whole("new_per_day"), reviews_per_day=whole("reviews_per_day"),
    day_start_hour=whole("day_start_hour"), timezone=st.sampled_from(["", "UTC", "Asia/Shanghai"]),
    learning_steps_minutes=MINUTES, relearning_steps_minutes=MINUTES,
    maximum_interval_days=whole("maximum_interval_days"), leech_threshold=whole("leech_threshold"),
    leech_action=st.sampled_from(LEECH_ACTIONS), theme=st.sampled_from(THEMES), deck_limits=LIMITS)

HAND_WRITTEN = """\
# my study settings
lang = "zh"                    # en | zh
new_per_day = 20               # the default, but I chose it
colour = "blue"                # from a newer version, perhaps
learning_steps_minutes = [
  1,
  10,  # ten minutes
]

[deck_limits.convolution]      # per-deck limits
new = 5

[plugins.timer]
enabled = true
"""


@settings(max_examples=150, deadline=None)
@given(VALID_SETTINGS)
def test_any_valid_settings_round_trip_through_a_new_file(s):
    text = settings_toml(s)
    assert Settings.from_dict(tomllib.loads(text)) == (s, [])


@settings(max_examples=100, deadline=None)
@given(VALID_SETTINGS, VALID_SETTINGS)
def test_editing_a_file_written_before_gives_the_new_settings(first, second):
    text = settings_toml(second, settings_toml(first))
    assert Settings.from_dict(tomllib.loads(text)) == (second, [])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(VALID_SETTINGS)
def test_editing_a_hand_written_file_keeps_what_is_not_a_setting(tmp_path, s):
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    assert save_settings(s, path) == path
    assert load_settings(path) == (s, [f"{path}: unknown setting 'colour' (known: " + ", ".join(
        sorted(Settings().to_dict())) + "); using the default",
        f"{path}: unknown setting 'plugins' (known: " + ", ".join(sorted(Settings().to_dict()))
        + "); using the default"])
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["colour"] == "blue" and data["plugins"] == {"timer": {"enabled": True}}
    assert "# my study settings" in path.read_text(encoding="utf-8")


def test_only_changed_lines_are_rewritten_and_comments_stay(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    before, _ = load_settings(path)
    save_settings(replace(before, lang="en", theme="nord"), path)
    text = path.read_text(encoding="utf-8")
    # one line changed (its comment keeps its column), one added after the last top-level key
    assert text == HAND_WRITTEN.replace('lang = "zh"', 'lang = "en"').replace(
        ']\n\n[deck_limits', ']\ntheme = "nord"\n\n[deck_limits')
    save_settings(replace(before, lang="en", theme="nord", learning_steps_minutes=(2.0, 10.0)), path)
    text = path.read_text(encoding="utf-8")
    assert "new_per_day = 20               # the default, but I chose it\n" in text
    assert "learning_steps_minutes = [2, 10]\n" in text and "ten minutes" not in text  # changed: rewritten
    assert '[deck_limits.convolution]      # per-deck limits' in text and "[plugins.timer]" in text
    assert 'theme = "nord"\n' in text and text.index("theme") < text.index("[deck_limits")


def test_a_new_file_holds_only_what_differs_from_the_defaults(tmp_path):
    path = tmp_path / "deep" / "er" / "config.toml"  # missing folders are created
    save_settings(Settings(lang="zh", learning_steps_minutes=(1.0, 5.0), deck_limits={"conv": {"new": 3}}),
                  path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#") and 'lang = "zh"' in text and "learning_steps_minutes = [1, 5]" in text
    assert "[deck_limits.conv]\nnew = 3\n" in text and "desired_retention" not in text
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temporary file left behind


@pytest.mark.parametrize("text", ['"quote"', "back\\slash", "tab\tnew\nline\rcr", "\x00\x1f\x7f", "中文 é 🙂",
                                  "'single'", '"""', "\\u0041", "a.b", "", " spaced ", "#hash"])
def test_strings_and_keys_are_escaped(text):
    document = toml_document({text: text, "t": {text: [text, {text: text}]}})
    assert tomllib.loads(document) == {text: text, "t": {text: [text, {text: text}]}}


def test_values_of_every_kind_read_back():
    data = {"b": True, "i": -(2**63), "f": 1e-300, "big": 1.5e300, "neg0": -0.0, "inf": math.inf,
            "list": [1, 2.5, "x", [True]], "empty": {}, "nested": {"a": {"b": {"c": 1}}, "d": 2}}
    assert tomllib.loads(toml_document(data)) == data
    assert toml_value(math.nan) == "nan"
    with pytest.raises(TypeError):
        toml_value(object())


TOML_DATA = st.recursive(
    st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False) | TEXT | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3), max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(TEXT, TOML_DATA, max_size=4))
def test_any_toml_data_reads_back(data):
    assert tomllib.loads(toml_document(data)) == data


def test_an_unwritable_place_is_one_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SettingsSaveError, match="cannot save the settings to .*file") as caught:
        save_settings(Settings(lang="zh"), blocker / "config.toml")
    assert "\n" not in str(caught.value)


def test_a_broken_file_is_never_overwritten(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("lang = zh = broken\n# keep me\n", encoding="utf-8")
    with pytest.raises(SettingsSaveError, match="not valid TOML") as caught:
        save_settings(Settings(lang="zh"), path)
    assert "\n" not in str(caught.value)
    assert path.read_text(encoding="utf-8") == "lang = zh = broken\n# keep me\n"


def test_a_symlinked_file_is_updated_through_the_link(tmp_path):
    target = tmp_path / "dotfiles" / "studyapp.toml"
    target.parent.mkdir()
    target.write_text('lang = "en"\n', encoding="utf-8")
    link = tmp_path / "config.toml"
    os.symlink(target, link)
    save_settings(Settings(lang="zh"), link)
    assert link.is_symlink() and load_settings(target) == (Settings(lang="zh"), [])


def test_dotted_keys_and_inline_tables_are_rewritten_too():
    old = 'deck_limits.conv.new = 3\nextra.x = 1\n[deck_limits.other]\nreviews = 9\n[t]\ny = 2\n'
    new = Settings(lang="zh", deck_limits={"conv": {"new": 4}})
    text = settings_toml(new, old)
    assert text.startswith('extra.x = 1\nlang = "zh"\n') and "[t]\ny = 2\n" in text
    data = tomllib.loads(text)
    assert data["deck_limits"] == {"conv": {"new": 4}} and data["extra"] == {"x": 1}


def test_should_the_line_editor_fail_the_whole_file_is_written_without_losing_values(monkeypatch):
    import studyapp.settings_toml as editing

    monkeypatch.setattr(editing, "_edit", lambda text, changed: "broken = \n")
    old = 'colour = "red"  # mine\nnew_per_day = 7\n[plugins]\nx = [1, 2]\n'
    new = Settings(lang="zh", new_per_day=7)
    data = tomllib.loads(settings_toml(new, old))
    assert data == {"colour": "red", "new_per_day": 7, "lang": "zh", "plugins": {"x": [1, 2]}}


def test_the_readme_lists_every_theme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Settings", 1)[1].split("\n## ", 1)[0]
    assert all(f"`{name}`" in section for name in THEMES)
