"""The board's names for stored codes: who acted and what he did, where a deadline stands
(what it was about: bot.notify.names.CLOCK_NAMES).
Marked with N_ and translated where shown."""

from __future__ import annotations

from bot.domain.states import Role
from bot.i18n import N_, _

ROLE_NAMES: dict[str, str] = {
    Role.CLIENT: N_("client"),
    Role.MASTER: N_("master"),
    Role.MANAGER: N_("manager"),
    Role.SYSTEM: N_("the clock"),
}
# What a person did, as the timeline says it; an action not named here shows its code.
ACTION_NAMES = {
    "submit": N_("placed the order"),
    "reject": N_("rejected the order"),
    "offer": N_("offered it to a master"),
    "accept": N_("accepted the job"),
    "decline": N_("declined the job"),
    "withdraw": N_("took the offer back"),
    "expire": N_("the offer ran out"),
    "contact": N_("called the client"),
    "schedule": N_("scheduled the visit"),
    "check_in": N_("checked in on site"),
    "report": N_("reported the work done"),
    "confirm_code": N_("confirmed with the code"),
    "accept_work": N_("accepted the work"),
    "release": N_("released the master"),
    "dispute": N_("opened a claim"),
    "resolve": N_("decided the claim"),
    "cancel": N_("cancelled the order"),
    "quote": N_("proposed a quote"),
    "extra": N_("proposed extra work"),
    "review": N_("left a review"),
    "stop": N_("stopped the work"),
    "resume": N_("resumed the work"),
    "visit_propose": N_("proposed a new visit time"),
    "visit_accept": N_("agreed to the new visit time"),
    "extension": N_("asked for more time"),
    "wrong_code": N_("typed a wrong code"),
}
STATE_NAMES = {
    "pending": N_("pending"),
    "fired": N_("fired"),
    "cancelled": N_("met or no longer needed"),
    "failed": N_("failed"),
}


def action_name(action: str) -> str:
    return _(ACTION_NAMES[action]) if action in ACTION_NAMES else action
