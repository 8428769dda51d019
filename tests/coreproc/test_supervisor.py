"""The core in a child process (``bot.coreproc``): a real child, a real SQLite file,
the bundled content; what a channel sees is the same as with the core in-process."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import multiprocessing
import os
import pickle
import shutil
import signal
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_app
from bot.config import PROJECT_DIR, Settings
from bot.content.loader import ContentError, ContentPack, require_content
from bot.core import models
from bot.core.models import Button, Inbound, ItemRef, Location, Reply, Venue
from bot.coreproc.supervisor import CoreFailed, CoreProcess, CoreUnavailable
from bot.coreproc.wire import HEADER
from bot.coreproc.wire import frame as _frame
from tests.broadcast.helpers import until
from tests.conftest import make_settings


def settings_and_pack(tmp_path: Path, **overrides: object) -> tuple[Settings, ContentPack]:
    settings = make_settings(tmp_path, **overrides)
    return settings, require_content(settings.content_dir)


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[CoreProcess]:
    process = await CoreProcess.start(*settings_and_pack(tmp_path / "child"))
    try:
        yield process
    finally:
        await process.close()


def core_children() -> list[str]:
    return [p.name for p in multiprocessing.active_children() if p.name == "tourbot-core"]


def visitor(user: int, text: str | None = None, **extra: object) -> Inbound:
    return Inbound("telegram", str(user), str(user), text=text, **extra)  # type: ignore[arg-type]


def shape(replies: list[Reply]) -> list[tuple[str, str, tuple[str, ...], bool]]:
    """What a user sees of the replies: text, language, item ids, a pin or not."""
    return [(r.text, r.lang, tuple(i.id for i in r.items), r.venue is not None) for r in replies]


async def test_answers_are_those_of_the_core_in_process(tmp_path: Path, core: CoreProcess) -> None:
    (tmp_path / "local").mkdir()
    local = await build_app(make_settings(tmp_path / "local"))
    try:
        messages = [
            visitor(1, "/start", language_hint="vi"),
            visitor(2, "When is the Lim festival?", language_hint="en"),
            visitor(3, "le hoi thang gieng o bac giang"),
            visitor(4, location=Location(lat=21.27, lon=106.19), language_hint="en"),
            visitor(5, "/events", language_hint="en"),
        ]
        for msg in messages:
            remote, here = await core.handle(msg), await local.conversation.handle(msg)
            assert remote and shape(remote) == shape(here), msg
        remote_cards = await core.cards("Lim", "en", 5)
        assert remote_cards and shape(remote_cards) == shape(
            await local.conversation.cards("Lim", "en", 5)
        )
    finally:
        await local.close()


async def test_many_chats_at_once_each_get_their_own_answer(
    tmp_path: Path, core: CoreProcess
) -> None:
    langs = {user: ("vi", "en")[user % 2] for user in range(100, 160)}
    replies = await asyncio.gather(
        *(core.handle(visitor(u, "/start", language_hint=lang)) for u, lang in langs.items())
    )
    assert [r[0].lang for r in replies] == list(langs.values())
    # The child wrote to the bot's real database file.
    with sqlite3.connect(tmp_path / "child" / "tourbot.sqlite3") as db:
        (count,) = db.execute("SELECT count(*) FROM users").fetchone()
    assert count == len(langs)


async def test_a_killed_core_fails_its_calls_and_the_next_message_starts_a_new_one(
    core: CoreProcess,
) -> None:
    first = core.pid
    assert first is not None
    os.kill(first, signal.SIGSTOP)  # frozen: the call below stays in flight
    in_flight = asyncio.create_task(core.handle(visitor(7, "hội Lim")))
    await asyncio.sleep(0.2)
    assert not in_flight.done()
    os.kill(first, signal.SIGKILL)
    with pytest.raises(CoreUnavailable):
        await in_flight
    replies = await core.handle(visitor(7, "hội Lim"))
    assert replies[0].items[0].id == "hoi-lim"
    assert core.pid not in (None, first)


async def test_an_error_in_the_core_is_reported_and_the_core_keeps_serving(
    core: CoreProcess,
) -> None:
    pid = core.pid
    with pytest.raises(CoreFailed, match="unknown call"):
        await core._call("no-such-call")
    assert (await core.handle(visitor(8, "hội Lim")))[0].items[0].id == "hoi-lim"
    assert core.pid == pid


async def test_reload_serves_the_given_pack_and_a_new_child_starts_from_it(
    tmp_path: Path,
) -> None:
    """A child restarted after a refused reload serves the last good pack, not the
    broken files on disk."""
    content = tmp_path / "content"
    shutil.copytree(PROJECT_DIR / "content", content)
    core = await CoreProcess.start(*settings_and_pack(tmp_path, TOURBOT_CONTENT=content))
    try:
        lim = content / "event" / "hoi-lim.yaml"
        good = lim.read_text("utf-8")
        lim.write_text(good.replace("aliases: [", 'aliases: ["hội hát đối đáp", ', 1), "utf-8")
        await core.reload_content(require_content(content))
        assert (await core.handle(visitor(9, "hội hát đối đáp")))[0].items[0].id == "hoi-lim"

        lim.write_text(good.replace("calendar: lunar", "calendar: weekly"), "utf-8")
        with pytest.raises(ContentError):
            require_content(content)  # what `tourbot run` checks before reloading
        first = core.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        await until(lambda: core.in_flight == 0 and core.pid is None)
        assert (await core.handle(visitor(9, "hội hát đối đáp")))[0].items[0].id == "hoi-lim"
        assert core.pid not in (None, first)
    finally:
        await core.close()


async def test_signals_to_the_process_group_leave_the_child_to_its_parent(
    core: CoreProcess,
) -> None:
    """A supervisor's SIGTERM, a hang-up or Ctrl-C reach every process of the group;
    the parent drains its chats and then closes the child, which must still answer."""
    pid = core.pid
    assert pid is not None
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        os.kill(pid, sig)
    await asyncio.sleep(0.2)  # a signal not ignored would have ended the child by now
    assert (await core.handle(visitor(13, "hội Lim")))[0].items[0].id == "hoi-lim"
    assert core.pid == pid


async def test_close_answers_the_calls_in_flight_then_the_child_exits(
    core: CoreProcess,
) -> None:
    pid = core.pid
    calls = [asyncio.create_task(core.handle(visitor(u, "hội Lim"))) for u in range(20)]
    await asyncio.sleep(0)  # the calls are written before the socket is half-closed
    await core.close()
    for replies in await asyncio.gather(*calls):
        assert replies[0].items[0].id == "hoi-lim"
    assert pid is not None and core.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(CoreUnavailable):
        await core.handle(visitor(1, "hi"))


async def test_a_child_that_cannot_start_is_retried_after_a_pause_not_per_message(
    tmp_path: Path,
) -> None:
    settings, pack = settings_and_pack(tmp_path, TOURBOT_DB=tmp_path)  # a folder: no database
    core = CoreProcess(settings, pack)
    try:
        with pytest.raises(CoreUnavailable, match="did not start"):
            await core.handle(visitor(14, "hội Lim"))
        # The chats waiting behind it fail at once instead of each trying a start.
        with pytest.raises(CoreUnavailable, match="will be retried"):
            await core.handle(visitor(15, "hội Lim"))
        assert core.pid is None and not core_children()
        # A reload meanwhile is kept for the next start rather than lost or raised.
        await core.reload_content(pack)
    finally:
        await core.close()


async def test_a_child_refuses_to_start_on_code_changed_since_the_parent_started(
    tmp_path: Path,
) -> None:
    """A deploy under a running bot: a restarted child would run new code (frames,
    migrations) beside the old parent."""
    core = CoreProcess(*settings_and_pack(tmp_path))
    module = models.__file__
    before = os.stat(module)
    try:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        with pytest.raises(CoreUnavailable, match="code on disk changed"):
            await core.handle(visitor(16, "hội Lim"))
    finally:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
        await core.close()


async def test_close_during_a_start_leaves_no_child(tmp_path: Path) -> None:
    core = CoreProcess(*settings_and_pack(tmp_path))
    call = asyncio.create_task(core.handle(visitor(17, "hội Lim")))
    await until(lambda: bool(core_children()))  # the child is starting
    await core.close()
    outcome = (await asyncio.gather(call, return_exceptions=True))[0]
    assert isinstance(outcome, (list, CoreUnavailable))
    assert not core_children()
    with pytest.raises(CoreUnavailable, match="closed"):
        await core.handle(visitor(17, "hội Lim"))


async def test_a_block_recorded_by_the_child_is_in_the_bots_database(
    tmp_path: Path, core: CoreProcess
) -> None:
    """The parent's announcements worker reads the same file: it will skip this user."""
    await core.handle(visitor(11, "/start", language_hint="en"))
    await core.mark_blocked("telegram", "11")
    with sqlite3.connect(tmp_path / "child" / "tourbot.sqlite3") as db:
        row = db.execute("SELECT blocked FROM users WHERE user_id = '11'").fetchone()
    assert row == (1,)


