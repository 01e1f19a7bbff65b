"""Layer 1: the pure rules. No database, no Telegram."""

from __future__ import annotations

import ast
import itertools
import re
from datetime import date
from pathlib import Path

import pytest

from bot.domain.errors import DomainError, InvalidInput, NotAllowed
from bot.domain.rules import (
    Actor,
    OrderParties,
    authorize,
    check_may_serve,
    clip,
    code_matches,
    hash_code,
    may_serve,
    new_code,
    own_job,
    parse_date,
    role_for,
    same_person_contact,
)
from bot.domain.states import Action, Role, Status, actions_for, can, transition

# --- the lifecycle of SPEC §1, written out by hand ------------------------------------------
# (status, action, role) -> next status. Every triple NOT listed here must be refused.
# This is deliberately NOT derived from bot.domain.states.TRANSITIONS.
EXPECTED: dict[tuple[str, str, str], str] = {
    # the desk triages a new order
    ("submitted", "reject", "manager"): "rejected",
    ("submitted", "offer", "manager"): "offered",
    ("submitted", "offer", "system"): "offered",
    # the offered master answers; the desk or the clock takes the offer back
    ("offered", "accept", "master"): "assigned",
    ("offered", "decline", "master"): "submitted",
    ("offered", "withdraw", "manager"): "submitted",
    ("offered", "expire", "system"): "submitted",
    # the job
    ("assigned", "contact", "master"): "contacted",
    ("contacted", "schedule", "master"): "scheduled",
    ("scheduled", "schedule", "master"): "scheduled",
    ("scheduled", "check_in", "master"): "on_site",
    ("assigned", "report", "master"): "awaiting_confirmation",
    ("contacted", "report", "master"): "awaiting_confirmation",
    ("scheduled", "report", "master"): "awaiting_confirmation",
    ("on_site", "report", "master"): "awaiting_confirmation",
    # completion
    ("awaiting_confirmation", "confirm_code", "master"): "completed",
    ("awaiting_confirmation", "accept_work", "client"): "completed",
    ("completed", "dispute", "client"): "disputed",
    ("disputed", "resolve", "manager"): "completed",
    # the desk releases a master: back to matching
    ("assigned", "release", "manager"): "submitted",
    ("contacted", "release", "manager"): "submitted",
    ("scheduled", "release", "manager"): "submitted",
    ("on_site", "release", "manager"): "submitted",
    # cancel: the client until the master is on site, the desk from every open state
    ("submitted", "cancel", "client"): "cancelled",
    ("offered", "cancel", "client"): "cancelled",
    ("assigned", "cancel", "client"): "cancelled",
    ("contacted", "cancel", "client"): "cancelled",
    ("scheduled", "cancel", "client"): "cancelled",
    ("submitted", "cancel", "manager"): "cancelled",
    ("offered", "cancel", "manager"): "cancelled",
    ("assigned", "cancel", "manager"): "cancelled",
    ("contacted", "cancel", "manager"): "cancelled",
    ("scheduled", "cancel", "manager"): "cancelled",
    ("on_site", "cancel", "manager"): "cancelled",
    ("awaiting_confirmation", "cancel", "manager"): "cancelled",
    ("disputed", "cancel", "manager"): "cancelled",
}

ALL_STATUSES = ["submitted", "rejected", "offered", "assigned", "contacted", "scheduled",
                "on_site", "awaiting_confirmation", "completed", "disputed", "cancelled"]
ALL_ACTIONS = ["reject", "offer", "accept", "decline", "withdraw", "expire", "contact",
               "schedule", "check_in", "report", "confirm_code", "accept_work", "release",
               "dispute", "resolve", "cancel"]
ALL_ROLES = ["client", "master", "manager", "system"]

TRIPLES = list(itertools.product(Status, Action, Role))


def test_enums_are_the_spec_vocabulary():
    """The hand-written lists above cover exactly the enums, so the product below is total."""
    assert sorted(s.value for s in Status) == sorted(ALL_STATUSES)
    assert sorted(a.value for a in Action) == sorted(ALL_ACTIONS)
    assert sorted(r.value for r in Role) == sorted(ALL_ROLES)
    for key, target in EXPECTED.items():
        assert key[0] in ALL_STATUSES and key[1] in ALL_ACTIONS and key[2] in ALL_ROLES, key
        assert target in ALL_STATUSES


