"""Staff commands in the chat: /announce (compose, preview, confirm, follow, cancel),
/stats and /staff. Every request is authorized here, whatever route it took: commands,
typed text and button payloads ("st:...") alike, and each attempt is audited."""

from __future__ import annotations

import logging

from bot.broadcast import views
from bot.broadcast.chart import ChartLabels, render_chart
from bot.broadcast.compose import (
    AudienceError,
    Draft,
    check_text,
    format_when,
    parse_when,
)
from bot.broadcast.service import Actor, Announcements
from bot.broadcast.stats import collect
from bot.core.feature import Turn
from bot.core.models import Button, Image, Inbound, Reply
from bot.core.payloads import decode
from bot.i18n import gettext as _
from bot.redact import log_id
from bot.staff import compose_views
from bot.staff.payloads import (
    FAMILIES,
    PREFIX,
    AskCancel,
    Cancel,
    ChooseAll,
    ChooseAudience,
    Confirm,
    Discard,
    Edit,
    Progress,
    SendNow,
    Skip,
)
from bot.store.outbox import StaleDraft
from bot.store.reports import Reports
from bot.store.staff import StaffStore

log = logging.getLogger(__name__)

STAFF_COMMANDS = frozenset({"announce", "stats", "staff"})
TYPED_STEPS = ("vi", "en", "audience", "when")
DEFAULT_DAYS = 30
ENV_STAFF_CHANNEL = "telegram"  # TOURBOT_STAFF_IDS are Telegram user ids


def command_of(text: str) -> str:
    """The command of a text, parsed as the dispatcher does: "/Announce@bot 1" → "announce"."""
    return text.strip().split(" ", 1)[0][1:].split("@", 1)[0].lower()


