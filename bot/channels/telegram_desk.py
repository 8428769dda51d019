"""The staff chat on Telegram, as the handoff relay uses it (``bot.handoff.relay.StaffDesk``).

A supergroup with forum topics gets one topic per visitor conversation; a chat without
topics (or where the bot may not manage them) gets plain messages, and staff answer by
replying to them. Errors become ``Outcome``s: the relay decides about retries.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.request import HTTPXRequest

from bot.channels.plain import split_text, utf16_len
from bot.channels.telegram_outbox import outcome_of
from bot.config import Settings
from bot.core.outbound import Outcome

log = logging.getLogger(__name__)

MAX_TEXT = 4096  # UTF-16 code units per message


class TelegramDesk:
    """Posts to the staff chat ``TOURBOT_STAFF_CHAT_ID`` through its own PTB ``Bot``."""

    def __init__(self, settings: Settings, timeout: float = 10.0) -> None:
        if settings.telegram_token is None or settings.staff_chat_id is None:
            raise ValueError("TELEGRAM_BOT_TOKEN and TOURBOT_STAFF_CHAT_ID are needed")
        logging.getLogger("httpx").setLevel(logging.WARNING)  # URLs contain the token
        request = HTTPXRequest(read_timeout=timeout, write_timeout=timeout, connect_timeout=timeout)
        self._bot = Bot(
            settings.telegram_token.get_secret_value(),
            base_url=settings.telegram_base_url,
            request=request,
        )
        self._chat = settings.staff_chat_id
        self._topics = True  # until the chat says it has none
        self._started = False

    async def _start(self) -> None:
        if not self._started:
            await self._bot.initialize()
            self._started = True

    async def open_topic(self, title: str) -> int | None:
        if not self._topics:
            return None
        try:
            await self._start()
            topic = await self._bot.create_forum_topic(self._chat, title)
        except (BadRequest, Forbidden) as exc:
            # "the chat is not a forum", or the bot may not manage topics: plain messages.
            log.warning("staff chat: no forum topic (%s); using replies instead", exc.message)
            self._topics = False
            return None
        except TelegramError as exc:  # a time-out: the card goes without, staff still see it
            log.warning("staff chat: creating a topic failed: %s", exc.message)
            return None
        return topic.message_thread_id

    async def post(
        self,
        text: str,
        thread_id: int | None,
        reply_to: int | None,
        buttons: Sequence[tuple[str, str]] = (),
    ) -> tuple[Outcome, int | None]:
        markup = None
        if buttons:
            row = [InlineKeyboardButton(label, callback_data=data) for label, data in buttons]
            markup = InlineKeyboardMarkup([row])
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        first: int | None = None
        pieces = split_text(text, MAX_TEXT, units=utf16_len)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            try:
                await self._start()
                sent = await self._bot.send_message(
                    self._chat,
                    piece,
                    message_thread_id=thread_id,
                    reply_parameters=reply if index == 0 else None,
                    reply_markup=markup if last else None,
                )
            except Exception as exc:  # every platform error becomes an outcome
                return outcome_of(exc, str(self._chat)), first
            first = first or sent.message_id
        return Outcome.sent(), first

    async def close(self) -> None:
        if self._started:
            await self._bot.shutdown()
            self._started = False