def test_product_size():
    assert len(TRIPLES) == 11 * 16 * 4


@pytest.mark.parametrize(
    ("status", "action", "role"), TRIPLES, ids=[f"{s}-{a}-{r}" for s, a, r in TRIPLES]
)
def test_transition_every_triple(status: Status, action: Action, role: Role):
    expected = EXPECTED.get((status.value, action.value, role.value))
    if expected is None:
        with pytest.raises(NotAllowed):
            transition(status, action, role)
        assert can(status, action, role) is False
        assert action not in actions_for(status, role)
    else:
        assert transition(status, action, role) == Status(expected)
        assert can(status, action, role) is True
        assert action in actions_for(status, role)


@pytest.mark.parametrize("status", [Status.REJECTED, Status.CANCELLED])
def test_terminal_states_allow_nothing(status: Status):
    for role in Role:
        assert actions_for(status, role) == []


def test_refusal_keys():
    """No rule for the state: wrong_state; a rule but not for this role: not_allowed."""
    with pytest.raises(NotAllowed) as e:
        transition(Status.COMPLETED, Action.ACCEPT, Role.MASTER)
    assert e.value.key == "error.wrong_state"
    with pytest.raises(NotAllowed) as e:
        transition(Status.SUBMITTED, Action.REJECT, Role.CLIENT)
    assert e.value.key == "error.not_allowed"


# --- role_for / authorize -----------------------------------------------------------------

CLIENT_UID = 100
MASTER_A = Actor(200, master_id=20)  # the master of the order (offered or assigned)
MASTER_B = Actor(300, master_id=30)  # some other master
STRANGER = Actor(400)
CLIENT = Actor(CLIENT_UID)
DESK = Actor(999, is_desk=True)


def offered(status: Status = Status.OFFERED) -> OrderParties:
    return OrderParties(status, CLIENT_UID, None, MASTER_A.master_id)


def assigned(status: Status = Status.ASSIGNED) -> OrderParties:
    return OrderParties(status, CLIENT_UID, MASTER_A.master_id, None)


def submitted() -> OrderParties:
    return OrderParties(Status.SUBMITTED, CLIENT_UID, None, None)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("parties", [submitted(), offered(), assigned(),
                                     assigned(Status.AWAITING_CONFIRMATION)])
def test_stranger_is_refused_everything(action: Action, parties: OrderParties):
    with pytest.raises(NotAllowed):
        role_for(STRANGER, parties, action)
    with pytest.raises(NotAllowed):
        authorize(STRANGER, parties, action)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("parties", [submitted(), offered(), assigned(), assigned(Status.ON_SITE),
                                     assigned(Status.AWAITING_CONFIRMATION)])
def test_other_master_is_refused_everything(action: Action, parties: OrderParties):
    with pytest.raises(NotAllowed):
        role_for(MASTER_B, parties, action)


def test_offered_master_may_accept_and_decline_only():
    assert authorize(MASTER_A, offered(), Action.ACCEPT) == (Role.MASTER, Status.ASSIGNED)
    assert authorize(MASTER_A, offered(), Action.DECLINE) == (Role.MASTER, Status.SUBMITTED)
    for action in (Action.REPORT, Action.CONTACT, Action.CHECK_IN, Action.CONFIRM_CODE,
                   Action.CANCEL, Action.WITHDRAW, Action.REJECT):
        with pytest.raises(NotAllowed):
            authorize(MASTER_A, offered(), action)
    # holding an offer does not make him the master of the job: no report while offered
    with pytest.raises(NotAllowed):
        role_for(MASTER_A, offered(), Action.REPORT)


