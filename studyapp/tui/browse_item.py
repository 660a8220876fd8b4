"""One item of the browser in full: its content in the UI language, its schedule, and every
answer given to it (the review history)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from studyapp.core.content import GAP, Card, ProblemTemplate
from studyapp.core.scheduler import REVIEW, Scheduler
from studyapp.core.search_terms import difficulty_share
from studyapp.store.browse import HistoryRow
from studyapp.tui.browse_rows import (
    RATING_STYLE,
    Line,
    due_text,
    fit,
    kind_text,
    one_line,
    stability_text,
)
from studyapp.tui.browse_rows import t as row_t
from studyapp.tui.keys import KeyFooter, localize_bindings

if TYPE_CHECKING:
    from studyapp.tui.host import StudyHost

S = {
    "en": {
        "schedule": "Schedule", "history": "Review history",
        "no_history": "No answers yet.",
        "state": "State", "due": "Due", "interval": "Interval", "stability": "Stability",
        "difficulty": "Difficulty", "retrievability": "Retrievability", "lapses": "Lapses",
        "reviews": "Answers", "leech": "Leech", "suspended": "Suspended", "buried_until": "Buried until",
        "yes": "yes", "no": "no", "tags": "Tags", "related": "Related", "kind": "Kind", "level": "Difficulty",
        "when": "Date", "mode": "Mode", "before": "Type", "rating": "Rating", "ok": "✓", "time": "Time",
        "answer": "Answer", "mistake": "Mistake", "scheduled": "sched.", "practice": "practice",
        "exam": "exam", "b0": "new", "b1": "learn", "b2": "review", "b3": "relearn", "step": "step",
        "min_sec": "{m}m{s:02d}s", "sec": "{s}s",
    },
    "zh": {
        "schedule": "复习计划", "history": "复习记录", "no_history": "还没有作答记录。",
        "state": "状态", "due": "到期", "interval": "间隔", "stability": "稳定性", "difficulty": "难度",
        "retrievability": "可提取性", "lapses": "遗忘次数", "reviews": "作答次数", "leech": "顽固卡",
        "suspended": "已暂停", "buried_until": "搁置到", "yes": "是", "no": "否", "tags": "标签",
        "related": "相关", "kind": "题型", "level": "难度", "when": "日期", "mode": "模式", "before": "类别",
        "rating": "评分", "ok": "✓", "time": "用时", "answer": "答案", "mistake": "错误",
        "scheduled": "计划", "practice": "练习", "exam": "考试", "b0": "新卡", "b1": "学习", "b2": "复习",
        "b3": "重学", "step": "步长", "min_sec": "{m}分{s:02d}秒", "sec": "{s}秒",
    },
}


def t(lang: str, key: str, **values: Any) -> str:
    """A word of the details screen, else one of the rows (state names, ratings)."""
    text = S.get(lang, S["en"]).get(key)
    if text is None:
        return row_t(lang, key, **values)
    return text.format(**values) if values else text


def knob_text(value: Any, lang: str) -> str:
    """A template's generator knob as written in its deck: a value, choices, or a range."""
    if isinstance(value, dict):
        step = f" ({t(lang, 'step')} {value['step']})" if "step" in value else ""
        return f"{value.get('min')} … {value.get('max')}{step}"
    if isinstance(value, list):
        return " | ".join(str(v) for v in value)
    return str(value)


