"""What the statistics screen shows, as Rich ``Text`` for a given width: pure functions of the
report's figures (``studyapp.report.figures.compute``) and the UI language, testable without an app.

A cell with no data reads ``—`` (a rate over no reviews is unknown, not 0%). A mistake is named
by the message its problem kind gives it (``Kind.mistakes``), in the UI language, with its tag
beside it, dim; ``mistake_message`` finds that message. Nothing here reads the store.
"""

from __future__ import annotations

import io
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from studyapp.core.content import ProblemTemplate
from studyapp.core.proposal import duration_text
from studyapp.core.review_log import MODE_NAMES
from studyapp.tui.charts import fit, meter, rfit

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
        "lapses": "lapses", "last_in": "last in {item}",
        "sessions": "Recent sessions", "started": "Started", "mode": "Mode", "answered": "Answered",
        "right": "Right", "wrong": "Wrong", "spent": "Time", "no_sessions": "No sessions yet.",
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
        "no_mistakes": "还没有诊断出错误。", "leeches": "顽固卡",
        "leeches_total": "共 {n} 张,显示遗忘最多的 {shown} 张", "no_leeches": "没有顽固卡。",
        "lapses": "次遗忘", "last_in": "最近一次:{item}",
        "sessions": "最近的学习", "started": "开始时间", "mode": "模式", "answered": "已答",
        "right": "正确", "wrong": "错误", "spent": "用时", "no_sessions": "还没有学习记录。",
    },
}
WINDOWS = ("today", "week", "month", "year")
CLASSES = ("young", "mature", "all")
NONE = "—"  # a cell with no data
SEARCH_SEEDS = 64  # variants tried for a mistake whose own problem is unknown

_WRAPPER = Console(file=io.StringIO(), width=200, color_system=None)  # Text.wrap wants one; it draws nothing


def t(lang: str, key: str) -> str:
    return S.get(lang, S["en"]).get(key, S["en"][key])


def number(n: int) -> str:
    return f"{n:,}"


def percent(x: float | None) -> str:
    return NONE if x is None else f"{x * 100:.0f}%"


def duration(ms: int, lang: str) -> str:
    minutes = ms // 60_000
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} {t(lang, 'hours')} {minutes} {t(lang, 'minutes')}"
    return f"{minutes} {t(lang, 'minutes')}"


def wrap(text: Text, width: int) -> list[Text]:
    """``text`` broken at spaces (Chinese anywhere) into lines of at most ``width`` cells."""
    lines = list(text.wrap(_WRAPPER, max(width, 1)))
    for line in lines:
        line.rstrip()
    return lines


def mistake_message(template: ProblemTemplate, seed: int | None, tag: str, lang: str) -> str | None:
    """The message of mistake ``tag`` as the problem kind words it: for the problem of ``seed``
    (the one answered), else for the first variant that can make that mistake; None if none can."""
    from studyapp.core.problems import generate

    seeds = ([seed] if seed is not None else []) + list(range(SEARCH_SEEDS))
    for s in seeds:
        try:
            problem = generate(template, s)
        except (KeyError, ValueError):  # a kind this version does not know, params it refuses
            return None
        found = next((m for m in problem.kind.mistakes(problem.params) if m.tag == tag), None)
        if found is not None:
            return found.message.get(lang)
    return None


# --- the sections, as text for a given width -------------------------------------------------------
def summary_text(fig: dict[str, Any], lang: str, width: int = 200) -> Text:
    """The totals, broken between two of them (never inside one) to fit ``width``."""
    s = fig["summary"]
    parts = [f"{t(lang, 'reviews')} {number(s['reviews'])}",
             f"{t(lang, 'today')} {number(s['reviews_today'])}",
             f"{t(lang, 'days_studied')} {number(s['days_studied'])}",
             f"{t(lang, 'streak')} {s['streak_current']} {t(lang, 'days')} "
             f"({t(lang, 'longest')} {s['streak_longest']} {t(lang, 'days')})",
             f"{t(lang, 'time')} {duration(s['time_ms'], lang)}"]
    lines = [parts[0]]
    for part in parts[1:]:
        if cell_len(lines[-1]) + 3 + cell_len(part) > width:
            lines.append(part)
        else:
            lines[-1] += " · " + part
    text = Text("\n".join(lines))
    if s["empty"]:
        text.append("\n" + t(lang, "empty"), "italic")
    return text


