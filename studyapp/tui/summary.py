"""The end of a study session: what was done, how it went, the time, what comes tomorrow."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static

from studyapp.core.proposal import duration_text
from studyapp.tui.keys import localize_bindings
from studyapp.tui.strings import tr


def summary_text(summary: dict[str, Any], lang: str) -> Text:
    """``summary`` is what ``StudySession.finish`` returns."""
    spent = duration_text(summary["time_ms"]).get(lang)
    text = Text(f"{tr(lang, 'summary')}\n\n", style="bold")
    text.append(f"{summary['answered']} {tr(lang, 'answered')} · {summary['right']} {tr(lang, 'correct')} · "
                f"{summary['wrong']} {tr(lang, 'incorrect')} · {spent}\n"
                f"{summary['due_tomorrow']} {tr(lang, 'due_tomorrow')}\n\n{tr(lang, 'back_home')}", style="")
    return text


class SummaryScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,q", "dismiss_summary", "Back")]

    def __init__(self, text: Text):
        super().__init__()
        self.text = text

    def on_mount(self) -> None:
        localize_bindings(self, self.app.settings.lang)  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Static(self.text, id="summary")

    def action_dismiss_summary(self) -> None:
        self.dismiss(None)
