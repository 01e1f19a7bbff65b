"""DESK_ROUTES (bot/domain/routes.py): read as written, tried in the order written, the first
match wins; the default desk is stored as None; a group whose route is gone has no topics."""

from __future__ import annotations

import pytest

from bot.domain.routes import Desks, Route, parse_routes, unknown_services

DEFAULT, A, B = -1000000000001, -1000000000002, -1000000000003


def test_routes_are_read_as_written_with_spaces_and_case_forgiven() -> None:
    assert parse_routes(f" District: Stare  Miasto ={A} , service:cleaning={B},") == (
        Route("district", "Stare Miasto", A), Route("service", "cleaning", B))
    assert parse_routes("") == ()


@pytest.mark.parametrize(("routes", "district", "service", "stored"), [
    ((Route("district", "Centre", A), Route("service", "cleaning", B)), "Centre", "cleaning", A),
    ((Route("service", "cleaning", B), Route("district", "Centre", A)), "Centre", "cleaning", B),
    ((Route("district", "Centre", A),), "centre", "plumbing", A),  # names compare casefolded
    ((Route("district", "Centre", A),), None, "plumbing", None),  # no district: the default
    ((Route("district", "Centre", A),), "North", "plumbing", None),
    # A route to the default desk stops the later ones and is stored as the default (None).
    ((Route("service", "cleaning", DEFAULT), Route("district", "Centre", A)), "Centre",
     "cleaning", None),
])
def test_the_first_route_that_matches_decides(routes: tuple[Route, ...], district: str | None,
                                              service: str, stored: int | None) -> None:
    assert Desks(DEFAULT, routes).route(district, service) == stored


def test_an_orders_group_and_the_groups_known() -> None:
    desks = Desks(DEFAULT, (Route("district", "Centre", A), Route("district", "North", A),
                            Route("service", "cleaning", B)))
    assert desks.chats == (DEFAULT, A, B) and desks.others() == (A, B)
    assert desks.chat_of(None) == DEFAULT and desks.chat_of(A) == A
    assert desks.chat_of(-1000000000009) is None  # its route was removed: no topic to link
    assert desks.stored(DEFAULT) is None and desks.stored(B) == B
    assert unknown_services(desks.routes, ["plumbing", "Cleaning"]) == []
    assert unknown_services(desks.routes, ["plumbing"]) == ["cleaning"]
