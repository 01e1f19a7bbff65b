"""The area shown before Accept (SPEC §6): a locality or a ~1 km point, never the street."""

from __future__ import annotations

import pytest

from bot.domain.area import area_of


@pytest.mark.parametrize(("address", "area"), [
    ("ul. Marszałkowska 12/5, 00-001 Warszawa", "Warszawa"),
    ("Lenina 5, flat 3, Moscow", "Moscow"),
    ("Nguyễn Trãi 12, Quận 1, TP Hồ Chí Minh", "TP Hồ Chí Minh"),
    ("Vodičkova 12, 110 00 Praha 1", "Praha 1"),  # the post town keeps its district number
    ("ул. Ленина, д. 5, кв. 3, Москва", "Москва"),
    ("Marszałkowska 1, Warszawa, 00-001", "Warszawa"),  # a trailing postcode is skipped
    ("221B Baker Street, London", "London"),
])
def test_area_is_the_locality_of_a_typed_address(address: str, area: str) -> None:
    assert area_of(address, None, None) == area


@pytest.mark.parametrize("address", [
    "Main street 5",  # one part: nothing to tell the town from the street
    "Lenina 5",
    "ул. Ленина 5, кв. 3",  # only the house and the flat
    "Lenina, 5",
    "Lenina 5, ul. Długa",  # a street word: not a locality
    "Nguyễn Trãi 12, Quận 1",
    "北京市朝阳区建国路88号",
    "  ",
])
def test_no_locality_shows_nothing_from_the_street(address: str) -> None:
    assert area_of(address, None, None) == ""


def test_a_shared_location_is_rounded_to_about_a_kilometre() -> None:
    assert area_of(None, 55.751244, 37.618423) == "55.75, 37.62"
    assert area_of(None, None, None) == ""


@pytest.mark.parametrize("address", [
    "ul. Marszałkowska 12/5, 00-001 Warszawa", "Lenina 5, flat 3, Moscow",
    "Nguyễn Trãi 12, Quận 1, TP Hồ Chí Minh", "Main street 5"])
def test_the_area_never_carries_the_house_or_the_street(address: str) -> None:
    street = address.split(",")[0]
    area = area_of(address, None, None)
    assert street not in area and not any(ch.isdigit() for ch in area)
