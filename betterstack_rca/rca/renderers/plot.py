"""`IncidentBundle.plot()`: the incident on one chart, for notebooks (matplotlib optional).

The response times of each region around the start (where the API still has them, 24 h),
the monitor's request timeout as a labelled ceiling, and vertical marks at the start, the
acknowledgement, the resolution and the start of every related failure. Without response
times the chart shows the marks on a time axis alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from betterstack_rca.rca.bundle import IncidentBundle


def pyplot() -> Any:
    """matplotlib's pyplot, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise ImportError(
            "plot() needs matplotlib: pip install 'betterstack-rca[notebook]' "
            "(or pip install matplotlib)"
        ) from None
    return plt


def timeout_ceiling(bundle: IncidentBundle) -> float | None:
    """The monitor's request timeout in seconds (None: unknown)."""
    mon = bundle.monitor
    if mon is None or not mon.request_timeout:
        return None
    timeout = float(mon.request_timeout)
    # server and ping monitors give it in milliseconds (Terraform docs)
    return timeout / 1000.0 if timeout > 300 else timeout


def plot_bundle(bundle: IncidentBundle, *, log: bool = False, ax: Any = None) -> Any:
    """Draw the bundle (see the module docstring); returns the matplotlib ``Figure``."""
    plt = pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 4))
    else:
        fig = ax.figure
    inc = bundle.incident
    lo, hi = bundle.window.start, bundle.window.end
    drawn = False
    for region in bundle.response_times.regions if bundle.response_times else []:
        points = [
            (s.at, s.response_time)
            for s in region.response_times
            if s.at is not None and s.response_time is not None and lo <= s.at <= hi
        ]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], label=region.region or "?")
            drawn = True
    ceiling = timeout_ceiling(bundle)
    if drawn and ceiling is not None:
        ax.axhline(ceiling, color="grey", linestyle=":", linewidth=1)
        ax.annotate(
            f"timeout ceiling {ceiling:g} s",
            xy=(lo, ceiling),
            xytext=(2, 2),
            textcoords="offset points",
            fontsize=8,
            color="grey",
        )
    if drawn:
        ax.set_ylabel("response time (s)")
        if log:
            ax.set_yscale("log")
    else:
        ax.set_yticks([])
    marks = [
        (inc.started_at, "started", "tab:red", "-"),
        (inc.acknowledged_at, "acknowledged", "tab:blue", "--"),
        (inc.resolved_at, "resolved", "tab:green", "-"),
    ]
    for at, label, colour, style in marks:
        if at is not None:
            ax.axvline(at, color=colour, linestyle=style, linewidth=1.5, label=label)
    related = [i.started_at for i in bundle.related_incidents if i.started_at is not None]
    for n, at in enumerate(related):
        ax.axvline(
            at,
            color="tab:orange",
            linestyle=":",
            linewidth=1,
            label="related failure" if n == 0 else None,
        )
    ax.set_xlim(lo, hi)
    ax.set_title(f"Incident {inc.id}: {inc.name or ''}"[:90])
    ax.legend(loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    return fig
