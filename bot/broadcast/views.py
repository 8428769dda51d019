"""Staff-facing texts: progress, lists and statistics, in the current locale (``_``)."""

from __future__ import annotations

from bot.broadcast.compose import audience_label, format_when
from bot.broadcast.stats import StaffStats
from bot.content.loader import ContentPack
from bot.core.labels import short
from bot.i18n import current_lang
from bot.i18n import gettext as _
from bot.store.feedback import FeedbackReport, UnhelpfulAnswer
from bot.store.handoffs import HandoffCounts
from bot.store.outbox import Announcement, Progress
from bot.store.reports import QuestionGroup

BAR_WIDTH = 20
QUOTED = 80  # characters of a question or a comment quoted in the statistics
COMMENTS = 2  # comments quoted per answer


def status_label(status: str) -> str:
    labels = {
        "scheduled": _("scheduled"),
        "sending": _("sending"),
        "done": _("done"),
        "cancelled": _("cancelled"),
    }
    return labels.get(status, status)


def reason_label(reason: str) -> str:
    """Known reason codes in words; platform error texts stay as the platform wrote them."""
    labels = {
        "blocked": _("blocked the bot"),
        "unsubscribed": _("unsubscribed"),
        "cancelled": _("cancelled"),
        "unknown user": _("unknown user"),
    }
    if reason.startswith("no sender for "):
        return _("channel not available ({channel})").format(
            channel=reason[len("no sender for ") :]
        )
    return labels.get(reason, reason)


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """A text progress bar: "▓▓▓▓▓░░░░░ 50%"."""
    share = done / total if total else 1.0
    filled = round(share * width)
    return "▓" * filled + "░" * (width - filled) + f" {share:.0%}"


def _title(a: Announcement, pack: ContentPack) -> str:
    kind = _("Reminder") if a.kind == "reminder" else _("Announcement")
    return f"{kind} #{a.id} · {audience_label(a.audience, pack, current_lang())}"


def progress_text(progress: Progress, pack: ContentPack, timezone: str) -> str:
    a = progress.announcement
    lines = [_title(a, pack)]
    if a.status == "scheduled":
        lines.append(
            _("Status: scheduled for {when}.").format(when=format_when(a.due_at, timezone))
        )
    else:
        lines.append(_("Status: {status}.").format(status=status_label(a.status)))
    total = progress.rows
    if a.status != "scheduled":
        lines.append(bar(progress.finished, total))
        lines.append(
            _(
                "{done} of {total} done: {sent} sent, {failed} failed, {skipped} skipped;"
                " {waiting} waiting."
            ).format(
                done=progress.finished,
                total=total,
                sent=progress.of("sent"),
                failed=progress.of("failed"),
                skipped=progress.of("skipped"),
                waiting=progress.of("pending") + progress.of("sending"),
            )
        )
    for status, reason, n in progress.reasons[:8]:
        label = _("Failed") if status == "failed" else _("Skipped")
        lines.append(f"• {label}: {reason_label(reason)} — {n}")
    return "\n".join(lines)


def list_text(announcements: list[Announcement], pack: ContentPack, timezone: str) -> str:
    if not announcements:
        return _("No announcements yet. Send /announce to write one.")
    lines = [_("Latest announcements:")]
    for a in announcements:
        when = format_when(a.due_at if a.status == "scheduled" else a.created_at, timezone)
        lines.append(
            f"• {_title(a, pack)} — {status_label(a.status)}, {when}, "
            + _("{n} recipients").format(n=a.total)
        )
    return "\n".join(lines)


def topic_label(topic: str, pack: ContentPack) -> str:
    if topic == "all":
        return _("everything")
    kind, _sep, ident = topic.partition(":")
    name = item_name(ident, pack)
    if kind == "event":
        return _("{name} (event)").format(name=name)
    if kind == "tag":
        return f"#{ident}"
    return name


def _questions(groups: list[QuestionGroup], unanswered: bool) -> list[str]:
    lines = []
    for n, g in enumerate(groups, start=1):
        count = _("{n}×").format(n=g.asked)
        extra = []
        if g.variants > 1:
            extra.append(_("{n} variants").format(n=g.variants))
        if not unanswered and g.unanswered:
            extra.append(_("{n} unanswered").format(n=g.unanswered))
        suffix = f" ({', '.join(extra)})" if extra else ""
        lines.append(f"{n}. {g.label} — {count}{suffix}")
    return lines or [_("(none)")]


