"""Schedule settings and the local-time arithmetic the jobs share."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from metrics.schedule import ScheduleSettings, at_local

NEW_YORK = ZoneInfo("America/New_York")


def test_missing_or_broken_settings_fall_back_to_defaults() -> None:
    broken = {"schedule": {"nudge_time": "25:99", "nudge_policy": "sometimes", "digest_day": "fri", "quiet_end": 7}}
    assert ScheduleSettings.from_settings(broken) == ScheduleSettings() == ScheduleSettings.from_settings(None)
    kept = ScheduleSettings(nudge_time=time(7, 45), nudge_policy="behind", digest_day=3, hide_amounts=True)
    assert ScheduleSettings.from_settings({"schedule": kept.to_settings()}) == kept


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 12, 1, 19, 59, tzinfo=NEW_YORK), datetime(2026, 12, 1, 19, 59, tzinfo=NEW_YORK)),
        (datetime(2026, 12, 1, 20, 0, tzinfo=NEW_YORK), datetime(2026, 12, 2, 8, 0, tzinfo=NEW_YORK)),
        (datetime(2026, 12, 2, 2, 0, tzinfo=NEW_YORK), datetime(2026, 12, 2, 8, 0, tzinfo=NEW_YORK)),
        (datetime(2026, 12, 2, 8, 0, tzinfo=NEW_YORK), datetime(2026, 12, 2, 8, 0, tzinfo=NEW_YORK)),
    ],
)
def test_celebrations_wait_out_the_quiet_hours_across_midnight(local: datetime, expected: datetime) -> None:
    assert ScheduleSettings().after_quiet_hours(local.astimezone(UTC), NEW_YORK) == expected


def test_quiet_hours_inside_one_day_and_none_at_all() -> None:
    daytime = ScheduleSettings(quiet_start=time(12, 0), quiet_end=time(13, 0))
    noon = datetime(2026, 12, 1, 12, 30, tzinfo=NEW_YORK)
    assert daytime.after_quiet_hours(noon, NEW_YORK) == datetime(2026, 12, 1, 13, 0, tzinfo=NEW_YORK)
    never = ScheduleSettings(quiet_start=time(0, 0), quiet_end=time(0, 0))
    assert never.after_quiet_hours(noon, NEW_YORK) == noon


def test_a_wall_time_skipped_by_daylight_saving_happens_once_just_after_the_gap() -> None:
    spring = at_local(date(2026, 3, 8), time(2, 30), NEW_YORK)  # 02:00 → 03:00 that night
    assert spring.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT
    autumn = at_local(date(2026, 11, 1), time(1, 30), NEW_YORK)  # 01:30 happens twice: the first one
    assert autumn.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
