"""Teams replies to `tally`'s lists: teams, the audit log, PTO — small cards, plain-text fallbacks."""

from __future__ import annotations

from bot import format as fmt
from bot.msteams.cards.kit import budgeted, card, heading, md, text
from bot.msteams.cards.replies import Reply, build_done_reply
from metrics.services.audit import AuditEntry
from metrics.services.preferences import PtoRange
from metrics.services.teams import TeamSummary


def build_teams_reply(teams: list[TeamSummary]) -> Reply:
    """Every team, its manager, whether it has a channel, and its members."""
    if not teams:
        return build_done_reply("No teams yet. An admin creates one with `tally team create Inside Sales`.", "👥")
    lines = [
        f"**{md(team.name)}** — manager {md(team.manager or 'none')}{' · has a channel' if team.channel_id else ''}"
        f"\n{md(_members(team))}"
        for team in teams
    ]
    fallback = f"Teams: {len(teams)}"
    return Reply(fallback, card([heading("Teams"), *[text(line) for line in budgeted(lines)]], fallback=fallback))


def _members(team: TeamSummary, shown: int = 40) -> str:
    more = f" and {len(team.members) - shown} more" if len(team.members) > shown else ""
    return (", ".join(team.members[:shown]) + more) or "no one yet"


def build_audit_reply(entries: list[AuditEntry]) -> Reply:
    """The newest changes first."""
    if not entries:
        return build_done_reply("No changes recorded yet.", "📜")
    lines = [f"{entry.at:%Y-%m-%d %H:%M} UTC · {md(entry.actor)} · {md(entry.summary)}" for entry in entries]
    fallback = f"Audit log: {len(entries)} latest changes"
    return Reply(fallback, card([heading("Audit log"), *[text(line) for line in budgeted(lines)]], fallback=fallback))


def build_pto_reply(ranges: list[PtoRange]) -> Reply:
    """Upcoming PTO with the numbers to cancel it by."""
    if not ranges:
        return build_done_reply("No PTO coming up. Add some with `tally pto 2026-12-24..2026-12-31`.", "🌴")
    lines = [f"#{p.number} · {fmt.day(p.first_day)} – {fmt.day(p.last_day)} {p.first_day.year}" for p in ranges]
    return build_done_reply("Your PTO: " + "; ".join(lines), "🌴")
