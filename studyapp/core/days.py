"""Study days: a day starts at a configured local hour (04:00 by default), as in Anki.

All arithmetic is done on local dates and converted back to UTC, so a day across a
daylight-saving change is 23 or 25 hours long rather than shifting the boundary.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def local_zone(name: str = "") -> tzinfo:
    """The named IANA zone, else the system's zone (``TZ``, then /etc/localtime), else UTC."""
    for candidate in (name, os.environ.get("TZ", "").lstrip(":"), _etc_localtime_key()):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    try:
        with open("/etc/localtime", "rb") as handle:
            return ZoneInfo.from_file(handle)
    except OSError:
        return UTC


def _etc_localtime_key() -> str:
    """``Europe/Berlin`` from the /etc/localtime link, when it is one."""
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return ""
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else ""


def study_date(now: datetime, zone: tzinfo, hour: int) -> date:
    """The calendar date of the study day that ``now`` (UTC) falls in."""
    local = now.astimezone(zone)
    return local.date() if local.hour >= hour else local.date() - timedelta(days=1)


def day_start(day: date, zone: tzinfo, hour: int) -> datetime:
    """The UTC instant at which study day ``day`` begins."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def day_bounds(now: datetime, zone: tzinfo, hour: int) -> tuple[datetime, datetime]:
    """(start, end) in UTC of the study day containing ``now``."""
    day = study_date(now, zone, hour)
    return day_start(day, zone, hour), day_start(day + timedelta(days=1), zone, hour)


def daily_counts(buckets: list[tuple[int, int]], zone: tzinfo, hour: int) -> dict[date, int]:
    """Answers per study day from (bucket start in ms since the epoch, answers) pairs.

    Buckets are a quarter of an hour wide (the store groups by that), fine enough for
    every zone's offset, so each lands in the right local study day across DST changes.
    """
    days: dict[date, int] = {}
    for start_ms, n in buckets:
        day = study_date(datetime.fromtimestamp(start_ms / 1000, UTC), zone, hour)
        days[day] = days.get(day, 0) + n
    return days


def streak(counts: dict[date, int], today: date) -> int:
    """Consecutive study days with answers ending today, or yesterday while today is still open."""
    day = today if counts.get(today) else today - timedelta(days=1)
    run = 0
    while counts.get(day):
        run += 1
        day -= timedelta(days=1)
    return run


def answer_days(answers_since: Callable[[datetime], list[tuple[int, int]]], start: datetime, today: date,
                zone: tzinfo, hour: int, weeks: int) -> dict[date, int]:
    """Answers per study day before ``start`` (today's start): at least ``weeks`` weeks, and
    further back while the streak of study days reaches the window's beginning."""
    while True:
        counts = daily_counts(answers_since(start - timedelta(weeks=weeks)), zone, hour)
        counts.pop(today, None)
        if streak(counts, today) < weeks * 7 - 7 or weeks >= 52 * 30:
            return counts
        weeks *= 4
