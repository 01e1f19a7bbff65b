"""The promises of SPEC §4 as data: which step starts which deadline, which steps keep it
alive, and when it falls due. Services create and cancel the rows; the clock fires them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.clock import DeskHours, add_wall
from bot.domain.pricing import add_months
from bot.domain.states import Status


class Kind(StrEnum):
    TRIAGE = "triage"  # the desk takes up a new order [SPEC §4]
    OFFER = "offer"  # an offer expires
    CALLBACK_REMINDER = "callback_reminder"  # [C 2(1)] reminder at 1 h 30
    CALLBACK = "callback"  # [C 2(1)] the master calls the client within 2 h
    VISIT_REMINDER = "visit_reminder"  # 1 h before the visit
    ARRIVAL = "arrival"  # [C 3(2)] slot + 1 h without check-in
    COMPLETION = "completion"  # [C 4(1)] 48 h from assignment
    CONFIRMATION = "confirmation"  # the client has not confirmed within 24 h
    REVIEW = "review"  # ask the client for a review 2 h after completion, once (SPEC §2.3)
    WARRANTY_END = "warranty_end"  # the warranty window closes [R §2, C 三.2]
    REWORK = "rework"  # the rework the desk ordered on a claim is due (SPEC §2.7)


class Sla(StrEnum):
    OK = "ok"
    RISK = "risk"
    BREACH = "breach"


IN_WORK = frozenset({Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE})
# While the order is in one of these states the deadline stays pending; leaving them meets
# (or voids) it, and it is cancelled.
ACTIVE_IN: dict[Kind, frozenset[Status]] = {
    Kind.TRIAGE: frozenset({Status.SUBMITTED}),
    Kind.OFFER: frozenset({Status.OFFERED}),
    Kind.CALLBACK_REMINDER: frozenset({Status.ASSIGNED}),
    Kind.CALLBACK: frozenset({Status.ASSIGNED}),
    Kind.VISIT_REMINDER: frozenset({Status.SCHEDULED}),
    Kind.ARRIVAL: frozenset({Status.SCHEDULED}),
    Kind.COMPLETION: IN_WORK,
    Kind.CONFIRMATION: frozenset({Status.AWAITING_CONFIRMATION}),
    Kind.REVIEW: frozenset({Status.COMPLETED}),
    Kind.WARRANTY_END: frozenset({Status.COMPLETED, Status.DISPUTED}),
    Kind.REWORK: frozenset({Status.COMPLETED}),
}
# Kinds planned once per order: an order back in `completed` after a claim is not asked for a
# review again.
ONCE = frozenset({Kind.REVIEW})
# Entering a state starts these (re-entering restarts them: an order back at the desk after a
# declined offer gets a fresh triage clock).
STARTS: dict[Status, tuple[Kind, ...]] = {
    Status.SUBMITTED: (Kind.TRIAGE,),
    Status.OFFERED: (Kind.OFFER,),
    Status.ASSIGNED: (Kind.CALLBACK_REMINDER, Kind.CALLBACK, Kind.COMPLETION),
    Status.SCHEDULED: (Kind.VISIT_REMINDER, Kind.ARRIVAL),
    Status.AWAITING_CONFIRMATION: (Kind.CONFIRMATION,),
    Status.COMPLETED: (Kind.REVIEW, Kind.WARRANTY_END),
}
SLA_WHEN_FIRED: dict[Kind, Sla] = {
    Kind.REWORK: Sla.BREACH,
    Kind.TRIAGE: Sla.BREACH,
    Kind.CALLBACK_REMINDER: Sla.RISK,
    Kind.CALLBACK: Sla.BREACH,
    Kind.ARRIVAL: Sla.BREACH,
    Kind.COMPLETION: Sla.BREACH,
}


@dataclass(frozen=True)
class Timing:
    """Durations (settings) and the desk's hours."""

    desk: DeskHours
    triage: timedelta = timedelta(minutes=30)
    offer: timedelta = timedelta(minutes=15)
    callback_reminder: timedelta = timedelta(minutes=90)
    callback: timedelta = timedelta(hours=2)
    callback_desk_hours: bool = False  # the 2-hour callback is wall-clock by default
    visit_reminder: timedelta = timedelta(hours=1)
    arrival_grace: timedelta = timedelta(hours=1)
    completion: timedelta = timedelta(hours=48)
    confirmation: timedelta = timedelta(hours=24)
    review: timedelta = timedelta(hours=2)


def kinds_to_cancel(status: Status) -> list[Kind]:
    return [k for k, states in ACTIVE_IN.items() if status not in states]


def warranty_ends_at(reported_at: datetime | None, months: int | None,
                     tz: ZoneInfo) -> datetime | None:
    """The end of the warranty the completion act promised: through the local day `months`
    after the report, so at the next local midnight."""
    if reported_at is None or not months:
        return None
    until = add_months(reported_at.astimezone(tz).date(), months) + timedelta(days=1)
    return datetime(until.year, until.month, until.day, tzinfo=tz).astimezone(UTC)


def due_at(kind: Kind, entered: datetime, t: Timing, visit_at: datetime | None = None,
           warranty_end: datetime | None = None) -> datetime | None:
    """When a deadline started at `entered` falls due; None when it does not apply (a visit
    deadline without a recorded visit time, a warranty without months, or one already over:
    an order coming back to `completed` does not close its warranty twice)."""
    if kind is Kind.WARRANTY_END:
        return warranty_end if warranty_end is not None and warranty_end > entered else None
    if kind is Kind.TRIAGE:
        return t.desk.add(entered, t.triage)
    if kind is Kind.OFFER:
        return add_wall(entered, t.offer)
    if kind in (Kind.CALLBACK_REMINDER, Kind.CALLBACK):
        span = t.callback_reminder if kind is Kind.CALLBACK_REMINDER else t.callback
        return t.desk.add(entered, span) if t.callback_desk_hours else add_wall(entered, span)
    if kind is Kind.COMPLETION:
        return add_wall(entered, t.completion)
    if kind is Kind.CONFIRMATION:
        return add_wall(entered, t.confirmation)
    if kind is Kind.REVIEW:
        return add_wall(entered, t.review)
    if visit_at is None:
        return None
    if kind is Kind.VISIT_REMINDER:
        return max(add_wall(visit_at, -t.visit_reminder), entered)
    return add_wall(visit_at, t.arrival_grace)  # ARRIVAL
