"""The report's "Memory model" section: the FSRS parameters in use (the collection's and each deck's
own), when and from what they were fitted with their held-out figures, and a calibration chart
(predicted against actual recall, in bins of the prediction) from the learner's reviews.

``memory_figures`` computes the JSON object (``memory_model`` in docs/formats.md) on a read-only
connection, as one of the report's parallel jobs; ``memory_html`` and ``memory_markdown`` lay it
out. Without the optimizer (fsrs-rs-python) the parameters are still stated, and the calibration
is replaced by the one line saying why.

The calibration reads the whole scheduled history of a sample of the items in scope, one item in
every k, so that about ``CALIBRATION_REVIEWS`` rows of the log are read: on a year-long log of a
million reviews every history takes seconds, the sample a fifth of one. It does not follow
``--since``: each review is predicted from all the reviews before it, and every such review of the
sampled items is counted.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING, Any

from studyapp.core import optimizer
from studyapp.core.calibration import calibration
from studyapp.core.memory_model import FittedParameters, MemoryModel
from studyapp.core.memory_words import in_use_lines
from studyapp.core.review_history import review_count
from studyapp.report.figure_svg_parts import svg_circle, svg_line, svg_rect, svg_text
from studyapp.report.report_labels import labels, number, percent
from studyapp.store.readonly import sampled_histories

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

CALIBRATION_REVIEWS = 30_000  # log rows read for the calibration at most (expected): ~0.2 s
ROW = 7  # parameters shown per row (w0–w6, w7–w13, w14–w20)
TICKS = (0, 0.2, 0.4, 0.6, 0.8, 1)
MEMORY_CSS = """\
svg.chart.calibration{max-width:480px}
.chart .diag{stroke:var(--muted);stroke-width:1.5;stroke-dasharray:6 4;fill:none}
.chart .fit{stroke:var(--accent);stroke-width:2;fill:none}
.chart .pt{fill:var(--accent);fill-opacity:.8;stroke:var(--bg)}
.chart .frame{fill:none;stroke:var(--line)}
table.params{width:auto}
table.params th,table.params td{padding:2px 10px 2px 0;border:0;font-variant-numeric:tabular-nums}
table.params th{font-weight:400;font-size:.8rem;padding-top:6px}
"""


# --- the figures ------------------------------------------------------------------------------------
def memory_figures(conn: sqlite3.Connection, model: MemoryModel, decks: tuple[str, ...]) -> dict[str, Any]:
    """The parameters in use for the collection, the decks fitted on their own (those of ``decks``
    when the report is narrowed to some), and the calibration of the sampled histories."""
    out: dict[str, Any] = {**_fit(model.collection, model.parameters()), "decks": [
        {"deck": deck, **_fit(fit, fit.parameters)} for deck, fit in sorted(model.decks.items())
        if not decks or deck in decks]}
    try:
        optimizer.rs()  # before the reviews are read: without the optimizer they are not needed
        hists, every = sampled_histories(conn, decks, CALIBRATION_REVIEWS)
        bins = calibration(hists, lambda h: model.parameters(h.deck))
    except optimizer.OptimizerUnavailable as exc:
        return {**out, "calibration": None, "calibration_error": str(exc), "calibration_sample": None}
    return {**out, "calibration": [b.to_dict() for b in bins], "calibration_error": None,
            "calibration_sample": {"every": every, "items": len(hists), "reviews": review_count(hists)}}


def _fit(fit: FittedParameters | None, parameters: tuple[float, ...]) -> dict[str, Any]:
    held_out = None if fit is None else {
        "default": {"log_loss": fit.log_loss_default, "rmse_bins": fit.rmse_default},
        "fitted": {"log_loss": fit.log_loss_fitted, "rmse_bins": fit.rmse_fitted}}
    return {"parameters": list(parameters), "fitted": fit is not None,
            "fitted_at": fit.fitted_at if fit else None, "reviews": fit.reviews if fit else None,
            "held_out": held_out}


def _words(entry: dict[str, Any], lang: str) -> list[str]:
    """``in_use_lines`` of an entry of the JSON (the collection, or a deck's own fit)."""
    if not entry["fitted"]:
        return in_use_lines(None, lang)
    held = entry["held_out"]
    return in_use_lines(FittedParameters(
        parameters=tuple(entry["parameters"]), fitted_at=entry["fitted_at"], reviews=entry["reviews"],
        log_loss_default=held["default"]["log_loss"], log_loss_fitted=held["fitted"]["log_loss"],
        rmse_default=held["default"]["rmse_bins"], rmse_fitted=held["fitted"]["rmse_bins"]), lang)


def _value(w: float) -> str:
    return f"{w:.4f}"


def _sample_line(mem: dict[str, Any], lang: str) -> str:
    sample, lab = mem["calibration_sample"], labels(lang)
    key = "calibration_all" if sample["every"] == 1 else "calibration_sample"
    return lab[key].format(every=sample["every"], items=number(sample["items"]),
                           reviews=number(sample["reviews"]))


def _bin_range(b: dict[str, Any]) -> str:
    return f"{b['low'] * 100:.0f}–{b['high'] * 100:.0f}%"


def _deck_title(fig: dict[str, Any], deck: str) -> str:
    return next((d["title"] for d in fig.get("decks", []) if d["id"] == deck), deck)


# --- HTML -------------------------------------------------------------------------------------------
def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _params_html(parameters: list[float]) -> str:
    """The parameters as rows of ``ROW``: a row of names (w0…) above a row of values."""
    rows = []
    for start in range(0, len(parameters), ROW):
        chunk = parameters[start:start + ROW]
        rows.append("<tr>" + "".join(f"<th>w{start + k}</th>" for k in range(len(chunk))) + "</tr>")
        rows.append("<tr>" + "".join(f"<td>{_value(w)}</td>" for w in chunk) + "</tr>")
    return f'<table class="params"><tbody>{"".join(rows)}</tbody></table>'


def memory_html(fig: dict[str, Any], lang: str) -> str:
    """The section: words, the parameters, then the chart and its bins (or why there are none)."""
    mem, lab = fig["memory_model"], labels(lang)
    out = [f'<section id="memory"><h2>{_e(lab["memory"])}</h2><p class="note">{_e(lab["memory_note"])}</p>',
           f'<h3>{_e(lab["parameters_in_use"])}</h3>', _entry_html(mem, lang)]
    for entry in mem["decks"]:
        title = lab["deck_own"].format(deck=_deck_title(fig, entry["deck"]))
        out += [f"<h3>{_e(title)}</h3>", _entry_html(entry, lang)]
    out.append(f'<h3>{_e(lab["calibration"])}</h3>')
    bins = mem["calibration"]
    if bins is None:
        why = lab["calibration_unavailable"].format(why=mem["calibration_error"])
        out.append(f'<p class="empty">{_e(why)}</p>')
    elif not bins:
        out.append(f'<p class="note">{_e(lab["no_calibration"])}</p>')
    else:
        out += [f'<p class="note">{_e(lab["calibration_note"])}</p>',
                f'<figure>{calibration_svg(bins, lang)}<figcaption>{_e(_sample_line(mem, lang))}'
                "</figcaption></figure>", _bins_html(bins, lang)]
    out.append("</section>")
    return "".join(out)


def _entry_html(entry: dict[str, Any], lang: str) -> str:
    """An entry's words, a line each, then its parameters."""
    return "<p>" + "<br>".join(_e(line) for line in _words(entry, lang)) + "</p>" + \
        _params_html(entry["parameters"])


def _bins_html(bins: list[dict[str, Any]], lang: str) -> str:
    lab = labels(lang)
    head = [lab["predicted_bin"], lab["predicted"], lab["actual"], lab["reviews"]]
    rows = "".join(f'<tr><td>{_bin_range(b)}</td><td class="n">{percent(b["predicted"])}</td>'
                   f'<td class="n">{percent(b["actual"])}</td><td class="n">{number(b["count"])}</td></tr>'
                   for b in bins)
    heads = "".join(f'<th{" class=n" if k else ""}>{_e(h)}</th>' for k, h in enumerate(head))
    return f"<table><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>"


def calibration_svg(bins: list[dict[str, Any]], lang: str) -> str:
    """Predicted recall (x) against actual recall (y): the diagonal of perfect calibration dashed,
    the bins as circles on a solid line, each circle's area in proportion to its reviews. Every
    tenth of the x axis carries its bin's figures as a tooltip."""
    lab = labels(lang)
    left, top, size = 52, 12, 300
    width, height = left + size + 16, top + size + 84

    def x(p: float) -> float:
        return left + size * p

    def y(p: float) -> float:
        return top + size * (1 - p)

    body = [svg_rect(left, top, size, size, "frame")]
    for t in TICKS:
        body += [svg_line(x(t), top, x(t), top + size, "grid"),
                 svg_line(left, y(t), left + size, y(t), "grid"),
                 svg_text(x(t), top + size + 14, f"{t:.0%}", "axis", "middle"),
                 svg_text(left - 5, y(t) + 3, f"{t:.0%}", "axis", "end")]
    body.append(svg_text(x(0.5), top + size + 30, lab["predicted_recall"], "label", "middle"))
    body.append(svg_text(0, 0, lab["actual_recall"], "label", "middle",
                         f' transform="translate(14 {y(0.5):.0f}) rotate(-90)"'))
    body.append(svg_line(x(0), y(0), x(1), y(1), "diag"))
    by_bin = {round(b["low"] * 10): b for b in bins}
    for k in range(10):  # the tooltip targets: one column per tenth, empty ones too
        b = by_bin.get(k)
        tip = lab["bin_tip"].format(bin=_bin_range(b), n=number(b["count"]), p=percent(b["predicted"]),
                                    a=percent(b["actual"])) if b else \
            lab["bin_empty"].format(bin=f"{k * 10}–{k * 10 + 10}%")
        body.append(f"<g><title>{_e(tip)}</title>{svg_rect(x(k / 10), top, size / 10, size, 'hit')}</g>")
    points = [(x(b["predicted"]), y(b["actual"])) for b in bins]
    body.append('<polyline class="fit" points="'
                + " ".join(f"{px:.1f},{py:.1f}" for px, py in points) + '"/>')
    peak = max(b["count"] for b in bins)
    for (px, py), b in zip(points, bins, strict=True):
        body.append(svg_circle(px, py, 2.5 + 9 * math.sqrt(b["count"] / peak), "pt"))
    body += _legend(left, top + size + 48, lab)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart calibration" viewBox="0 0 {width} '
            f'{height}" width="{width}" height="{height}" role="img" aria-label="{_e(lab["calibration"])}">'
            f'<title>{_e(lab["calibration"])}</title>' + "".join(body) + "</svg>")