def test_assigned_master_works_but_cannot_accept_again_or_cancel():
    assert authorize(MASTER_A, assigned(), Action.CONTACT) == (Role.MASTER, Status.CONTACTED)
    assert authorize(MASTER_A, assigned(Status.ON_SITE), Action.REPORT) == (
        Role.MASTER, Status.AWAITING_CONFIRMATION)
    assert authorize(MASTER_A, assigned(Status.AWAITING_CONFIRMATION), Action.CONFIRM_CODE) == (
        Role.MASTER, Status.COMPLETED)
    for action in (Action.ACCEPT, Action.CANCEL, Action.ACCEPT_WORK, Action.RELEASE):
        with pytest.raises(NotAllowed):
            authorize(MASTER_A, assigned(), action)
    # [V] a master cannot cancel an accepted job
    with pytest.raises(NotAllowed):
        authorize(MASTER_A, assigned(Status.SCHEDULED), Action.CANCEL)


def test_client_may_cancel_but_not_act_for_others():
    assert authorize(CLIENT, submitted(), Action.CANCEL) == (Role.CLIENT, Status.CANCELLED)
    assert authorize(CLIENT, offered(), Action.CANCEL) == (Role.CLIENT, Status.CANCELLED)
    assert authorize(CLIENT, assigned(Status.AWAITING_CONFIRMATION), Action.ACCEPT_WORK) == (
        Role.CLIENT, Status.COMPLETED)
    for action in (Action.ACCEPT, Action.DECLINE, Action.REJECT, Action.OFFER, Action.REPORT,
                   Action.CONFIRM_CODE, Action.RELEASE, Action.RESOLVE, Action.WITHDRAW):
        with pytest.raises(NotAllowed):
            authorize(CLIENT, offered(), action)
    with pytest.raises(NotAllowed):
        role_for(CLIENT, offered(), Action.ACCEPT)
    # on site it is the desk's call [R §3]
    with pytest.raises(NotAllowed):
        authorize(CLIENT, assigned(Status.ON_SITE), Action.CANCEL)


def test_desk_member_is_manager():
    assert role_for(DESK, submitted(), Action.REJECT) == Role.MANAGER
    assert role_for(DESK, submitted(), Action.OFFER) == Role.MANAGER
    assert authorize(DESK, submitted(), Action.REJECT) == (Role.MANAGER, Status.REJECTED)
    assert authorize(DESK, offered(), Action.WITHDRAW) == (Role.MANAGER, Status.SUBMITTED)
    assert authorize(DESK, assigned(Status.ON_SITE), Action.CANCEL) == (
        Role.MANAGER, Status.CANCELLED)
    # a manager is not the master: he cannot accept the offer on the master's behalf
    with pytest.raises(NotAllowed):
        authorize(DESK, offered(), Action.ACCEPT)
    with pytest.raises(NotAllowed):
        authorize(DESK, assigned(Status.AWAITING_CONFIRMATION), Action.CONFIRM_CODE)


# The order's client is also a registered master (master #20, like MASTER_A).
CLIENT_MASTER = Actor(CLIENT_UID, master_id=MASTER_A.master_id)

MASTER_WORK = [(offered(), Action.ACCEPT), (offered(), Action.DECLINE),
               (assigned(), Action.CONTACT), (assigned(Status.SCHEDULED), Action.CHECK_IN),
               (assigned(Status.ON_SITE), Action.REPORT),
               (assigned(Status.AWAITING_CONFIRMATION), Action.CONFIRM_CODE)]


@pytest.mark.parametrize(("parties", "action"), MASTER_WORK)
def test_the_client_never_acts_as_the_master_of_his_own_order(parties: OrderParties,
                                                             action: Action):
    with pytest.raises(NotAllowed) as e:
        authorize(CLIENT_MASTER, parties, action)
    assert e.value.key == "error.own_order"
    with pytest.raises(NotAllowed) as e:
        own_job(CLIENT_MASTER, assigned())
    assert e.value.key == "error.own_order"


