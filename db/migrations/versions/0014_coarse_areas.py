"""coarse areas: orders stored before this kept the street and house as their area (SPEC §6)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from bot.domain.area import area_of

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

orders = sa.table('orders', sa.column('id', sa.Integer), sa.column('address', sa.Text),
                  sa.column('latitude', sa.Float), sa.column('longitude', sa.Float),
                  sa.column('district', sa.String), sa.column('area', sa.String))


def upgrade() -> None:
    recompute_areas(op.get_bind())


def recompute_areas(bind: sa.engine.Connection) -> None:
    # The area goes into offers, topic titles and /export; recompute it for every order the
    # old rule (the address up to its first comma, 3-decimal coordinates) stored.
    rows = bind.execute(sa.select(orders.c.id, orders.c.address, orders.c.latitude,
                                  orders.c.longitude, orders.c.district, orders.c.area)).all()
    for id_, address, lat, lon, district, old in rows:
        area = district or area_of(address, lat, lon)
        if area != old:
            bind.execute(orders.update().where(orders.c.id == id_).values(area=area))


def downgrade() -> None:
    pass  # the street is not put back into the area
