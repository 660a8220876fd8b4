"""What the screens ask of the app that hosts them (``tui.app.StudyApp``), as a Protocol, so that
a screen never imports the app module that imports it (no import circle)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from studyapp.core.home_view import HomeView
    from studyapp.core.library import Library
    from studyapp.core.session import StudySession
    from studyapp.core.settings import Settings
    from studyapp.store.progress import Store


class StudyHost(Protocol):
    settings: Settings
    clock: Callable[[], datetime]

    @property
    def loaded(self) -> bool: ...
    @property
    def library(self) -> Library: ...
    @property
    def store(self) -> Store: ...
    def when_loaded(self, action: Callable[[], None]) -> bool: ...
    def home_view(self) -> HomeView | None: ...
    def recent_days(self) -> tuple[date, dict[date, int]]: ...
    def session(self, decks: list[str] | None, mode: str = "scheduled") -> StudySession: ...
    def reload_if_changed(self) -> Any: ...  # a worker
    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any: ...