def test_the_client_master_cannot_accept_his_own_work_but_may_cancel():
    with pytest.raises(NotAllowed) as e:
        authorize(CLIENT_MASTER, assigned(Status.AWAITING_CONFIRMATION), Action.ACCEPT_WORK)
    assert e.value.key == "error.own_order"
    assert authorize(CLIENT_MASTER, assigned(), Action.CANCEL) == (Role.CLIENT,
                                                                   Status.CANCELLED)
    # a client who is a master, but not this order's master, accepts the work as usual
    other = Actor(CLIENT_UID, master_id=MASTER_B.master_id)
    assert authorize(other, assigned(Status.AWAITING_CONFIRMATION), Action.ACCEPT_WORK) == (
        Role.CLIENT, Status.COMPLETED)


def test_a_master_may_serve_any_order_but_his_own():
    assert may_serve(submitted(), MASTER_A.user_id)
    assert not may_serve(submitted(), CLIENT_UID)
    with pytest.raises(NotAllowed) as e:
        check_may_serve(submitted(), CLIENT_UID)
    assert e.value.key == "error.master_is_client"


def test_the_client_master_agrees_no_visit_with_himself():
    from bot.domain.visits import proposing_side

    with pytest.raises(NotAllowed) as e:
        proposing_side(CLIENT_MASTER, assigned(Status.SCHEDULED))
    assert e.value.key == "error.own_order"


# --- codes ---------------------------------------------------------------------------------

def test_code_matches():
    code = new_code()
    key = b"k" * 32
    stored = hash_code(key, 42, code)
    assert code_matches(key, 42, code, stored) is True
    assert code_matches(key, 42, f" {code[:3]} {code[3:]} ", stored) is True  # spaces typed
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert code_matches(key, 42, wrong, stored) is False
    assert code_matches(key, 43, code, stored) is False  # the hash is bound to the order
    assert code_matches(b"j" * 32, 42, code, stored) is False  # and to the server secret
    assert code_matches(key, 42, code, None) is False
    assert code_matches(key, 42, code, "") is False
    assert code_matches(key, 42, "", stored) is False


def test_new_code_is_six_digits():
    codes = {new_code() for _ in range(200)}
    for code in codes:
        assert re.fullmatch(r"\d{6}", code), code
    assert len(codes) > 150  # random, not a constant


TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(("text", "value"), [
    ("05.03", date(2026, 3, 5)),
    ("05.03.2026", date(2026, 3, 5)),
    ("3/3", date(2026, 3, 3)),
    ("3-3-2026", date(2026, 3, 3)),
    ("01.05.2026", date(2026, 5, 1)),  # exactly 60 days ahead
])
def test_parse_date_accepts(text: str, value: date):
    assert parse_date(text, TODAY) == value


def test_parse_date_rolls_over_the_year():
    assert parse_date("05.01", date(2026, 12, 20)) == date(2027, 1, 5)


@pytest.mark.parametrize("text", ["", "tomorrow", "32.01", "31.02", "1.2.3.4", "aa.bb"])
def test_parse_date_refuses_format(text: str):
    with pytest.raises(InvalidInput) as e:
        parse_date(text, TODAY)
    assert e.value.key == "error.date_format"


@pytest.mark.parametrize("text", ["02.03.2026", "01.03.2026", "02.05.2026", "02.03"])
def test_parse_date_refuses_range(text: str):
    """Today, the past and more than 60 days ahead are refused ("02.03" rolls to next year)."""
    with pytest.raises(InvalidInput) as e:
        parse_date(text, TODAY)
    assert e.value.key == "error.date_range"


def test_same_person_contact():
    assert same_person_contact(5, 5) is True
    assert same_person_contact(6, 5) is False
    assert same_person_contact(None, 5) is False


@pytest.mark.parametrize(("text", "limit"), [
    ("short", 10), ("exactly10!", 10), ("a" * 50, 10), ("word " * 30, 17), ("ab", 1),
])
def test_clip(text: str, limit: int):
    out = clip(text, limit)
    assert len(out) <= limit
    if len(text) <= limit:
        assert out == text
    else:
        assert out.endswith("…")
        assert text.startswith(out[:-1])


def test_errors_carry_keys():
    assert issubclass(NotAllowed, DomainError)
    assert NotAllowed().key == "error.not_allowed"
    assert NotAllowed("error.code_locked").key == "error.code_locked"


# --- purity --------------------------------------------------------------------------------

