"""The words of the progress report in English and Simplified Chinese, and number formats."""

from __future__ import annotations

from typing import Any

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Progress report", "generated": "Generated", "study_day": "study day",
        "scope": "Scope", "all_decks": "all decks", "since": "since", "all_history": "all history",
        "timezone": "time zone", "day_starts": "days start at {h}:00",
        "summary": "Summary", "reviews": "Reviews", "time": "Time spent", "days_studied": "Days studied",
        "streak_current": "Current streak", "streak_longest": "Longest streak", "days": "days",
        "first_day": "First day", "last_day": "Last day", "today": "Reviews today",
        "no_reviews": "No reviews yet: study a few cards and problems, and this report fills in.",
        "items_by_state": "Items by state", "new": "New", "learning": "Learning", "young": "Young",
        "mature": "Mature", "relearning": "Relearning", "suspended": "Suspended", "total": "Total",
        "review": "Review", "practice": "Practice", "unknown": "Other",
        "leeches_n": "Leeches", "overdue": "Overdue",
        "retention": "True retention",
        "retention_note": "Share of answers other than Again among scheduled reviews of items in the "
                          "Review state (young: interval under 21 days; mature: 21 days or more).",
        "window": "Window", "week": "Last 7 days", "month": "Last 30 days", "year": "Last 365 days",
        "all": "All", "decks": "Decks", "deck": "Deck", "items": "Items", "studied": "Studied",
        "mastery": "Mastery", "recall": "Recall", "accuracy": "Problem accuracy", "answers": "answers",
        "mastery_note": "Mastery: the mean probability of recalling each item now (FSRS retrievability; "
                        "new items count 0). Recall: the same over studied items only. Problem accuracy: "
                        "right answers among graded answers to problems.",
        "mistakes": "Most frequent mistakes", "mistake": "Mistake", "count": "Count",
        "example": "Example answer", "item": "Item", "no_mistakes": "No diagnosed mistakes.",
        "mistakes_total": "{n} diagnosed mistakes in all.",
        "leeches": "Leeches", "lapses": "Lapses", "state": "State", "no_leeches": "No leeches.",
        "sessions": "Recent sessions", "started": "Started", "mode": "Mode", "answered": "Answered",
        "right": "Right", "wrong": "Wrong", "no_sessions": "No sessions yet.",
        "leeches_total": "{shown} of {n} leeches, most lapses first.",
        "heatmap": "Reviews over the past year", "heatmap_weeks": "Reviews per week, past year",
        "less": "Less", "more": "More", "busiest": "Busiest day",
        "per_day": "Reviews per day, last 30 days", "date": "Date", "minutes": "Minutes",
        "forecast": "Due in the next 30 days", "due": "Due", "forecast_note": "Today includes {n} overdue.",
        "stability": "Stability of studied items", "stability_range": "Stability",
        "stability_note": "Stability: the interval (days) after which recall drops to 90 %.",
        "none": "—", "weekdays": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
        "months": "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec",
        "reviews_on": "{n} reviews on {d}", "due_on": "{n} due on {d}",
        "h": "{h} h {m} min", "min": "{m} min", "d_unit": "d", "plus": "+",
        "memory": "Memory model",
        "memory_note": "The FSRS parameters that schedule your reviews, and how well they predict what "
                       "you recall.",
        "parameters_in_use": "Parameters in use", "deck_own": "Deck {deck}: parameters of its own",
        "calibration": "Calibration: predicted and actual recall",
        "calibration_note": "Each review on a later day than the one before it, predicted from the reviews "
                            "before it with the parameters in use, grouped by the prediction. On the dashed "
                            "diagonal every prediction would be right; a point below it means you recalled "
                            "less than predicted. A circle's area is its reviews.",
        "calibration_note_md": "Each review on a later day than the one before it, predicted from the "
                               "reviews before it with the parameters in use, grouped by the prediction; "
                               "where the two columns agree, the predictions are right.",
        "calibration_all": "From the whole history of every item in scope: {reviews} scheduled reviews of "
                           "{items} items (not narrowed by --since).",
        "calibration_sample": "From the whole history of one item in every {every} in scope, to keep the "
                              "report fast: {reviews} scheduled reviews of {items} items (not narrowed by "
                              "--since).",
        "calibration_unavailable": "No calibration: {why}",
        "no_calibration": "No calibration yet: it needs reviews on a later day than the review before.",
        "predicted_bin": "Predicted (bin)", "predicted": "Predicted", "actual": "Recalled",
        "predicted_recall": "Predicted recall", "actual_recall": "Actual recall",
        "bin_tip": "{bin}: {n} reviews, predicted {p}, recalled {a}", "bin_empty": "{bin}: no reviews",
        "perfect_calibration": "perfect calibration", "your_reviews": "your reviews (circle area: reviews)",
    },
    "zh": {
        "title": "学习报告", "generated": "生成于", "study_day": "学习日",
        "scope": "范围", "all_decks": "全部牌组", "since": "起始", "all_history": "全部历史",
        "timezone": "时区", "day_starts": "每天 {h}:00 开始",
        "summary": "概况", "reviews": "复习次数", "time": "学习时长", "days_studied": "学习天数",
        "streak_current": "当前连续", "streak_longest": "最长连续", "days": "天",
        "first_day": "第一天", "last_day": "最近一天", "today": "今日复习",
        "no_reviews": "还没有复习记录:学一些卡片和题目之后,这份报告就会有内容。",
        "items_by_state": "各状态条目数", "new": "新", "learning": "学习中", "young": "幼嫩",
        "mature": "成熟", "relearning": "重学", "suspended": "已暂停", "total": "合计",
        "review": "复习", "practice": "练习", "unknown": "其他",
        "leeches_n": "难点", "overdue": "逾期",
        "retention": "真实保留率",
        "retention_note": "处于复习状态的条目在计划复习中回答不是“重来”的比例"
                          "(幼嫩:间隔少于 21 天;成熟:21 天及以上)。",
        "window": "时段", "week": "最近 7 天", "month": "最近 30 天", "year": "最近 365 天",
        "all": "全部", "decks": "牌组", "deck": "牌组", "items": "条目", "studied": "已学",
        "mastery": "掌握度", "recall": "记忆率", "accuracy": "解题正确率", "answers": "次作答",
        "mastery_note": "掌握度:现在能回忆起每个条目的平均概率(FSRS 可提取性;新条目按 0 计)。"
                        "记忆率:只算已学条目。解题正确率:题目作答中答对的比例。",
        "mistakes": "最常见的错误", "mistake": "错误", "count": "次数",
        "example": "作答示例", "item": "条目", "no_mistakes": "没有诊断出的错误。",
        "mistakes_total": "共诊断出 {n} 次错误。",
        "leeches": "难点条目", "lapses": "遗忘次数", "state": "状态", "no_leeches": "没有难点条目。",
        "sessions": "最近的学习", "started": "开始时间", "mode": "模式", "answered": "已答",
        "right": "正确", "wrong": "错误", "no_sessions": "还没有学习记录。",
        "leeches_total": "共 {n} 个难点条目,显示遗忘最多的 {shown} 个。",
        "heatmap": "过去一年的复习", "heatmap_weeks": "过去一年每周复习次数",
        "less": "少", "more": "多", "busiest": "最忙的一天",
        "per_day": "最近 30 天每天的复习", "date": "日期", "minutes": "分钟",
        "forecast": "未来 30 天到期", "due": "到期", "forecast_note": "今天包括 {n} 个逾期条目。",
        "stability": "已学条目的稳定性", "stability_range": "稳定性",
        "stability_note": "稳定性:记忆率降到 90% 所需的间隔(天)。",
        "none": "—", "weekdays": "一,二,三,四,五,六,日",
        "months": "1月,2月,3月,4月,5月,6月,7月,8月,9月,10月,11月,12月",
        "reviews_on": "{d}:复习 {n} 次", "due_on": "{d}:到期 {n} 个",
        "h": "{h} 小时 {m} 分钟", "min": "{m} 分钟", "d_unit": "天", "plus": "以上",
        "memory": "记忆模型",
        "memory_note": "为你安排复习的 FSRS 参数,以及它们对你能否回忆起来预测得有多准。",
        "parameters_in_use": "使用中的参数", "deck_own": "牌组 {deck}:单独拟合的参数",
        "calibration": "校准:预测与实际的记忆率",
        "calibration_note": "每次与上一次复习不在同一天的复习,都用使用中的参数、根据它之前的复习预测,"
                            "再按预测值分组。落在虚线对角线上表示预测完全准确;点在线下方表示你实际记住的"
                            "比预测的少。圆的面积代表复习次数。",
        "calibration_note_md": "每次与上一次复习不在同一天的复习,都用使用中的参数、根据它之前的复习预测,"
                               "再按预测值分组;两列越接近,预测越准。",
        "calibration_all": "基于范围内每个条目的全部历史:{items} 个条目的 {reviews} 次计划复习"
                           "(不受 --since 限制)。",
        "calibration_sample": "为了让报告生成得快,基于范围内每 {every} 个条目取一个的全部历史:"
                              "{items} 个条目的 {reviews} 次计划复习(不受 --since 限制)。",
        "calibration_unavailable": "无法校准:{why}",
        "no_calibration": "暂无校准:需要与上一次复习不在同一天的复习。",
        "predicted_bin": "预测(分组)", "predicted": "预测", "actual": "实际记住",
        "predicted_recall": "预测记忆率", "actual_recall": "实际记忆率",
        "bin_tip": "{bin}:{n} 次复习,预测 {p},实际记住 {a}", "bin_empty": "{bin}:没有复习",
        "perfect_calibration": "完全准确的校准", "your_reviews": "你的复习(圆面积:复习次数)",
    },
}