def handoffs_line(counts: HandoffCounts) -> str:
    """Conversations handed to staff, and how long visitors waited for a first reply."""
    line = _(
        "Conversations with staff: {total} ({open} waiting, {claimed} with staff, {closed} closed)."
    ).format(total=counts.total, open=counts.open, claimed=counts.claimed, closed=counts.closed)
    if counts.median_first_reply is not None:
        minutes = max(1, round(counts.median_first_reply / 60))
        line += " " + _("Median wait for a first reply: {minutes} min.").format(minutes=minutes)
    return line


def stats_text(stats: StaffStats, pack: ContentPack) -> str:
    u = stats.users
    lines = [
        _("📊 Statistics of the last {days} days").format(days=stats.days),
        _("Users: {total} ({active} active in this period, {blocked} blocked the bot).").format(
            total=u.total, active=u.active, blocked=u.blocked
        ),
        _("Subscribers: {n}.").format(n=u.subscribers),
    ]
    if stats.topics:
        topics = " · ".join(f"{topic_label(t, pack)} {n}" for t, n in stats.topics[:15])
        lines.append(_("Subscriptions: {topics}").format(topics=topics))
    lines += ["", _("Deliveries:")]
    for d in stats.deliveries:
        kind = _("Reminder") if d.kind == "reminder" else _("Announcement")
        reasons = ", ".join(f"{reason_label(r)} {n}" for _s, r, n in d.reasons[:4])
        line = _("{kind} #{id} ({status}): {sent} sent, {failed} failed, {skipped} skipped").format(
            kind=kind,
            id=d.id,
            status=status_label(d.status),
            sent=d.sent,
            failed=d.failed,
            skipped=d.skipped,
        )
        if d.open:
            line += ", " + _("{n} waiting").format(n=d.open)
        lines.append(f"• {line}" + (f" — {reasons}" if reasons else ""))
    if not stats.deliveries:
        lines.append(_("(none)"))
    if stats.handoffs is not None and stats.handoffs.total:
        lines += ["", handoffs_line(stats.handoffs)]
    lines += ["", _("Top questions:"), *_questions(stats.top_questions, False)]
    lines += [
        "",
        _("Top unanswered questions (content to add):"),
        *_questions(stats.top_unanswered, True),
        "",
        *feedback_lines(stats.feedback, pack),
    ]
    return "\n".join(lines)


def item_name(item_id: str, pack: ContentPack) -> str:
    item = pack.items.get(item_id)
    return item.name.get(current_lang()) if item is not None else item_id


def feedback_lines(report: FeedbackReport, pack: ContentPack) -> list[str]:
    """The votes on answers: totals, the rate per item and the worst-rated answers."""
    if not report.votes:
        text = _("Feedback on answers: none yet ({shown} answers asked for it).")
        return [text.format(shown=report.shown)]
    rate = f"{report.helpful / report.votes:.0%}"
    lines = [
        _(
            "Feedback on answers: 👍 {helpful} · 👎 {unhelpful} ({rate} helpful);"
            " {votes} of {shown} answers rated."
        ).format(
            helpful=report.helpful,
            unhelpful=report.unhelpful,
            rate=rate,
            votes=report.votes,
            shown=report.shown,
        ),
        _("Helpfulness per item:"),
    ]
    for n, item in enumerate(report.items, start=1):
        line = _("{name} — {rate} helpful ({helpful} of {votes})").format(
            name=item_name(item.item_id, pack),
            rate=f"{item.rate:.0%}",
            helpful=item.helpful,
            votes=item.votes,
        )
        lines.append(f"{n}. {line}")
    lines.append(_("Worst-rated answers:"))
    lines += [f"{n}. {unhelpful_line(a, pack)}" for n, a in enumerate(report.worst, start=1)]
    if not report.worst:
        lines.append(_("(none)"))
    return lines


def unhelpful_line(answer: UnhelpfulAnswer, pack: ContentPack) -> str:
    """“question” → item — 👎 n, 👍 m: “comment”; “comment”."""
    line = _("“{question}” → {name} — 👎 {unhelpful}, 👍 {helpful}").format(
        question=short(answer.question, QUOTED),
        name=item_name(answer.item_id, pack),
        unhelpful=answer.unhelpful,
        helpful=answer.helpful,
    )
    comments = "; ".join(f"“{short(c, QUOTED)}”" for c in answer.comments[:COMMENTS])
    return f"{line}: {comments}" if comments else line
