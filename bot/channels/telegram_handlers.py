"""The Telegram channel's PTB callbacks: each converts an update into an ``Inbound``, asks
the core, and sends the replies; plus the bot's profile (commands and descriptions)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import partial
from typing import Any

from telegram import BotCommand, CallbackQuery, Message, Update, User
from telegram.ext import Application, ContextTypes, ExtBot

from bot.channels.telegram_render import command_text, inline_results
from bot.channels.telegram_send import RecipientGone, ReplySender
from bot.core.models import Inbound, Location, Reply
from bot.core.ports import Conversation
from bot.i18n import N_, gettext_in, normalize_lang, use_lang
from bot.i18n import gettext as _

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]
Context = ContextTypes.DEFAULT_TYPE

CHANNEL = "telegram"
INLINE_LIMIT = 10
INLINE_CACHE_SECONDS = 30
TOAST_CHARS = 200  # Telegram's limit for a callback answer's text
PROFILE_LANGS = ("vi", "en")

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Start and see what I can do")),
    ("events", N_("Festivals and events coming up")),
    ("tours", N_("Suggested tours")),
    ("places", N_("Places to visit")),
    ("language", N_("Switch language: Tiếng Việt / English")),
    ("subscribe", N_("Get news of upcoming festivals")),
    ("unsubscribe", N_("Stop the news")),
    ("forget", N_("Delete what the bot knows about you")),
    ("help", N_("How to use this bot")),
)
DESCRIPTION = N_(
    "Festivals, tours and places of Bắc Giang – Bắc Ninh and partner provinces. "
    "Ask in Vietnamese or English, press the buttons, or share your location to find "
    "places nearby."
)
SHORT_DESCRIPTION = N_("Festivals, tours and places of Bắc Giang – Bắc Ninh and its neighbours.")


class TelegramChannel:
    """The PTB callbacks: each converts an update, asks the core and sends the replies."""

    def __init__(self, conversation: Conversation, sender: ReplySender, default_lang: str) -> None:
        self._conversation = conversation
        self._sender = sender
        self._default_lang = default_lang

    def _lang(self, user: User | None, replies: list[Reply] | None = None) -> str:
        # The core knows the language the user chose; the client language is a fallback.
        if replies:
            return replies[0].lang
        return (user and normalize_lang(user.language_code)) or self._default_lang

    async def _converse(
        self,
        update: Update,
        context: Context,
        *,
        text: str | None = None,
        location: Location | None = None,
    ) -> None:
        user, chat, message = update.effective_user, update.effective_chat, update.message
        if user is None or chat is None:
            return
        thread, reply_to = _place(message)
        inbound = _inbound(
            user, chat.id, text=text, location=location, thread_id=thread, reply_to=reply_to
        )
        replies = await self._conversation.handle(inbound)
        await self._sender.send_replies(context.bot, chat.id, str(user.id), replies, thread)

    async def on_text(self, update: Update, context: Context) -> None:
        """Text and every /command: the core parses commands from the text."""
        await self._read(update, context, update.message.text if update.message else None)

    async def on_caption(self, update: Update, context: Context) -> None:
        """A photo (or other media) with a caption: the caption is read as text."""
        await self._read(update, context, update.message.caption if update.message else None)

    async def _read(self, update: Update, context: Context, raw: str | None) -> None:
        text = command_text(raw, context.bot.username) if raw is not None else None
        if text is not None:
            await self._converse(update, context, text=text)

    async def on_unreadable(self, update: Update, context: Context) -> None:
        """A sticker, a picture, a voice note, a contact...: say what the bot can read.
        Only in private chats: in a group, every member's sticker would get a reply."""
        message, user = update.message, update.effective_user
        if message is None or user is None or message.chat.type != "private":
            return
        with use_lang(self._lang(user)):
            text = _(
                "Sorry, I can only read text and locations. Please type your question, "
                "or share your location to see places nearby."
            )
        await self._sender.call(
            "sendMessage",
            partial(context.bot.send_message, message.chat.id, text),
            chat_id=message.chat.id,
            user_id=str(user.id),
        )

    async def on_location(self, update: Update, context: Context) -> None:
        """A shared location (the core answers with places nearby)."""
        message = update.message
        if message is None or message.location is None:
            return
        point = Location(lat=message.location.latitude, lon=message.location.longitude)
        await self._converse(update, context, location=point)

    async def on_callback(self, update: Update, context: Context) -> None:
        """A button press; always answered, so the client stops its spinner."""
        query = update.callback_query
        if query is None:
            return
        user = query.from_user
        if not query.data:  # a game button or an odd client: nothing the core can use
            with use_lang(self._lang(user)):
                await self._answer(query, _("This button is not supported."))
            return
        # A button under an inline message comes without a chat: answer the user privately.
        chat_id = update.effective_chat.id if update.effective_chat else user.id
        message = query.message if isinstance(query.message, Message) else None
        thread, _reply_to = _place(message)
        inbound = _inbound(user, chat_id, payload=query.data, thread_id=thread)
        try:
            replies = await self._conversation.handle(inbound)
        except Exception:
            await self._answer(query, None)  # the error handler apologises in the chat
            raise
        toasts = [r for r in replies if r.toast]
        replies = [r for r in replies if not r.toast]
        if toasts:
            await self._answer(query, toasts[0].text[:TOAST_CHARS])
        elif replies:
            await self._answer(query, None)
        else:
            with use_lang(self._lang(user)):
                await self._answer(query, _("Got it."))
        await self._sender.send_replies(context.bot, chat_id, str(user.id), replies, thread)

    async def _answer(self, query: CallbackQuery, text: str | None) -> None:
        await self._sender.call("answerCallbackQuery", partial(query.answer, text=text))

    async def on_inline(self, update: Update, context: Context) -> None:
        """Inline mode (``@bot festival`` in any chat): shareable cards from the core."""
        query = update.inline_query
        if query is None:
            return
        lang = normalize_lang(query.from_user.language_code)
        cards = await self._conversation.cards(query.query, lang, INLINE_LIMIT)
        results = inline_results(cards)
        await self._sender.call(
            "answerInlineQuery",
            partial(query.answer, results, cache_time=INLINE_CACHE_SECONDS, is_personal=True),
        )

    async def on_error(self, update: object, context: Context) -> None:
        """Log a failed update and apologise to its user in their language."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram: update %s failed", update_id, exc_info=context.error)
        if not isinstance(update, Update) or update.inline_query is not None:
            return
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        with use_lang(self._lang(user)):
            text = _("Sorry, something went wrong. Please try again.")
        with contextlib.suppress(RecipientGone):  # already recorded as blocked
            await self._sender.call(
                "sendMessage",
                partial(context.bot.send_message, chat.id, text),
                chat_id=chat.id,
                user_id=str(user.id),
            )

    async def set_up_profile(self, app: TelegramApp) -> None:
        """Commands and descriptions per language (``post_init``); the entry without a
        language code serves every other client language, in the default language."""
        bot: ExtBot[Any] = app.bot
        calls = []
        for code in (None, *PROFILE_LANGS):
            lang = code or self._default_lang
            commands = [BotCommand(name, gettext_in(lang, text)) for name, text in COMMANDS]
            calls += [
                self._sender.call(
                    "setMyCommands", partial(bot.set_my_commands, commands, language_code=code)
                ),
                self._sender.call(
                    "setMyDescription",
                    partial(
                        bot.set_my_description,
                        description=gettext_in(lang, DESCRIPTION),
                        language_code=code,
                    ),
                ),
                self._sender.call(
                    "setMyShortDescription",
                    partial(
                        bot.set_my_short_description,
                        short_description=gettext_in(lang, SHORT_DESCRIPTION),
                        language_code=code,
                    ),
                ),
            ]
        await asyncio.gather(*calls)


def _place(message: Message | None) -> tuple[str | None, str | None]:
    """(forum topic, the message replied to) of a message, as strings; Nones elsewhere."""
    if message is None:
        return None, None
    thread = str(message.message_thread_id) if message.is_topic_message else None
    replied = message.reply_to_message
    return thread, str(replied.message_id) if replied is not None else None


def _inbound(
    user: User,
    chat_id: int,
    *,
    text: str | None = None,
    payload: str | None = None,
    location: Location | None = None,
    thread_id: str | None = None,
    reply_to: str | None = None,
) -> Inbound:
    return Inbound(
        channel=CHANNEL,
        user_id=str(user.id),
        chat_id=str(chat_id),
        text=text,
        payload=payload,
        location=location,
        language_hint=normalize_lang(user.language_code),
        display_name=user.first_name,
        thread_id=thread_id,
        reply_to=reply_to,
    )
