"""Who was paged: each escalation step resolved to people, from what the policy pages.

A step member ``{"type": "current_on_call", "id": <calendar id>}`` pages the on-call
person of that calendar (the Terraform provider documents ``id`` as the calendar); without
an id it pages the default calendar's. Each calendar was asked who was on call at the start
(``on_call.get(id, at=start)``: overrides win). ``user`` members are matched with the users
the consulted calendars include; teams and integrations are named, not expanded (the API
lists no team members). The default calendar stands in only when there is no policy, and
the bundle says so (`Responders.fallback`).
"""

from __future__ import annotations

from datetime import datetime

from betterstack_rca.models import (
    EscalationStep,
    Incident,
    OnCallCalendar,
    OnCallUser,
    Policy,
    Severity,
    TimeBranchingStep,
)
from betterstack_rca.rca.bundle import PagedMember, PagedPerson, PagedStep, Responders
from betterstack_rca.rca.zones import in_daily_window, parse_clock, rails_zone

#: Channels that need a phone number.
PHONE_CHANNELS = frozenset({"call", "sms"})


def _channels(flags: object) -> list[str]:
    return [c for c in ("call", "sms", "email", "push") if getattr(flags, c, None)]


def _person(user: OnCallUser, channels: list[str]) -> PagedPerson:
    phones = user.phone_numbers
    reachable: bool | None = None
    if phones is not None and PHONE_CHANNELS & set(channels):
        reachable = bool(phones)
    return PagedPerson(
        name=user.name, email=user.email, phone_numbers=phones, reachable_by_phone=reachable
    )


def _branch_note(step: TimeBranchingStep, start: datetime | None) -> str:
    window = f"{step.time_from}-{step.time_to} {step.timezone or 'UTC'}"
    days = f" ({', '.join(step.days)})" if step.days else ""
    tz = rails_zone(step.timezone or "UTC")
    lo, hi = parse_clock(step.time_from), parse_clock(step.time_to)
    if start is None or tz is None or lo is None or hi is None:
        why = "unknown zone" if tz is None else "no usable times"
        return f"hands over to policy {step.policy_id} within {window}{days} ({why}: not evaluated)"
    inside = in_daily_window(start, lo, hi, tz, step.days) if lo != hi else True
    verdict = "applied at the start" if inside else "did not apply at the start"
    return f"hands over to policy {step.policy_id} within {window}{days}: {verdict}"


def resolve_responders(  # noqa: PLR0917
    incident: Incident,
    policy: Policy | None,
    severities: list[Severity],
    default: OnCallCalendar | None,
    calendars: list[OnCallCalendar],
    until: datetime,
    policy_skip: str | None = None,
) -> Responders:
    """Per step of `policy`, who it paged at the incident's start."""
    consulted = [c for c in [default, *calendars] if c is not None]
    by_id = {c.id: c for c in consulted}
    users = {u.id: u for c in consulted for u in c.users}
    severity = {s.id: s for s in severities}
    start = incident.started_at
    elapsed = (until - start).total_seconds() if start else None
    responders = Responders(on_call=consulted, policy=policy, severities=severities)
    if policy is None:
        if default is not None:
            responders.fallback = (
                "no escalation policy"
                + (f" ({policy_skip})" if policy_skip else "")
                + ": the default calendar's on-call person stands in"
            )
        return responders
    at = 0.0
    for n, step in enumerate(policy.steps, 1):
        wait = getattr(step, "wait_before", None)
        at += wait or 0.0
        kind = str(getattr(step, "type", None) or "unknown")
        paged = PagedStep(
            step=n,
            type=kind,
            wait_before=wait,
            at_seconds=at,
            reached=None if elapsed is None else at <= elapsed,
        )
        if isinstance(step, TimeBranchingStep):
            paged.note = _branch_note(step, start)
        elif isinstance(step, EscalationStep):
            sev = severity.get(step.urgency_id or "")
            paged.severity = sev.name if sev else (step.urgency_id or None)
            paged.channels = _channels(sev if sev is not None else incident)
            paged.members = [
                _member(m.type, m.id, paged.channels, by_id, default, users)
                for m in step.step_members
            ]
        else:
            paged.note = f"a {kind} step (not resolved)"
        responders.paged.append(paged)
    return responders


def _member(  # noqa: PLR0917
    raw_type: object,
    raw_id: str | None,
    channels: list[str],
    by_id: dict[str, OnCallCalendar],
    default: OnCallCalendar | None,
    users: dict[str, OnCallUser],
) -> PagedMember:
    kind = str(raw_type or "unknown")
    member = PagedMember(type=kind, id=raw_id)
    if kind == "current_on_call":
        cal = by_id.get(raw_id) if raw_id else default
        member.calendar_id = raw_id or (default.id if default else "default")
        if cal is None:
            member.note = f"calendar {member.calendar_id} was not collected"
            return member
        member.calendar_name = cal.name or ("default calendar" if cal.default_calendar else cal.id)
        member.people = [_person(u, channels) for u in cal.users]
        if not cal.users:
            member.note = "nobody was on call in this calendar at the start"
    elif kind == "user":
        user = users.get(raw_id or "")
        if user is not None:
            member.people = [_person(user, channels)]
        else:
            member.note = f"user {raw_id} (not on a consulted calendar: details unknown)"
    elif kind in ("entire_team", "team"):
        member.note = "the whole team" if kind == "entire_team" else f"team {raw_id}"
        member.note += " (the API does not list a team's members)"
    else:
        member.note = "an integration, not a person"
    return member