def _legend(left: float, top: float, lab: dict[str, str]) -> list[str]:
    """The two lines told apart by their style (dashed; solid with circles), not by colour alone."""
    return [svg_line(left, top, left + 28, top, "diag"),
            svg_text(left + 36, top + 4, lab["perfect_calibration"], "label"),
            svg_line(left, top + 18, left + 28, top + 18, "fit"),
            svg_circle(left + 14, top + 18, 4.5, "pt"),
            svg_text(left + 36, top + 22, lab["your_reviews"], "label")]


# --- Markdown ---------------------------------------------------------------------------------------
def memory_markdown(fig: dict[str, Any], lang: str, md: Callable[[object], str]) -> list[str]:
    """The section's lines: the same words, the parameters, and a table of the bins. ``md`` makes
    a text from outside (a deck's title, the optimizer's message) read as text in Markdown."""
    mem, lab = fig["memory_model"], labels(lang)
    out = [f"## {lab['memory']}", "", *_md_entry(mem, lang)]
    for entry in mem["decks"]:
        out += [f"### {lab['deck_own'].format(deck=md(_deck_title(fig, entry['deck'])))}", "",
                *_md_entry(entry, lang)]
    out += [f"### {lab['calibration']}", ""]
    bins = mem["calibration"]
    if bins is None:
        return [*out, lab["calibration_unavailable"].format(why=md(mem["calibration_error"])), ""]
    if not bins:
        return [*out, lab["no_calibration"], ""]
    out += [lab["calibration_note_md"], "", _sample_line(mem, lang), "",
            f"| {lab['predicted_bin']} | {lab['predicted']} | {lab['actual']} | {lab['reviews']} |",
            "|---|---:|---:|---:|"]
    out += [f"| {_bin_range(b)} | {percent(b['predicted'])} | {percent(b['actual'])} | {number(b['count'])} |"
            for b in bins]
    return [*out, ""]


def _md_entry(entry: dict[str, Any], lang: str) -> list[str]:
    """Words, then the parameters as code spans, ``ROW`` to a line."""
    params = entry["parameters"]
    rows = [" · ".join(f"`w{k}` {_value(params[k])}" for k in range(start, min(start + ROW, len(params))))
            for start in range(0, len(params), ROW)]
    return [*(f"{line}  " for line in _words(entry, lang)), "", *(f"{row}  " for row in rows), ""]
