"""SLA clocks (SPEC §4): desk hours, DST, hold semantics. Pure, no database, no Telegram."""

from __future__ import annotations

import ast
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.clock import DeskHours, add_wall, lateness, resume

WARSAW = ZoneInfo("Europe/Warsaw")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
DESK = DeskHours(time(8, 0), time(21, 0), WARSAW)
NIGHT = DeskHours(time(20, 0), time(6, 0), WARSAW)
ALWAYS = DeskHours(time(9, 0), time(9, 0), WARSAW)

MIN = timedelta(minutes=1)
US = timedelta(microseconds=1)


def local(*args: int, tz: ZoneInfo = WARSAW, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=tz, fold=fold)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- is_open / next_opening ---------------------------------------------------------------


@pytest.mark.parametrize(("moment", "expected"), [
    (local(2026, 6, 10, 8, 0), True),
    (local(2026, 6, 10, 7, 59, 59), False),
    (local(2026, 6, 10, 20, 59, 59), True),
    (local(2026, 6, 10, 20, 59, 59, 999999), True),
    (local(2026, 6, 10, 21, 0), False),
    (local(2026, 6, 10, 23, 30), False),
    (local(2026, 6, 10, 0, 0), False),
    (local(2026, 6, 10, 12, 0), True),
    (local(2026, 1, 10, 8, 0), True),  # winter time too
    (local(2026, 1, 10, 21, 0), False),
])
def test_is_open_at_edges(moment, expected):
    assert DESK.is_open(moment) is expected
    assert DESK.is_open(moment.astimezone(UTC)) is expected  # same instant, any zone


def test_is_open_in_utc_terms():
    assert DESK.is_open(utc(2026, 6, 10, 6, 0))  # 08:00 CEST
    assert not DESK.is_open(utc(2026, 6, 10, 5, 59))
    assert DESK.is_open(utc(2026, 1, 10, 7, 0))  # 08:00 CET
    assert not DESK.is_open(utc(2026, 1, 10, 6, 30))


def test_next_opening_from_the_evening_is_next_morning():
    got = DESK.next_opening(local(2026, 6, 10, 22, 15))
    assert got == local(2026, 6, 11, 8, 0)
    assert got.tzinfo is UTC
    assert got == utc(2026, 6, 11, 6, 0)


def test_next_opening_edges():
    assert DESK.next_opening(local(2026, 6, 10, 21, 0)) == local(2026, 6, 11, 8, 0)
    assert DESK.next_opening(local(2026, 6, 11, 0, 0)) == local(2026, 6, 11, 8, 0)
    assert DESK.next_opening(local(2026, 6, 11, 7, 59, 59)) == local(2026, 6, 11, 8, 0)


def test_next_opening_is_the_moment_itself_when_open():
    moment = local(2026, 6, 10, 13, 7, 5)
    got = DESK.next_opening(moment)
    assert got == moment and got.tzinfo is UTC


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        DESK.is_open(datetime(2026, 6, 10, 12, 0))
    with pytest.raises(ValueError):
        DESK.add(datetime(2026, 6, 10, 12, 0), MIN)
    with pytest.raises(ValueError):
        add_wall(datetime(2026, 6, 10, 12, 0), MIN)


def test_negative_duration_is_refused():
    with pytest.raises(ValueError):
        DESK.add(utc(2026, 6, 10, 12), -MIN)


def test_desk_hours_are_naive_local_times():
    with pytest.raises(ValueError):
        DeskHours(time(8, tzinfo=UTC), time(21), WARSAW)


# --- add --------------------------------------------------------------------------------------


def test_add_inside_open_hours_is_plain():
    assert DESK.add(local(2026, 6, 10, 9, 0), 30 * MIN) == local(2026, 6, 10, 9, 30)


def test_add_carries_over_the_night():
    got = DESK.add(local(2026, 6, 10, 20, 45), 30 * MIN)
    assert got == local(2026, 6, 11, 8, 15)
    assert got.tzinfo is UTC


def test_add_from_the_small_hours_starts_at_opening():
    assert DESK.add(local(2026, 6, 11, 3, 0), 30 * MIN) == local(2026, 6, 11, 8, 30)


