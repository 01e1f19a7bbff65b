"""Buttons per feature: each module holds its callback data (a versioned prefix, a StrEnum
action first, named ids) and the functions that draw its buttons, for handlers and composers
alike (bot/notify never imports handlers)."""
