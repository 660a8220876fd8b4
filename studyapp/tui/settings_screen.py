"""The settings screen: each valid change is used at once and saved to the config file.

Selects apply on change; text boxes on Enter and when the focus leaves them. The values are
checked by ``Settings.from_dict`` (the same rules as the file), so the screen cannot accept
anything the file would refuse. Below the fields, the memory model (``tui.memory_panel``): a fit to
the learner's reviews and the workload each desired retention is expected to cost, shown under the
retention box while a new value is typed, before it is saved.
"""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from studyapp.config import SettingsSaveError, save_settings
from studyapp.core.settings import RANGES, THEMES, Settings
from studyapp.paths import config_path
from studyapp.tui.keys import KeyFooter, localize_bindings
from studyapp.tui.memory_panel import MemoryPanel, MemoryWork
from studyapp.tui.memory_panel_view import change_text

if TYPE_CHECKING:
    from studyapp.tui.app import StudyApp

S = {
    "en": {
        "title": "Settings", "file": "Changes are saved at once (a box: on Enter or on leaving it) to",
        "saving": "Saving…", "saved": "Saved to {path}", "not_saved": "Not saved",
        "lang": "Language", "lang_help": "Of the screens and of the content",
        "theme": "Theme", "theme_help": "Colours; shown at once",
        "desired_retention": "Desired retention",
        "desired_retention_help": "0.70–0.97; higher means more reviews",
        "new_per_day": "New cards per day", "new_per_day_help": "0–9999, over all decks",
        "reviews_per_day": "Reviews per day", "reviews_per_day_help": "0–9999, over all decks",
        "day_start_hour": "A new day starts at", "day_start_hour_help": "Local time",
        "timezone": "Time zone", "timezone_help": "An IANA name such as Asia/Shanghai; empty: the system's",
        "leech_threshold": "Leech threshold", "leech_threshold_help": "1–99 lapses make an item a leech",
        "leech_action": "Leech action", "leech_action_help": "What happens to a leech",
        "tag": "tag it (still studied)", "suspend": "suspend it (no longer shown)",
        "fuzz": "Spread reviews", "fuzz_help": "Move due dates a few days so items learnt together part",
        "fuzz_on": "on (as Anki does)", "fuzz_off": "off (intervals exactly as computed)",
        "file_only": "Per-deck limits, learning steps and the longest interval are set in the file.",
        "discard": "Not saved: {what}. Escape again leaves without it.",
    },
    "zh": {
        "title": "设置", "file": "每项更改立即保存(输入框:按回车或离开时)到",
        "saving": "正在保存…", "saved": "已保存到 {path}", "not_saved": "未保存",
        "lang": "语言", "lang_help": "界面和学习内容的语言",
        "theme": "主题", "theme_help": "配色,立即生效",
        "desired_retention": "目标记忆保持率",
        "desired_retention_help": "0.70–0.97;越高,复习越多",
        "new_per_day": "每天新卡上限", "new_per_day_help": "0–9999,所有卡组合计",
        "reviews_per_day": "每天复习上限", "reviews_per_day_help": "0–9999,所有卡组合计",
        "day_start_hour": "新的一天开始于", "day_start_hour_help": "本地时间",
        "timezone": "时区", "timezone_help": "时区数据库中的名称,如 Asia/Shanghai;留空则用系统时区",
        "leech_threshold": "顽固卡阈值", "leech_threshold_help": "遗忘 1–99 次后成为顽固卡",
        "leech_action": "顽固卡处理", "leech_action_help": "成为顽固卡之后",
        "tag": "加标记(继续学习)", "suspend": "暂停(不再出现)",
        "fuzz": "分散复习", "fuzz_help": "把到期日前后挪几天,同一天学的内容不会总在同一天到期",
        "fuzz_on": "开", "fuzz_off": "关(严格按算出的间隔)",
        "file_only": "每个卡组的上限、学习步长和最长间隔请在文件中设置。",
        "discard": "未保存:{what}。再按 Esc 放弃此值并返回。",
    },
}
INPUTS = ("desired_retention", "new_per_day", "reviews_per_day", "timezone", "leech_threshold")
SIMULATED = ("new_per_day", "reviews_per_day")  # limits the workload simulation depends on
FIELDS = ("lang", "theme", "desired_retention", "new_per_day", "reviews_per_day", "day_start_hour",
          "timezone", "leech_threshold", "leech_action", "fuzz")