def test_add_longer_than_one_days_opening():
    assert DESK.add(local(2026, 6, 10, 8, 0), timedelta(hours=14)) == local(2026, 6, 11, 9, 0)
    # 13 h exactly fills the day: the deadline is the closing instant itself
    assert DESK.add(local(2026, 6, 10, 8, 0), timedelta(hours=13)) == local(2026, 6, 10, 21, 0)
    # three full days and a half hour
    assert (DESK.add(local(2026, 6, 10, 8, 0), timedelta(hours=39, minutes=30))
            == local(2026, 6, 13, 8, 30))


def test_add_zero():
    closed = local(2026, 6, 10, 22, 0)
    assert DESK.add(closed, timedelta(0)) == DESK.next_opening(closed) == local(2026, 6, 11, 8)
    opened = local(2026, 6, 10, 12, 0)
    assert DESK.add(opened, timedelta(0)) == opened


def test_add_accepts_any_zone_and_returns_utc():
    start = local(2026, 6, 10, 20, 45)
    in_ny = start.astimezone(NEW_YORK)
    got = DESK.add(in_ny, 30 * MIN)
    assert got == utc(2026, 6, 11, 6, 15)
    assert got.tzinfo is UTC


# --- daylight saving time (Europe/Warsaw 2026) ------------------------------------------------


def test_spring_forward_night():
    # 2026-03-29 02:00 CET -> 03:00 CEST at 01:00 UTC
    start = local(2026, 3, 28, 20, 45)
    assert start == utc(2026, 3, 28, 19, 45)
    got = DESK.add(start, 30 * MIN)
    assert got == utc(2026, 3, 29, 6, 15)  # 08:15 CEST, not 07:15 UTC
    assert got == local(2026, 3, 29, 8, 15)
    assert DESK.next_opening(utc(2026, 3, 29, 0, 0)) == utc(2026, 3, 29, 6, 0)
    assert DESK.open_between(start, got) == 30 * MIN


def test_fall_back_night():
    # 2026-10-25 03:00 CEST -> 02:00 CET at 01:00 UTC
    start = local(2026, 10, 24, 20, 45)
    assert start == utc(2026, 10, 24, 18, 45)
    got = DESK.add(start, 30 * MIN)
    assert got == utc(2026, 10, 25, 7, 15)  # 08:15 CET
    assert got == local(2026, 10, 25, 8, 15)
    assert DESK.next_opening(utc(2026, 10, 25, 0, 0)) == utc(2026, 10, 25, 7, 0)


def test_a_day_of_opening_is_still_thirteen_hours_on_dst_days():
    for day in (local(2026, 3, 29, 0, 0), local(2026, 10, 25, 0, 0)):
        assert DESK.open_between(day, day + timedelta(days=1)) == timedelta(hours=13)


def test_overnight_desk_over_dst_nights_is_shorter_or_longer():
    # 20:00 CET (19:00 UTC) -> 06:00 CEST (04:00 UTC): nine hours
    spring = NIGHT.open_between(utc(2026, 3, 28, 12), utc(2026, 3, 29, 12))
    assert spring == timedelta(hours=9)
    # 20:00 CEST (18:00 UTC) -> 06:00 CET (05:00 UTC): eleven hours
    autumn = NIGHT.open_between(utc(2026, 10, 24, 12), utc(2026, 10, 25, 12))
    assert autumn == timedelta(hours=11)
    assert NIGHT.add(utc(2026, 3, 28, 19), timedelta(hours=9)) == utc(2026, 3, 29, 4)
    assert NIGHT.add(utc(2026, 10, 24, 18), timedelta(hours=11)) == utc(2026, 10, 25, 5)
    assert NIGHT.is_open(utc(2026, 10, 25, 1, 30))  # 02:30 CET, the repeated hour
    assert NIGHT.is_open(utc(2026, 3, 29, 1, 30))  # 03:30 CEST


def test_opening_inside_the_spring_gap_is_the_first_valid_instant_after_it():
    gap = DeskHours(time(2, 30), time(10, 0), WARSAW)
    # 02:30 does not exist on 2026-03-29: the desk opens at 03:00 CEST == 01:00 UTC
    assert gap.next_opening(utc(2026, 3, 29, 0, 0)) == utc(2026, 3, 29, 1, 0)
    assert not gap.is_open(utc(2026, 3, 29, 0, 59, 59))
    assert gap.is_open(utc(2026, 3, 29, 1, 0))
    assert gap.open_between(utc(2026, 3, 29), utc(2026, 3, 30)) == timedelta(hours=7)
    # on ordinary days it is 02:30 local as usual
    assert gap.next_opening(utc(2026, 3, 30, 0, 0)) == local(2026, 3, 30, 2, 30)