DOMAIN = Path(__file__).resolve().parents[2] / "bot" / "domain"
FORBIDDEN = ("aiogram", "sqlalchemy", "db", "handlers", "bot.services", "redis", "asyncpg",
             "aiosqlite", "apscheduler")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def test_domain_is_pure():
    files = sorted(DOMAIN.glob("*.py"))
    assert files, DOMAIN
    for path in files:
        for module in _imported_modules(path):
            for bad in FORBIDDEN:
                assert module != bad and not module.startswith(bad + "."), (
                    f"{path.name} imports {module}")


def test_forbidden_scan_can_fail(tmp_path: Path):
    """The scanner itself sees both import forms."""
    sample = tmp_path / "x.py"
    sample.write_text("import aiogram.types\nfrom sqlalchemy import select\n"
                      "def f():\n    import db.models\n")
    assert _imported_modules(sample) == {"aiogram.types", "sqlalchemy", "db.models"}



# --- the visit: distance of a check-in, who answers a proposal --------------------------

def test_distance_m_on_known_arcs():
    from math import pi

    from bot.domain.geo import EARTH_RADIUS_M, distance_m

    degree = 2 * pi * EARTH_RADIUS_M / 360  # 111 195 m
    assert distance_m(52.2297, 21.0122, 52.2297, 21.0122) == 0.0
    assert distance_m(0.0, 0.0, 1.0, 0.0) == pytest.approx(degree, rel=1e-9)  # a meridian
    assert distance_m(0.0, 0.0, 0.0, 1.0) == pytest.approx(degree, rel=1e-9)  # the equator
    # at 60° north a degree of longitude is half as long (not the flat-map 111 km)
    assert distance_m(60.0, 10.0, 60.0, 11.0) == pytest.approx(degree / 2, rel=1e-3)
    assert distance_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(pi * EARTH_RADIUS_M)
    # a check-in 100 m north of the client's point, in Warsaw
    assert distance_m(52.2297, 21.0122, 52.2297 + 100 / degree, 21.0122) == pytest.approx(100)
    # across the antimeridian the short way round, and symmetric
    assert distance_m(0.0, 179.5, 0.0, -179.5) == pytest.approx(degree, rel=1e-9)
    assert distance_m(50.06, 19.94, 52.23, 21.01) == distance_m(52.23, 21.01, 50.06, 19.94)
    assert distance_m(50.0614, 19.9366, 52.2297, 21.0122) == pytest.approx(252_000, rel=0.01)


@pytest.mark.parametrize(("lat", "lon"), [(90.5, 0.0), (-91.0, 0.0), (0.0, 180.1),
                                          (0.0, -200.0), (float("nan"), 0.0)])
def test_distance_m_refuses_points_off_the_map(lat: float, lon: float):
    from bot.domain.geo import distance_m

    with pytest.raises(InvalidInput):
        distance_m(lat, lon, 0.0, 0.0)


def test_only_the_other_side_answers_a_visit_proposal():
    from datetime import UTC, datetime, timedelta

    from bot.domain.visits import answering_side, proposal_stamp, proposing_side

    order = OrderParties(Status.SCHEDULED, client_id=10, master_id=3, offered_master_id=None)
    master, client = Actor(20, master_id=3), Actor(10)
    assert (proposing_side(master, order), proposing_side(client, order)) == ("master",
                                                                              "client")
    assert answering_side(client, order, "master") == "client"
    assert answering_side(master, order, "client") == "master"
    for own, by in ((master, "master"), (client, "client")):
        with pytest.raises(NotAllowed) as e:
            answering_side(own, order, by)
        assert e.value.key == "error.own_proposal"
    for stranger in (Actor(20, master_id=4), Actor(99), Actor(99, is_desk=True)):
        with pytest.raises(NotAllowed) as e:
            answering_side(stranger, order, "master")
        assert e.value.key == "error.not_allowed"
        with pytest.raises(NotAllowed):
            proposing_side(stranger, order)
    at = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    assert proposal_stamp(at) == proposal_stamp(at + timedelta(seconds=59))
    assert proposal_stamp(at) != proposal_stamp(at + timedelta(minutes=1))
