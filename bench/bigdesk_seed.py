"""The database of bench/bigdesk.py: N orders of a desk that has been busy for a year, written
straight into a migrated SQLite file with bulk inserts (no bot, no services): clients, masters,
orders in every status, their audit trail (submit, offer, accept, report, accept_work, some
breached deadlines) and a review for half of the completed ones."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.domain.states import Status
from bot.services.base import Context
from bot.services.users import seed_catalogue
from db.engine import make_engine, make_sessionmaker
from db.migrate import migrate
from db.models import AuditEntry, Master, Order, Review, User

CLIENTS = 2000
MASTERS = 60
BATCH = 5000
SERVICES = ("plumbing", "electrical", "furniture", "appliances", "handyman", "cleaning")
DISTRICTS = ("Centre", "North", "South", "East", "West", None)
# Roughly a year of a desk: most orders are done, some are open, a few were cancelled.
STATUSES = ((Status.COMPLETED, 70), (Status.CANCELLED, 8), (Status.REJECTED, 4),
            (Status.SUBMITTED, 4), (Status.OFFERED, 2), (Status.ASSIGNED, 3),
            (Status.CONTACTED, 2), (Status.SCHEDULED, 3), (Status.ON_SITE, 1),
            (Status.AWAITING_CONFIRMATION, 2), (Status.DISPUTED, 1))
WITH_MASTER = {Status.ASSIGNED, Status.CONTACTED, Status.SCHEDULED, Status.ON_SITE,
               Status.AWAITING_CONFIRMATION, Status.COMPLETED, Status.DISPUTED}
BREACHES = ("deadline:triage", "deadline:callback", "deadline:arrival", "deadline:completion")


def people(now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    users = [dict(id=10_000 + i, first_name=f"Client {i}", created_at=now)
             for i in range(CLIENTS)]
    users += [dict(id=20_000 + i, first_name=f"Master {i}", created_at=now)
              for i in range(MASTERS)]
    masters = [dict(id=i + 1, user_id=20_000 + i, name=f"Master {i}" if i % 7 else f"@m{i}",
                    phone=f"+7999{i:07d}", status="approved", verified=True, created_at=now)
               for i in range(MASTERS)]
    return users, masters


def order_rows(n: int, now: datetime, rnd: random.Random
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The orders, their audit entries and their reviews."""
    statuses = [st for st, weight in STATUSES for _ in range(weight)]
    orders: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    for i in range(1, n + 1):
        created = now - timedelta(days=365) + timedelta(seconds=i * 31_536_000 // n)
        status = rnd.choice(statuses)
        master = rnd.randrange(1, MASTERS + 1) if status in WITH_MASTER else None
        done = status == Status.COMPLETED
        service = rnd.choice(SERVICES)
        breach = rnd.random() < 0.05
        orders.append(dict(
            id=i, draft_token=f"bench{i}", client_id=10_000 + rnd.randrange(CLIENTS),
            service=service, description="The kitchen tap leaks", photos=[],
            address=f"Lenina {i % 200}, flat {i % 50}", area="Moscow",
            district=rnd.choice(DISTRICTS), urgent=rnd.random() < 0.1, surcharge_percent=0,
            phone=f"+7999{i:07d}", payment="cash", status=status, master_id=master,
            final_price=rnd.randrange(50_000, 2_000_000, 100) if done else None,
            warranty_months=rnd.choice((1, 3, 6, 12)) if done else None, report_photos=[],
            code_attempts=0, code_locked=False, stopped=False, auto_offer=False,
            sla_state="breach" if breach and status not in (Status.COMPLETED, Status.CANCELLED,
                                                            Status.REJECTED) else "ok",
            created_at=created, updated_at=created))
        audit += trail(i, status, master, created, rnd, breach)
        if done and i % 2:
            reviews.append(dict(order_id=i, master_id=master, service=service,
                                stars=rnd.randint(1, 5), created_at=created))
    return orders, audit, reviews


def trail(order_id: int, status: Status, master: int | None, created: datetime,
          rnd: random.Random, breach: bool) -> list[dict[str, Any]]:
    def entry(action: str, minutes: float) -> dict[str, Any]:
        return dict(order_id=order_id, master_id=master, actor_role="system", action=action,
                    created_at=created + timedelta(minutes=minutes))

    rows = [entry("submit", 0)]
    if master is not None:
        wait = rnd.uniform(5, 180)
        rows += [entry("offer", wait / 2), entry("accept", wait)]
        if status == Status.COMPLETED:
            rows += [entry("report", wait + 600), entry("accept_work", wait + 700)]
    if breach:
        rows.append(entry(rnd.choice(BREACHES), 90))
    return rows


async def seed(database: Path, n: int, seed_value: int = 16) -> dict[str, int]:
    """A migrated SQLite file at `database` with `n` orders; returns the rows written."""
    engine = make_engine(f"sqlite+aiosqlite:///{database}")
    await migrate(engine)
    ctx = Context(sessions=make_sessionmaker(engine))
    await seed_catalogue(ctx)
    now = datetime.now(UTC)
    users, masters = people(now)
    orders, audit, reviews = order_rows(n, now, random.Random(seed_value))
    async with ctx.tx() as s:
        for model, rows in ((User, users), (Master, masters), (Order, orders),
                            (AuditEntry, audit), (Review, reviews)):
            for i in range(0, len(rows), BATCH):
                await s.execute(insert(model), rows[i:i + BATCH])
    await engine.dispose()
    return {"orders": len(orders), "audit": len(audit), "reviews": len(reviews)}
