"""A Telegram visitor asks for a person; staff take, answer and close from the staff chat."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.store.handoffs import Handoff
from tests.broadcast.helpers import until
from tests.fakes.telegram_api import Call, FakeTelegram
from tests.handoff.conftest import (
    MEMBER,
    STAFF,
    STAFF_CHAT,
    Desk,
    callback_datas,
    in_chat,
    running_desk,
    text,
)
from tests.handoff.conftest import ask_for_person as person

pytestmark = pytest.mark.usefixtures("catalogs")

VISITOR = 701


def to_visitor(desk: Desk, visitor: int = VISITOR) -> list[Call]:
    return [c for c in desk.fake.calls_of("sendMessage") if c.chat_id == visitor]


async def ask_for_person(desk: Desk, visitor: int = VISITOR) -> tuple[int, Call]:
    """The visitor asks in Vietnamese and is told so in Vietnamese."""
    thread, card = await person(desk, visitor)
    await desk.fake.wait_for("sendMessage", in_chat(visitor, "cán bộ phòng du lịch"))
    return thread, card


async def placed(desk: Desk) -> Handoff:
    """Handoff #1 once the relay has recorded where its card went."""

    async def recorded() -> bool:
        found = await desk.handoffs.get(1)
        return found is not None and found.card_message_id is not None

    await until(recorded)
    handoff = await desk.handoffs.get(1)
    assert handoff is not None
    return handoff


async def test_take_reply_close_then_the_bot_answers_again(desk: Desk) -> None:
    fake = desk.fake
    fake.push_message(VISITOR, "Hội Lim tổ chức khi nào?", language_code="vi")
    await fake.wait_for("sendMessage", in_chat(VISITOR, "Lim"))

    thread, card = await ask_for_person(desk)
    (topic,) = fake.calls_of("createForumTopic")
    assert topic.params["chat_id"] == STAFF_CHAT
    assert topic.params["name"].startswith("#1 · Telegram · VI · cho tôi gặp nhân viên")
    assert "Hội Lim tổ chức khi nào?" in text(card)  # the chat so far comes with it
    assert callback_datas(card) == ["hc:1", "hx:1"]

    before = len(to_visitor(desk))
    fake.push_message(VISITOR, "Vé vào cửa bao nhiêu?", language_code="vi")
    await fake.wait_for("sendMessage", in_chat(STAFF_CHAT, "👤 Vé vào cửa bao nhiêu?", thread))
    await asyncio.sleep(0.2)
    assert len(to_visitor(desk)) == before  # the bot keeps quiet while a person is on

    fake.push_callback(STAFF, "hc:1", chat_id=STAFF_CHAT, thread_id=thread)
    await fake.wait_for("answerCallbackQuery", lambda c: "Bạn đã nhận" in c.text)
    await fake.wait_for("sendMessage", in_chat(VISITOR, "đã tham gia"))
    fake.push_message(STAFF, "Vé vào cửa miễn phí ạ.", chat_id=STAFF_CHAT, thread_id=thread)
    await fake.wait_for("sendMessage", in_chat(VISITOR, "Phòng du lịch: Vé vào cửa miễn phí ạ."))

    fake.push_command(STAFF, "close", chat_id=STAFF_CHAT, thread_id=thread)
    await fake.wait_for("sendMessage", in_chat(VISITOR, "đã kết thúc"))
    await fake.wait_for("sendMessage", in_chat(STAFF_CHAT, "đã đóng", thread))
    fake.push_message(VISITOR, "Hội Lim tổ chức khi nào?", language_code="vi")
    await fake.wait_for("sendMessage", in_chat(VISITOR, "Lim"), count=2)

    handoff = await desk.handoffs.get(1)
    assert handoff is not None and handoff.status == "closed"
    assert handoff.claimed_by == f"telegram:{STAFF}" and handoff.first_reply_at is not None
    sent = [(m.direction, m.status) for m in await desk.handoffs.transcript(1)]
    assert ("in", "sent") in sent and ("out", "sent") in sent
    assert all(status == "sent" for _d, status in sent)


