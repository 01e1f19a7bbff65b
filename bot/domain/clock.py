"""SLA clocks: desk hours, deadlines and hold semantics (SPEC §4). Standard library only.

Every datetime given to this module must be timezone-aware; every datetime it returns is in UTC.
Desk hours are local wall-clock times in an IANA zone (``DeskHours.tz``).

The desk is modelled as a sequence of *open intervals* ``[opening, closing)`` in absolute time,
one per local calendar day ``D``:

* ``start < end``: from ``D start`` to ``D end`` (e.g. 08:00–21:00);
* ``end < start``: open across midnight, from ``D start`` to ``D+1 end`` (e.g. 20:00–06:00);
* ``start == end``: open around the clock (24/7); durations are then plain absolute time.

Each interval boundary is a local wall-clock time turned into an instant as follows:

* a **nonexistent** local time (inside a spring-forward gap, e.g. 02:30 in Europe/Warsaw on
  2026-03-29, when clocks jump 02:00 → 03:00) is taken as the first valid instant after it,
  i.e. the moment of the transition (03:00 local summer time = 01:00 UTC);
* an **ambiguous** local time (inside a fall-back overlap, e.g. 02:30 in Europe/Warsaw on
  2026-10-25, when clocks go 03:00 → 02:00) uses ``fold=0``, the first occurrence
  (02:30 summer time = 00:30 UTC).

This wall-to-instant mapping never goes backwards, so intervals never overlap, and a night that
is one hour shorter or longer simply yields an open interval one hour shorter or longer.
``is_open``, ``next_opening``, ``add`` and ``open_between`` all use the same intervals, so they
agree with each other even on DST days (``open_between(s, add(s, d)) == d``). Whether a moment is
open is decided by these absolute intervals, not by its wall-clock reading: with a closing time
inside the overlap hour, the second occurrence of that hour counts as closed.

Remember that ``aware + timedelta`` in Python is *wall-clock* arithmetic in the datetime's own
zone; this module converts to UTC before any arithmetic, so durations are always absolute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["DeskHours", "add_wall", "lateness", "resume"]

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
_ONE_US = timedelta(microseconds=1)
_CACHE_LIMIT = 4096


def _utc(moment: datetime, name: str = "moment") -> datetime:
    """``moment`` as UTC; naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment!r}")
    return moment.astimezone(UTC)


def _local_to_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    """Naive local ``wall`` time in ``tz`` → UTC instant.

    Gap (nonexistent): the transition instant, i.e. the first valid instant after ``wall``.
    Overlap (ambiguous): ``fold=0``, the first occurrence.
    """
    guess = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if guess.astimezone(tz).replace(tzinfo=None) == wall:
        return guess  # exists (and, when ambiguous, fold=0 is the first occurrence)
    # Nonexistent: wall lies in a gap. The transition instant T satisfies
    # wall - offset_after < T <= wall - offset_before; find it by bisection on microseconds.
    other = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo, hi = min(guess, other), max(guess, other)
    before = lo.astimezone(tz).utcoffset()
    while hi - lo > _ONE_US:
        mid = lo + (hi - lo) // 2
        if mid.astimezone(tz).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return hi


@dataclass(frozen=True)
class DeskHours:
    """Daily desk hours ``[start, end)`` in local time of ``tz`` (see the module docstring).

    ``end <= start`` means the desk is open across midnight; ``start == end`` means 24/7.
    """

    start: time
    end: time
    tz: ZoneInfo
    _cache: dict[date, tuple[datetime, datetime]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("desk hours are local wall-clock times: pass naive time objects")
        if not isinstance(self.tz, ZoneInfo):
            raise TypeError(f"tz must be a zoneinfo.ZoneInfo, got {type(self.tz).__name__}")

    # --- the open intervals -------------------------------------------------------------------

    @property
    def around_the_clock(self) -> bool:
        return self.start == self.end

    @property
    def overnight(self) -> bool:
        return self.end < self.start

    def _interval(self, day: date) -> tuple[datetime, datetime]:
        """The open interval that starts on local ``day``, in UTC (may be empty in a gap)."""
        hit = self._cache.get(day)
        if hit is not None:
            return hit
        opening = _local_to_utc(datetime.combine(day, self.start), self.tz)
        close_day = day + _ONE_DAY if self.overnight else day
        closing = _local_to_utc(datetime.combine(close_day, self.end), self.tz)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[day] = (opening, closing)
        return opening, closing

    def _first_day(self, moment_utc: datetime) -> date:
        """The earliest local day whose interval can contain or follow ``moment_utc``."""
        day = moment_utc.astimezone(self.tz).date()
        return day - _ONE_DAY if self.overnight else day

    # --- the public API -----------------------------------------------------------------------

    def is_open(self, moment: datetime) -> bool:
        """Whether the desk is open at ``moment``: opening instants are open, closing ones not."""
        m = _utc(moment)  # compared in UTC: a local time in a DST gap or fold equals none
        return self.next_opening(m) == m

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` (in UTC) if the desk is open then, else the next opening instant in UTC."""
        m = _utc(moment)
        if self.around_the_clock:
            return m
        day = self._first_day(m)
        while True:
            opening, closing = self._interval(day)
            if m < closing and opening < closing:
                return max(m, opening)
            day += _ONE_DAY

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant (UTC) at which ``duration`` of open desk time has elapsed from ``start``.

        Closed time does not count. ``duration == 0`` gives ``next_opening(start)``. When the
        duration runs out exactly at a closing time, the result is that closing instant.
        """
        if duration < _ZERO:
            raise ValueError(f"duration must not be negative, got {duration!r}")
        s = _utc(start, "start")
        if self.around_the_clock:
            return s + duration
        left = duration
        day = self._first_day(s)
        while True:
            opening, closing = self._interval(day)
            day += _ONE_DAY
            if closing <= s or closing <= opening:
                continue
            cur = opening if opening > s else s
            available = closing - cur
            if left <= available:
                return cur + left
            left -= available

    def open_between(self, a: datetime, b: datetime) -> timedelta:
        """Open desk time within ``[a, b)``; zero when ``b <= a``."""
        lo, hi = _utc(a, "a"), _utc(b, "b")
        if hi <= lo:
            return _ZERO
        if self.around_the_clock:
            return hi - lo
        total = _ZERO
        day = self._first_day(lo)
        while True:
            opening, closing = self._interval(day)
            if opening >= hi:
                return total
            seg_start = opening if opening > lo else lo
            seg_end = closing if closing < hi else hi
            if seg_end > seg_start:
                total += seg_end - seg_start
            day += _ONE_DAY


def add_wall(start: datetime, duration: timedelta) -> datetime:
    """Plain absolute-time addition (not local wall-clock arithmetic), returned in UTC."""
    return _utc(start, "start") + duration


def resume(due_at: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
    """Hold semantics: a paused clock's deadline moves later by the paused span (never earlier).

    The span is absolute time ``resumed_at - paused_at``; a negative span counts as zero.
    """
    span = _utc(resumed_at, "resumed_at") - _utc(paused_at, "paused_at")
    return _utc(due_at, "due_at") + max(span, _ZERO)


def lateness(due_at: datetime, fired_at: datetime) -> timedelta:
    """How late a deadline fired: ``max(0, fired_at - due_at)``."""
    return max(_utc(fired_at, "fired_at") - _utc(due_at, "due_at"), _ZERO)
