"""The composition root: builds the dispatcher, the services' context and the outbox sender
exactly as production runs them (the dispatcher flow tests use this too)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.album_parts import AlbumCollector, AlbumDispatcher
from bot.code_secret import load_code_secret
from bot.config import ConfigError, Settings
from bot.desk import DeskMembers
from bot.domain.limits import Pace
from bot.domain.routes import unknown_services
from bot.i18n import PoI18n, make_i18n
from bot.inline_filters import inline_filters
from bot.isolation import RenewedRedisIsolation
from bot.metrics import CountRetryAfter, Metrics, UpdateMeter
from bot.middlewares import ActorMiddleware, LocaleMiddleware, SkipRedelivered
from bot.notify.fitting import FitToLimits
from bot.notify.limiter import Limiter
from bot.notify.render import Renderer
from bot.notify.sender import OutboxSender, SenderConfig
from bot.notify.throttle import Throttle
from bot.response_models import KeepResponseModels
from bot.scheduler import DeadlineClock
from bot.services.base import Context, Policy
from bot.services.housekeeping import Retention
from bot.services.users import catalogue, seed_catalogue
from db.engine import make_engine, make_sessionmaker
from db.migrate import migrate
from fsm.buffer import BufferedIsolation, BufferedStorage, StoreBeforeSending
from fsm.redis_records import RedisRecords
from fsm.storage import SQLStorage
from handlers import get_routers
from handlers.errors import AnswerOnce, ReportErrors


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    ctx: Context
    i18n: PoI18n
    renderer: Renderer
    dispatcher: Dispatcher
    sender: OutboxSender
    storage: BaseStorage
    clock: DeadlineClock
    metrics: Metrics
    sender_task: asyncio.Task[None] | None = None  # set by whoever runs the sender

    async def close(self) -> None:
        await self.clock.shutdown()
        await self.storage.close()
        await self.engine.dispose()


def make_storage(settings: Settings, ctx: Context) -> tuple[BaseStorage, BaseEventIsolation]:
    if settings.redis_url:
        # A conversation abandoned for FSM_TTL_DAYS expires in Redis by itself.
        ttl = timedelta(days=settings.fsm_ttl_days)
        storage = RedisRecords.from_url(settings.redis_url, state_ttl=ttl, data_ttl=ttl)
        return storage, RenewedRedisIsolation(storage.redis)  # dies with its replica
    return SQLStorage(ctx.sessions, ctx.clock), SimpleEventIsolation()


async def build_app(settings: Settings, bot: Bot, limiter: Limiter | None = None) -> App:
    code_secret = load_code_secret(settings)  # before anything starts: ConfigError if bad
    engine = make_engine(settings.database_url)
    await migrate(engine)
    ctx = Context(sessions=make_sessionmaker(engine), policy=make_policy(settings, code_secret))
    await seed_catalogue(ctx)
    services = {item.code: item.names for item in await catalogue(ctx)}
    if unknown := unknown_services(settings.desk_routes, services):
        await engine.dispose()
        raise ConfigError(f"DESK_ROUTES is invalid: there is no service {unknown[0]!r} (the "
                          f"catalogue's: {', '.join(sorted(services))})")
    i18n = make_i18n(settings.default_locale)
    i18n.set_current(i18n)
    renderer = Renderer(services=services, currency=settings.currency, tz=settings.tz,
                        districts=tuple(settings.districts),
                        default_locale=settings.default_locale,
                        clock=lambda: ctx.clock())  # the services' clock, even if replaced
    limiter = limiter or Limiter()
    metrics = Metrics()
    storage, isolation = make_storage(settings, ctx)
    buffered = BufferedStorage(storage)  # one read and one write per update
    # Outermost: the conversation is stored and the update's read ended before a request
    # waits anywhere (the throttle, Telegram), so no connection is held meanwhile.
    bot.session.middleware(StoreBeforeSending(buffered))
    # Then, so that a text sent again after "too long" still passes the throttle.
    bot.session.middleware(FitToLimits())  # every text within Telegram's limits
    bot.session.middleware(Throttle(limiter))
    bot.session.middleware(AnswerOnce())
    bot.session.middleware(CountRetryAfter(metrics))  # inside the Throttle: sees every 429
    bot.session.middleware(KeepResponseModels())  # answers read without rebuilding models
    sender = OutboxSender(bot, ctx, i18n, renderer, SenderConfig(
        desk_chat_id=settings.desk_chat_id, desk_locale=settings.desk_language,
        default_locale=settings.default_locale, poll_seconds=settings.outbox_poll_seconds,
        routed_desks=frozenset(settings.desks.others()),
    ), limiter=limiter)
    ctx.on_outbox = sender.wake  # a committed change with messages: the sender goes at once
    dp = make_dispatcher(settings, ctx, renderer, i18n, metrics, buffered,
                         BufferedIsolation(isolation, buffered))
    retention = Retention(fsm_ttl=timedelta(days=settings.fsm_ttl_days),
                          outbox_keep=timedelta(days=settings.outbox_keep_days),
                          sql_fsm=isinstance(storage, SQLStorage))
    clock = DeadlineClock(ctx, settings.clock_tick_seconds, after_fire=sender.wake,
                          retention=retention)
    return App(settings, engine, ctx, i18n, renderer, dp, sender, storage, clock, metrics)


def make_policy(settings: Settings, code_secret: bytes) -> Policy:
    return Policy(urgent_surcharge_percent=settings.urgent_surcharge_percent,
                  max_code_attempts=settings.max_code_attempts, timing=settings.timing,
                  districts=tuple(settings.districts), code_secret=code_secret,
                  max_open_orders=settings.max_open_orders,
                  max_orders_per_day=settings.max_orders_per_day,
                  relay_pace=Pace(settings.relay_per_minute, settings.relay_burst),
                  reapply_cooldown=timedelta(hours=settings.reapply_cooldown_hours),
                  money=settings.money,
                  tax_id_pattern=settings.tax_id_pattern,
                  tax_id_example=settings.tax_id_example, desks=settings.desks)


def make_dispatcher(settings: Settings, ctx: Context, renderer: Renderer, i18n: PoI18n,
                    metrics: Metrics, storage: BaseStorage,
                    isolation: BaseEventIsolation) -> AlbumDispatcher:
    """The dispatcher with its middlewares in order and the routers."""
    dp = AlbumDispatcher(storage=storage, events_isolation=isolation, ctx=ctx,
                         renderer=renderer, policy=ctx.policy, settings=settings,
                         albums=AlbumCollector(), sessions=ctx.sessions)
    desk = DeskMembers(settings.desk_chat_id, settings.admin_ids,
                       routed=settings.desks.others())
    dp["desk_members"] = desk  # one cached list of the desk's people for every handler
    dp.update.outer_middleware(UpdateMeter(metrics))  # first: it times all the rest
    dp.update.outer_middleware(ActorMiddleware(ctx, desk, settings.default_locale,
                                               settings.desk_language))
    dp.update.outer_middleware(LocaleMiddleware(i18n))
    dp.update.outer_middleware(ReportErrors())
    dp.update.outer_middleware(SkipRedelivered())  # stored already: its prompt, not again
    dp.include_routers(*get_routers(*settings.desks.chats))
    inline_filters(dp)  # pure checks: not through the thread pool (bot/inline_filters.py)
    return dp
