"""Forgetting a person (`/tally forget @rep`): their identity and name go; their numbers stay, anonymous.

The rep row stays, renamed "Former rep N", so every entry, deal and target keeps pointing at it and team totals,
standings history and KPIs do not move. What goes: the chat accounts (so the same person coming back is a new,
unrelated rep), the name wherever Tally wrote it (audit log, message payloads), their time zone and personal
settings, PTO, mute, and the messages still waiting to be sent to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Text, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from metrics.errors import NotAllowed, UsageError
from metrics.models import AuditLog, Base, ChatIdentity, Deal, Delivery, Entry, Pto, Rep, Target, Team
from metrics.outbox import Status
from metrics.records import RepContext, Role
from metrics.scrub import Scrubber, scrubber
from metrics.services import access, audit

FORGOTTEN = "the person was forgotten"


@dataclass(frozen=True, slots=True)
class ForgetPreview:
    """What forgetting a person will do, for the confirmation an admin sees first."""

    rep_id: int
    name: str
    label: str  # the anonymous name their numbers will carry
    entries: int
    deals: int
    targets: int
    manages: tuple[str, ...]  # teams that will have no manager


def forget_preview(session: Session, *, asker: RepContext, rep_id: int) -> ForgetPreview:
    """Check that the asker may forget the rep, and say what it will do. Changes nothing.

    Raises:
        NotAllowed: the asker is not an admin, names themselves, or the rep is the last admin.
        UnknownRep: not a person of this workspace.
        UsageError: the person was already forgotten.
    """
    rep = _forgettable(session, asker, rep_id)
    if rep.forgotten_at is not None:
        raise UsageError("Tally has already forgotten that person.")
    return ForgetPreview(
        rep_id=rep.id,
        name=rep.display_name,
        label=_next_label(session, rep.workspace_id),
        entries=_count(session, Entry, Entry.rep_id == rep.id),
        deals=_count(session, Deal, Deal.owner_rep_id == rep.id),
        targets=_count(session, Target, Target.rep_id == rep.id),
        manages=tuple(session.scalars(select(Team.name).where(Team.manager_rep_id == rep.id).order_by(Team.name))),
    )


def forget_rep(session: Session, *, asker: RepContext, rep_id: int, now: datetime) -> str:
    """Forget the rep in the caller's transaction; returns the anonymous label their numbers now carry.

    Forgetting someone already forgotten changes nothing (a repeated confirmation is harmless).

    Raises:
        NotAllowed: the asker is not an admin, names themselves, or the rep is the last admin.
        UnknownRep: not a person of this workspace.
    """
    rep = _forgettable(session, asker, rep_id)
    if rep.forgotten_at is not None:
        return rep.display_name
    label = _next_label(session, rep.workspace_id)
    user_ids = list(session.scalars(select(ChatIdentity.external_user_id).where(ChatIdentity.rep_id == rep.id)))
    scrub = scrubber([rep.display_name], user_ids, label)
    _scrub_audit(session, rep.workspace_id, scrub)
    _scrub_deliveries(session, rep, scrub, now)
    session.execute(delete(ChatIdentity).where(ChatIdentity.rep_id == rep.id))
    session.execute(delete(Pto).where(Pto.rep_id == rep.id))
    # A forgotten manager can read no coaching note: the team waits for an admin to name another.
    session.execute(update(Team).where(Team.manager_rep_id == rep.id).values(manager_rep_id=None))
    _anonymise(rep, label, now)
    audit.record(
        session,
        workspace_id=rep.workspace_id,
        actor_rep_id=asker.rep_id,
        action="forget",
        summary=f"forgot a person at an admin's request; their numbers stay, as {label}",
        details={"rep_id": rep.id},
        now=now,
    )
    return label


def _forgettable(session: Session, asker: RepContext, rep_id: int) -> Rep:
    access.require_admin(asker, "make Tally forget someone")
    rep = access.rep_in_workspace(session, asker, rep_id)
    if rep.id == asker.rep_id:
        raise NotAllowed("Tally can't forget you at your own request here: ask another admin to do it.")
    other_admins = _count(
        session,
        Rep,
        Rep.workspace_id == rep.workspace_id,
        Rep.role == Role.ADMIN.value,
        Rep.forgotten_at.is_(None),
        Rep.id != rep.id,
    )
    if rep.role == Role.ADMIN.value and not other_admins:
        raise NotAllowed("That is Tally's last admin: make someone else admin first.")
    return rep


def _next_label(session: Session, workspace_id: int) -> str:
    done = _count(session, Rep, Rep.workspace_id == workspace_id, Rep.forgotten_at.is_not(None))
    return f"Former rep {done + 1}"


def _count(session: Session, model: type[Base], *where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _anonymise(rep: Rep, label: str, now: datetime) -> None:
    """The name and personal settings go; team, role, ramp and hidden stay (standings and targets use them)."""
    rep.display_name = label
    rep.timezone = rep.chat_timezone = None
    rep.work_days = rep.holiday_country = rep.holiday_subdivision = None
    rep.mute_until = None
    rep.nudge_time = None
    rep.forgotten_at = now


def _scrub_audit(session: Session, workspace_id: int, scrub: Scrubber) -> None:
    terms = scrub.searched
    if not terms:
        return
    mentions = or_(
        *(AuditLog.summary.contains(term, autoescape=True) for term in terms),
        *(cast(AuditLog.details, Text).contains(term, autoescape=True) for term in terms),
    )
    for row in session.scalars(select(AuditLog).where(AuditLog.workspace_id == workspace_id, mentions)):
        row.summary = scrub.text(row.summary)[:400]
        row.details = scrub.data(row.details)


def _scrub_deliveries(session: Session, rep: Rep, scrub: Scrubber, now: datetime) -> None:
    """Cancel what waits to be sent to the person; take their name out of every message, sent or not."""
    session.execute(
        update(Delivery)
        .where(Delivery.rep_id == rep.id, Delivery.status == Status.PENDING.value)
        .values(status=Status.SKIPPED.value, last_error=FORGOTTEN, finished_at=now)
    )
    # The DM's channel id points at the person in Slack as surely as their user id does.
    session.execute(update(Delivery).where(Delivery.rep_id == rep.id).values(channel_id=None))
    terms = scrub.searched
    if not terms:
        return
    mentions = or_(*(cast(Delivery.payload, Text).contains(term, autoescape=True) for term in terms))
    for row in session.scalars(select(Delivery).where(Delivery.workspace_id == rep.workspace_id, mentions)):
        row.payload = scrub.data(row.payload)
