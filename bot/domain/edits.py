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


_AT_WORK = frozenset({Status.ON_SITE, Status.AWAITING_CONFIRMATION})


def check_editable(status: Status, stopped: bool) -> None:
    if status in _AT_WORK:
        raise NotAllowed("error.edit_closed")  # the master is there: the desk, not an edit
    if status not in EDITABLE:
        raise NotAllowed("error.relay_closed")  # finished, cancelled or rejected
    if stopped:
        raise NotAllowed("error.order_stopped")
