"""Learner-facing text in English and Simplified Chinese."""

from __future__ import annotations

from typing import NamedTuple

LANGS = ("en", "zh")
DEFAULT_LANG = "en"


class Text(NamedTuple):
    """Immutable, and a tuple so that building thousands per second stays cheap."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"en": self.en, "zh": self.zh}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Text:
        return cls(en=str(data["en"]), zh=str(data["zh"]))


def T(en: str, zh: str) -> Text:  # noqa: N802 - short constructor used in tables of text
    return Text(en, zh)
