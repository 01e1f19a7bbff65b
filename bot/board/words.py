"""The board's names for stored codes: who acted, what a deadline was about, where it stands.
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
STATE_NAMES = {
    "pending": N_("pending"),
    "fired": N_("fired"),
    "cancelled": N_("met or no longer needed"),
    "failed": N_("failed"),
}


def kind_name(kind: str) -> str:
    return _(KIND_NAMES[kind]) if kind in KIND_NAMES else kind
