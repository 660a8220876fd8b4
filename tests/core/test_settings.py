"""Settings: defaults, every bad key named, and a broken file still starts on defaults."""

from __future__ import annotations

from studyapp.config import load_settings
from studyapp.core.settings import Settings


def test_defaults():
    s = Settings()
    assert (s.desired_retention, s.new_per_day, s.reviews_per_day, s.day_start_hour) == (0.9, 20, 200, 4)


def test_every_bad_key_is_named_and_good_ones_kept():
    s, errors = Settings.from_dict({"desired_retention": 0.99, "new_per_day": 5, "colour": "red",
                                    "day_start_hour": 25, "leech_action": "delete", "lang": "zh",
                                    "timezone": "Mars/Olympus", "deck_limits": {"convolution": {"new": 3}}})
    assert s.new_per_day == 5 and s.lang == "zh" and s.new_limit("convolution") == 3
    assert s.desired_retention == 0.9 and s.day_start_hour == 4  # bad values stay at defaults
    text = " | ".join(errors)
    for key in ("desired_retention", "colour", "day_start_hour", "leech_action", "timezone"):
        assert key in text
    assert len(errors) == 5


def test_settings_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('lang = "zh"\ndesired_retention = 0.85\nlearning_steps_minutes = [1, 5, 20]\n')
    s, errors = load_settings(path)
    assert errors == [] and s.lang == "zh" and s.learning_steps_minutes == (1.0, 5.0, 20.0)
    path.write_text("lang = zh = broken\n")
    s, errors = load_settings(path)
    assert s == Settings() and len(errors) == 1 and "not valid TOML" in errors[0]
    assert load_settings(tmp_path / "absent.toml") == (Settings(), [])


def test_theme_takes_textual_names_and_the_message_lists_them():
    for name in ("dark", "light", "nord", "textual-light", "catppuccin-mocha"):
        assert Settings.from_dict({"theme": name}) == (Settings(theme=name), [])
    s, errors = Settings.from_dict({"theme": "blue"})
    assert s.theme == "dark" and len(errors) == 1
    assert all(name in errors[0] for name in ("dark, light", "nord", "gruvbox", "'blue'"))


def test_ranges_are_inclusive_and_whole_numbers_stay_whole():
    ok = {"desired_retention": 0.97, "new_per_day": 0, "reviews_per_day": 9999, "day_start_hour": 23,
          "maximum_interval_days": 1, "leech_threshold": 99}
    assert Settings.from_dict(ok)[1] == []
    bad = {"desired_retention": 0.971, "new_per_day": 2.0, "day_start_hour": 24, "leech_threshold": 0}
    _, errors = Settings.from_dict(bad)
    assert errors == ["setting 'desired_retention': expected 0.70 to 0.97, got 0.971",
                      "setting 'new_per_day': expected a whole number 0 to 9999, got 2.0",
                      "setting 'day_start_hour': expected an hour 0 to 23, got 24",
                      "setting 'leech_threshold': expected a whole number 1 to 99, got 0"]
