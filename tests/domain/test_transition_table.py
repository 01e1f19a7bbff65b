"""The transition table is written as text and parsed at import: it parses to the dict it
replaced, row for row and in the same order (actions_for lists the actions in that order)."""

from __future__ import annotations

from bot.domain.states import TRANSITIONS, Action, Role, Rule, Status

M, C, D, S = Role.MASTER, Role.CLIENT, Role.MANAGER, Role.SYSTEM


def _rule(target: Status, *roles: Role) -> Rule:
    return Rule(target, frozenset(roles))


# The literal dict the text table replaced, as it stood.
LITERAL: dict[tuple[Status, Action], Rule] = {
    (Status.SUBMITTED, Action.REJECT): _rule(Status.REJECTED, D),
    (Status.SUBMITTED, Action.OFFER): _rule(Status.OFFERED, D, S),
    (Status.OFFERED, Action.ACCEPT): _rule(Status.ASSIGNED, M),
    (Status.OFFERED, Action.DECLINE): _rule(Status.SUBMITTED, M),
    (Status.OFFERED, Action.WITHDRAW): _rule(Status.SUBMITTED, D),
    (Status.OFFERED, Action.EXPIRE): _rule(Status.SUBMITTED, S),
    (Status.ASSIGNED, Action.CONTACT): _rule(Status.CONTACTED, M),
    (Status.CONTACTED, Action.SCHEDULE): _rule(Status.SCHEDULED, M),
    (Status.SCHEDULED, Action.SCHEDULE): _rule(Status.SCHEDULED, M),
    (Status.SCHEDULED, Action.CHECK_IN): _rule(Status.ON_SITE, M),
    (Status.AWAITING_CONFIRMATION, Action.CONFIRM_CODE): _rule(Status.COMPLETED, M),
    (Status.AWAITING_CONFIRMATION, Action.ACCEPT_WORK): _rule(Status.COMPLETED, C),
    (Status.COMPLETED, Action.DISPUTE): _rule(Status.DISPUTED, C),
    (Status.DISPUTED, Action.RESOLVE): _rule(Status.COMPLETED, D),
}
IN_WORK = (Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE)
OPEN = (Status.SUBMITTED, Status.OFFERED, *IN_WORK, Status.AWAITING_CONFIRMATION,
        Status.DISPUTED)
CLIENT_CANCELLABLE = (Status.SUBMITTED, Status.OFFERED, Status.ASSIGNED, Status.CONTACTED,
                      Status.SCHEDULED)


def test_the_text_table_parses_to_the_literal_dict_in_its_order() -> None:
    expected = dict(LITERAL)
    for s in IN_WORK:
        expected[(s, Action.REPORT)] = _rule(Status.AWAITING_CONFIRMATION, M)
        expected[(s, Action.RELEASE)] = _rule(Status.SUBMITTED, D)
    for s in OPEN:
        expected[(s, Action.CANCEL)] = _rule(Status.CANCELLED, *((C, D) if s in
                                                                 CLIENT_CANCELLABLE else (D,)))
    assert list(TRANSITIONS.items()) == list(expected.items())
