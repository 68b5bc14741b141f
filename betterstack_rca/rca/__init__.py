"""The correlator: collect one incident's neighbourhood into an `IncidentBundle`."""

from betterstack_rca.rca.bundle import (
    SCHEMA_VERSION,
    Event,
    Finding,
    Gap,
    IncidentBundle,
    Metrics,
    Ref,
    Stats,
)
from betterstack_rca.rca.collector import collect
from betterstack_rca.rca.options import SOURCES, BundleOptions, parse_duration

__all__ = [
    "SCHEMA_VERSION",
    "SOURCES",
    "BundleOptions",
    "Event",
    "Finding",
    "Gap",
    "IncidentBundle",
    "Metrics",
    "Ref",
    "Stats",
    "collect",
    "parse_duration",
]