class ItemScreen(ModalScreen[None]):
    """One item: its full content in the UI language, its schedule and every answer given to it."""

    @property
    def host(self) -> StudyHost:
        """The app, as the screens see it (``tui.host``)."""
        return cast("StudyHost", self.app)

    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, line: Line, answers: list[HistoryRow], lang: str, now: datetime,
                 day_end: datetime, zone: Any):
        super().__init__()
        self.line, self.answers, self.lang = line, answers, lang
        self.now, self.day_end, self.zone = now, day_end, zone
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="item-box"):
            yield Static(self.content(), id="item-content")
            yield Static(self.schedule(), id="item-schedule")
            yield Static(RichText(t(self.lang, "history"), style="bold"), classes="item-heading")
            if self.answers:
                yield DataTable(id="item-history", cursor_type="row", zebra_stripes=True, cell_padding=0)
            else:
                yield Static(t(self.lang, "no_history"), id="item-no-history")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.answers:
            self.fill_history()

    def action_close(self) -> None:
        self.dismiss(None)

    def content(self) -> RichText:
        thing, lang = self.line.thing, self.lang
        deck = self.host.library.deck(thing.deck)
        out = RichText.assemble((thing.id, "bold"), f" · {deck.title.get(lang) if deck else thing.deck} · "
                                f"{kind_text(self.line.entry.type, lang)}\n\n")
        if isinstance(thing, ProblemTemplate):
            from studyapp.core.kinds import KINDS

            out.append(f"{thing.title.get(lang) if thing.title else thing.kind}\n", style="bold")
            kind_info = KINDS.get(thing.kind)
            out.append(f"{t(lang, 'kind')}: {thing.kind}"
                       + (f" — {kind_info.summary.get(lang)}" if kind_info else "") + "\n")
            out.append(f"{t(lang, 'level')}: {'●' * thing.difficulty}{'○' * (3 - thing.difficulty)}\n")
            for name, value in thing.knobs.items():
                out.append(f"  {name}: {knob_text(value, lang)}\n")
        elif thing.type == "basic":
            out.append(f"{thing.front.get(lang) if thing.front else ''}\n\n")
            out.append(thing.back.get(lang) if thing.back else "", style="bold")
            out.append("\n")
        elif thing.type == "cloze" and thing.text is not None:
            text, at = thing.text.get(lang), 0
            for gap in GAP.finditer(text):  # each gap's answer in bold, other accepted ones after it
                first, *others = (a.strip() for a in gap.group(1).split("|"))
                out.append(text[at:gap.start()])
                out.append(first, style="bold underline")
                if others:
                    out.append(f" ({' | '.join(others)})", style="dim")
                at = gap.end()
            out.append(text[at:] + "\n")
        else:
            out.append(f"{thing.question.get(lang) if thing.question else ''}\n")
            for option in thing.options:
                out.append(f"{'✓' if option.correct else '·'} {option.text.get(lang)}\n",
                           style="bold green" if option.correct else "")
        if isinstance(thing, Card) and thing.explanation is not None:
            out.append(f"\n{thing.explanation.get(lang)}\n", style="italic")
        for key, values in (("tags", thing.tags), ("related", thing.related)):
            if values:
                out.append(f"\n{t(lang, key)}: {', '.join(values)}", style="dim")
        return out

    def schedule(self) -> RichText:
        s, lang, now = self.line.entry.state, self.lang, self.now
        yes_no = {True: t(lang, "yes"), False: t(lang, "no")}
        rows = [("state", t(lang, s.label(now)))]  # suspended and buried have their own lines
        if not s.is_new and s.due is not None:
            relative = due_text(s, self.day_end, self.zone, lang)
            rows += [("due", f"{s.due.astimezone(self.zone):%Y-%m-%d %H:%M} ({relative})"),
                     ("interval", stability_text(s.interval_days(), lang) if s.state == REVIEW else ""),
                     ("stability", stability_text(s.stability, lang)),
                     ("difficulty", "" if s.difficulty is None else f"{difficulty_share(s.difficulty):.0%}"),
                     ("retrievability", f"{Scheduler(self.host.settings).retrievability(s, now):.0%}")]
        rows += [("lapses", str(s.lapses)), ("reviews", str(self.line.reviews)),
                 ("leech", yes_no[s.leech]), ("suspended", yes_no[s.suspended])]
        if s.is_buried(now) and s.buried_until is not None:
            rows.append(("buried_until", f"{s.buried_until.astimezone(self.zone):%Y-%m-%d %H:%M}"))
        width = max(cell_len(t(lang, key)) for key, _ in rows)
        out = RichText(f"\n{t(lang, 'schedule')}\n", style="bold")
        for key, value in rows:
            if value:
                out.append(f"  {fit(t(lang, key), width)}  {value}\n")
        return out

    def fill_history(self) -> None:
        lang = self.lang
        fixed = {"when": 16, "mode": 8, "before": 7, "rating": 5, "ok": 2, "time": 6}
        widths = {k: max(w, cell_len(t(lang, k))) for k, w in fixed.items()}
        room = max(self.app.size.width - 8 - sum(widths.values()) - len(widths) - 2, 20)
        widths |= {"answer": room // 2, "mistake": room - room // 2}
        table = self.query_one("#item-history", DataTable)
        table.can_focus = False  # the box scrolls, not a cursor in the table
        for key, width in widths.items():
            table.add_column(RichText(fit(t(lang, key), width) + " "), width=width + 1, key=key)
        for a in self.answers:
            seconds = round((a.duration_ms or 0) / 1000)
            values = {"when": f"{a.reviewed_at.astimezone(self.zone):%Y-%m-%d %H:%M}",
                      "mode": t(lang, a.mode) if a.mode in S["en"] else a.mode,
                      "before": t(lang, f"b{a.before}") if a.before in range(4) else "",
                      "rating": t(lang, f"r{a.rating}") if a.rating in RATING_STYLE else str(a.rating),
                      "ok": {True: "✓", False: "✗", None: ""}[a.correct],
                      "time": t(lang, "min_sec", m=seconds // 60, s=seconds % 60) if seconds >= 60
                      else t(lang, "sec", s=seconds),
                      "answer": one_line(a.answer or ""), "mistake": a.mistake or ""}
            cells = [RichText(fit(values[k], w) + " ") for k, w in widths.items()]
            cells[3].stylize(RATING_STYLE.get(a.rating, ""))
            cells[4].stylize("green" if a.correct else "red")
            table.add_row(*cells)
