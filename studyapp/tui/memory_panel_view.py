"""The words and the chart row of Settings' memory model section, as pure functions (tested without an app).

What a fit, a reset or a simulation came to is kept as data (``Outcome``, ``Workloads``) and put
into words here in the screen's language at the time it is drawn, so that a change of language
while a fit runs shows its result in the new one. Nothing here runs a fit or reads the store.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

from studyapp.core.memory_model import MemoryModel
from studyapp.core.memory_words import change_line, fit_lines, in_use_lines, too_few_line, workload_line
from studyapp.core.optimizer import FitResult, TooFewReviews
from studyapp.core.settings import RANGES
from studyapp.core.workload import Workload, nearest
from studyapp.store.memory_states import READING
from studyapp.tui.charts import short_number

S = {
    "en": {
        "section": "Memory model", "in_use": "In use",
        "deck_own": "Deck {deck}, fitted on its own: {line}",
        "fit": "Fit to my reviews", "per_deck": "also fit each deck with enough reviews",
        "reset": "Reset to defaults",
        "busy": "The memory model is still being worked on: wait for it to finish.",
        "reading": "Reading your scheduled reviews…", "fitting": "Fitting to your reviews…",
        "fitting_deck": "Fitting deck {deck}…",
        "recomputing": "Recomputing your items' memory states…",
        "kept_none": "Nothing was changed.",
        "changed": "Memory states recomputed: {n} items' schedules changed.",
        "reset_done": "Back to FSRS's default parameters.",
        "store_problem": "The database could not be updated: {e}",
        "workload": "Expected workload over the next year",
        "axis": "minutes a day at each desired retention (simulated)",
        "computing": "Working out the expected workload…",
        "optimal": "Least time per item remembered: {r:.2f} — {reviews:.0f} reviews, {minutes:.0f} min a day",
        "nothing": "No items to study yet: every retention costs nothing.",
        "current": "Your desired retention now: {line}",
    },
    "zh": {
        "section": "记忆模型", "in_use": "当前使用",
        "deck_own": "卡组 {deck} 单独拟合:{line}",
        "fit": "按我的复习拟合", "per_deck": "复习足够的卡组也各自拟合",
        "reset": "恢复默认参数",
        "busy": "记忆模型仍在计算中,请等它完成。",
        "reading": "正在读取你的计划复习…", "fitting": "正在按你的复习拟合…",
        "fitting_deck": "正在拟合卡组 {deck}…",
        "recomputing": "正在重新计算各项的记忆状态…",
        "kept_none": "没有做任何更改。",
        "changed": "记忆状态已重新计算:{n} 项的复习安排有变化。",
        "reset_done": "已恢复 FSRS 默认参数。",
        "store_problem": "无法更新数据库:{e}",
        "workload": "未来一年的预计工作量",
        "axis": "各目标记忆保持率下每天的分钟数(模拟)",
        "computing": "正在计算预计工作量…",
        "optimal": "每记住一项用时最少:{r:.2f} — 每天 {reviews:.0f} 次复习,{minutes:.0f} 分钟",
        "nothing": "还没有要学的条目:任何保持率都不花时间。",
        "current": "你现在的目标记忆保持率:{line}",
    },
}
TICK_EVERY = 5  # a retention label under every fifth bar (0.70, 0.75, …)


def t(lang: str, key: str) -> str:
    return S.get(lang, S["en"]).get(key, S["en"][key])


DeckFit = FitResult | TooFewReviews


@dataclass(frozen=True)
class Outcome:
    """What the last fit or reset came to; ``changed`` is None when no memory state was recomputed."""

    collection: FitResult | None = None
    decks: tuple[DeckFit, ...] = ()
    too_few: TooFewReviews | None = None
    problem: str | None = None  # one line: the optimizer missing or failing, the database unwritable
    changed: int | None = None
    reset: bool = False


@dataclass(frozen=True)
class Workloads:
    """The simulated year at each desired retention, and the one with the least time per item remembered."""

    points: tuple[Workload, ...]
    optimal: float | None  # None: nothing to study


def in_use_text(model: MemoryModel, lang: str) -> list[str]:
    """The collection's parameters in words, then a line per deck fitted on its own."""
    lines = in_use_lines(model.collection, lang)
    for deck, fit in sorted(model.decks.items()):
        lines.append(t(lang, "deck_own").format(deck=deck, line=in_use_lines(fit, lang)[0]))
    return lines


