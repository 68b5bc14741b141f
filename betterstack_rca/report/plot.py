"""`Report.plot()`: the report's swimlanes for notebooks (matplotlib optional): a bar per
incident from its start to its resolution, one lane per monitor, a mark at each
acknowledgement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from betterstack_rca.rca.renderers.plot import pyplot
from betterstack_rca.report.html import lanes

if TYPE_CHECKING:
    from betterstack_rca.report import Report


def plot_report(report: Report, *, ax: Any = None) -> Any:
    """Draw the swimlanes; returns the matplotlib ``Figure``."""
    plt = pyplot()
    rows = lanes(report)
    if ax is None:
        fig, ax = plt.subplots(figsize=(11, 1 + 0.35 * max(1, len(rows))))
    else:
        fig = ax.figure
    for n, (_key, incidents) in enumerate(rows):
        for r in incidents:
            assert r.started_at is not None
            end = r.resolved_at or report.until
            colour = "tab:red" if r.resolved_at else "tab:orange"
            ax.plot([r.started_at, end], [n, n], color=colour, linewidth=6, solid_capstyle="butt")
            if r.acknowledged_at is not None:
                ax.plot([r.acknowledged_at], [n], marker="|", color="tab:blue", markersize=12)
    ax.set_yticks(range(len(rows)), [incidents[0].source[:40] for _k, incidents in rows])
    ax.invert_yaxis()
    ax.set_xlim(report.since, report.until)
    ax.set_title(f"Incidents per monitor, {report.since:%Y-%m-%d} to {report.until:%Y-%m-%d}")
    fig.autofmt_xdate()
    return fig
