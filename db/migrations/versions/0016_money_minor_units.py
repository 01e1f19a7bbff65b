"""money as integer minor units of CURRENCY [issue 12]

orders.final_price, orders.refund and price_items.amount were Numeric(12, 2) in major units;
they become BigInteger minor units (kopecks, grosze, đồng), the currency's own decimals (CLDR:
VND 0, RUB/PLN/CZK/EUR/USD 2). The scale comes from CURRENCY as the bot reads it (the
environment, then `.env`, default RUB): the migration must run with the bot's CURRENCY.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-10 10:00:00
"""

from alembic import op
from babel.numbers import get_currency_precision
from pydantic_settings import BaseSettings

from bot.config import Settings

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# (table, column, nullable)
MONEY = (('orders', 'final_price', True), ('orders', 'refund', True),
         ('price_items', 'amount', False))


class _CurrencySettings(BaseSettings):
    """Only CURRENCY, from the bot's sources: migrating needs no BOT_TOKEN."""

    model_config = Settings.model_config
    currency: str = Settings.model_fields["currency"].default


def _scale() -> int:
    return 10 ** get_currency_precision(_CurrencySettings().currency.strip().upper())


def _convert(table: str, column: str, nullable: bool, new_type: str, expression: str) -> None:
    """Add the new column, fill it from the old one, drop the old, take its name. Plain
    ALTER TABLE (SQLite 3.35+, PostgreSQL): batch mode would rebuild `orders`, which SQLite
    refuses while other tables' rows point at it with foreign keys on."""
    temp = f'{column}_new'
    # SQLite adds a NOT NULL column only with a default; PostgreSQL drops it again below.
    required = '' if nullable else ' NOT NULL DEFAULT 0'
    op.execute(f'ALTER TABLE {table} ADD COLUMN {temp} {new_type}{required}')
    op.execute(f'UPDATE {table} SET {temp} = {expression.format(column=column)} '
               f'WHERE {column} IS NOT NULL')
    op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
    op.execute(f'ALTER TABLE {table} RENAME COLUMN {temp} TO {column}')
    if not nullable and op.get_context().dialect.name != 'sqlite':
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT')


def upgrade() -> None:
    scale = _scale()
    for table, column, nullable in MONEY:
        # ROUND before the cast: 0.29 stored as a float is 28.999… kopecks in SQLite.
        _convert(table, column, nullable, 'BIGINT',
                 f'CAST(ROUND({{column}} * {scale}) AS BIGINT)')


def downgrade() -> None:
    scale = _scale()
    for table, column, nullable in MONEY:
        _convert(table, column, nullable, 'NUMERIC(12, 2)',
                 f'{{column}} / {scale}.0')