def test_closing_inside_the_spring_gap():
    gap = DeskHours(time(22, 0), time(2, 30), WARSAW)
    # the night of 28->29 March closes at 03:00 CEST == 01:00 UTC (opened 21:00 UTC)
    assert gap.open_between(utc(2026, 3, 28, 12), utc(2026, 3, 29, 12)) == timedelta(hours=4)
    assert gap.add(utc(2026, 3, 28, 21), timedelta(hours=4)) == utc(2026, 3, 29, 1)
    assert not gap.is_open(utc(2026, 3, 29, 1, 0))


def test_hours_wholly_inside_the_spring_gap_vanish_for_that_day():
    gap = DeskHours(time(2, 10), time(2, 40), WARSAW)
    assert gap.open_between(utc(2026, 3, 29), utc(2026, 3, 30)) == timedelta(0)
    assert gap.next_opening(utc(2026, 3, 29, 0, 0)) == local(2026, 3, 30, 2, 10)
    assert gap.add(utc(2026, 3, 28, 23), 10 * MIN) == local(2026, 3, 30, 2, 20)


def test_a_skipped_calendar_day_has_no_desk_hours():
    # Samoa skipped 2011-12-30 entirely (UTC-10 -> UTC+14 at local midnight)
    apia = DeskHours(time(8), time(21), ZoneInfo("Pacific/Apia"))
    start = utc(2011, 12, 30, 6, 45)  # 2011-12-29 20:45 local (UTC-10)
    assert apia.is_open(start)
    got = apia.add(start, 30 * MIN)
    assert got == utc(2011, 12, 30, 18, 15)  # 2011-12-31 08:15 local (UTC+14)
    assert apia.open_between(start, got) == 30 * MIN


def test_ambiguous_opening_uses_the_first_occurrence():
    desk = DeskHours(time(2, 30), time(10, 0), WARSAW)
    # 02:30 happens twice on 2026-10-25: the first one, 02:30 CEST == 00:30 UTC
    assert desk.next_opening(utc(2026, 10, 25, 0, 0)) == utc(2026, 10, 25, 0, 30)
    first = local(2026, 10, 25, 2, 30, fold=0).astimezone(UTC)
    assert desk.next_opening(utc(2026, 10, 25, 0, 0)) == first
    day = desk.open_between(utc(2026, 10, 25), utc(2026, 10, 26))
    assert day == timedelta(hours=8, minutes=30)


def test_ambiguous_closing_uses_the_first_occurrence():
    desk = DeskHours(time(20, 0), time(2, 30), WARSAW)
    # closes at the first 02:30 (CEST) == 00:30 UTC; the repeated 02:15 (CET) is closed
    assert desk.is_open(utc(2026, 10, 25, 0, 29))
    assert not desk.is_open(utc(2026, 10, 25, 0, 30))
    assert not desk.is_open(local(2026, 10, 25, 2, 15, fold=1))
    assert desk.open_between(utc(2026, 10, 24, 12), utc(2026, 10, 25, 12)) == timedelta(
        hours=6, minutes=30)


# --- the time zone is a setting ---------------------------------------------------------------


def test_same_hours_in_two_zones_give_different_instants():
    warsaw = DeskHours(time(8), time(21), WARSAW)
    london = DeskHours(time(8), time(21), LONDON)
    start = utc(2026, 6, 1, 4, 0)  # 06:00 in Warsaw, 05:00 in London
    assert warsaw.add(start, 30 * MIN) == utc(2026, 6, 1, 6, 30)
    assert london.add(start, 30 * MIN) == utc(2026, 6, 1, 7, 30)
    late = utc(2026, 6, 1, 19, 30)  # 21:30 in Warsaw (closed), 20:30 in London (open)
    assert not warsaw.is_open(late)
    assert london.is_open(late)
    assert DeskHours(time(8), time(21), NEW_YORK).is_open(utc(2026, 6, 1, 22, 0))


def test_equal_settings_are_equal_values():
    assert DeskHours(time(8), time(21), ZoneInfo("Europe/Warsaw")) == DESK
    assert hash(DeskHours(time(8), time(21), WARSAW)) == hash(DESK)
    assert DeskHours(time(8), time(21), LONDON) != DESK


# --- overnight and around-the-clock desks -----------------------------------------------------