def retention_text(fig: dict[str, Any], lang: str) -> Text:
    """Windows down, young / mature / all across; ``—`` where there was no review."""
    label_w, cell_w = 10, 21
    out = Text(fit("", label_w) + "".join(rfit(t(lang, c), cell_w) for c in CLASSES) + "\n", "bold")
    for window in WINDOWS:
        row = fig["retention"][window]
        out.append(fit(t(lang, f"win_{window}"), label_w))
        for c in CLASSES:
            r = row[c]
            if r["reviews"]:
                rate = f"{percent(r['rate'])} ({number(r['passed'])}/{number(r['reviews'])})"
                out.append(rfit(rate, cell_w))
            else:
                out.append(rfit(NONE, cell_w), "dim")
        out.append("\n")
    out.append(t(lang, "retention_note"), "dim")
    return out


def decks_text(fig: dict[str, Any], lang: str, width: int) -> Text:
    """Per deck: mastery (mean retrievability) and problem accuracy, each as a small bar; ``—``
    for a deck not studied yet, and for one with no problem answered."""
    decks = fig["decks"]
    rest = 2 + 10 + 5 + 2 + 10 + 5 + 12
    title_w = max(min(max((cell_len(d["title"]) for d in decks), default=8), width - rest), 10)
    out = Text(fit(t(lang, "deck"), title_w) + "  " + fit(t(lang, "mastery"), 15) + "  "
               + fit(t(lang, "accuracy"), 27) + "\n", "bold")
    for d in decks:
        mastery = d["mastery"] if d["studied"] else None  # new items count 0: not a measure yet
        out.append(fit(d["title"], title_w) + "  ")
        _bar(out, mastery)
        out.append("  ")
        _bar(out, d["problem_accuracy"])
        if d["problem_answers"]:
            out.append(f" ({number(d['problem_right'])}/{number(d['problem_answers'])})")
        out.append("\n")
    out.rstrip()
    return out


def _bar(out: Text, fraction: float | None) -> None:
    """A meter and its percentage; a dim ``—`` on a dotted track when there is no value."""
    if fraction is None:
        out.append("·" * 10 + rfit(NONE, 5), "dim")
    else:
        out.append(meter(fraction, 10)).append(rfit(percent(fraction), 5))


def mistakes_text(fig: dict[str, Any], lang: str, width: int) -> Text:
    """Each mistake by its name (``name``, in ``lang``) with its tag beside it, dim; the name wraps
    under itself, past the count; under it, dim, the item it was last made in (cut to one line)."""
    m = fig["mistakes"]
    if not m["top"]:
        return Text(t(lang, "no_mistakes"), "italic")
    out = Text(t(lang, "mistakes_total").format(n=number(m["total"])) + "\n", "dim")
    indent = 8
    for x in m["top"]:
        name = x.get("name")
        entry = Text(name) + Text("  " + x["tag"], "dim") if name else Text(x["tag"], "bold")
        for k, line in enumerate(wrap(entry, width - indent)):
            out.append(rfit(number(x["count"]), 6) + "  " if k == 0 else " " * indent)
            out.append_text(line)
            out.append("\n")
        if x.get("item"):
            where = t(lang, "last_in").format(item=x["item"])
            out.append(" " * indent + fit(where, width - indent).rstrip() + "\n", "dim")
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


def sessions_text(fig: dict[str, Any], lang: str, width: int) -> Text:
    """The latest sessions, newest first: when (local time), mode, answered, right, wrong and
    time, with the same figures and time wording as the summary shown when the session ended."""
    sessions = fig.get("sessions", [])
    if not sessions:
        return Text(t(lang, "no_sessions"), "italic")
    when_w, mode_w, n_w, time_w = 16, 8, 8, 12
    show_time = width >= when_w + mode_w + 3 * n_w + time_w + 10  # else the time goes first
    heads = [fit(t(lang, "started"), when_w), fit(t(lang, "mode"), mode_w),
             rfit(t(lang, "answered"), n_w), rfit(t(lang, "right"), n_w), rfit(t(lang, "wrong"), n_w)]
    out = Text("  ".join(heads) + ("  " + rfit(t(lang, "spent"), time_w) if show_time else "") + "\n", "bold")
    for x in sessions:
        mode = MODE_NAMES[x["mode"]].get(lang) if x["mode"] in MODE_NAMES else x["mode"]
        cells = [fit(x["local"], when_w), fit(mode, mode_w), rfit(number(x["answered"]), n_w),
                 rfit(number(x["right"]), n_w), rfit(number(x["wrong"]), n_w)]
        if show_time:
            cells.append(rfit(duration_text(x["time_ms"]).get(lang), time_w))
        out.append("  ".join(cells) + "\n")
    out.rstrip()
    return out
