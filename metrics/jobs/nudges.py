"""The morning nudge: a DM at each rep's own nudge time on their working days — yesterday in a line, the week's
pace, today's quota, rank movement, the cheapest next step, and buttons to log in one tap.

Planned once per rep per local day (`nudge:<rep>:<date>`). Not planned on days off, during PTO or a mute, before
the nudge time, after the working day ends (a bot that was down does not nudge at 19:00), or — under the
"behind" policy — for a rep on pace.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from metrics import outbox, team_queries, wording
from metrics.calendar import is_working_day
from metrics.jobs.people import Person, everyone
from metrics.models import Workspace
from metrics.notify import Action, Message, Section
from metrics.outbox import Planned, PlanReport
from metrics.periods import Period, PeriodKind, date_range, day_period, period_containing
from metrics.records import Role
from metrics.score_records import MetricLine, RepNumbers, ranks
from metrics.services.numbers import rep_numbers
from metrics.team_queries import RepRow

KIND = "nudge"
QUICK_LOGS = (("+10 dials", "dials:10"), ("+1 meeting", "meetings:1"))


def key(rep_id: int, day: date) -> str:
    """The nudge's dedupe key: one per rep per local day."""
    return f"nudge:{rep_id}:{day.isoformat()}"


def plan_nudges(session: Session, now: datetime) -> PlanReport:
    """Plan today's nudge for every rep whose nudge time has come (and who should get one)."""
    due = [person for person in everyone(session, now) if _wants_a_nudge(person, now)]
    wanted: list[Planned] = []
    by_workspace: dict[int, list[Person]] = defaultdict(list)
    for person in due:
        by_workspace[person.workspace.id].append(person)
    for workspace_id, people in by_workspace.items():
        known = outbox.existing_keys(session, {workspace_id}, [key(p.rep.rep_id, p.today) for p in people])
        people = [p for p in people if key(p.rep.rep_id, p.today) not in known]
        if people:
            wanted.extend(_plan_workspace(session, people, now))
    return outbox.plan(session, wanted, now)


def _wants_a_nudge(person: Person, now: datetime) -> bool:
    return (
        person.nudge_at <= now < person.workday_end
        and not person.muted
        and is_working_day(person.calendar, person.today)
    )


def _plan_workspace(session: Session, people: list[Person], now: datetime) -> list[Planned]:
    """Numbers for everyone due in one workspace: a few rep_numbers calls per local date, whatever the headcount."""
    workspace = people[0].workspace
    colleagues = _colleagues(session, workspace.id)
    team_of = {rep.rep_id: rep.team_id for rep in colleagues}
    planned = []
    for today, group in _by_day(people).items():
        week = period_containing(PeriodKind.WEEK, today, week_start=workspace.week_start)
        numbers = _numbers(session, workspace, colleagues, week, now)
        before = (
            _numbers(session, workspace, colleagues, date_range(week.start, today - timedelta(days=2)), now)
            if today - timedelta(days=2) >= week.start
            else {}
        )
        today_numbers = _numbers(session, workspace, [p.rep for p in group], day_period(today), now)
        yesterday = _yesterdays(session, workspace, group, now)
        for person in group:
            mine = numbers[person.rep.rep_id]
            if not _sells(person.rep, mine, today_numbers[person.rep.rep_id]):
                continue
            if person.schedule.nudge_policy == "behind" and not _behind(mine):
                continue
            message = _message(
                person,
                mine,
                today_numbers[person.rep.rep_id],
                yesterday.get(person.rep.rep_id),
                _movement(person.rep, numbers, before, team_of),
            )
            planned.append(
                Planned(
                    workspace_id=workspace.id,
                    kind=KIND,
                    key=key(person.rep.rep_id, today),
                    message=message,
                    due_at=now,
                    rep_id=person.rep.rep_id,
                    expires_at=person.workday_end,
                )
            )
    return planned


def _colleagues(session: Session, workspace_id: int) -> list[RepRow]:
    """Everyone a due rep is ranked among: the workspace's active reps (split by team in _movement)."""
    return team_queries.reps(session, workspace_id)


def _by_day(people: list[Person]) -> dict[date, list[Person]]:
    groups: dict[date, list[Person]] = defaultdict(list)
    for person in people:
        groups[person.today].append(person)
    return groups


def _numbers(
    session: Session, workspace: Workspace, reps: list[RepRow], window: Period, now: datetime
) -> dict[int, RepNumbers]:
    return rep_numbers(
        session, workspace_id=workspace.id, reps=reps, window=window, now=now, week_start=workspace.week_start
    )


