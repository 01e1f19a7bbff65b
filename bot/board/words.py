"""The board's names for stored codes: who acted and what he did, what a deadline was about,
where it stands.
Marked with N_ and translated where shown."""

from __future__ import annotations

from bot.i18n import N_, _

ROLE_NAMES = {
    "client": N_("client"),
    "master": N_("master"),
    "manager": N_("manager"),
    "system": N_("the clock"),
}
KIND_NAMES = {
    "triage": N_("the desk takes up the order"),
    "offer": N_("the offer runs out"),
    "callback_reminder": N_("reminder to call the client"),
    "callback": N_("the master calls the client"),
    "visit_reminder": N_("reminder of the visit"),
    "arrival": N_("the master arrives"),
    "completion": N_("the work is done"),
    "confirmation": N_("the client confirms"),
    "review": N_("the client is asked for a review"),
    "warranty_end": N_("the warranty ends"),
    "rework": N_("the rework is done"),
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


def kind_name(kind: str) -> str:
    return _(KIND_NAMES[kind]) if kind in KIND_NAMES else kind
