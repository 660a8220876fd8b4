"""What a desired retention costs (fsrs-rs's simulator over a year): one point per retention from
0.70 to 0.97, more reviews for more retention, the cheapest retention inside the range, and an
empty collection costing nothing."""

from __future__ import annotations

import fsrs.scheduler as fsrs_scheduler
import pytest

from studyapp.core import workload
from studyapp.core.workload import Limits, Workload

DEFAULTS = tuple(fsrs_scheduler.DEFAULT_PARAMETERS)
LIMITS = Limits(items=300, new_per_day=20, reviews_per_day=200, maximum_interval_days=36500)


@pytest.fixture(scope="module")
def points() -> list[Workload]:
    return workload.simulate(DEFAULTS, LIMITS)


def test_one_point_per_retention_from_0_70_to_0_97(points):
    assert [p.retention for p in points] == [round(0.70 + i / 100, 2) for i in range(28)]
    assert workload.RETENTIONS[0] == 0.70 and workload.RETENTIONS[-1] == 0.97


def test_more_retention_costs_more_reviews_and_remembers_more(points):
    low, high = points[0], points[-1]
    assert high.reviews_per_day > 2 * low.reviews_per_day  # 0.97 needs far more reviews than 0.70
    assert high.minutes_per_day > low.minutes_per_day and high.remembered > low.remembered
    # overall, not each step: one simulated year is noisy from one retention to the next
    thirds = [sum(p.reviews_per_day for p in points[i: i + 9]) for i in (0, 9, 18)]
    assert thirds == sorted(thirds)
    # every item is learnt within the year (20 a day): the first reviews alone are 300 / 365 a day
    assert all(p.reviews_per_day >= LIMITS.items / workload.DAYS for p in points)
    assert all(0 < p.remembered <= LIMITS.items for p in points)


def test_the_optimal_retention_is_inside_the_range():
    best = workload.optimal(DEFAULTS, LIMITS)
    assert workload.RETENTIONS[0] <= best <= workload.RETENTIONS[-1] and round(best, 2) == best


def test_nearest_finds_the_point_of_a_retention(points):
    assert workload.nearest(points, 0.9).retention == 0.9
    assert workload.nearest(points, 0.904).retention == 0.9 and workload.nearest(points, 0.5).retention == 0.7
    assert workload.nearest(points, 0.99).retention == 0.97


def test_an_empty_collection_costs_nothing():
    empty = Limits(items=0, new_per_day=20, reviews_per_day=200, maximum_interval_days=36500)
    points = workload.simulate(DEFAULTS, empty)
    assert len(points) == 28
    assert all(p.reviews_per_day == p.minutes_per_day == p.remembered == 0 for p in points)
    assert points[0].minutes_per_remembered == float("inf")
    assert workload.optimal(DEFAULTS, empty) is None  # nothing to study: no retention is cheapest


def test_no_new_items_a_day_means_nothing_is_learnt():
    idle = Limits(items=300, new_per_day=0, reviews_per_day=200, maximum_interval_days=36500)
    points = workload.simulate(DEFAULTS, idle, (0.8, 0.9))
    assert all(p.reviews_per_day == 0 and p.remembered == 0 for p in points)


def test_a_point_reads_as_json_rounded():
    point = Workload(retention=0.9, reviews_per_day=12.3456, minutes_per_day=3.21987, remembered=250.06)
    assert point.to_dict() == {"retention": 0.9, "reviews_per_day": 12.35, "minutes_per_day": 3.22,
                               "remembered": 250.1}
    assert point.minutes_per_remembered == pytest.approx(3.21987 * 365 / 250.06)
