"""The learner's settings: defaults, validation that names every bad key, and to_dict.

Reading the file is the faces' job (``studyapp.config``); this module only checks values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from studyapp.core.memory_model import MemoryModel

LEECH_ACTIONS = ("tag", "suspend")
# Textual's built-in themes (the core must not import Textual; a TUI test checks this list against it)
TEXTUAL_THEMES = (
    "textual-dark", "textual-light", "nord", "gruvbox", "catppuccin-mocha", "catppuccin-macchiato",
    "catppuccin-frappe", "catppuccin-latte", "dracula", "tokyo-night", "monokai", "flexoki",
    "solarized-dark", "solarized-light", "rose-pine", "rose-pine-moon", "rose-pine-dawn",
    "atom-one-dark", "atom-one-light", "ansi-dark", "ansi-light",
)
THEMES = ("dark", "light", *TEXTUAL_THEMES)  # dark and light: our names for textual-dark and textual-light
# inclusive bounds of the numeric settings, shared by the checks and the settings screen's messages
RANGES: dict[str, tuple[Any, Any]] = {
    "desired_retention": (0.70, 0.97), "new_per_day": (0, 9999), "reviews_per_day": (0, 9999),
    "day_start_hour": (0, 23), "maximum_interval_days": (1, 36500), "leech_threshold": (1, 99),
}


@dataclass(frozen=True)
class Settings:
    lang: str = "en"
    desired_retention: float = 0.90
    new_per_day: int = 20
    reviews_per_day: int = 200
    day_start_hour: int = 4
    timezone: str = ""  # IANA name; empty means the system's local zone
    learning_steps_minutes: tuple[float, ...] = (1.0, 10.0)
    relearning_steps_minutes: tuple[float, ...] = (10.0,)
    maximum_interval_days: int = 36500
    leech_threshold: int = 8
    leech_action: str = "tag"
    theme: str = "dark"
    fuzz: bool = True  # spread review intervals a little, as Anki does (seeded per item and review)
    deck_limits: dict[str, dict[str, int]] = field(default_factory=dict)  # deck -> {new, reviews}
    memory_model: MemoryModel = field(default_factory=MemoryModel)  # FSRS parameters fitted to you

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["learning_steps_minutes"] = list(self.learning_steps_minutes)
        out["relearning_steps_minutes"] = list(self.relearning_steps_minutes)
        out["memory_model"] = self.memory_model.to_dict()
        return out

    def new_limit(self, deck: str) -> int:
        return self.deck_limits.get(deck, {}).get("new", self.new_per_day)

    def review_limit(self, deck: str) -> int:
        return self.deck_limits.get(deck, {}).get("reviews", self.reviews_per_day)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> tuple[Settings, list[str]]:
        """Settings from a mapping, and one message per unknown key or bad value.

        Bad values are left at their defaults, so the app can still start.
        """
        errors: list[str] = []
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                errors.append(f"unknown setting '{key}' (known: {', '.join(sorted(known))})")
                continue
            if key == "memory_model":  # a table of its own, each bad key named; the rest is used
                values[key], problems = MemoryModel.from_dict(value)
                errors += problems
                continue
            problem = _check(key, value)
            if problem:
                errors.append(f"setting '{key}': {problem}")
            else:
                values[key] = tuple(float(v) for v in value) if key.endswith("_minutes") else value
        return cls(**values), errors


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _check_range(key: str, v: Any) -> str | None:
    low, high = RANGES[key]
    if key == "desired_retention":
        return None if _is_num(v) and low <= v <= high else f"expected {low:.2f} to {high:.2f}, got {v!r}"
    what = "an hour" if key == "day_start_hour" else "a whole number"
    return None if _is_int(v) and low <= v <= high else f"expected {what} {low} to {high}, got {v!r}"


def _check(key: str, v: Any) -> str | None:
    if key == "lang":
        return None if v in ("en", "zh") else f"expected en or zh, got {v!r}"
    if key in RANGES:
        return _check_range(key, v)
    if key == "timezone":
        return _check_zone(v)
    if key in ("learning_steps_minutes", "relearning_steps_minutes"):
        ok = isinstance(v, list) and all(_is_num(x) and 0 < x <= 1440 * 7 for x in v)
        return None if ok else f"expected a list of minutes (each from >0 to 10080), got {v!r}"
    if key == "leech_action":
        return None if v in LEECH_ACTIONS else f"expected tag or suspend, got {v!r}"
    if key == "fuzz":
        return None if isinstance(v, bool) else f"expected true or false, got {v!r}"
    if key == "theme":
        return None if v in THEMES else f"expected one of {', '.join(THEMES)}; got {v!r}"
    if key == "deck_limits":
        if not isinstance(v, dict):
            return "expected a table of deck ids, each with new and/or reviews"
        for deck, limits in v.items():
            if not isinstance(limits, dict) or set(limits) - {"new", "reviews"} or not all(
                _is_int(x) and 0 <= x <= 9999 for x in limits.values()
            ):
                return f"deck '{deck}': expected {{new = N, reviews = N}} with whole numbers"
        return None
    return None


def _check_zone(v: Any) -> str | None:
    if not isinstance(v, str):
        return f"expected an IANA time zone name such as Asia/Shanghai, got {v!r}"
    if v == "":
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {v!r} (expected a name such as Asia/Shanghai)"
    return None
