"""Study days start at a local hour, and stay right across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from studyapp.core.days import day_bounds, day_start, local_zone, study_date

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_before_the_start_hour_belongs_to_the_previous_day():
    # 19:30 UTC on 1 May is 03:30 on 2 May in Shanghai: still the study day of 1 May.
    assert study_date(datetime(2026, 5, 1, 19, 30, tzinfo=UTC), SHANGHAI, 4) == date(2026, 5, 1)
    assert study_date(datetime(2026, 5, 1, 20, 30, tzinfo=UTC), SHANGHAI, 4) == date(2026, 5, 2)


def test_day_bounds_in_utc():
    start, end = day_bounds(datetime(2026, 5, 1, 12, tzinfo=UTC), SHANGHAI, 4)
    assert start == datetime(2026, 4, 30, 20, tzinfo=UTC)
    assert end - start == timedelta(hours=24)


def test_across_the_spring_forward_change_the_day_is_23_hours():
    # Berlin moves from +01:00 to +02:00 at 02:00 local on 2026-03-29.
    start, end = day_bounds(datetime(2026, 3, 29, 12, tzinfo=UTC), BERLIN, 4)
    assert start == datetime(2026, 3, 29, 2, tzinfo=UTC)  # 04:00 CEST
    assert end == datetime(2026, 3, 30, 2, tzinfo=UTC)
    before_start, _ = day_bounds(datetime(2026, 3, 28, 12, tzinfo=UTC), BERLIN, 4)
    assert start - before_start == timedelta(hours=23)


def test_across_the_autumn_change_the_day_is_25_hours():
    start, end = day_bounds(datetime(2026, 10, 25, 12, tzinfo=UTC), BERLIN, 4)
    prev_start, _ = day_bounds(datetime(2026, 10, 24, 12, tzinfo=UTC), BERLIN, 4)
    assert start - prev_start == timedelta(hours=25)
    assert start.astimezone(BERLIN).hour == 4 and end.astimezone(BERLIN).hour == 4


def test_local_zone_prefers_the_setting_then_tz(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    assert local_zone("Europe/Berlin") == BERLIN
    assert local_zone("") == SHANGHAI
    monkeypatch.setenv("TZ", "Not/AZone")
    assert local_zone("") is not None


def test_answer_days_look_back_as_far_as_the_streak_goes():
    from studyapp.core.days import answer_days, streak

    zone, hour = ZoneInfo("UTC"), 4
    today = date(2026, 3, 2)
    start = day_start(today, zone, hour)
    asked: list[datetime] = []

    def answers_since(since: datetime) -> list[tuple[int, int]]:
        asked.append(since)
        noon = [day_start(today - timedelta(days=k), zone, hour) + timedelta(hours=8) for k in range(1, 301)]
        return [(int(t.timestamp() * 1000), 1) for t in noon if t >= since]

    counts = answer_days(answers_since, start, today, zone, hour, weeks=16)
    assert today not in counts and streak(counts, today) == 300  # 16 weeks were not enough
    assert len(asked) >= 2 and asked[0] == start - timedelta(weeks=16)
