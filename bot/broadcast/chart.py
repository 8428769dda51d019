"""The staff chart as a PNG: questions per day (answered vs unanswered) and deliveries per
announcement (sent, failed, skipped). Drawn with matplotlib's Agg canvas in a worker
thread, so neither the import nor the drawing blocks the event loop."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass

from bot.broadcast.stats import StaffStats


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """Every word on the chart, already translated by the caller."""

    questions_title: str
    answered: str
    unanswered: str
    deliveries_title: str
    sent: str
    failed: str
    skipped: str
    no_announcements: str


async def render_chart(stats: StaffStats, labels: ChartLabels) -> bytes:
    return await asyncio.to_thread(_draw, stats, labels)


def _draw(stats: StaffStats, labels: ChartLabels) -> bytes:
    # Imported here: matplotlib takes about a second to import, and only /stats needs it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 7), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1)

    days = [d.strftime("%d/%m") for d, _a, _u in stats.per_day]
    answered = [a for _d, a, _u in stats.per_day]
    unanswered = [u for _d, _a, u in stats.per_day]
    x = list(range(len(days)))
    top.bar(x, answered, color="#2e7d32", label=labels.answered)
    top.bar(x, unanswered, bottom=answered, color="#c62828", label=labels.unanswered)
    step = max(1, len(days) // 10)
    top.set_xticks(x[::step], days[::step])
    top.set_title(labels.questions_title)
    top.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    top.yaxis.get_major_locator().set_params(integer=True)

    rows = list(reversed(stats.deliveries))  # oldest first, like the days above
    if rows:
        names = [f"#{r.id}" for r in rows]
        sent = [r.sent for r in rows]
        failed = [r.failed for r in rows]
        skipped = [r.skipped for r in rows]
        xs = list(range(len(rows)))
        bottom.bar(xs, sent, color="#2e7d32", label=labels.sent)
        bottom.bar(xs, failed, bottom=sent, color="#c62828", label=labels.failed)
        stacked = [s + f for s, f in zip(sent, failed, strict=True)]
        bottom.bar(xs, skipped, bottom=stacked, color="#9e9e9e", label=labels.skipped)
        bottom.set_xticks(xs, names)
        bottom.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        bottom.yaxis.get_major_locator().set_params(integer=True)
    else:
        bottom.text(0.5, 0.5, labels.no_announcements, ha="center", va="center")
        bottom.set_axis_off()
    bottom.set_title(labels.deliveries_title)

    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