async def test_only_staff_take_or_close(desk: Desk) -> None:
    fake = desk.fake
    thread, _card = await ask_for_person(desk)
    # A group member who is not staff, by button and by command.
    fake.push_callback(MEMBER, "hc:1", chat_id=STAFF_CHAT, thread_id=thread)
    await fake.wait_for("answerCallbackQuery", lambda c: "chỉ cán bộ" in c.text)
    fake.push_command(MEMBER, "close", chat_id=STAFF_CHAT, thread_id=thread)
    await fake.wait_for("sendMessage", in_chat(STAFF_CHAT, "chỉ cán bộ", thread))
    # A non-staff member's chatter in the topic does not reach the visitor.
    fake.push_message(MEMBER, "ai trực hôm nay?", chat_id=STAFF_CHAT, thread_id=thread)
    # The visitor forges the staff buttons in their own chat.
    fake.push_callback(VISITOR, "hc:1")
    fake.push_callback(VISITOR, "hx:1")
    await fake.wait_for("answerCallbackQuery", count=3)
    await asyncio.sleep(0.3)
    handoff = await desk.handoffs.get(1)
    assert handoff is not None and handoff.status == "open" and handoff.claimed_by is None
    assert not [c for c in to_visitor(desk) if "ai trực" in text(c)]
    assert not [c for c in to_visitor(desk) if "đã kết thúc" in text(c)]
    refused = await desk.app.db.all("SELECT action FROM staff_audit WHERE allowed = 0 ORDER BY id")
    assert [r[0] for r in refused] == ["button hc:1", "handoff.close"]


async def test_without_topics_staff_reply_to_the_card(tmp_path: Path, fake: FakeTelegram) -> None:
    fake.fail("createForumTopic", 400, description="Bad Request: the chat is not a forum")
    async with running_desk(tmp_path, fake) as desk:
        fake.push_message(VISITOR, "talk to a person please", language_code="en")
        await fake.wait_for("sendMessage", in_chat(VISITOR, "tourism office staff"))
        (card,) = await desk.card()
        assert "message_thread_id" not in card.params
        handoff = await placed(desk)
        fake.push_message(VISITOR, "is the museum open on Monday?")
        (relayed,) = await fake.wait_for("sendMessage", in_chat(STAFF_CHAT, "museum open"))
        assert text(relayed).startswith("#1")  # without a topic it says whose it is
        fake.push_message(
            STAFF, "Yes, it is.", chat_id=STAFF_CHAT, reply_to=handoff.card_message_id
        )
        await fake.wait_for("sendMessage", in_chat(VISITOR, "Tourism office: Yes, it is."))
        # Staff chatter that replies to nothing of the bot's stays in the staff chat.
        fake.push_message(STAFF, "lunch?", chat_id=STAFF_CHAT)
        await asyncio.sleep(0.3)
        assert not [c for c in to_visitor(desk) if "lunch" in text(c)]
        # Without topics, each relayed message replies to the card: staff see whose it is.
        assert relayed.params["reply_parameters"]["message_id"] == handoff.card_message_id


async def test_visitor_goes_back_to_the_bot(desk: Desk) -> None:
    fake = desk.fake
    thread, _card = await ask_for_person(desk)
    fake.push_command(VISITOR, "human", language_code="vi")
    await fake.wait_for("sendMessage", in_chat(VISITOR, "Bạn đang trò chuyện với cán bộ"))
    fake.push_command(VISITOR, "bot", language_code="vi")
    await fake.wait_for("sendMessage", in_chat(VISITOR, "mình sẽ trả lời bạn tiếp"))
    await fake.wait_for("sendMessage", in_chat(STAFF_CHAT, "quay lại với bot", thread))
    fake.push_message(VISITOR, "Hội Lim tổ chức khi nào?", language_code="vi")
    await fake.wait_for("sendMessage", in_chat(VISITOR, "Lim"))
    # Staff writing in the closed topic takes the conversation up again.
    fake.push_message(STAFF, "Chúng tôi vẫn ở đây.", chat_id=STAFF_CHAT, thread_id=thread)
    await fake.wait_for("sendMessage", in_chat(VISITOR, "Phòng du lịch: Chúng tôi vẫn ở đây."))
    handoff = await desk.handoffs.get(1)
    assert handoff is not None and handoff.status == "claimed"