def number(text: str) -> int | None:
    """A small positive number typed or carried by a button (ids, days), else None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


class StaffFeature:
    """The staff side of the conversation: the first feature the dispatcher asks."""

    raw = True  # asked before the message is understood: drafts are text, not questions

    def __init__(
        self,
        service: Announcements,
        store: StaffStore,
        reports: Reports,
        staff_ids: frozenset[str],
    ) -> None:
        self._service = service
        self._store = store
        self._reports = reports
        self._staff_ids = staff_ids

    async def claims(self, turn: Turn) -> bool:
        """Whether this message is for the staff side (decided before authorization, so
        that a visitor's forged staff payload is refused here, not half-handled)."""
        msg = turn.msg
        if msg.payload is not None:
            return msg.payload.startswith(PREFIX)
        text = (msg.text or "").strip()
        if text.startswith("/"):
            return command_of(text) in STAFF_COMMANDS
        if not text or not _private(msg):  # a draft is written in the private chat
            return False
        raw = await self._store.draft(msg.channel, msg.user_id)
        return raw is not None and Draft.from_json(raw).step in TYPED_STEPS

    async def is_staff(self, channel: str, user_id: str) -> bool:
        if channel == ENV_STAFF_CHANNEL and user_id in self._staff_ids:
            return True
        return await self._store.contains(channel, user_id)

    async def handle(self, turn: Turn) -> list[Reply]:
        """Answer a claimed message; the dispatcher has set the locale to ``turn.lang``."""
        msg, lang = turn.msg, turn.lang
        if not _private(msg):
            # Statistics, staff ids and drafts are not for everyone in a group to read.
            text = _(
                "Staff commands work only in a private chat with the bot. Please write to me there."
            )
            return [Reply(text=text, lang=lang, answered=False)]
        what = _describe(msg)
        if not await self.is_staff(msg.channel, msg.user_id):
            log.warning(
                "refused staff action %r from %s user %s", what, msg.channel, log_id(msg.user_id)
            )
            await self._store.audit(msg.channel, msg.user_id, what, allowed=False)
            await self._store.drop_draft(msg.channel, msg.user_id)
            text = _("Sorry, this is only for the tourism office staff.")
            return [Reply(text=text, lang=lang, answered=False)]
        actor = Actor(msg.channel, msg.user_id)
        if msg.payload is not None:
            return await self._payload(actor, msg.payload, lang)
        text = (msg.text or "").strip()
        if text.startswith("/"):
            return await self._command(actor, msg, text, lang)
        return await self._typed(actor, text, lang)

    # -- commands --------------------------------------------------------------------

    async def _command(self, actor: Actor, msg: Inbound, text: str, lang: str) -> list[Reply]:
        command = command_of(text)
        args = text.split()[1:]
        if command == "stats":
            days = (number(args[0]) if args else None) or DEFAULT_DAYS
            return await self._stats(actor, min(days, 365), lang)
        if command == "staff":
            return [await self._staff_help(actor, lang)]
        sub = args[0].lower() if args else ""
        ident = number(args[1]) if len(args) > 1 else None
        if not sub:
            await self._store.audit(actor.channel, actor.user_id, "announce.start", allowed=True)
            draft = Draft()
            await self._save(actor, draft)
            return [self._prompt(draft, lang)]
        if sub == "list":
            await self._store.audit(actor.channel, actor.user_id, "announce.list", allowed=True)
            return [await self._list(lang)]
        if sub == "show" and ident is not None:
            return [await self._progress(actor, ident, lang)]
        if sub == "cancel" and ident is not None:
            return [self._ask_cancel(ident, lang)]
        usage = _(
            "/announce — write an announcement\n/announce list — the latest ones\n"
            "/announce show ID — progress and delivery report\n/announce cancel ID — stop one"
        )
        return [Reply(text=usage, lang=lang)]

    async def _staff_help(self, actor: Actor, lang: str) -> Reply:
        await self._store.audit(actor.channel, actor.user_id, "staff.help", allowed=True)
        members = sorted(
            {f"{ENV_STAFF_CHANNEL}:{i}" for i in self._staff_ids}
            | {f"{m.channel}:{m.user_id}" for m in await self._store.members()}
        )
        text = _(
            "Staff commands:\n/announce — write, preview and send an announcement\n"
            "/announce list · /announce show ID · /announce cancel ID\n"
            "/stats [days] — users, subscribers, deliveries, questions and feedback\n\n"
            "Staff members: {members}\n"
            "Add or remove staff on the server: tourbot staff add|remove ID"
        ).format(members=", ".join(members))
        return Reply(text=text, lang=lang)

    async def _stats(self, actor: Actor, days: int, lang: str) -> list[Reply]:
        await self._store.audit(actor.channel, actor.user_id, "stats", f"{days} days", allowed=True)
        service = self._service
        stats = await collect(self._reports, service.clock(), days, service.timezone)
        labels = ChartLabels(
            questions_title=_("Questions per day"),
            answered=_("answered"),
            unanswered=_("unanswered"),
            deliveries_title=_("Deliveries per announcement"),
            sent=_("sent"),
            failed=_("failed"),
            skipped=_("skipped"),
            no_announcements=_("No announcements yet"),
        )
        caption = _("📊 Statistics of the last {days} days").format(days=days)
        chart = Image(await render_chart(stats, labels), caption)
        return [Reply(text=views.stats_text(stats, service.pack()), lang=lang, image=chart)]

    async def _list(self, lang: str) -> Reply:
        recent = await self._service.recent(10)
        text = views.list_text(recent, self._service.pack(), self._service.timezone)
        buttons = tuple(
            (Button(_("#{id}: progress").format(id=a.id), payload=Progress(a.id).pack()),)
            for a in recent
            if a.status in ("scheduled", "sending")
        )
        return Reply(text=text, lang=lang, buttons=buttons)

    async def _progress(self, actor: Actor, ident: int, lang: str) -> Reply:
        await self._store.audit(
            actor.channel, actor.user_id, "announce.show", f"#{ident}", allowed=True
        )
        progress = await self._service.progress(ident)
        if progress is None:
            return Reply(text=_("There is no announcement #{id}.").format(id=ident), lang=lang)
        text = views.progress_text(progress, self._service.pack(), self._service.timezone)
        row = [Button(_("Refresh"), payload=Progress(ident).pack())]
        if progress.announcement.status in ("scheduled", "sending"):
            row.append(Button(_("Cancel it"), payload=AskCancel(ident).pack()))
        return Reply(text=text, lang=lang, buttons=(tuple(row),))

    def _ask_cancel(self, ident: int, lang: str) -> Reply:
        return Reply(
            text=_("Cancel announcement #{id}? Messages not sent yet will not be sent.").format(
                id=ident
            ),
            lang=lang,
            buttons=(
                (
                    Button(_("Yes, cancel it"), payload=Cancel(ident).pack()),
                    Button(_("No"), payload=Progress(ident).pack()),
                ),
            ),
        )

    # -- buttons ---------------------------------------------------------------------

    async def _payload(self, actor: Actor, raw: str, lang: str) -> list[Reply]:
        payload = decode(raw, FAMILIES)
        if isinstance(payload, Progress):
            return [await self._progress(actor, payload.ident, lang)]
        if isinstance(payload, AskCancel):
            return [self._ask_cancel(payload.ident, lang)]
        if isinstance(payload, Cancel):
            if await self._service.cancel(actor, payload.ident):
                text = _("Announcement #{id} is cancelled.").format(id=payload.ident)
            else:
                text = _("Announcement #{id} is not running or scheduled.").format(id=payload.ident)
            return [Reply(text=text, lang=lang)]
        draft = await self._draft(actor)
        if draft is None:
            return [self._no_draft(lang)]
        if isinstance(payload, Discard):
            await self._store.drop_draft(actor.channel, actor.user_id)
            await self._store.audit(actor.channel, actor.user_id, "announce.discard", allowed=True)
            return [Reply(text=_("The draft is discarded."), lang=lang)]
        if isinstance(payload, Skip) and draft.step in ("vi", "en"):
            return await self._set_text(actor, draft, None, lang)
        if isinstance(payload, ChooseAll | ChooseAudience) and draft.step == "audience":
            spec = "all"
            if isinstance(payload, ChooseAudience):
                scope = {"p": "province", "e": "event", "t": "tag"}.get(payload.scope, "?")
                spec = f"{scope}:{payload.target}"
            return await self._set_audience(actor, draft, spec, lang)
        if isinstance(payload, SendNow) and draft.step == "when":
            return await self._set_when(actor, draft, None, lang)
        if isinstance(payload, Edit) and payload.step in ("vi", "en", "a", "w"):
            draft.step = {"a": "audience", "w": "when"}.get(payload.step, payload.step)
            await self._save(actor, draft)
            return [await self._ask(draft, lang)]
        if isinstance(payload, Confirm):
            return [await self._confirm(actor, draft, payload.rev, lang)]
        return [Reply(text=_("That button is out of date."), lang=lang, answered=False)]

    # -- composing -------------------------------------------------------------------

    async def _draft(self, actor: Actor) -> Draft | None:
        raw = await self._store.draft(actor.channel, actor.user_id)
        return Draft.from_json(raw) if raw is not None else None

    async def _save(self, actor: Actor, draft: Draft) -> None:
        draft.rev += 1
        await self._store.save_draft(actor.channel, actor.user_id, draft.to_json())

    def _no_draft(self, lang: str) -> Reply:
        text = _("There is no announcement being written. Send /announce to start one.")
        return Reply(text=text, lang=lang, answered=False)

    async def _typed(self, actor: Actor, text: str, lang: str) -> list[Reply]:
        draft = await self._draft(actor)
        if draft is None:
            return [self._no_draft(lang)]
        if draft.step in ("vi", "en"):
            return await self._set_text(actor, draft, text, lang)
        if draft.step == "audience":
            return await self._set_audience(actor, draft, text, lang)
        return await self._set_when(actor, draft, text, lang)

    async def _set_text(
        self, actor: Actor, draft: Draft, text: str | None, lang: str
    ) -> list[Reply]:
        if text is not None and (problem := check_text(text)) is not None:
            return [Reply(text=problem, lang=lang, answered=False)]
        if draft.step == "vi":
            draft.vi, draft.vi_done = text, True
        else:
            draft.en, draft.en_done = text, True
        if draft.vi_done and draft.en_done and not (draft.vi or draft.en):
            draft.vi_done = draft.en_done = False
            draft.step = "vi"
            await self._save(actor, draft)
            text = _("An announcement needs a text in at least one language.")
            return [Reply(text=text, lang=lang, answered=False), self._prompt(draft, lang)]
        return await self._advance(actor, draft, lang)

    async def _set_audience(self, actor: Actor, draft: Draft, spec: str, lang: str) -> list[Reply]:
        try:
            audience = self._service.audience(spec)
        except AudienceError as exc:
            text = _("I don't know “{word}”. Choose a button, or type for example: {example}")
            example = "province:lang-son event:hoi-lim tag:festival all"
            return [Reply(text=text.format(word=exc.args[0], example=example), lang=lang)]
        draft.audience = audience.spec
        return await self._advance(actor, draft, lang)

    async def _set_when(
        self, actor: Actor, draft: Draft, text: str | None, lang: str
    ) -> list[Reply]:
        if text is not None and text.strip().lower() not in ("now", "ngay"):
            try:
                draft.due_at = parse_when(text, self._service.timezone, self._service.clock())
            except ValueError as exc:
                if str(exc) == "in the past":
                    problem = _("That time has already passed.")
                else:
                    problem = _("I could not read that date. Write it like {example}.")
                return [Reply(text=problem.format(example="2026-12-01 09:00"), lang=lang)]
        else:
            draft.due_at = None
        draft.when_done = True
        return await self._advance(actor, draft, lang)

    async def _advance(self, actor: Actor, draft: Draft, lang: str) -> list[Reply]:
        draft.step = draft.next_step()
        await self._save(actor, draft)
        if draft.step == "preview":
            return await self._preview(draft, lang)
        return [await self._ask(draft, lang)]

    async def _ask(self, draft: Draft, lang: str) -> Reply:
        """The prompt for the draft's step (events people follow come first as audiences)."""
        events = None
        if draft.step == "audience":
            events = await self._service.outbox.subscribed_topics("event:")
        return self._prompt(draft, lang, events)

    def _prompt(self, draft: Draft, lang: str, events: dict[str, int] | None = None) -> Reply:
        return compose_views.prompt(
            draft, self._service.pack(), self._service.timezone, lang, events or {}
        )

    async def _preview(self, draft: Draft, lang: str) -> list[Reply]:
        assert draft.audience is not None
        audience = self._service.audience(draft.audience)
        counts = await self._service.recipients(audience)
        pack, timezone = self._service.pack(), self._service.timezone
        return compose_views.preview(draft, audience, counts, pack, timezone, lang)

    async def _confirm(self, actor: Actor, draft: Draft, rev: int, lang: str) -> Reply:
        if draft.step != "preview" or rev != draft.rev or draft.audience is None:
            return Reply(text=_("This preview is out of date."), lang=lang, answered=False)
        try:
            audience = self._service.audience(draft.audience)
            created = await self._service.create(
                actor, draft.vi, draft.en, audience, draft.due_at, draft_rev=rev
            )
        except (StaleDraft, AudienceError):
            return Reply(text=_("This preview is out of date."), lang=lang, answered=False)
        if created.status == "scheduled":
            text = _("Announcement #{id} is scheduled for {when}.").format(
                id=created.id, when=format_when(created.due_at, self._service.timezone)
            )
        else:
            text = _("Announcement #{id} is on its way to {n} recipients.").format(
                id=created.id, n=created.total
            )
        buttons = (
            (
                Button(_("Progress"), payload=Progress(created.id).pack()),
                Button(_("Cancel it"), payload=AskCancel(created.id).pack()),
            ),
        )
        return Reply(text=text, lang=lang, buttons=buttons)


def _private(msg: Inbound) -> bool:
    """Whether ``msg`` comes from a private chat: there, every channel's chat id is the
    user id (Telegram, Zalo Bot; Zalo OA and the console know no other chats)."""
    return msg.chat_id == msg.user_id


def _describe(msg: Inbound) -> str:
    """The attempted action for the audit log (never the typed text itself)."""
    if msg.payload is not None:
        return f"button {msg.payload[:64]}"
    text = (msg.text or "").strip()
    if text.startswith("/"):
        return f"command /{command_of(text)}"
    return "draft text"
