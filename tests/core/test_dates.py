"""Date questions answered from the lunar calendar, and everything else left alone."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.calendar.lunar import lunar_to_solar, tet
from bot.core.dates import date_answer, lunar_day_reply
from bot.core.events import parse_key
from bot.core.payloads import Page

DEC = dt.date(2026, 12, 2)


def answer(text: str, lang: str = "vi", today: dt.date = DEC) -> str:
    reply = date_answer(text, today, lang)
    assert reply is not None, text
    return reply.text


def test_todays_and_tomorrows_lunar_date() -> None:
    assert answer("hôm nay âm lịch") == "Thứ Tư, 2 tháng 12, 2026 là 24 tháng 10 âm lịch."
    assert "25 tháng 10 âm lịch" in answer("ngay mai la ngay bao nhieu am lich")
    assert "13 tháng Chạp" in answer("hom nay la ngay bao nhieu am", today=dt.date(2027, 1, 20))
    assert "24th day of the 10th lunar month" in answer("What is the lunar date today?", "en")


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Tết 2027 là ngày nào", "vi", "Tết Nguyên đán 2027 là Thứ Bảy, 6 tháng 2, 2027."),
        ("tet 2028 la ngay nao", "vi", "Tết Nguyên đán 2028 là Thứ Tư, 26 tháng 1, 2028."),
        (
            "Lunar New Year 2027",
            "en",
            "Lunar New Year (Tết) 2027 falls on Saturday, 6 February 2027.",
        ),
    ],
)
def test_tet_of_a_year(text: str, lang: str, expected: str) -> None:
    assert answer(text, lang) == expected
    assert tet(2027) == dt.date(2027, 2, 6)


def test_named_lunar_days_with_and_without_marks() -> None:
    marked = answer("rằm tháng Giêng năm 2027")
    assert marked == answer("ram thang gieng nam 2027")
    assert "20 tháng 2, 2027" in marked and lunar_to_solar(2027, 1, 15) == dt.date(2027, 2, 20)
    assert "Thứ Hai, 8 tháng 2, 2027" in answer("mùng 3 Tết năm 2027")
    assert "20 February 2027" in answer("When is the first full moon of the lunar year?", "en")
    assert "20 February 2027" in answer("full moon of the first lunar month 2027", "en")


def test_this_year_when_it_has_passed_gives_this_years_and_the_next() -> None:
    text = answer("rằm tháng giêng năm nay")
    assert "đã qua" in text and "3 tháng 3, 2026" in text and "20 tháng 2, 2027" in text
    text = answer("15/8 âm lịch năm nay là ngày nào")
    assert "25 tháng 9, 2026" in text and "15 tháng 9, 2027" in text


def test_without_a_year_the_next_one_comes() -> None:
    assert "20 tháng 2, 2027" in answer("rằm tháng giêng là ngày nào")
    assert "là hôm nay" in answer("15/10 âm lịch là ngày nào", today=dt.date(2026, 11, 23))


def test_a_solar_day_gets_its_weekday_and_lunar_date() -> None:
    assert answer("20/2/2027 là ngày bao nhiêu âm lịch") == (
        "Thứ Bảy, 20 tháng 2, 2027 (15 tháng Giêng âm lịch)."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Hội Lim",
        "lễ hội tháng giêng",
        "Hội Lim rằm tháng giêng",
        "tháng Giêng năm nay có lễ hội gì",
        "bánh chưng ngày Tết",
        "20/2",
        "hôm nay có lễ hội gì",
        "thời tiết hôm nay",
    ],
)
def test_other_questions_are_not_date_questions(text: str) -> None:
    assert date_answer(text, DEC, "vi") is None


def test_the_answer_offers_the_festivals_of_that_time() -> None:
    reply = date_answer("Tết 2027", DEC, "vi")
    assert reply is not None
    page = Page.unpack(reply.buttons[0][0].payload or "")
    assert page is not None and page.page == 0
    assert parse_key(page.key) == ((dt.date(2027, 2, 6), dt.date(2027, 2, 12)), set())


def test_lunar_day_reply_in_english() -> None:
    reply = lunar_day_reply(dt.date(2027, 2, 6), "en")
    assert reply.text == (
        "Saturday, 6 February 2027 is 1st day of the 1st lunar month (1/1 in the lunar calendar)."
    )
