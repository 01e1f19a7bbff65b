"""Who is in the sandbox and what time it is there.

People hold one of three phones: a client's, a master's, the desk's (a forum supergroup whose
administrators are the managers; a stranger is a member who is not). The sandbox's clock is the
real one plus an offset that the page moves forward; the services read it through
`Context.clock`, the one injectable source of time (production keeps `utcnow`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.config import LOCALES
from bot.sandbox.telegram import FakeTelegram

TOKEN = "777000111:SandboxTokenForMasterdeskOnly_0123456789"
BOT_USERNAME = "masterdesk_sandbox_bot"
DESK_CHAT_ID = -1001000000001
ROLES = ("client", "master", "manager", "stranger")
PHONE_OF_ROLE = {"client": "client", "master": "master", "manager": "desk", "stranger": "desk"}
FIRST_ID = {"client": 1001, "master": 2001, "manager": 3001, "stranger": 4001}
NAMES = {"client": ("Anna", "Boris", "Chloe", "Dmitri"),
         "master": ("Ivan", "Piotr", "Jana", "Minh"),
         "manager": ("Olga", "Pavel", "Quinn"),
         "stranger": ("Eve", "Mallory")}
# A sample place for "send a location": the centre of Prague.
SAMPLE_LOCATION = (50.0875, 14.4213)


@dataclass
class Person:
    id: int
    name: str
    role: str
    language: str
    phone_number: str

    @property
    def phone(self) -> str:
        """Which phone on the page shows him: client, master or desk."""
        return PHONE_OF_ROLE[self.role]

    def api(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "role": self.role, "language": self.language,
                "phone": self.phone, "phone_number": self.phone_number}


class SandboxClock:
    """Real time plus an offset; `advance` moves the sandbox into the future."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, hours: float) -> datetime:
        self.offset += timedelta(hours=hours)
        return self.now()

    def set(self, moment: datetime) -> None:
        """Move to `moment` (never back)."""
        self.offset += max(moment - self.now(), timedelta())


class World:
    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.people: dict[int, Person] = {}
        self._ids = {role: itertools.count(first) for role, first in FIRST_ID.items()}
        fake.add_forum(DESK_CHAT_ID, "Masterdesk — desk", admins=[], members=[])

    def add(self, role: str, name: str | None = None, language: str = "en") -> Person:
        """A new person of this role (the next free name unless one is given)."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if language not in LOCALES:
            raise ValueError(f"unknown language {language!r}")
        user_id = next(self._ids[role])
        index = user_id - FIRST_ID[role]
        pool = NAMES[role]
        name = name or (pool[index] if index < len(pool) else f"{pool[0]} {index + 1}")
        person = Person(user_id, name, role, language, f"+4207{user_id:08d}")
        self.people[user_id] = person
        self.fake.add_user(user_id, name, language_code=language, started=True)
        group = self.fake.group(DESK_CHAT_ID)
        assert group is not None
        if role in ("manager", "stranger"):
            assert group.members is not None
            group.members.add(user_id)
        if role == "manager":
            group.admins.add(user_id)
        return person

    def set_language(self, user_id: int, language: str) -> Person:
        if language not in LOCALES:
            raise ValueError(f"unknown language {language!r}")
        person = self.people[user_id]
        person.language = language
        user = self.fake.user(user_id)
        assert user is not None
        user.language_code = language
        return person

    def default_cast(self) -> None:
        """A client, a master and a manager: one person per phone."""
        for role in ("client", "master", "manager"):
            self.add(role)

    def managers(self) -> list[int]:
        return [p.id for p in self.people.values() if p.role == "manager"]
