"""Scripted incident scenarios planted in every generated sandbox account.

Each scenario is one incident with a known root cause and the evidence a good root-cause
analysis must find, written down in one module of this package (``database_backup.py``
for scenario a, ...): its ``SPEC`` (title, rules, when it starts), the monitors it
recasts, the incidents and status reports it plants and the facts a test can check.
``playbook.PLAYS`` lists them in letter order; ``stage`` says when each step runs.

``SCENARIOS`` holds the static descriptions; ``Account.scenarios`` holds the concrete
``Scenario`` objects (ids, timings, facts) of one generated account. Rule names are the
correlator's vocabulary:

shared_failure, heartbeat_stopped, recurrence, partial_regions, cause_timeout, cause_dns,
cause_tls, cause_connection, cause_http_5xx, cause_http_4xx, cause_keyword,
cause_heartbeat_missed, latency_rising, maintenance_window, maintenance_overran,
config_changed, not_acknowledged, escalated, responder_unreachable, past_incidents,
status_page_late, status_page_silent.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from betterstack_rca.sandbox.scenarios.playbook import PLAYS
from betterstack_rca.sandbox.scenarios.spec import RULES, Scenario, ScenarioSpec

SCENARIOS: Mapping[str, ScenarioSpec] = MappingProxyType({p.spec.key: p.spec for p in PLAYS})
"""Static scenario descriptions by key, in letter order (a..p)."""

HEADLINE_SCENARIO = "database_backup"
"""Key of the headline scenario (a): the one the demo shows first."""

__all__ = ["HEADLINE_SCENARIO", "RULES", "SCENARIOS", "Scenario", "ScenarioSpec"]
