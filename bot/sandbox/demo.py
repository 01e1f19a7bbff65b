"""`--demo`: something for the board and /stats to show. Demo people are made in the fake
Telegram and then go through the same services the handlers call: three masters apply (with a
photo of a document) and the manager approves them; two clients place orders, one of which is
offered to a master who accepts it. The messages these cause go through the outbox like any."""

from __future__ import annotations

import secrets
from datetime import timedelta

from bot.domain.files import photo_ref
from bot.domain.masters import Application
from bot.domain.order_request import OrderRequest
from bot.domain.rules import Actor
from bot.sandbox.picture import sample_png
from bot.sandbox.state import Sandbox
from bot.sandbox.world import Person
from bot.services.masters import apply_master, decide_master
from bot.services.offers import accept_offer, offer_order
from bot.services.orders import submit_order
from bot.services.users import touch_user

MASTERS = (("Piotr", ("plumbing", "electrical")), ("Jana", ("furniture", "plumbing")),
           ("Minh", ("electrical", "appliances")))
ORDERS = (("plumbing", "The kitchen tap drips all night.", "Vinohradská 12, flat 4, Praha"),
          ("electrical", "Two sockets in the bedroom have no power.",
           "Korunní 40, Praha"),
          ("furniture", "Assemble a wardrobe (IKEA PAX, 2 m).", "Slezská 7, Praha"))


async def _known(sandbox: Sandbox, person: Person) -> None:
    assert sandbox.app is not None
    await touch_user(sandbox.app.ctx, person.id, person.name, None, person.language)


async def seed_demo(sandbox: Sandbox) -> None:
    app = sandbox.app
    assert app is not None
    manager = Actor(sandbox.world.managers()[0], is_desk=True)
    masters = []
    for name, services in MASTERS:
        person = sandbox.world.add("master", name)
        await _known(sandbox, person)
        document = photo_ref(sandbox.fake.upload_photo(sample_png()))
        view = await apply_master(app.ctx, person.id, Application(
            name=f"{name} Demo", phone=person.phone_number, legal_form="sole_trader",
            tax_id="12345678", services=services, documents=(document,)))
        await decide_master(app.ctx, manager, view.id, True)
        masters.append((person, view.id))
    clients = [sandbox.world.add("client", name) for name in ("Chloe", "Dmitri")]
    for person in clients:
        await _known(sandbox, person)
    tomorrow = (sandbox.clock.now() + timedelta(days=1)).date()
    for n, (service, description, address) in enumerate(ORDERS):
        client = clients[n % len(clients)]
        order = await submit_order(app.ctx, client.id, OrderRequest(
            token=secrets.token_hex(8), service=service, description=description, photos=(),
            address=address, latitude=None, longitude=None, district=None, urgent=n == 1,
            visit_date=None if n == 1 else tomorrow, visit_slot=None if n == 1 else "12-15",
            phone=client.phone_number, payment="cash"))
        if n == 0:  # one order already has its master
            master, master_id = masters[0]
            await offer_order(app.ctx, manager, order.id, master_id)
            await accept_offer(app.ctx, Actor(master.id, master_id=master_id), order.id)
