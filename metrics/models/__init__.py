"""SQLAlchemy 2.0 typed models. Every row belongs to a workspace, and every query filters on it."""

from metrics.models.base import NAMING_CONVENTION, Base
from metrics.models.deals import Account, Deal, DealChange, Subscription
from metrics.models.installations import slack_bots, slack_installations, slack_oauth_states
from metrics.models.ledger import Entry, MetricDef, Target
from metrics.models.ops import JobStat, SchedulerBeat, SeenRequest
from metrics.models.outbox import Delivery
from metrics.models.people import AuditLog, ChatIdentity, Pto, Rep, Team, Workspace

__all__ = [
    "NAMING_CONVENTION",
    "Account",
    "AuditLog",
    "Base",
    "ChatIdentity",
    "Deal",
    "DealChange",
    "Delivery",
    "Entry",
    "JobStat",
    "MetricDef",
    "Pto",
    "Rep",
    "SchedulerBeat",
    "SeenRequest",
    "Subscription",
    "Target",
    "Team",
    "Workspace",
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
]
