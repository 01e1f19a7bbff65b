"""What a client may still change in a placed order (SPEC §1 [R §3]).

Until the master is on site: the description and photos, the address, and the time. Never the
service: a different service is a different order. A stopped job is frozen until the desk
decides, so it is not changed either.
"""

from __future__ import annotations

from bot.domain.errors import NotAllowed
from bot.domain.states import Status

EDITABLE = frozenset({Status.SUBMITTED, Status.OFFERED, Status.ASSIGNED, Status.CONTACTED,
                      Status.SCHEDULED})
FIELDS = ("description", "address", "time")


def may_edit(status: Status, stopped: bool) -> bool:
    return status in EDITABLE and not stopped


def check_editable(status: Status, stopped: bool) -> None:
    if status not in EDITABLE:
        raise NotAllowed("error.edit_closed")
    if stopped:
        raise NotAllowed("error.order_stopped")
