"""Who is asking: workspaces and reps, created the first time a chat user is seen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from metrics import queries
from metrics.catalog import DEFAULT_METRICS
from metrics.models import ChatIdentity, MetricDef, Rep, Workspace
from metrics.periods import is_valid_zone
from metrics.records import Platform, RepContext, Role, WorkspaceDefaults
from metrics.services.preferences import refresh_profile

T = TypeVar("T")


def find_rep(
    session: Session, *, platform: Platform, workspace_external_id: str, user_external_id: str
) -> RepContext | None:
    """Return the rep behind a chat account, or None if Tally has not met them in that workspace yet."""
    workspace = queries.workspace_by_external_id(session, platform, workspace_external_id)
    if workspace is None:
        return None
    if workspace.uninstalled_at is not None:  # someone there is talking to Tally: it was installed again
        workspace.uninstalled_at = None
    rep = queries.rep_by_identity(session, workspace.id, platform, user_external_id)
    return None if rep is None else _context(session, workspace, rep)


def mark_uninstalled(session: Session, *, platform: Platform, workspace_external_id: str, now: datetime) -> bool:
    """Record that a workspace removed Tally (or revoked its token): nothing more is sent there. Returns whether
    the workspace was known."""
    workspace = queries.workspace_by_external_id(session, platform, workspace_external_id)
    if workspace is None:
        return False
    workspace.uninstalled_at = now
    return True


def mark_installed(
    session: Session,
    *,
    platform: Platform,
    workspace_external_id: str,
    name: str,
    defaults: WorkspaceDefaults,
    now: datetime,
) -> None:
    """Record an install (or a reinstall after an uninstall): the workspace exists, has its name, and is sent to."""
    workspace = queries.workspace_by_external_id(session, platform, workspace_external_id)
    if workspace is None:
        workspace = new_workspace(session, platform, workspace_external_id, defaults, now)
    workspace.name = name[:200] or workspace.name
    workspace.uninstalled_at = None


def register_rep(
    session: Session,
    *,
    platform: Platform,
    workspace_external_id: str,
    user_external_id: str,
    display_name: str,
    timezone: str | None,
    defaults: WorkspaceDefaults,
    now: datetime,
) -> RepContext:
    """Return the rep behind a chat account, creating the workspace and the rep on first sight.

    Safe under concurrency: if another request registers the same account first, its rows are reused.

    Args:
        session: an open transaction.
        platform: the chat platform the account lives on.
        workspace_external_id: the platform's id of the workspace (Slack team id).
        user_external_id: the platform's id of the user.
        display_name: the name to show for the rep.
        timezone: the user's IANA time zone from their profile; None or an unknown name falls back to the
            workspace default.
        defaults: settings for a workspace seen for the first time.
        now: the current instant (aware).
    """
    workspace = _workspace(session, platform, workspace_external_id, defaults, now)
    rep = _get_or_create(
        session,
        lambda: queries.rep_by_identity(session, workspace.id, platform, user_external_id),
        lambda: _new_rep(session, workspace, platform, user_external_id, display_name, timezone, now),
    )
    return _context(session, workspace, rep)


def meet_rep(
    session: Session,
    *,
    platform: Platform,
    workspace_external_id: str,
    user_external_id: str,
    display_name: str,
    timezone: str | None,
    conversation_ref: dict[str, Any] | None,
    defaults: WorkspaceDefaults,
    now: datetime,
) -> RepContext:
    """Return the rep behind a chat account (registering them on first sight) and keep what the platform says
    about them current: name, time zone, and the reference of their 1:1 conversation.

    For platforms that say who is writing on every message (Teams): the name and zone follow like a profile
    change (see `preferences.refresh_profile`), and `conversation_ref`, when given, replaces the stored one only
    if it differs, so an unchanged turn writes nothing.

    Args:
        session: an open transaction.
        platform: the chat platform the account lives on.
        workspace_external_id: the platform's id of the workspace (a Teams tenant id).
        user_external_id: the platform's id of the user (an Entra ID object id).
        display_name: the name the platform shows.
        timezone: the IANA zone the client reported, if any; an unknown name is ignored.
        conversation_ref: how to reach the person proactively (None: this turn did not come from a 1:1 chat).
        defaults: settings for a workspace seen for the first time.
        now: the current instant (aware).
    """
    workspace = _workspace(session, platform, workspace_external_id, defaults, now)
    if workspace.uninstalled_at is not None:  # someone there is talking to Tally: it was installed again
        workspace.uninstalled_at = None

    def created() -> tuple[ChatIdentity, Rep]:
        _new_rep(session, workspace, platform, user_external_id, display_name, timezone, now)
        found = _identity(session, workspace.id, platform, user_external_id)
        assert found is not None  # just flushed in this transaction
        return found

    account, rep = _get_or_create(
        session, lambda: _identity(session, workspace.id, platform, user_external_id), created
    )
    if conversation_ref is not None and account.conversation_ref != conversation_ref:
        account.conversation_ref = conversation_ref
    refresh_profile(session, rep_id=rep.id, name=display_name, timezone=timezone)
    return _context(session, workspace, rep)


def _workspace(
    session: Session, platform: Platform, external_id: str, defaults: WorkspaceDefaults, now: datetime
) -> Workspace:
    return _get_or_create(
        session,
        lambda: queries.workspace_by_external_id(session, platform, external_id),
        lambda: new_workspace(session, platform, external_id, defaults, now),
    )


def _identity(
    session: Session, workspace_id: int, platform: Platform, external_user_id: str
) -> tuple[ChatIdentity, Rep] | None:
    row = session.execute(
        select(ChatIdentity, Rep)
        .join(Rep, Rep.id == ChatIdentity.rep_id)
        .where(
            ChatIdentity.workspace_id == workspace_id,
            ChatIdentity.platform == platform,
            ChatIdentity.external_user_id == external_user_id,
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def _get_or_create(session: Session, find: Callable[[], T | None], create: Callable[[], T]) -> T:
    found = find()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            return create()
    except IntegrityError:
        # Someone else created it between our read and our insert: theirs is as good as ours.
        found = find()
        if found is None:
            raise
        return found


def new_workspace(
    session: Session, platform: Platform | str, external_id: str, defaults: WorkspaceDefaults, now: datetime
) -> Workspace:
    """Create a workspace with the default metric catalog (the caller guards against duplicates)."""
    workspace = Workspace(
        platform=platform,
        external_id=external_id,
        timezone=defaults.timezone,
        week_start=defaults.week_start,
        backdate_days=defaults.backdate_days,
        settings={},
        created_at=now,
    )
    session.add(workspace)
    session.flush()
    session.add_all(
        MetricDef(
            workspace_id=workspace.id,
            key=spec.key,
            label=spec.label,
            unit=spec.unit,
            aliases=list(spec.aliases),
            points_per_unit=spec.points,
            daily_cap=spec.daily_cap,
            kind=spec.kind,
            position=position,
        )
        for position, spec in enumerate(DEFAULT_METRICS)
    )
    session.flush()
    return workspace


def _new_rep(
    session: Session,
    workspace: Workspace,
    platform: Platform,
    external_user_id: str,
    display_name: str,
    timezone: str | None,
    now: datetime,
) -> Rep:
    rep = Rep(
        workspace_id=workspace.id,
        display_name=display_name[:200],
        timezone=timezone if timezone and is_valid_zone(timezone) else None,
        chat_timezone=timezone if timezone and is_valid_zone(timezone) else None,
        role="rep",
        active=True,
        created_at=now,
    )
    session.add(rep)
    session.flush()
    session.add(
        ChatIdentity(
            workspace_id=workspace.id,
            rep_id=rep.id,
            platform=platform,
            external_user_id=external_user_id,
            created_at=now,
        )
    )
    session.flush()
    return rep


def _context(session: Session, workspace: Workspace, rep: Rep) -> RepContext:
    return RepContext(
        workspace_id=workspace.id,
        rep_id=rep.id,
        display_name=rep.display_name,
        timezone=rep.timezone or workspace.timezone,
        week_start=workspace.week_start,
        backdate_days=workspace.backdate_days,
        metrics=tuple(spec for _, spec in queries.metric_catalog(session, workspace.id)),
        role=Role(rep.role),
        team_id=rep.team_id,
    )