@pytest.mark.parametrize(("moment", "expected"), [
    (local(2026, 6, 10, 20, 0), True),
    (local(2026, 6, 10, 19, 59, 59), False),
    (local(2026, 6, 10, 23, 59), True),
    (local(2026, 6, 11, 0, 0), True),
    (local(2026, 6, 11, 5, 59, 59), True),
    (local(2026, 6, 11, 6, 0), False),
    (local(2026, 6, 11, 12, 0), False),
])
def test_overnight_desk_is_open(moment, expected):
    assert NIGHT.is_open(moment) is expected


def test_overnight_desk_add_and_next_opening():
    assert NIGHT.next_opening(local(2026, 6, 11, 12, 0)) == local(2026, 6, 11, 20, 0)
    assert NIGHT.next_opening(local(2026, 6, 11, 2, 0)) == local(2026, 6, 11, 2, 0)
    assert NIGHT.add(local(2026, 6, 11, 5, 45), 30 * MIN) == local(2026, 6, 11, 20, 15)
    assert NIGHT.add(local(2026, 6, 10, 23, 0), 2 * MIN * 60) == local(2026, 6, 11, 1, 0)
    assert NIGHT.add(local(2026, 6, 10, 12, 0), timedelta(hours=11)) == local(2026, 6, 11, 21)
    assert NIGHT.open_between(local(2026, 6, 10, 0, 0), local(2026, 6, 11, 0, 0)) == timedelta(
        hours=10)


@pytest.mark.parametrize("start", [
    utc(2026, 6, 10, 3, 17), utc(2026, 3, 28, 23, 30), utc(2026, 10, 24, 23, 59),
    local(2026, 10, 25, 2, 30, fold=1), utc(2026, 12, 31, 23, 0),
])
@pytest.mark.parametrize("duration", [
    timedelta(0), MIN, timedelta(hours=5), timedelta(days=2, hours=3), timedelta(days=40),
])
def test_around_the_clock_is_wall_clock_addition(start, duration):
    # (PEP 495: an aware time in a repeated hour never compares equal across zones, so the
    # expected values are taken in UTC.)
    start_utc = start.astimezone(UTC)
    assert ALWAYS.is_open(start)
    assert ALWAYS.next_opening(start) == start_utc
    assert ALWAYS.add(start, duration) == add_wall(start, duration) == start_utc + duration
    assert ALWAYS.open_between(start, start_utc + duration) == duration


def test_add_wall_is_absolute_not_local():
    # aware + timedelta in Python is wall-clock arithmetic in the local zone; add_wall is not
    start = local(2026, 3, 28, 12, 0)
    got = add_wall(start, timedelta(days=1))
    assert got == utc(2026, 3, 29, 11, 0)  # 13:00 CEST: 24 real hours later
    assert got.tzinfo is UTC
    assert start + timedelta(days=1) == utc(2026, 3, 29, 10, 0)  # what naive arithmetic does


# --- open_between vs add ----------------------------------------------------------------------


def test_open_between_basics():
    assert DESK.open_between(local(2026, 6, 10, 12), local(2026, 6, 10, 12)) == timedelta(0)
    assert DESK.open_between(local(2026, 6, 10, 13), local(2026, 6, 10, 12)) == timedelta(0)
    assert DESK.open_between(local(2026, 6, 10, 0), local(2026, 6, 11, 0)) == timedelta(hours=13)
    assert DESK.open_between(local(2026, 6, 10, 20), local(2026, 6, 11, 9)) == timedelta(hours=2)
    assert DESK.open_between(local(2026, 6, 10, 21), local(2026, 6, 11, 8)) == timedelta(0)
    week = DESK.open_between(local(2026, 6, 8, 0), local(2026, 6, 15, 0))
    assert week == timedelta(hours=13 * 7)


CONSISTENCY_STARTS = [
    local(2026, 6, 10, 20, 45), local(2026, 6, 11, 3, 0), local(2026, 6, 11, 8, 0),
    local(2026, 6, 11, 21, 0), local(2026, 6, 11, 12, 34, 56, 789), local(2026, 1, 1, 0, 0),
    local(2026, 3, 28, 20, 59), local(2026, 3, 29, 2, 30), local(2026, 10, 24, 21, 0),
    local(2026, 10, 25, 2, 30, fold=0), local(2026, 10, 25, 2, 30, fold=1),
    local(2026, 12, 31, 20, 30),
]
CONSISTENCY_DURATIONS = [
    timedelta(0), timedelta(seconds=1), 30 * MIN, timedelta(hours=4), timedelta(hours=13),
    timedelta(hours=14), timedelta(hours=27, minutes=13), timedelta(days=9, seconds=7),
]


