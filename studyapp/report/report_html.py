"""The progress report as one self-contained HTML page.

Charts are inline SVG drawn by :mod:`studyapp.report.svg`; the CSS is inline, there is no script,
and a Content Security Policy forbids loading anything. The page follows the system's light or
dark scheme (``prefers-color-scheme``) and prints in light colours without cutting a chart or a
table across pages. Every text from the content, the command line or the learner's answers goes
through :func:`html.escape`.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from studyapp.report import svg
from studyapp.report.memory_section import MEMORY_CSS, memory_html
from studyapp.report.report_labels import (
    CATEGORY_ORDER,
    duration,
    labels,
    number,
    percent,
    scope_line,
    stability_range,
)
from studyapp.report.report_md import session_rows

HTML_LANG = {"en": "en", "zh": "zh-Hans"}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

LIGHT = ("--bg:#ffffff;--fg:#1c1d21;--muted:#5b6270;--line:#d5d9e0;--soft:#eef0f4;--accent:#2563eb;"
         "--h0:#e8eaee;--h1:#bfe0c2;--h2:#7cc485;--h3:#35a046;--h4:#19692a;"
         "--new:#3b82f6;--learning:#f59e0b;--review:#16a34a;--relearning:#dc2626;--practice:#8b5cf6;"
         "--unknown:#9ca3af;--due:#2563eb")
DARK = ("--bg:#15171c;--fg:#e4e6eb;--muted:#a3a9b4;--line:#3a3f4b;--soft:#262a33;--accent:#7aa7ff;"
        "--h0:#262a33;--h1:#1f4d2b;--h2:#2a7a3b;--h3:#3fb054;--h4:#7be08a;"
        "--new:#60a5fa;--learning:#fbbf24;--review:#4ade80;--relearning:#f87171;--practice:#a78bfa;"
        "--unknown:#6b7280;--due:#7aa7ff")

CSS = f"""\
:root{{color-scheme:light dark;{LIGHT}}}
@media (prefers-color-scheme:dark){{:root{{{DARK}}}}}
*{{box-sizing:border-box}}
html{{background:var(--bg);color:var(--fg)}}
body{{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC",\
"Microsoft YaHei",sans-serif;background:var(--bg);color:var(--fg)}}
main{{max-width:980px;margin:0 auto;padding:24px 20px 40px}}
h1{{font-size:1.7rem;margin:0 0 4px}}
h2{{font-size:1.25rem;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}}
h3{{font-size:1.05rem;margin:18px 0 6px}}
.meta,.note,figcaption{{color:var(--muted);font-size:.88rem}}
.empty{{padding:10px 14px;border:1px dashed var(--line);border-radius:8px;background:var(--soft)}}
.tiles{{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:12px 0}}
.tile{{background:var(--soft);border-radius:8px;padding:10px 12px}}
.tile b{{display:block;font-size:1.3rem;font-variant-numeric:tabular-nums}}
.tile span{{color:var(--muted);font-size:.85rem}}
table{{border-collapse:collapse;margin:8px 0 12px;font-size:.92rem;width:100%}}
th,td{{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}}
th{{font-weight:600;color:var(--muted)}}
td.n,th.n{{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}}
td.answer{{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}}
figure{{margin:12px 0 18px}}
section,figure,table,.tiles{{break-inside:avoid;page-break-inside:avoid}}
h2,h3{{break-after:avoid;page-break-after:avoid}}
svg.chart{{display:block;width:100%;max-width:940px;height:auto}}
.chart text{{font:10px system-ui,sans-serif;fill:var(--muted)}}
.chart .label{{fill:var(--fg);font-size:11px}}
.chart .value{{fill:var(--fg);font-size:11px}}
.chart .grid{{stroke:var(--line);stroke-width:1}}
.chart .hit{{fill:transparent}}
.chart .track{{fill:var(--soft)}}
.chart .bar{{fill:var(--accent)}}
.chart .h0{{fill:var(--h0)}}.chart .h1{{fill:var(--h1)}}.chart .h2{{fill:var(--h2)}}
.chart .h3{{fill:var(--h3)}}.chart .h4{{fill:var(--h4)}}
.chart .c-new{{fill:var(--new)}}.chart .c-learning{{fill:var(--learning)}}
.chart .c-review{{fill:var(--review)}}.chart .c-relearning{{fill:var(--relearning)}}
.chart .c-practice{{fill:var(--practice)}}.chart .c-unknown{{fill:var(--unknown)}}
.chart .c-due{{fill:var(--due)}}
.legend{{display:flex;flex-wrap:wrap;gap:12px;font-size:.85rem;color:var(--muted);margin:4px 0}}
.legend i{{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;\
vertical-align:-1px}}
.k-new{{background:var(--new)}}.k-learning{{background:var(--learning)}}.k-review{{background:var(--review)}}
.k-relearning{{background:var(--relearning)}}.k-practice{{background:var(--practice)}}
.k-unknown{{background:var(--unknown)}}
footer{{margin-top:36px;color:var(--muted);font-size:.8rem}}
{MEMORY_CSS}@media print{{
:root{{{LIGHT}}}
html,body{{background:#fff;color:#000}}
body{{font-size:10.5pt}}
main{{max-width:none;padding:0}}
h2{{margin-top:18px}}
a{{color:inherit;text-decoration:none}}
}}
@page{{margin:14mm}}
"""


def e(text: object) -> str:
    return escape(str(text), quote=True)


def _table(head: list[str], rows: list[list[str]], numeric: set[int], raw: bool = False,
           classes: dict[int, str] | None = None) -> str:
    """A table; cells are escaped unless ``raw`` (they are then built from escaped parts)."""
    classes = classes or {}

    def cls(k: int) -> str:
        names = (["n"] if k in numeric else []) + ([classes[k]] if k in classes else [])
        return f' class="{" ".join(names)}"' if names else ""

    out = ["<table><thead><tr>", *[f"<th{cls(k)}>{e(h)}</th>" for k, h in enumerate(head)],
           "</tr></thead><tbody>"]
    for row in rows:
        cells = "".join(f"<td{cls(k)}>{c if raw else e(c)}</td>" for k, c in enumerate(row))
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _figure(chart: str, caption: str, legend: str = "") -> str:
    return f"<figure>{chart}{legend}<figcaption>{e(caption)}</figcaption></figure>"


def _legend(keys: list[str], lab: dict[str, str]) -> str:
    items = "".join(f'<span><i class="k-{k}"></i>{e(lab[k])}</span>' for k in keys)
    return f'<div class="legend">{items}</div>'


def _section(key: str, title: str, note: str) -> str:
    return f'<section id="{key}"><h2>{e(title)}</h2><p class="note">{e(note)}</p>'


def _share(r: dict[str, Any]) -> str:
    return f'{percent(r["rate"])} ({number(r["passed"])}/{number(r["reviews"])})'


def _accuracy(d: dict[str, Any]) -> str:
    return f'{percent(d["problem_accuracy"])} ({number(d["problem_right"])}/{number(d["problem_answers"])})'


def report_html(fig: dict[str, Any], lang: str) -> str:
    lab = labels(lang)
    s = fig["summary"]
    parts: list[str] = []
    add = parts.append
    add(f'<header><h1>{e(lab["title"])}</h1><p class="meta">{e(lab["generated"])} '
        f'{e(fig["generated_at"][:16].replace("T", " "))} UTC · {e(lab["study_day"])} {e(fig["today"])}<br>'
        f'{e(lab["scope"])}: {e(scope_line(fig, lang))}</p></header>')

    # summary
    add(f'<section id="summary"><h2>{e(lab["summary"])}</h2>')
    if s["empty"]:
        add(f'<p class="empty">{e(lab["no_reviews"])}</p>')
    tiles = [(number(s["reviews"]), lab["reviews"]), (duration(s["time_ms"], lang), lab["time"]),
             (number(s["days_studied"]), lab["days_studied"]),
             (f'{number(s["streak_current"])} {lab["days"]}', lab["streak_current"]),
             (f'{number(s["streak_longest"])} {lab["days"]}', lab["streak_longest"]),
             (number(s["reviews_today"]), lab["today"]), (number(s["leeches"]), lab["leeches_n"]),
             (number(s["overdue"]), lab["overdue"])]
    add('<div class="tiles">' + "".join(f'<div class="tile"><b>{e(v)}</b><span>{e(k)}</span></div>'
                                          for v, k in tiles) + "</div>")
    states = ["new", "learning", "young", "mature", "relearning", "suspended", "total"]
    add(f'<h3>{e(lab["items_by_state"])}</h3>')
    add(_table([lab[k] for k in states], [[number(s["items"][k]) for k in states]], set(range(len(states)))))
    add("</section>")

    # retention
    add(_section("retention", lab["retention"], lab["retention_note"]))
    rows = [[lab[window]] + [_share(fig["retention"][window][k]) for k in ("young", "mature", "all")]
            for window in ("week", "month", "year")]
    add(_table([lab["window"], lab["young"], lab["mature"], lab["all"]], rows, {1, 2, 3}))
    add("</section>")

    # decks
    decks = fig["decks"]
    add(_section("decks", lab["decks"], lab["mastery_note"]))
    nothing = [(lab["none"], None, lab["none"])]
    mastery = [(d["title"], d["mastery"], percent(d["mastery"])) for d in decks]
    add(_figure(svg.hbars(mastery or nothing, lab["mastery"]), lab["mastery"]))
    accuracy = [(d["title"], d["problem_accuracy"],
                 f'{percent(d["problem_accuracy"])} · {number(d["problem_answers"])} {lab["answers"]}')
                for d in decks]
    add(_figure(svg.hbars(accuracy or nothing, lab["accuracy"]), lab["accuracy"]))
    add(_table([lab["deck"], lab["items"], lab["studied"], lab["mastery"], lab["recall"], lab["accuracy"]],
               [[d["title"], number(d["items"]), number(d["studied"]), percent(d["mastery"]),
                 percent(d["recall"]), _accuracy(d)] for d in decks], {1, 2, 3, 4, 5}))
    add("</section>")

    # mistakes and leeches
    m = fig["mistakes"]
    add(f'<section id="mistakes"><h2>{e(lab["mistakes"])}</h2>')
    if m["top"]:
        add(f'<p class="note">{e(lab["mistakes_total"].format(n=number(m["total"])))}</p>')
        add(_table([lab["mistake"], lab["count"], lab["example"], lab["item"]],
                   [[t["tag"], number(t["count"]), t.get("example") or "", t.get("item") or ""]
                    for t in m["top"]], {1}, classes={2: "answer"}))
    else:
        add(f'<p class="note">{e(lab["no_mistakes"])}</p>')
    add("</section>")
    le = fig["leeches"]
    add(f'<section id="leeches"><h2>{e(lab["leeches"])}</h2>')
    if le["top"]:
        shown = lab["leeches_total"].format(shown=len(le["top"]), n=number(le["total"]))
        add(f'<p class="note">{e(shown)}</p>')
        add(_table([lab["item"], lab["deck"], lab["lapses"], lab["state"]],
                   [[x["title"], x["deck_title"], number(x["lapses"]), lab[x["state"]]] for x in le["top"]],
                   {2}))
    else:
        add(f'<p class="note">{e(lab["no_leeches"])}</p>')
    add("</section>")
    add(f'<section id="sessions"><h2>{e(lab["sessions"])}</h2>')
    rows = session_rows(fig, lang)
    if rows:
        add(_table([lab["started"], lab["mode"], lab["answered"], lab["right"], lab["wrong"], lab["time"]],
                   rows, {2, 3, 4, 5}))
    else:
        add(f'<p class="note">{e(lab["no_sessions"])}</p>')
    add("</section>")

    # activity
    heat = [(date.fromisoformat(h["date"]), h["reviews"]) for h in fig["heatmap"]]
    add(f'<section id="activity"><h2>{e(lab["heatmap"])}</h2>')
    add(_figure(svg.heatmap(heat, lab["heatmap"], lab["weekdays"].split(","), lab["months"].split(","),
                            lab["reviews_on"], lab["less"], lab["more"]), lab["heatmap"]))
    per_day = fig["per_day"]
    cats = [c for c in CATEGORY_ORDER if c != "unknown" or any(d["unknown"] for d in per_day)]
    series = [(f"c-{c}", lab[c], [d[c] for d in per_day]) for c in cats]
    tips = [f'{d["date"]}: {number(d["reviews"])} · {duration(d["time_ms"], lang)}' for d in per_day]
    add(f'<h3>{e(lab["per_day"])}</h3>')
    add(_figure(svg.bars([d["date"][5:] for d in per_day], series, lab["per_day"], tips), lab["per_day"],
                _legend(cats, lab)))
    add("</section>")

    # forecast
    fc = fig["forecast"]
    add(f'<section id="forecast"><h2>{e(lab["forecast"])}</h2>')
    if s["overdue"]:
        add(f'<p class="note">{e(lab["forecast_note"].format(n=number(s["overdue"])))}</p>')
    series = [("c-review", lab["review"], [d["reviews"] for d in fc]),
              ("c-learning", lab["learning"], [d["learning"] for d in fc])]
    tips = [lab["due_on"].format(d=d["date"], n=number(d["due"])) for d in fc]
    add(_figure(svg.bars([d["date"][5:] for d in fc], series, lab["forecast"], tips), lab["forecast"],
                _legend(["review", "learning"], lab)))
    add("</section>")

    # stability
    st = fig["stability"]
    add(_section("stability", lab["stability"], lab["stability_note"]))
    ranges = [stability_range(b, lang) for b in st]
    add(_figure(svg.bars(ranges, [("c-due", lab["items"], [b["items"] for b in st])], lab["stability"],
                         [f'{r}: {number(b["items"])}' for r, b in zip(ranges, st, strict=True)], every=1),
                lab["stability"]))
    add("</section>")
    if "memory_model" in fig:
        add(memory_html(fig, lang))
    add(f'<footer>studyapp · {e(fig["schema"])}</footer>')
    return (f'<!DOCTYPE html>\n<html lang="{HTML_LANG.get(lang, "en")}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="color-scheme" content="light dark">'
            f'<title>{e(lab["title"])} · {e(fig["today"])}</title>'
            f"<style>{CSS}</style></head><body><main>" + "\n".join(parts) + "</main></body></html>\n")