def outcome_lines(outcome: Outcome | None, lang: str) -> list[str]:
    if outcome is None:
        return []
    lines: list[str] = []
    if outcome.reset:
        lines.append(t(lang, "reset_done"))
    if outcome.too_few is not None:
        lines.append(too_few_line(outcome.too_few, lang))
    if outcome.collection is not None:
        lines += fit_lines(outcome.collection, lang)
    for deck in outcome.decks:
        lines.append("")
        lines += [too_few_line(deck, lang)] if isinstance(deck, TooFewReviews) else fit_lines(deck, lang)
    if outcome.changed is not None:
        lines += ["", t(lang, "changed").format(n=f"{outcome.changed:,}")]
    elif outcome.collection is not None and outcome.problem is None:
        lines += ["", t(lang, "kept_none")]
    if outcome.problem is not None:
        lines.append(outcome.problem)
    return lines


def doing_text(phase: str, what: str, lang: str) -> str:
    """The progress line's words: the phase in the screen's language (the core's ``what`` is English)."""
    if phase == "fit" and what.startswith("deck "):
        return t(lang, "fitting_deck").format(deck=what.removeprefix("deck "))
    if phase == "fit" and what in ("", READING):
        return t(lang, "reading")
    return t(lang, "fitting" if phase == "fit" else "recomputing")


def workload_lines(work: Workloads, current: float, lang: str) -> list[str]:
    current_line = t(lang, "current").format(line=workload_line(nearest(work.points, current), lang))
    if work.optimal is None:
        return [t(lang, "nothing"), current_line]
    best = nearest(work.points, work.optimal)
    return [t(lang, "optimal").format(r=work.optimal, reviews=best.reviews_per_day,
                                      minutes=best.minutes_per_day),
            current_line]


def typed_retention(raw: str) -> float | None:
    """The desired retention typed (full-width digits too), or None when it is not one the settings allow."""
    try:
        value = float(unicodedata.normalize("NFKC", raw).strip())
    except ValueError:
        return None
    low, high = RANGES["desired_retention"]
    return value if low <= value <= high else None


def change_text(work: Workloads | None, unavailable: bool, current: float, raw: str, lang: str) -> str:
    """Under the desired retention box while typing: the expected change of workload, before it is
    saved; empty for a value that is not a retention or is the one in use (or with no simulator)."""
    typed = typed_retention(raw)
    if typed is None or round(typed, 2) == round(current, 2) or unavailable:
        return ""
    if work is None:
        return t(lang, "computing")
    return change_line(nearest(work.points, current), nearest(work.points, typed), lang)


def chart_values(work: Workloads) -> tuple[list[float], list[str], int | None]:
    """Minutes a day per retention, the retentions as labels, and the optimal one's index (None:
    nothing to study)."""
    best = None if work.optimal is None else work.points.index(nearest(work.points, work.optimal))
    return ([p.minutes_per_day for p in work.points], [f"{p.retention:.2f}" for p in work.points], best)


def bar_columns(values: Sequence[float], width: int) -> list[int]:
    """Where each bar of ``charts.bar_lines`` begins (cells from the left), for ``width``; as many
    as it draws (the latest when they do not fit)."""
    top = max(values, default=0)
    axis_w = max(cell_len(short_number(top) if top > 0 else ""), 1) + 1
    room = max(width - axis_w - 1, 1)
    slot = min(max(room // max(len(values), 1), 1), 4)
    step = slot if slot >= 2 else 1
    shown = min(len(values), room)
    return [axis_w + 1 + k * step for k in range(shown)]


def tick_line(values: Sequence[float], labels: Sequence[str], width: int) -> Text:
    """The labels of every ``TICK_EVERY``-th bar, each starting under its bar; one that would run
    into the next is left out."""
    columns = bar_columns(values, width)
    cut = len(values) - len(columns)
    row = ""
    for k, column in enumerate(columns):
        label = labels[cut + k] if cut + k < len(labels) else ""
        crowded = column < len(row) + (1 if row.strip() else 0)  # a space after the label before
        if (cut + k) % TICK_EVERY or crowded or column + len(label) > width:
            continue
        row += " " * (column - len(row)) + label
    line = Text(row, "dim")
    line.no_wrap = True
    return line