@pytest.mark.parametrize("desk", [DESK, NIGHT, DeskHours(time(2, 30), time(2, 45), WARSAW)],
                         ids=["day", "night", "gap"])
@pytest.mark.parametrize("start", CONSISTENCY_STARTS)
@pytest.mark.parametrize("duration", CONSISTENCY_DURATIONS)
def test_open_between_is_consistent_with_add(desk, start, duration):
    due = desk.add(start, duration)
    assert due >= start
    assert desk.open_between(start, due) == duration


# --- a property-style sweep -------------------------------------------------------------------


def _cases(n: int):
    """Deterministic pseudo-random (start, duration) pairs, a linear congruential walk."""
    seed = 20260329
    origin = utc(2026, 1, 1)
    for _ in range(n):
        seed = (seed * 1103515245 + 12345) % 2**31
        start = origin + timedelta(seconds=seed % (366 * 86400))
        seed = (seed * 1103515245 + 12345) % 2**31
        duration = timedelta(seconds=seed % (3 * 86400))
        yield start, duration


@pytest.mark.parametrize("desk", [
    DESK, NIGHT, DeskHours(time(9, 30), time(17, 15), NEW_YORK),
    DeskHours(time(2, 30), time(3, 30), WARSAW),
], ids=["warsaw-day", "warsaw-night", "new-york", "warsaw-dst-hour"])
def test_add_lands_on_open_time(desk):
    """For d > 0 the deadline is reached while the desk is open: the instant just before it is
    open, exactly d of open time lies in [start, due) and strictly less in [start, due - 1 us).
    So `due` is either open itself or exactly a closing instant. For d == 0 it is the next
    opening."""
    cases = list(_cases(200))
    assert len(cases) == 200
    for start, duration in cases:
        due = desk.add(start, duration)
        assert due.tzinfo is UTC
        assert due >= start
        if duration == timedelta(0):
            assert due == desk.next_opening(start)
            assert desk.is_open(due)
            continue
        assert desk.is_open(due - US), (start, duration, due)
        assert desk.open_between(start, due) == duration
        assert desk.open_between(start, due - US) == duration - US


# --- hold semantics and lateness --------------------------------------------------------------


def test_resume_adds_the_paused_span():
    due = utc(2026, 6, 10, 12, 0)
    got = resume(due, utc(2026, 6, 10, 10, 0), utc(2026, 6, 10, 13, 30))
    assert got == utc(2026, 6, 10, 15, 30)
    assert got.tzinfo is UTC


def test_resume_is_absolute_across_dst_and_zones():
    due = utc(2026, 3, 29, 12, 0)
    # paused 00:00 CET -> resumed 12:00 CEST the same day: 11 real hours
    got = resume(due, local(2026, 3, 29, 0, 0), local(2026, 3, 29, 12, 0))
    assert got == utc(2026, 3, 29, 23, 0)


def test_resume_never_moves_the_deadline_earlier():
    due = utc(2026, 6, 10, 12, 0)
    assert resume(due, utc(2026, 6, 10, 11), utc(2026, 6, 10, 11)) == due
    assert resume(due, utc(2026, 6, 10, 11), utc(2026, 6, 10, 10)) == due


def test_lateness_is_never_negative():
    due = utc(2026, 6, 10, 12, 0)
    assert lateness(due, utc(2026, 6, 10, 12, 0, 3)) == timedelta(seconds=3)
    assert lateness(due, due) == timedelta(0)
    assert lateness(due, utc(2026, 6, 10, 11, 0)) == timedelta(0)
    assert lateness(due, local(2026, 6, 10, 14, 5)) == timedelta(minutes=5)  # 12:05 UTC


# --- purity -----------------------------------------------------------------------------------

CLOCK = Path(__file__).resolve().parents[2] / "bot" / "domain" / "clock.py"


def test_clock_imports_only_the_standard_library():
    tree = ast.parse(CLOCK.read_text(encoding="utf-8"), filename=str(CLOCK))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "clock.py must not import from the project"
            imported.add(node.module or "")
    assert imported, "the scan found no imports at all"
    outside = {m for m in imported if m.split(".")[0] not in sys.stdlib_module_names}
    assert not outside, outside
