"""On-call calendars: who is alerted when (``CalendarRec.on_call_at``)."""

from __future__ import annotations

from betterstack_rca.sandbox.model.records import CalendarRec
from betterstack_rca.sandbox.model.timestamps import DAY, HOUR
from betterstack_rca.sandbox.scenarios import wrong_responder


def generate_calendars(ref: int) -> tuple[CalendarRec, ...]:
    """The default calendar, "Database" and "Tier 2".

    The default one has a daily rotation and one override 6 days before ``ref``; "Database"
    has a weekly rotation; "Tier 2" has none (its /rotation answers 404 with an empty body).
    """
    rot_start = (ref - 400 * DAY) // DAY * DAY + 7 * HOUR
    six = ref - 6 * DAY
    shift = (six - rot_start) // DAY
    ov_start = rot_start + shift * DAY
    # the wrong_responder scenario: someone without a phone number covers "Database"
    h = ref - wrong_responder.SPEC.starts_before_reference
    db_override = (
        990201,
        h - wrong_responder.OVERRIDE_BEFORE,
        h + wrong_responder.OVERRIDE_AFTER,
        (wrong_responder.UNREACHABLE,),
    )
    return (
        CalendarRec(
            33001,
            None,
            True,
            (0, 1, 2, 3),
            DAY,
            1,
            "day",
            rot_start,
            rot_start + 1200 * DAY,
            ((990001, ov_start, ov_start + DAY, (4,)),),
        ),
        CalendarRec(
            33002,
            "Database",
            False,
            (4, 5),
            7 * DAY,
            1,
            "week",
            rot_start,
            rot_start + 1200 * DAY,
            (db_override,),
        ),
        CalendarRec(
            33003,
            "Tier 2",
            False,
            (),
            0,
            0,
            "",
            0,
            0,
            ((990101, ref - 60 * DAY, ref + 60 * DAY, (5,)),),
        ),
    )
