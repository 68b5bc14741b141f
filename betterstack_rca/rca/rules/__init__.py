"""The finding rules, one module per family (docs/findings.md documents each rule).

- `neighbours`: other failures around the start (heartbeat_stopped, shared_failure,
  partial_regions).
- `changes`: what was changed or planned (config_changed, maintenance_window).
- `source`: what the failing check itself shows (cause_*, latency_rising, recurrence).
- `response`: how people responded (not_acknowledged, escalated).
- `status_page`: what the public was told (status_page_late, status_page_silent).
- `evidence`: helpers every rule uses.

`betterstack_rca.rca.findings` runs them in order (`derive_findings`).
"""
