"""The statistics screen: the progress report's figures as charts in the terminal.

The figures are ``studyapp.report.figures.compute`` (the same as ``studyapp report --format json``),
computed in a thread worker on read-only connections while a progress bar runs: over a large
history they take longer than a frame. This module only lays them out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import LoadingIndicator, ProgressBar, Static
from textual.worker import Worker, WorkerState

from studyapp.tui.charts import BarChart, Heatmap, fit, meter, rfit
from studyapp.tui.keys import KeyFooter, localize_bindings

S = {
    "en": {
        "title": "Statistics", "loading": "Computing the statistics…", "back": "Back", "refresh": "Refresh",
        "failed": "Could not compute the statistics: {e}",
        "reviews": "Reviews", "today": "today", "days_studied": "days studied", "streak": "streak",
        "longest": "longest", "time": "time", "days": "d", "hours": "h", "minutes": "min",
        "empty": "No reviews yet: study a deck, then come back here.",
        "heatmap": "Reviews over the past year", "per_day": "Reviews per day, last 30 days",
        "forecast": "Due in the next 30 days", "overdue": "{n} overdue, counted on today",
        "retention": "True retention", "retention_note": "share of scheduled reviews not answered Again",
        "window": "", "win_today": "Today", "win_week": "7 days", "win_month": "30 days",
        "win_year": "365 days", "young": "Young", "mature": "Mature", "all": "All",
        "decks": "Decks", "deck": "Deck", "mastery": "Mastery", "accuracy": "Problems right",
        "mistakes": "Most frequent mistakes", "mistakes_total": "{n} diagnosed in all",
        "no_mistakes": "No mistakes diagnosed yet.", "leeches": "Leeches",
        "leeches_total": "{shown} of {n}, most lapses first", "no_leeches": "No leeches.",
        "lapses": "lapses",
    },
    "zh": {
        "title": "学习统计", "loading": "正在计算统计…", "back": "返回", "refresh": "刷新",
        "failed": "无法计算统计:{e}",
        "reviews": "复习", "today": "今天", "days_studied": "学习天数", "streak": "连续",
        "longest": "最长", "time": "用时", "days": "天", "hours": "小时", "minutes": "分钟",
        "empty": "还没有复习记录:先学习一个卡组,再回来看。",
        "heatmap": "过去一年的复习", "per_day": "最近 30 天每日复习", "forecast": "未来 30 天到期",
        "overdue": "{n} 个已过期,计入今天",
        "retention": "真实保留率", "retention_note": "计划复习中没有选“重来”的比例",
        "window": "", "win_today": "今天", "win_week": "7 天", "win_month": "30 天", "win_year": "365 天",
        "young": "新近", "mature": "成熟", "all": "全部",
        "decks": "卡组", "deck": "卡组", "mastery": "掌握度", "accuracy": "题目正确率",
        "mistakes": "最常见的错误", "mistakes_total": "共诊断出 {n} 次",
        "no_mistakes": "还没有诊断出错误。", "leeches": "顽固卡(leech)",
        "leeches_total": "共 {n} 张,显示遗忘最多的 {shown} 张", "no_leeches": "没有顽固卡。",
        "lapses": "次遗忘",
    },
}
WINDOWS = ("today", "week", "month", "year")
CLASSES = ("young", "mature", "all")


def t(lang: str, key: str) -> str:
    return S.get(lang, S["en"]).get(key, S["en"][key])


def number(n: int) -> str:
    return f"{n:,}"


def percent(x: float | None) -> str:
    return "" if x is None else f"{x * 100:.0f}%"


def duration(ms: int, lang: str) -> str:
    minutes = ms // 60_000
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} {t(lang, 'hours')} {minutes} {t(lang, 'minutes')}"
    return f"{minutes} {t(lang, 'minutes')}"


# --- the sections, as text for a given width -------------------------------------------------------
def summary_text(fig: dict[str, Any], lang: str) -> Text:
    s = fig["summary"]
    parts = [f"{t(lang, 'reviews')} {number(s['reviews'])}",
             f"{t(lang, 'today')} {number(s['reviews_today'])}",
             f"{t(lang, 'days_studied')} {number(s['days_studied'])}",
             f"{t(lang, 'streak')} {s['streak_current']} {t(lang, 'days')} "
             f"({t(lang, 'longest')} {s['streak_longest']} {t(lang, 'days')})",
             f"{t(lang, 'time')} {duration(s['time_ms'], lang)}"]
    text = Text(" · ".join(parts))
    if s["empty"]:
        text.append("\n" + t(lang, "empty"), "italic")
    return text


def retention_text(fig: dict[str, Any], lang: str) -> Text:
    """Windows down, young / mature / all across; a cell is blank where there was no review."""
    label_w, cell_w = 10, 21
    out = Text(fit("", label_w) + "".join(rfit(t(lang, c), cell_w) for c in CLASSES) + "\n", "bold")
    for window in WINDOWS:
        row = fig["retention"][window]
        cells = []
        for c in CLASSES:
            r = row[c]
            cells.append(rfit(f"{percent(r['rate'])} ({number(r['passed'])}/{number(r['reviews'])})"
                              if r["reviews"] else "", cell_w))
        out.append(fit(t(lang, f"win_{window}"), label_w) + "".join(cells) + "\n")
    out.append(t(lang, "retention_note"), "dim")
    return out


def decks_text(fig: dict[str, Any], lang: str, width: int) -> Text:
    """Per deck: mastery (mean retrievability) and problem accuracy, each as a small bar."""
    decks = fig["decks"]
    rest = 2 + 10 + 5 + 2 + 10 + 5 + 12
    title_w = max(min(max((cell_len(d["title"]) for d in decks), default=8), width - rest), 10)
    out = Text(fit(t(lang, "deck"), title_w) + "  " + fit(t(lang, "mastery"), 15) + "  "
               + fit(t(lang, "accuracy"), 27) + "\n", "bold")
    for d in decks:
        out.append(fit(d["title"], title_w) + "  ").append(meter(d["mastery"], 10))
        out.append(rfit(percent(d["mastery"]), 5) + "  ").append(meter(d["problem_accuracy"], 10))
        graded = d["problem_answers"]
        counts = f" ({number(d['problem_right'])}/{number(graded)})" if graded else ""
        out.append(rfit(percent(d["problem_accuracy"]), 5) + counts + "\n")
    out.rstrip()
    return out


def mistakes_text(fig: dict[str, Any], lang: str, width: int) -> Text:
    m = fig["mistakes"]
    if not m["top"]:
        return Text(t(lang, "no_mistakes"), "italic")
    tag_w = max(min(max(len(x["tag"]) for x in m["top"]), 32), 8)
    out = Text(t(lang, "mistakes_total").format(n=number(m["total"])) + "\n", "dim")
    for x in m["top"]:
        out.append(rfit(number(x["count"]), 6) + "  ").append(fit(x["tag"], tag_w), "bold")
        out.append("  " + fit(x.get("item") or "", max(width - tag_w - 10, 8)).rstrip() + "\n")
    out.rstrip()
    return out


def leeches_text(fig: dict[str, Any], lang: str, width: int) -> Text:
    le = fig["leeches"]
    if not le["top"]:
        return Text(t(lang, "no_leeches"), "italic")
    out = Text(t(lang, "leeches_total").format(shown=len(le["top"]), n=number(le["total"])) + "\n", "dim")
    deck_w = 20
    lapses = t(lang, "lapses")
    for x in le["top"]:
        count = f"{x['lapses']} {lapses}"
        title_w = max(width - deck_w - 14, 10)
        out.append(rfit(count, 11) + "  " + fit(x["title"], title_w) + " ")
        out.append(fit(x["deck_title"], deck_w).rstrip() + "\n", "dim")
    out.rstrip()
    return out


class StatsScreen(Screen[None]):
    """Reviews, retention, mastery, mistakes and leeches, drawn once the worker has them."""

    CSS_PATH = "stats.tcss"
    BINDINGS = [Binding("escape", "back", "Back"), Binding("r", "refresh", "Refresh")]

    class Progress(Message):
        def __init__(self, done: int, total: int):
            super().__init__()
            self.done, self.total = done, total

    figures: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        lang = self.app.settings.lang  # type: ignore[attr-defined]
        yield Static(f"[b]{t(lang, 'title')}[/b]", id="stats-title")
        yield Static(t(lang, "loading"), id="stats-status")
        yield LoadingIndicator(id="stats-loading")
        yield ProgressBar(id="stats-progress", show_eta=False)
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-summary")
            yield Static(t(lang, "heatmap"), classes="stats-heading")
            yield Heatmap([], 53, lang, id="stats-heatmap")
            yield Static(t(lang, "per_day"), classes="stats-heading")
            yield BarChart([], [], id="stats-per-day")
            yield Static(t(lang, "forecast"), classes="stats-heading")
            yield BarChart([], [], id="stats-forecast")
            yield Static(id="stats-overdue")
            yield Static(t(lang, "retention"), classes="stats-heading")
            yield Static(id="stats-retention")
            yield Static(t(lang, "decks"), classes="stats-heading")
            yield Static(id="stats-decks")
            yield Static(t(lang, "mistakes"), classes="stats-heading")
            yield Static(id="stats-mistakes")
            yield Static(t(lang, "leeches"), classes="stats-heading")
            yield Static(id="stats-leeches")
        yield KeyFooter()

    @property
    def lang(self) -> str:
        return self.app.settings.lang  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        localize_bindings(self, self.lang)
        self.action_refresh()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self._loading(True)
        app: Any = self.app
        self.compute_figures(app.store.path, app.settings, app.clock(), app.library, self.lang)

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def compute_figures(self, path: Any, settings: Any, now: Any, library: Any, lang: str) -> dict[str, Any]:
        from studyapp.report.cmd_report import connector, library_names, scope_for
        from studyapp.report.figures import compute

        return compute(connector(path), scope_for(settings, now), names=library_names(library, lang),
                       progress=lambda done, total: self.post_message(self.Progress(done, total)))

    def on_stats_screen_progress(self, message: Progress) -> None:
        self.query_one("#stats-progress", ProgressBar).update(total=message.total, progress=message.done)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "stats":
            return
        if event.state == WorkerState.SUCCESS:
            self.figures = event.worker.result
            self._loading(False)
            self._show()
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            first_line = (str(error).splitlines() or [type(error).__name__])[0]
            self.query_one("#stats-status", Static).update(t(self.lang, "failed").format(e=first_line))
            self.query_one("#stats-loading").display = False
            self.query_one("#stats-progress").display = False

    def on_resize(self) -> None:
        if self.figures is not None:
            self._show()

    def _loading(self, on: bool) -> None:
        self.query_one("#stats-status", Static).update(t(self.lang, "loading"))
        for name in ("#stats-status", "#stats-loading", "#stats-progress"):
            self.query_one(name).display = on
        self.query_one("#stats-body").display = not on
        if on:
            self.query_one("#stats-progress", ProgressBar).update(total=None, progress=0)

    def _show(self) -> None:
        fig, lang = self.figures, self.lang
        assert fig is not None
        width = max(self.size.width - 5, 40)  # the body's padding and scroll bar, and a space
        self.query_one("#stats-summary", Static).update(summary_text(fig, lang))
        heat = [(date.fromisoformat(h["date"]), h["reviews"]) for h in fig["heatmap"]]
        self.query_one("#stats-heatmap", Heatmap).update_days(heat, date.fromisoformat(fig["today"]))
        per_day, forecast = fig["per_day"], fig["forecast"]
        self.query_one("#stats-per-day", BarChart).update_values(
            [d["reviews"] for d in per_day], [d["date"][5:] for d in per_day], highlight=len(per_day) - 1)
        self.query_one("#stats-forecast", BarChart).update_values(
            [d["due"] for d in forecast], [d["date"][5:] for d in forecast], highlight=0)
        overdue = fig["summary"]["overdue"]
        self.query_one("#stats-overdue", Static).update(t(lang, "overdue").format(n=number(overdue)))
        self.query_one("#stats-overdue").display = bool(overdue)
        self.query_one("#stats-retention", Static).update(retention_text(fig, lang))
        self.query_one("#stats-decks", Static).update(decks_text(fig, lang, width))
        self.query_one("#stats-mistakes", Static).update(mistakes_text(fig, lang, width))
        self.query_one("#stats-leeches", Static).update(leeches_text(fig, lang, width))
        self.query_one("#stats-body").focus()