async def test_an_unanswered_question_offers_a_person(desk: Desk) -> None:
    fake = desk.fake
    fake.push_message(VISITOR, "xkqz wvvb plmh", language_code="vi")
    (reply,) = await fake.wait_for("sendMessage", in_chat(VISITOR))
    assert "hp" in callback_datas(reply)
    fake.push_callback(VISITOR, "hp", language_code="vi")
    await fake.wait_for("sendMessage", lambda c: callback_datas(c) == ["hb"])
    (card,) = await desk.card()
    assert "xkqz wvvb plmh" in text(card)


async def test_quiet_period_gives_the_chat_back(tmp_path: Path, fake: FakeTelegram) -> None:
    async with running_desk(tmp_path, fake, TOURBOT_HANDOFF_QUIET_MINUTES=0.01) as desk:
        thread, _card = await ask_for_person(desk)
        await fake.wait_for("sendMessage", in_chat(VISITOR, "đã kết thúc"), timeout=5)
        await fake.wait_for("sendMessage", in_chat(STAFF_CHAT, "không có tin nhắn", thread))


async def test_forget_deletes_the_transcripts(desk: Desk) -> None:
    fake = desk.fake
    await ask_for_person(desk)
    fake.push_message(VISITOR, "số điện thoại của tôi là 0912", language_code="vi")
    await fake.wait_for("sendMessage", in_chat(STAFF_CHAT, "0912"))
    fake.push_command(VISITOR, "forget", language_code="vi")
    (confirm,) = await fake.wait_for("sendMessage", lambda c: "forget:yes" in callback_datas(c))
    fake.push_callback(VISITOR, "forget:yes", language_code="vi")
    await fake.wait_for("sendMessage", in_chat(VISITOR, "đã xóa"))
    assert await desk.app.db.all("SELECT * FROM handoffs") == []
    assert await desk.app.db.all("SELECT * FROM handoff_messages") == []
    assert confirm.chat_id == VISITOR


async def test_stats_count_conversations(desk: Desk) -> None:
    fake = desk.fake
    thread, _card = await ask_for_person(desk)
    fake.push_message(STAFF, "Chào bạn", chat_id=STAFF_CHAT, thread_id=thread)
    await fake.wait_for("sendMessage", in_chat(VISITOR, "Chào bạn"))
    fake.push_command(STAFF, "stats", language_code="vi")
    (stats,) = await fake.wait_for("sendMessage", in_chat(STAFF, "Conversations with staff"))
    assert "Conversations with staff: 1 (0 waiting, 1 with staff, 0 closed)." in text(stats)


async def test_a_thumbs_down_leads_to_a_person_with_the_question(desk: Desk) -> None:
    fake = desk.fake
    fake.push_message(VISITOR, "When is the Lim festival?", language_code="en")
    (answer,) = await fake.wait_for("sendMessage", in_chat(VISITOR, "Lim"))
    thumbs_down = [d for d in callback_datas(answer) if d.startswith("fb:") and d.endswith(":0")]
    fake.push_callback(VISITOR, thumbs_down[0])
    (missing,) = await fake.wait_for("sendMessage", in_chat(VISITOR, "What was missing?"))
    assert "hp" in callback_datas(missing)
    fake.push_callback(VISITOR, "hp")
    await fake.wait_for("sendMessage", in_chat(VISITOR, "tourism office staff"))
    (card,) = await desk.card()
    assert "When is the Lim festival?" in text(card)
    handoff = await desk.handoffs.get(1)
    assert handoff is not None and handoff.question == "When is the Lim festival?"


async def test_a_shared_location_reaches_staff_as_a_map_link(desk: Desk) -> None:
    fake = desk.fake
    thread, _card = await ask_for_person(desk)
    before = len(to_visitor(desk))
    fake.push_location(VISITOR, 21.17, 106.06, language_code="vi")
    (pin,) = await fake.wait_for("sendMessage", in_chat(STAFF_CHAT, "📍", thread))
    assert "21.17000, 106.06000" in text(pin) and "openstreetmap.org" in text(pin)
    await asyncio.sleep(0.2)
    assert len(to_visitor(desk)) == before  # no "places nearby" reply from the bot