def test_frames_carry_every_field_of_the_models() -> None:
    reply = Reply(
        text="Hội Lim",
        lang="vi",
        answered=False,
        title="Lễ hội",
        items=(ItemRef("hoi-lim", "event", "Hội Lim", dt.date(2027, 2, 20), dt.date(2027, 2, 22)),),
        buttons=((Button("Bản đồ", payload="m:hoi-lim"), Button("Web", url="https://x.vn")),),
        venue=Venue(21.1, 106.0, "Đồi Lim", "Tiên Du"),
        extras={"k": "v"},
    )
    msg = Inbound("zalo", "u1", "c1", "hi", "p:1", Location(21.0, 106.0), "en", "Lan")
    frame = _frame((3, True, [reply, msg]))
    (size,) = HEADER.unpack_from(frame)
    assert size == len(frame) - HEADER.size
    assert pickle.loads(frame[HEADER.size :]) == (3, True, [reply, msg])


async def test_a_hung_core_is_killed_and_replaced(tmp_path: Path) -> None:
    core = await CoreProcess.start(*settings_and_pack(tmp_path), call_timeout=1.0)
    try:
        hung = core.pid
        assert hung is not None
        os.kill(hung, signal.SIGSTOP)  # alive, but answers nothing
        with pytest.raises(CoreUnavailable, match="in time"):
            await core.handle(visitor(12, "hội Lim"))
        assert not core.ready
        # The next message starts a new child; a start can outlast this short timeout,
        # in which case that message gets the apology and the start goes on.
        with contextlib.suppress(CoreUnavailable):
            await core.handle(visitor(12, "hội Lim"))
        await until(lambda: core.ready, within=30)
        assert (await core.handle(visitor(12, "hội Lim")))[0].items[0].id == "hoi-lim"
        assert core.pid not in (None, hung)
        with pytest.raises(ProcessLookupError):
            os.kill(hung, 0)
    finally:
        await core.close()