def _yesterdays(
    session: Session, workspace: Workspace, people: list[Person], now: datetime
) -> dict[int, tuple[date, RepNumbers]]:
    """Each rep's last working day and what they logged on it (one rep_numbers call per distinct day)."""
    days: dict[date, list[Person]] = defaultdict(list)
    for person in people:
        day = person.previous_working_day()
        if day is not None:
            days[day].append(person)
    found: dict[int, tuple[date, RepNumbers]] = {}
    for day, group in days.items():
        for rep_id, numbers in _numbers(session, workspace, [p.rep for p in group], day_period(day), now).items():
            found[rep_id] = (day, numbers)
    return found


def _movement(
    rep: RepRow, now: dict[int, RepNumbers], before: dict[int, RepNumbers], team_of: dict[int, int | None]
) -> tuple[int, int, int] | None:
    """(place now, places moved up since the day before yesterday, how many are ranked), within the rep's team."""
    team = [n for rep_id, n in now.items() if team_of.get(rep_id) == rep.team_id]
    places = ranks(team)
    if rep.rep_id not in places:
        return None
    earlier = ranks([before[n.rep_id] for n in team if n.rep_id in before])
    moved = earlier[rep.rep_id] - places[rep.rep_id] if rep.rep_id in earlier else 0
    return places[rep.rep_id], moved, len(places)


def _sells(rep: RepRow, week: RepNumbers, today: RepNumbers) -> bool:
    """Reps are nudged; a manager or admin only with targets of their own (a player-coach)."""
    return rep.role == Role.REP.value or any(line.target for line in (*week.lines, *week.goals, *today.lines))


def _behind(numbers: RepNumbers) -> bool:
    return any(line.pace is not None and line.pace.ahead_by < 0 for line in numbers.lines)


def _message(
    person: Person,
    week: RepNumbers,
    today: RepNumbers,
    yesterday: tuple[date, RepNumbers] | None,
    movement: tuple[int, int, int] | None,
) -> Message:
    first_name = person.rep.name.split()[0] if person.rep.name.strip() else person.rep.name
    quota = [line for line in today.lines if line.target]
    sections = [
        Section((_yesterday_line(yesterday),)),
        Section(
            tuple(_pace_line(line) for line in week.lines if line.target) or ("No targets this week yet.",),
            heading=f"This week{_score(week, movement)}",
        ),
        Section((_quota_line(quota),)),
    ]
    step = _next_step(today)
    if step:
        sections.append(Section((step,)))
    text = f"Good morning, {first_name}. {_quota_line(quota)} {step or ''}".strip()
    actions = (*(Action(label, "quick_log", value) for label, value in QUICK_LOGS), Action("Log…", "open_log_form"))
    return Message(
        kind=KIND,
        title=f"Good morning, {first_name}",
        text=text,
        sections=tuple(sections),
        actions=actions,
        note="Change the time or mute these in Tally's Home tab, or with `/tally mute until monday`.",
    )


def _yesterday_line(yesterday: tuple[date, RepNumbers] | None) -> str:
    if yesterday is None:
        return "No working day to look back on yet."
    day, numbers = yesterday
    done = [line.metric.count_label(int(line.actual)) for line in numbers.lines if line.actual]
    return f"{wording.day(day)}: {wording.join_words(done) if done else 'nothing logged'}."


def _pace_line(line: MetricLine) -> str:
    target = wording.target(line.target or Decimal(0))
    text = f"{line.metric.label.capitalize()} — {wording.quantity(line.actual)} of {target}"
    text += f" ({wording.percent(line.attainment)})"
    if line.pace is not None:
        gap = line.pace.ahead_by
        text += " · on pace" if abs(gap) < 0.05 else f" · {wording.target(abs(gap))} {'ahead' if gap > 0 else 'behind'}"
    return text


def _score(week: RepNumbers, movement: tuple[int, int, int] | None) -> str:
    if week.score is None:
        return ""
    text = f": score {week.score.quantize(1)}"
    if movement is not None and week.score > 0:  # a place among zeros means nothing
        place, moved, size = movement
        change = f", up {moved}" if moved > 0 else (f", down {-moved}" if moved < 0 else "")
        text += f" · #{place} of {size}{change}"
    return text


def _quota_line(quota: list[MetricLine]) -> str:
    if not quota:
        return "No daily quota today."
    return (
        "Today: "
        + wording.join_words([line.metric.count_label(int(-(-(line.target or 0) // 1))) for line in quota])
        + "."
    )


def _next_step(today: RepNumbers) -> str | None:
    """Today's cheapest step towards the day's quota (the week's would ask for the whole week at once)."""
    step = today.next_step
    if step is None:
        return None
    spec = next(line.metric for line in today.lines if line.metric.key == step.metric_key)
    what = spec.count_label(step.units)
    if step.reaches_full_score:
        return f"Start with {what}: that alone makes today's score 100."
    return f"Start with {what}: that meets today's {spec.label} quota."