def t(lang: str, key: str) -> str:
    return S.get(lang, S["en"]).get(key, S["en"][key])


def problem_text(lang: str, key: str, raw: str, message: str) -> str:
    """What is wrong with a typed value and what is expected, in the screen's language."""
    if lang != "zh":
        return message  # Settings.from_dict's own words, the same as for the file
    if key == "timezone":
        return f"未知时区「{raw}」:应为时区数据库中的名称(如 Asia/Shanghai),或留空使用系统时区"
    low, high = RANGES[key]
    if key == "desired_retention":
        return f"无效的值「{raw}」:应为 {low:.2f} 到 {high:.2f} 之间的数"
    return f"无效的值「{raw}」:应为 {low} 到 {high} 之间的整数"


def typed_value(key: str, raw: str) -> Any:
    """The number typed (full-width digits too), or the text itself for the checks to reject."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if key == "timezone":
        return text
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return raw


class SettingsForm(VerticalScroll, can_focus=False):
    """The fields, scrolled into view as the focus moves; not a stop of its own for Tab."""


class SettingsScreen(Screen[None]):
    CSS_PATH = "settings_screen.tcss"
    AUTO_FOCUS = "#lang"
    BINDINGS = [Binding("escape", "back", "Back"), Binding("tab", "next_field", "Next field")]

    def __init__(self) -> None:
        super().__init__()
        self.lang = "en"
        self.leave_anyway = False  # set when Escape found a bad value: a second Escape leaves without it
        self.problems: dict[str, str] = {}  # field -> what is wrong with the value in its box
        self.save_lock = threading.Lock()
        self.saving = 0  # saves under way
        self.memory = MemoryWork(self, on_workload=self.show_retention_change)

    @property
    def studyapp(self) -> StudyApp:
        return self.app  # type: ignore[return-value]

    @property
    def path(self) -> Path:
        return self.studyapp.config_file or config_path()

    # --- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        lang = self.lang = self.studyapp.settings.lang
        localize_bindings(self, lang)  # again after a language change: compose runs anew
        yield Static(self._title(), id="settings-title")
        yield Static(f"{t(lang, 'file')} {self.path}", id="settings-file", markup=False)
        with SettingsForm(id="settings-form"):
            for key in FIELDS:
                yield Horizontal(Vertical(Label(t(lang, key), classes="field-name"),
                                          Static(t(lang, f"{key}_help"), classes="field-help"),
                                          classes="field-label"),
                                 self._control(key), classes="field")
                yield Static("", id=f"problem-{key}", classes="problem", markup=False)
                if key == "desired_retention":
                    yield Static("", id="retention-change", markup=False)
            yield Static(t(lang, "file_only"), id="file-only")
            yield MemoryPanel(self.memory)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.memory.simulate()

    @property
    def retention_change(self) -> Static:
        return self.query_one("#retention-change", Static)

    def _control(self, key: str) -> Widget:
        s: Settings = self.studyapp.settings
        value = getattr(s, key)
        if key in INPUTS:
            return Input(str(value), id=key)
        choices: dict[str, list[tuple[str, Any]]] = {
            "lang": [("English", "en"), ("中文", "zh")],
            "theme": [(f"{name} (textual-{name})" if name in ("dark", "light") else name, name)
                      for name in THEMES],
            "day_start_hour": [(f"{hour:02d}:00", hour) for hour in range(24)],
            "leech_action": [(t(self.lang, "tag"), "tag"), (t(self.lang, "suspend"), "suspend")],
            "fuzz": [(t(self.lang, "fuzz_on"), True), (t(self.lang, "fuzz_off"), False)],
        }
        return Select(choices[key], value=value, allow_blank=False, id=key)

    # --- changes -------------------------------------------------------------------------------
    def on_select_changed(self, event: Select.Changed) -> None:
        key = event.select.id
        if key in FIELDS and event.value is not Select.NULL:
            self.change(key, event.value, str(event.value))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "desired_retention":
            self.show_retention_change()

    def show_retention_change(self) -> None:
        """Under the retention box: what the value typed (not yet saved) would cost a day."""
        if not self.is_attached:
            return
        box = self.query_one("#desired_retention", Input)
        text = change_text(self.memory.workloads, self.memory.workload_problem is not None,
                           self.studyapp.settings.desired_retention, box.value, self.lang)
        self.retention_change.update(text)
        self.retention_change.set_class(bool(text), "shown")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.change_from_box(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if self.app.screen is self:  # not while the screen is being closed: action_back saw to it
            self.change_from_box(event.input)

    def change_from_box(self, box: Input) -> bool:
        return self.change(box.id or "", typed_value(box.id or "", box.value), box.value)

    def change(self, key: str, value: Any, raw: str) -> bool:
        """Check, use and save one setting; show what is wrong instead when it is not valid."""
        app = self.studyapp
        settings, errors = Settings.from_dict({**app.settings.to_dict(), key: value})
        self.problems.pop(key, None)
        if errors:
            self.problems[key] = problem_text(self.lang, key, raw, errors[0])
        problem = self.query_one(f"#problem-{key}", Static)
        problem.update(self.problems.get(key, ""))
        problem.set_class(bool(errors), "shown")
        if errors:
            return False
        if settings != app.settings:
            self.leave_anyway = False
            app.apply_settings(settings)  # the theme and language show at once
            self.save_in_background()
            if key == "lang":
                self.call_after_refresh(self.relabel)
            elif key in SIMULATED:
                self.memory.simulate()
            else:
                self.memory.redraw()  # the retention in use, its workload line
                self.show_retention_change()
        return True

    async def relabel(self) -> None:
        await self.recompose()
        self.query_one("#lang", Select).focus()
        self.refresh_bindings()

    # --- saving --------------------------------------------------------------------------------
    def _title(self) -> Text:
        saving = f"  {t(self.lang, 'saving')}" if self.saving else ""
        return Text.assemble((t(self.lang, "title"), "bold"), saving)

    def save_in_background(self) -> None:
        self.saving += 1
        self.query_one("#settings-title", Static).update(self._title())
        self.run_worker(self.save_latest, thread=True, group="save-settings", exit_on_error=False)

    def save_latest(self) -> None:
        """Save the settings the app uses now (a worker thread: a disk may take a while to sync).

        The lock keeps two saves from writing at once; each writes the newest settings, so the
        file always ends with the last change.
        """
        app = self.studyapp
        with self.save_lock:
            settings = app.settings
            try:
                path = save_settings(settings, self.path)
            except (SettingsSaveError, OSError, ValueError, TypeError) as exc:  # the last three: a bug
                app.call_from_thread(self.report, settings.lang, None, str(exc))
            else:
                app.call_from_thread(self.report, settings.lang, str(path), None)

    def report(self, lang: str, path: str | None, problem: str | None) -> None:
        self.saving -= 1
        if self.is_attached:
            self.query_one("#settings-title", Static).update(self._title())
        if problem is not None:
            self.app.notify(f"{t(lang, 'not_saved')}: {problem}", severity="error", markup=False)
        else:
            self.app.notify(t(lang, "saved").format(path=path), timeout=3, markup=False)

    # --- keys ----------------------------------------------------------------------------------
    def action_next_field(self) -> None:
        self.focus_next()

    def action_back(self) -> None:
        """Back to Home; a box not yet saved is saved first, and a bad one asks for a second Escape."""
        bad = [key for key in INPUTS if not self.change_from_box(self.query_one(f"#{key}", Input))]
        if bad and not self.leave_anyway:
            self.leave_anyway = True
            self.query_one(f"#{bad[0]}", Input).focus()
            what = self.problems[bad[0]]
            self.notify(t(self.lang, "discard").format(what=what), severity="warning", markup=False)
            return
        self.app.pop_screen()
