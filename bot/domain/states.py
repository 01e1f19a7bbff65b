"""The order lifecycle of SPEC §1: states, actions, roles, and the transition table.

The table is the single source of truth for "who may do what, when": services ask it before a
compare-and-set on the status, and the order card asks it which buttons to draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import NotAllowed


class Status(StrEnum):
    SUBMITTED = "submitted"
    REJECTED = "rejected"
    OFFERED = "offered"
    ASSIGNED = "assigned"
    CONTACTED = "contacted"
    SCHEDULED = "scheduled"
    ON_SITE = "on_site"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    COMPLETED = "completed"
    DISPUTED = "disputed"
    CANCELLED = "cancelled"


class Role(StrEnum):
    CLIENT = "client"  # the client who placed this order
    MASTER = "master"  # the master this order is offered or assigned to
    MANAGER = "manager"  # a desk member
    SYSTEM = "system"  # the clock


class Action(StrEnum):
    REJECT = "reject"
    OFFER = "offer"
    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"  # the desk takes an offer back
    EXPIRE = "expire"  # an offer ran out of time
    CONTACT = "contact"
    SCHEDULE = "schedule"
    CHECK_IN = "check_in"
    REPORT = "report"  # the master files the completion report
    CONFIRM_CODE = "confirm_code"
    ACCEPT_WORK = "accept_work"
    RELEASE = "release"  # the desk lets the master go; back to matching
    DISPUTE = "dispute"
    RESOLVE = "resolve"
    CANCEL = "cancel"


TERMINAL = frozenset({Status.REJECTED, Status.CANCELLED})
# Before the master is on site the client may cancel; later it is the desk's call [R §3].
_IN_WORK = (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE)
_CLIENT_CANCELLABLE = (Status.SUBMITTED, Status.OFFERED, Status.ASSIGNED, Status.CONTACTED,
                       Status.SCHEDULED)
_OPEN = (Status.SUBMITTED, Status.OFFERED, *_IN_WORK, Status.AWAITING_CONFIRMATION,
         Status.DISPUTED)


@dataclass(frozen=True)
class Rule:
    target: Status
    roles: frozenset[Role]


def _rule(target: Status, *roles: Role) -> Rule:
    return Rule(target, frozenset(roles))


# Who may move an order on by an action, and where it goes: a row is the status, the action,
# the next status and the roles that may do it. Below the table: the moves from every status
# of the job (report, release) and cancelling.
_TABLE = """
submitted               reject          rejected                manager
submitted               offer           offered                 manager system
offered                 accept          assigned                master
offered                 decline         submitted               master
offered                 withdraw        submitted               manager
offered                 expire          submitted               system
assigned                contact         contacted               master
contacted               schedule        scheduled               master
scheduled               schedule        scheduled               master
scheduled               check_in        on_site                 master
awaiting_confirmation   confirm_code    completed               master
awaiting_confirmation   accept_work     completed               client
completed               dispute         disputed                client
disputed                resolve         completed               manager
"""


def _parsed(table: str) -> dict[tuple[Status, Action], Rule]:
    """The table's rows in their order; a misspelt name fails here, at import."""
    rows = (line.split() for line in table.strip().splitlines())
    return {(Status(s), Action(a)): _rule(Status(to), *map(Role, who)) for s, a, to, *who in rows}


M, C, D = Role.MASTER, Role.CLIENT, Role.MANAGER
TRANSITIONS: dict[tuple[Status, Action], Rule] = _parsed(_TABLE)
for _s in _IN_WORK:
    TRANSITIONS[(_s, Action.REPORT)] = _rule(Status.AWAITING_CONFIRMATION, M)
    TRANSITIONS[(_s, Action.RELEASE)] = _rule(Status.SUBMITTED, D)
for _s in _OPEN:
    roles = (C, D) if _s in _CLIENT_CANCELLABLE else (D,)
    TRANSITIONS[(_s, Action.CANCEL)] = _rule(Status.CANCELLED, *roles)


def can(status: Status, action: Action, role: Role) -> bool:
    rule = TRANSITIONS.get((status, action))
    return rule is not None and role in rule.roles


def transition(status: Status, action: Action, role: Role) -> Status:
    """The next state, or NotAllowed carrying the message the user is shown."""
    rule = TRANSITIONS.get((status, action))
    if rule is None:
        raise NotAllowed("error.wrong_state")
    if role not in rule.roles:
        raise NotAllowed("error.not_allowed")
    return rule.target


def actions_for(status: Status, role: Role) -> list[Action]:
    return [a for (s, a), rule in TRANSITIONS.items() if s == status and role in rule.roles]
