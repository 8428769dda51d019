"""Announcements reach Zalo OA followers through the same outbox, within Zalo's rules:
only users who wrote in the last 7 days can be messaged; the others are skipped with the
reason, and nobody is lost."""

from __future__ import annotations

import time
from pathlib import Path

from bot.broadcast.service import Actor
from bot.channels.zalo_oa_api import OUTSIDE_WINDOW, ZaloOaSender
from bot.store.db import connect
from bot.store.zalo import OaInteractions
from tests.broadcast.helpers import running, until, wired
from tests.channels.test_zalo_oa import FAST, oa_settings
from tests.fakes.zalo_oa_api import FakeZaloOa


async def test_zalo_oa_followers_get_announcements_inside_the_window(tmp_path: Path) -> None:
    async with FakeZaloOa() as fake, wired(tmp_path, None) as w:
        conn = await connect(tmp_path / "tourbot.sqlite3")
        sender = ZaloOaSender.create(oa_settings(fake), conn, tuning=FAST)
        try:
            w.bc.add_sender(sender)
            now = time.time()
            for user, last_seen in (("z-recent", now - 3600), ("z-silent", now - 8 * 86400)):
                await w.users.touch("zalo-oa", user, "en")
                await w.users.subscribe("zalo-oa", user, "all")
                await OaInteractions(conn).touch(user, last_seen)
            service = w.bc.service
            news = await service.create(
                Actor("cli", "tester"), "Tin mới", "Fresh news", service.audience("all"), None
            )
            assert news.total == 2
            async with running(w.worker()):
                await until(lambda: w.drained(news.id))
            progress = await w.bc.outbox.progress(news.id)
            assert progress is not None
            assert progress.counts == {"sent": 1, "skipped": 1}
            assert progress.reasons == (("skipped", OUTSIDE_WINDOW, 1),)
            assert any("Fresh news" in text for text in fake.texts("z-recent"))
            assert fake.texts("z-silent") == []
        finally:
            await sender.close()
            await conn.close()
