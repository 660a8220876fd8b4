"""The progress report as Markdown: the sections of the HTML report as tables, with small
Unicode sparklines (▁▂▃▄▅▆▇█) where the HTML report has charts.

Text from the content or from the learner's answers is escaped so that it reads as text in any
Markdown viewer: no table cell is broken by ``|``, and ``<script>`` is shown, not interpreted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from studyapp.core.review_log import MODE_NAMES
from studyapp.report.memory_section import memory_markdown
from studyapp.report.report_labels import (
    CATEGORY_ORDER,
    duration,
    labels,
    number,
    percent,
    scope_line,
    stability_range,
)
from studyapp.report.svg import week_sums

SPARKS = "▁▂▃▄▅▆▇█"
MD_SPECIAL = "\\`*_[]<>|#!~"


def md(text: object) -> str:
    """Inline text safe in a Markdown table cell: specials escaped, ``<`` ``>`` ``&`` as entities."""
    out = []
    for ch in " ".join(str(text).split()):
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch in MD_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def sparkline(values: list[int] | list[float]) -> str:
    """One block per value, scaled to the largest (all zero: the lowest block)."""
    peak = max(values, default=0)
    if peak <= 0:
        return SPARKS[0] * len(values)
    top = len(SPARKS) - 1
    return "".join(SPARKS[min(top, int(v / peak * top + 0.5))] if v > 0 else SPARKS[0] for v in values)


def _table(head: list[str], rows: list[list[str]], right: set[int] | None = None) -> list[str]:
    right = right or set()
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---:" if k in right else "---" for k in range(len(head))) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return [*out, ""]


def report_markdown(fig: dict[str, Any], lang: str) -> str:
    lab = labels(lang)
    s = fig["summary"]
    out = [f"# {lab['title']}", "",
           f"*{lab['generated']} {md(fig['generated_at'][:16].replace('T', ' '))} UTC · {lab['study_day']} "
           f"{fig['today']} · {md(scope_line(fig, lang))}*", ""]
    # summary
    out += [f"## {lab['summary']}", ""]
    if s["empty"]:
        out += [f"**{lab['no_reviews']}**", ""]
    out += _table(["", ""], [
        [lab["reviews"], number(s["reviews"])],
        [lab["time"], duration(s["time_ms"], lang)],
        [lab["days_studied"], number(s["days_studied"])],
        [lab["streak_current"], f"{number(s['streak_current'])} {lab['days']}"],
        [lab["streak_longest"], f"{number(s['streak_longest'])} {lab['days']}"],
        [lab["today"], number(s["reviews_today"])],
        [lab["first_day"], s["first_day"] or lab["none"]],
        [lab["last_day"], s["last_day"] or lab["none"]],
    ], {1})
    items = s["items"]
    states = ["new", "learning", "young", "mature", "relearning", "suspended", "total"]
    out += [f"### {lab['items_by_state']}", ""]
    out += _table([lab[k] for k in states], [[number(items[k]) for k in states]], set(range(len(states))))
    # retention
    out += [f"## {lab['retention']}", "", lab["retention_note"], ""]
    rows = []
    for window in ("week", "month", "year"):
        r = fig["retention"][window]
        rows.append([lab[window]] + [
            f"{percent(r[k]['rate'])} ({number(r[k]['passed'])}/{number(r[k]['reviews'])})"
            for k in ("young", "mature", "all")])
    out += _table([lab["window"], lab["young"], lab["mature"], lab["all"]], rows, {1, 2, 3})
    # decks
    out += [f"## {lab['decks']}", "", lab["mastery_note"], ""]
    rows = []
    for d in fig["decks"]:
        mastery = d["mastery"]
        bar = SPARKS[min(7, int(mastery * 7 + 0.5))] if mastery is not None else ""
        rows.append([md(d["title"]), number(d["items"]), number(d["studied"]),
                     f"{percent(mastery)} {bar}".strip(), percent(d["recall"]),
                     f"{percent(d['problem_accuracy'])} ({number(d['problem_right'])}/"
                     f"{number(d['problem_answers'])})"])
    out += _table([lab["deck"], lab["items"], lab["studied"], lab["mastery"], lab["recall"], lab["accuracy"]],
                  rows, {1, 2, 3, 4, 5}) if rows else [lab["none"], ""]
    # mistakes
    out += [f"## {lab['mistakes']}", ""]
    m = fig["mistakes"]
    if m["top"]:
        out += [lab["mistakes_total"].format(n=number(m["total"])), ""]
        out += _table([lab["mistake"], lab["count"], lab["example"], lab["item"]],
                      [[md(t["tag"]), number(t["count"]),
                        md(t.get("example") or ""), md(t.get("item") or "")] for t in m["top"]], {1})
    else:
        out += [lab["no_mistakes"], ""]
    # leeches
    out += [f"## {lab['leeches']}", ""]
    le = fig["leeches"]
    if le["top"]:
        out += [lab["leeches_total"].format(shown=len(le["top"]), n=number(le["total"])), ""]
        out += _table([lab["item"], lab["deck"], lab["lapses"], lab["state"]],
                      [[md(x["title"]), md(x["deck_title"]), number(x["lapses"]), lab[x["state"]]]
                       for x in le["top"]], {2})
    else:
        out += [lab["no_leeches"], ""]
    out += [f"## {lab['sessions']}", ""]
    rows = session_rows(fig, lang)
    out += _table([lab["started"], lab["mode"], lab["answered"], lab["right"], lab["wrong"], lab["time"]],
                  rows, {2, 3, 4, 5}) if rows else [lab["no_sessions"], ""]
    # activity: the year as weekly sparkline, the last 30 days as a table
    heat = [(date.fromisoformat(h["date"]), h["reviews"]) for h in fig["heatmap"]]
    weeks = week_sums(heat)
    out += [f"## {lab['heatmap']}", "", f"{lab['heatmap_weeks']}: `{sparkline([n for _, n in weeks])}`", ""]
    busiest = max(heat, key=lambda h: h[1], default=None)
    if busiest and busiest[1]:
        out += [f"{lab['busiest']}: {busiest[0].isoformat()} ({number(busiest[1])})", ""]
    per_day = fig["per_day"]
    out += [f"## {lab['per_day']}", "", f"`{sparkline([d['reviews'] for d in per_day])}`", ""]
    cats = [c for c in CATEGORY_ORDER if c != "unknown" or any(d["unknown"] for d in per_day)]
    out += _table([lab["date"], lab["reviews"], lab["minutes"], *[lab[c] for c in cats]],
                  [[d["date"], number(d["reviews"]), number(round(d["time_ms"] / 60_000)),
                    *[number(d[c]) for c in cats]] for d in per_day], set(range(1, 3 + len(cats))))
    fc = fig["forecast"]
    out += [f"## {lab['forecast']}", "", f"`{sparkline([d['due'] for d in fc])}`", ""]
    if s["overdue"]:
        out += [lab["forecast_note"].format(n=number(s["overdue"])), ""]
    out += _table([lab["date"], lab["due"], lab["review"], lab["learning"]],
                  [[d["date"], number(d["due"]), number(d["reviews"]), number(d["learning"])] for d in fc],
                  {1, 2, 3})
    st = fig["stability"]
    out += [f"## {lab['stability']}", "", f"`{sparkline([b['items'] for b in st])}`", "",
            lab["stability_note"], ""]
    out += _table([lab["stability_range"], lab["items"]],
                  [[stability_range(b, lang), number(b["items"])] for b in st], {1})
    if "memory_model" in fig:
        out += memory_markdown(fig, lang, md)
    return "\n".join(out).rstrip() + "\n"


def session_rows(fig: dict[str, Any], lang: str) -> list[list[str]]:
    """The recent sessions as table rows: started (local time), mode, answered, right, wrong, time."""
    rows = []
    for x in fig.get("sessions", []):
        seconds = x["time_ms"] // 1000
        mode = MODE_NAMES[x["mode"]].get(lang) if x["mode"] in MODE_NAMES else x["mode"]
        rows.append([x["local"], mode, str(x["answered"]), str(x["right"]),
                     str(x["wrong"]), f"{seconds // 60}:{seconds % 60:02d}"])
    return rows
