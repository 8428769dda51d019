"""An update Zalo was told we received (200) is handled even if the bot stops first: it
waits in the inbox (``zalo_seen.body``) and the channel handles it at its next start."""

from __future__ import annotations

import asyncio
import dataclasses

from bot.config import Settings
from bot.core.models import Inbound, Reply
from bot.store.db import Db
from bot.store.zalo import SeenMessages
from tests.broadcast.helpers import until
from tests.channels.conftest import ScriptedConversation
from tests.channels.test_zalo_bot import FAST as BOT_FAST
from tests.channels.test_zalo_bot import running_bot
from tests.channels.test_zalo_oa import FAST, running_oa
from tests.fakes.zalo_bot_api import FakeZaloBot
from tests.fakes.zalo_oa_api import FakeZaloOa


class Stuck(ScriptedConversation):
    """A core that never answers (hung, or killed with the message in flight)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = asyncio.Event()

    async def _answer(self, msg: Inbound) -> list[Reply]:
        self.asked.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def all_handled(conn: Db) -> bool:
    """Whether every accepted update has been handled."""
    return await SeenMessages(conn).unhandled("zalo-oa") == []


async def test_an_update_cut_off_by_a_stop_is_handled_at_the_next_start(
    conn: Db, settings: Settings
) -> None:
    quick = dataclasses.replace(FAST, drain_timeout=0.1)  # the stop cancels the stuck job
    async with FakeZaloOa() as fake:
        stuck = Stuck()
        async with running_oa(fake, stuck, conn, settings, quick) as hook:
            answer = await hook.post(fake.text_event("v1", "Hội Lim ở đâu?"))
            assert answer.status_code == 200
            await stuck.asked.wait()
        assert fake.texts("v1") == []
        assert [key for key, _body in await SeenMessages(conn).unhandled("zalo-oa")]

        conversation = ScriptedConversation()
        async with running_oa(fake, conversation, conn, settings, FAST):
            await until(lambda: fake.texts("v1") == ["echo: Hội Lim ở đâu?"])
            await until(lambda: all_handled(conn), within=5)
        assert [m.text for m in conversation.inbound] == ["Hội Lim ở đâu?"]


async def test_handled_updates_keep_no_body(conn: Db, settings: Settings) -> None:
    async with FakeZaloOa() as fake:
        async with running_oa(fake, ScriptedConversation(), conn, settings, FAST) as hook:
            await hook.post(fake.text_event("v2", "xin chào"))
            await fake.wait_sent(lambda s: s.user_id == "v2")
            await until(lambda: all_handled(conn))
        rows = await conn.all("SELECT body FROM zalo_seen WHERE channel = 'zalo-oa'")
        assert [r[0] for r in rows] == [None]  # the visitor's text is not kept


async def test_zalo_bot_too(conn: Db, settings: Settings) -> None:
    quick = dataclasses.replace(BOT_FAST, drain_timeout=0.1)
    async with FakeZaloBot() as fake:
        stuck = Stuck()
        async with running_bot(fake, stuck, conn, settings, tuning=quick):
            fake.push_text("z1", "Đền Cờn ở đâu?")
            await stuck.asked.wait()
        assert fake.sent("z1") == []
        async with running_bot(fake, ScriptedConversation(), conn, settings, tuning=BOT_FAST):
            await until(lambda: fake.sent("z1") == ["echo: Đền Cờn ở đâu?"])
