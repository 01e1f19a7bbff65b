"""Tables. Migrations in db/migrations mirror these; tests check they agree."""

from db.models.base import Base, UTCDateTime, table_of
from db.models.desk import AuditEntry, Deadline, FsmRecord, JobMessage, OutboxMessage
from db.models.orders import Offer, Order, PriceItem, Review
from db.models.people import Master, MasterService, Service, User

__all__ = [
    "AuditEntry", "Base", "Deadline", "FsmRecord", "JobMessage", "Master", "MasterService",
    "Offer", "Order", "OutboxMessage", "PriceItem", "Review", "Service", "UTCDateTime", "User",
    "table_of",
]
