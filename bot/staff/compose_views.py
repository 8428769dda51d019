"""The replies of the /announce conversation: one prompt per step, and the preview."""

from __future__ import annotations

from bot.broadcast.compose import Audience, Draft, audience_label, format_when, render
from bot.content.loader import ContentPack
from bot.content.schema import Event, Province
from bot.core.models import Button, Reply
from bot.i18n import gettext as _
from bot.staff.payloads import (
    ChooseAll,
    ChooseAudience,
    Confirm,
    Discard,
    Edit,
    SendNow,
    Skip,
)

EXAMPLE_WHEN = "2026-12-01 09:00"
MAX_EVENT_BUTTONS = 8
LABEL_CHARS = 60


def prompt(
    draft: Draft, pack: ContentPack, timezone: str, lang: str, events: dict[str, int]
) -> Reply:
    """What to send next; ``events`` maps "event:<id>" to its subscribers (audience step)."""
    discard = Button(_("Discard"), payload=Discard().pack())
    if draft.step in ("vi", "en"):
        if draft.step == "vi":
            text = _(
                "New announcement. Send the text in Vietnamese, or press Skip: Vietnamese"
                " readers will then get the English text."
            )
        else:
            text = _(
                "Now send the text in English, or press Skip: English readers will then"
                " get the Vietnamese text."
            )
        return Reply(
            text=text, lang=lang, buttons=((Button(_("Skip"), payload=Skip().pack()), discard),)
        )
    if draft.step == "audience":
        return _audience(pack, lang, events, discard)
    text = _("Send it now, or type a date and time to schedule it, like {example} ({tz}).")
    return Reply(
        text=text.format(example=EXAMPLE_WHEN, tz=timezone),
        lang=lang,
        buttons=((Button(_("Send now"), payload=SendNow().pack()), discard),),
    )


def _audience(pack: ContentPack, lang: str, events: dict[str, int], discard: Button) -> Reply:
    choices = [Button(_("All subscribers"), payload=ChooseAll().pack())]
    choices += [
        Button(p.name.get(lang), payload=ChooseAudience("p", p.id).pack())
        for p in pack.items.values()
        if isinstance(p, Province) and not p.merged_into
    ]
    # Events people pressed "Remind me" on, most followed first.
    followed = sorted(events.items(), key=lambda pair: (-pair[1], pair[0]))
    for topic, n in followed[:MAX_EVENT_BUTTONS]:
        event = pack.items.get(topic.partition(":")[2])
        if isinstance(event, Event):
            label = _("{name} (event)").format(name=event.name.get(lang))
            choices.append(
                Button(f"{label[:LABEL_CHARS]} · {n}", payload=ChooseAudience("e", event.id).pack())
            )
    rows = [tuple(choices[i : i + 2]) for i in range(0, len(choices), 2)]
    text = _(
        "Who should receive it? Choose below, or type one or more of: all,"
        " province:ID, event:ID, tag:TAG (for example: {example})."
    ).format(example="province:lang-son event:hoi-lim")
    return Reply(text=text, lang=lang, buttons=(*rows, (discard,)))


def preview(
    draft: Draft,
    audience: Audience,
    counts: dict[str, int],
    pack: ContentPack,
    timezone: str,
    lang: str,
) -> list[Reply]:
    """A summary with warnings, the message exactly as each language's readers get it,
    and the confirm button (carrying the draft revision that was previewed)."""
    total = sum(counts.values())
    lines = [
        _("Preview of your announcement."),
        _("Audience: {audience}.").format(audience=audience_label(audience.spec, pack, lang)),
        _("Recipients now: {n} ({vi} read Vietnamese, {en} English).").format(
            n=total, vi=counts.get("vi", 0), en=counts.get("en", 0)
        ),
    ]
    if draft.due_at is None:
        lines.append(_("Sending: right after you confirm."))
    else:
        when = format_when(draft.due_at, timezone)
        lines.append(_("Sending: {when} ({tz}).").format(when=when, tz=timezone))
    if not draft.vi:
        lines.append(_("⚠ No Vietnamese text: Vietnamese readers will get the English text."))
    if not draft.en:
        lines.append(_("⚠ No English text: English readers will get the Vietnamese text."))
    if total == 0:
        lines.append(_("⚠ Nobody has subscribed to this audience yet."))
    lines.append(_("The next two messages are exactly what recipients will see."))
    confirm = _("✅ Schedule") if draft.due_at is not None else _("✅ Send")
    buttons = (
        (
            Button(confirm, payload=Confirm(draft.rev).pack()),
            Button(_("Discard"), payload=Discard().pack()),
        ),
        (
            Button(_("Edit Vietnamese"), payload=Edit("vi").pack()),
            Button(_("Edit English"), payload=Edit("en").pack()),
        ),
        (
            Button(_("Audience"), payload=Edit("a").pack()),
            Button(_("Time"), payload=Edit("w").pack()),
        ),
    )
    return [
        Reply(text="\n".join(lines), lang=lang),
        Reply(text=render("announcement", draft.vi, draft.en, "vi"), lang="vi"),
        Reply(text=render("announcement", draft.vi, draft.en, "en"), lang="en"),
        Reply(text=_("Send it?"), lang=lang, buttons=buttons),
    ]
