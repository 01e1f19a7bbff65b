"""Distances on the map: how far the master checked in from the client's shared point."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

from bot.domain.errors import InvalidInput

EARTH_RADIUS_M = 6_371_008.8  # the mean radius (IUGG); good to ~0.5 % anywhere on Earth


def check_point(lat: float, lon: float) -> None:
    """A latitude/longitude pair as Telegram sends it; anything else is refused."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise InvalidInput("error.invalid_input")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres between two points (the haversine formula, which
    stays accurate for the few metres a check-in is off, unlike the spherical law of
    cosines)."""
    check_point(lat1, lon1)
    check_point(lat2, lon2)
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlmb = phi2 - phi1, radians(lon2 - lon1)
    h = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(h)))
