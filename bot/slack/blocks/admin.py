"""Replies to /tally's administration: teams, the audit log, PTO."""

from __future__ import annotations

from bot import format as fmt
from bot.slack.blocks.kit import Message, escape, header, message, packed_sections, section
from metrics.services.audit import AuditEntry
from metrics.services.preferences import PtoRange
from metrics.services.teams import TeamSummary


def build_teams_message(teams: list[TeamSummary]) -> Message:
    """Every team, its manager, its channel and its members."""
    if not teams:
        text = "No teams yet. An admin creates one with `/tally team create Inside Sales #sales-floor`."
        return message(escape(text), [section(escape(text))])
    lines = []
    for team in teams:
        channel = f" · posts to <#{team.channel_id}>" if team.channel_id else ""
        lines.append(f"*{escape(team.name)}* — manager {escape(team.manager or 'none')}{channel}\n{_members(team)}")
    return message(f"Teams: {len(teams)}", packed_sections(lines, max_blocks=45, more="…and {} more teams"))


def _members(team: TeamSummary, shown: int = 40) -> str:
    names = ", ".join(team.members[:shown]) + (
        f" and {len(team.members) - shown} more" if len(team.members) > shown else ""
    )
    return escape(names) or "no one yet"


def build_audit_message(entries: list[AuditEntry]) -> Message:
    """The newest changes first."""
    if not entries:
        return message("No changes recorded yet.", [section("No changes recorded yet.")])
    lines = [f"{entry.at:%Y-%m-%d %H:%M} UTC · {escape(entry.actor)} · {escape(entry.summary)}" for entry in entries]
    return message(
        f"Audit log: {len(entries)} latest changes", [header("Audit log"), *packed_sections(lines, max_blocks=45)]
    )


def build_pto_message(ranges: list[PtoRange]) -> Message:
    """Upcoming PTO with the numbers to cancel it by."""
    if not ranges:
        text = "No PTO coming up. Add some with `/tally pto 2026-12-24..2026-12-31`."
        return message(escape(text), [section(escape(text))])
    lines = [f"#{p.number} · {fmt.day(p.first_day)} – {fmt.day(p.last_day)} {p.first_day.year}" for p in ranges]
    return message("Your PTO: " + "; ".join(lines), [section("*Your PTO*\n" + "\n".join(lines))])
