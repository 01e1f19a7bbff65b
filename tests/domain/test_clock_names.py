"""Every deadline kind has its name, and what is late is named for exactly the clocks the
desk's SLA watches."""

from __future__ import annotations

from bot.domain.deadlines import SLA_WHEN_FIRED, Kind
from bot.i18n import make_i18n
from bot.notify.names import CLOCK_NAMES, clock_name, late_name


def test_every_kind_is_named_and_the_sla_kinds_say_what_is_late() -> None:
    assert set(CLOCK_NAMES) == set(Kind)
    assert {k for k, names in CLOCK_NAMES.items() if names.late} == set(SLA_WHEN_FIRED)


def test_a_stored_code_finds_its_names_and_an_unknown_one_shows_itself() -> None:
    with make_i18n("ru").context():
        assert clock_name("offer") == "истекает предложение"
        assert late_name("offer") == ""
        assert clock_name("gone") == "gone" and late_name("gone") == ""
    with make_i18n("en").context():
        assert late_name("triage") == "the order is waiting for a master"