CATEGORY_ORDER = ("new", "learning", "review", "relearning", "practice", "unknown")


def labels(lang: str) -> dict[str, str]:
    return LABELS["zh" if lang == "zh" else "en"]


def number(n: int | float) -> str:
    return f"{n:,}" if isinstance(n, int) else f"{n:,.1f}"


def percent(x: float | None, none: str = "—") -> str:
    return none if x is None else f"{x * 100:.1f}%"


def duration(ms: int, lang: str) -> str:
    minutes = round(ms / 60_000)
    h, m = divmod(minutes, 60)
    lab = labels(lang)
    return lab["h"].format(h=f"{h:,}", m=m) if h else lab["min"].format(m=m)


def stability_range(row: dict[str, Any], lang: str) -> str:
    lab = labels(lang)
    unit = lab["d_unit"]
    if row["to_days"] is None:
        return f"≥ {row['from_days']} {unit}" if lang != "zh" else f"{row['from_days']} {unit}{lab['plus']}"
    return f"{row['from_days']}–{row['to_days']} {unit}"


def scope_line(fig: dict[str, Any], lang: str) -> str:
    lab = labels(lang)
    s = fig["scope"]
    decks = ", ".join(s["decks"]) if s["decks"] else lab["all_decks"]
    since = f"{lab['since']} {s['since']}" if s["since"] else lab["all_history"]
    return (f"{decks} · {since} · {lab['timezone']} {s['timezone']} · "
            f"{lab['day_starts'].format(h=s['day_start_hour'])}")
