"""``studyapp optimize``: fit FSRS's parameters to your scheduled reviews (``core.optimizer``),
check them on held-out reviews, keep them only when they predict better, and recompute every studied
item's memory state; ``--reset`` goes back to the defaults, ``--simulate`` shows what each desired
retention would cost a day (``core.workload``).

The fitted parameters are saved in the settings file (``[memory_model]``), which the study app reads.
The clock is the real time unless ``STUDYAPP_NOW`` holds an ISO timestamp (as ``studyapp report``).
"""

from __future__ import annotations

import argparse
import sys

from studyapp.commands.common import UsageError, add_options, db_path

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (as commands.common)
if TYPE_CHECKING:
    from typing import Any

    from studyapp.core.settings import Settings
    from studyapp.store.progress import Store

EXAMPLES = """\
examples:
  studyapp optimize                  # fit to your reviews; kept only if it predicts better
  studyapp optimize --per-deck       # also each deck with enough reviews of its own
  studyapp optimize --dry-run        # fit and show the figures, change nothing
  studyapp optimize --simulate       # reviews and minutes a day for each desired retention
  studyapp optimize --reset          # back to FSRS's default parameters
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("optimize", help="fit the memory model (FSRS parameters) to your reviews",
                       description="Fit FSRS's parameters to your own scheduled reviews, check them on "
                       "held-out reviews and use them when they predict your recall better.",
                       epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--simulate", action="store_true",
                      help="show the reviews and minutes a day each desired retention (0.70-0.97) "
                           "would cost over the next year, with the parameters in use; fits nothing")
    what.add_argument("--reset", action="store_true",
                      help="go back to FSRS's default parameters (and recompute the memory states)")
    p.add_argument("--per-deck", action="store_true",
                   help="also fit each deck with enough reviews; a deck keeps its own parameters only "
                        "when they predict its reviews better than the collection's")
    p.add_argument("--dry-run", action="store_true", help="fit and report, but save and change nothing")
    p.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    add_options(p, lang=True)
    return p


def run(args: argparse.Namespace) -> int:
    # The optimizer, the store and the settings: imported when the command runs, not for --help.
    from studyapp.config import load_settings
    from studyapp.core.optimizer import OptimizerUnavailable, TooFewReviews

    if (args.per_deck or args.dry_run) and (args.simulate or args.reset):
        raise UsageError("--per-deck and --dry-run go with a fit, not with --simulate or --reset")
    settings, problems = load_settings()
    for problem in problems:
        print(f"studyapp: {problem}", file=sys.stderr)
    path = db_path(args)
    if not path.exists():
        raise UsageError(f"no progress database at {path}: study first, then fit (nothing was changed)")
    store = _store(args)
    try:
        if args.simulate:
            return _simulate(store, settings, args)
        if args.reset:
            return _reset(store, settings, args)
        return _fit(store, settings, args)
    except TooFewReviews as exc:
        from studyapp.core.memory_words import too_few_line

        print(f"studyapp optimize: {too_few_line(exc, args.lang)}", file=sys.stderr)
        return 1
    except OptimizerUnavailable as exc:
        print(f"studyapp optimize: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _store(args: argparse.Namespace) -> Store:
    from studyapp.commands.common import open_store

    return open_store(args)


def _fit(store: Store, settings: Settings, args: argparse.Namespace) -> int:
    from studyapp.commands.progress import Progress
    from studyapp.commands.report import now_from_env
    from studyapp.core.memory_words import fit_lines, too_few_line
    from studyapp.core.optimizer import FitResult, updated_model
    from studyapp.core.scheduler import Scheduler
    from studyapp.store.memory_states import fit_all


    bar = Progress("fitting")
    try:
        collection, decks = fit_all(store, Scheduler(settings), per_deck=args.per_deck,
                                    progress=bar.fraction)
    finally:
        bar.close()
    results = [collection, *(d for d in decks if isinstance(d, FitResult))]
    lines = [*fit_lines(collection, args.lang)]
    for deck in decks:
        lines += [""] + (fit_lines(deck, args.lang) if isinstance(deck, FitResult) else
                         [too_few_line(deck, args.lang)])
    kept = [r for r in results if r.kept]
    saved, changed = None, 0
    if kept and not args.dry_run:
        new = _replace(settings, memory_model=updated_model(settings.memory_model, results, now_from_env()))
        saved = _save(new)
        changed = _recompute(store, new)
        lines += ["", _saved_line(saved, changed, args.lang)]
    elif kept:
        lines += ["", "--dry-run:未保存,未做任何更改。" if args.lang == "zh" else
                  "--dry-run: nothing saved or changed."]
    data = {"schema": "studyapp.optimize/1", "reset": False, "dry_run": args.dry_run,
            "collection": collection.to_dict(),
            "decks": [{"too_few": False, **d.to_dict()} if isinstance(d, FitResult) else
                      {"deck": d.deck, "too_few": True, "training_items": d.usable, "needed": d.needed}
                      for d in decks],
            "saved_to": str(saved) if saved else None, "items_rescheduled": changed}
    _print(lines, data, args)
    return 0


def _reset(store: Store, settings: Settings, args: argparse.Namespace) -> int:
    from studyapp.core.memory_model import MemoryModel

    new = _replace(settings, memory_model=MemoryModel())
    saved = _save(new)
    changed = _recompute(store, new)
    words = ("FSRS's default parameters are in use again." if args.lang != "zh" else "已恢复 FSRS 默认参数。")
    _print([words, _saved_line(saved, changed, args.lang)],
           {"schema": "studyapp.optimize/1", "reset": True, "dry_run": False, "saved_to": str(saved),
            "items_rescheduled": changed}, args)
    return 0


def _simulate(store: Store, settings: Settings, args: argparse.Namespace) -> int:
    from studyapp.core import workload
    from studyapp.store.memory_states import studiable_count

    parameters = settings.memory_model.parameters()
    limits = workload.Limits(items=studiable_count(store.conn), new_per_day=settings.new_per_day,
                             reviews_per_day=settings.reviews_per_day,
                             maximum_interval_days=settings.maximum_interval_days)
    points = workload.simulate(parameters, limits)
    best = workload.optimal(parameters, limits)
    now = settings.desired_retention
    data = {"schema": "studyapp.workload/1", "fitted": settings.memory_model.collection is not None,
            "items": limits.items, "new_per_day": limits.new_per_day,
            "reviews_per_day": limits.reviews_per_day,
            "days": workload.DAYS, "desired_retention": now, "optimal_retention": best,
            "points": [p.to_dict() for p in points]}
    _print(_workload_text(points, best, now, limits, args.lang), data, args)
    return 0


def _workload_text(points: list[Any], best: float | None, now: float, limits: Any, lang: str) -> list[str]:
    zh = lang == "zh"
    head = (f"未来 {365} 天每天的复习次数和分钟数(模拟:{limits.items:,} 项,每天新卡最多 {limits.new_per_day},"
            f"复习最多 {limits.reviews_per_day}):" if zh else
            f"Reviews and minutes a day over the next 365 days, by desired retention (simulated: "
            f"{limits.items:,} items, at most {limits.new_per_day} new and {limits.reviews_per_day} "
            "reviews a day):")
    top = max((p.minutes_per_day for p in points), default=0.0) or 1.0
    lines = [head, ""]
    for p in points:
        bar = "█" * max(1, round(30 * p.minutes_per_day / top)) if p.minutes_per_day > 0 else ""
        marks = []
        if best is not None and abs(p.retention - best) < 0.005:
            marks.append("◀ 每个记住的项目用时最少" if zh else "◀ least time per item remembered")
        if abs(p.retention - now) < 0.005:
            marks.append("(当前)" if zh else "(now)")
        unit = ("次", "分钟") if zh else ("reviews", "min")
        lines.append(f"{p.retention:.2f}  {p.reviews_per_day:6.0f} {unit[0]}  "
                     f"{p.minutes_per_day:6.1f} {unit[1]}  {bar:<30} {' '.join(marks)}".rstrip())
    return lines


def _print(lines: list[str], data: dict[str, Any], args: argparse.Namespace) -> None:
    if args.format == "json":
        import json

        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print("\n".join(lines))


def _replace(settings: Settings, **changes: Any) -> Settings:
    from dataclasses import replace

    return replace(settings, **changes)


def _save(settings: Settings) -> Any:
    from studyapp.config import SettingsSaveError, save_settings

    try:
        return save_settings(settings)
    except SettingsSaveError as exc:
        raise UsageError(f"{exc}; nothing was changed") from None


def _recompute(store: Store, settings: Settings) -> int:
    from studyapp.commands.progress import Progress
    from studyapp.core.scheduler import Scheduler
    from studyapp.store.memory_states import recompute


    bar = Progress("memory states")
    try:
        return recompute(store, Scheduler(settings), progress=bar.fraction)
    finally:
        bar.close()


def _saved_line(saved: Any, changed: int, lang: str) -> str:
    if lang == "zh":
        return f"已保存到 {saved};按新参数重新计算了记忆状态,{changed:,} 项的安排有变化。"
    return f"Saved to {saved}; memory states recomputed with them: {changed:,} items' schedules changed."
