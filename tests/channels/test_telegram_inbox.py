"""Telegram updates are stored when received and deleted once handled; what a crash
left is queued again at the next start (the whole path: tests/handoff/test_e2e_run.py)."""

from __future__ import annotations

from telegram import Bot, Update

from bot.channels.telegram_inbox import DurableQueue
from bot.store.db import Db
from bot.store.inbox import TelegramInbox
from tests.fakes.telegram_api import TOKEN, FakeTelegram


def update(fake: FakeTelegram, text: str) -> Update:
    found = Update.de_json(fake.message_update(7, text), Bot(TOKEN))
    assert found is not None
    return found


async def test_stored_until_handled_and_replayed_after_a_crash(conn: Db) -> None:
    fake = FakeTelegram()  # only builds updates here: no server
    inbox = TelegramInbox(conn)
    queue = DurableQueue(inbox)
    first, second = update(fake, "một"), update(fake, "hai")
    await queue.put(first)
    await queue.put(second)
    assert len(await inbox.waiting()) == 2
    queue.handled(first)
    await queue.close()  # the first was handled; the process dies before the second
    assert [b for b in await inbox.waiting() if '"hai"' in b] == await inbox.waiting()

    after = DurableQueue(inbox)  # the next start
    assert await after.replay(Bot(TOKEN)) == 1
    again = await after.get()
    assert isinstance(again, Update) and again.update_id == second.update_id
    assert again.effective_message is not None and again.effective_message.text == "hai"
    after.handled(again)
    await after.close()
    assert await inbox.waiting() == []
