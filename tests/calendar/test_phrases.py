"""Date windows read out of questions, in Vietnamese (with or without marks) and English."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.calendar.phrases import DateWindow, find_window
from bot.text.fold import fold

D = dt.date
TODAY = D(2026, 11, 26)  # a Thursday, lunar 18/10/2026
SUNDAY = D(2026, 11, 29)
SATURDAY = D(2026, 11, 28)

NEXT_WEEKEND = DateWindow(D(2026, 12, 5), D(2026, 12, 6), "next-weekend")
FEB_2027 = DateWindow(D(2027, 2, 1), D(2027, 2, 28), "month:2027-02")
MAR_2027 = DateWindow(D(2027, 3, 1), D(2027, 3, 31), "month:2027-03")
DEC_2026 = DateWindow(D(2026, 12, 1), D(2026, 12, 31), "month:2026-12")
YEAR_2027 = DateWindow(D(2027, 1, 1), D(2027, 12, 31), "year:2027")
GIENG_2027 = DateWindow(D(2027, 2, 6), D(2027, 3, 7), "lunar-month:1")
LUNAR_3_2027 = DateWindow(D(2027, 4, 7), D(2027, 5, 5), "lunar-month:3")
TET_2027 = DateWindow(D(2027, 2, 6), D(2027, 2, 12), "tet")
SPRING = DateWindow(D(2027, 2, 1), D(2027, 4, 30), "season:spring")
SUMMER = DateWindow(D(2027, 5, 1), D(2027, 7, 31), "season:summer")
AUTUMN = DateWindow(D(2027, 8, 1), D(2027, 10, 31), "season:autumn")
WINTER = DateWindow(D(2026, 11, 1), D(2027, 1, 31), "season:winter")


def window(text: str, today: dt.date = TODAY) -> DateWindow | None:
    match = find_window(text, today)
    return match.window if match else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # today / tomorrow
        ("Hôm nay có lễ hội gì?", DateWindow(TODAY, TODAY, "today")),
        ("hom nay co gi", DateWindow(TODAY, TODAY, "today")),
        ("What's on today?", DateWindow(TODAY, TODAY, "today")),
        ("hôm nay là ngày bao nhiêu âm lịch", DateWindow(TODAY, TODAY, "today")),
        ("Ngày mai đi đâu?", DateWindow(D(2026, 11, 27), D(2026, 11, 27), "tomorrow")),
        ("tomorrow", DateWindow(D(2026, 11, 27), D(2026, 11, 27), "tomorrow")),
        # weekends and weeks
        ("cuối tuần này", DateWindow(SATURDAY, SUNDAY, "weekend")),
        ("cuoi tuan co gi vui", DateWindow(SATURDAY, SUNDAY, "weekend")),
        ("events this weekend", DateWindow(SATURDAY, SUNDAY, "weekend")),
        ("next weekend", NEXT_WEEKEND),
        ("cuối tuần sau", NEXT_WEEKEND),
        ("cuối tuần tới", NEXT_WEEKEND),
        ("this week", DateWindow(TODAY, SUNDAY, "week")),
        ("tuần này", DateWindow(TODAY, SUNDAY, "week")),
        ("next week", DateWindow(D(2026, 11, 30), D(2026, 12, 6), "next-week")),
        ("tuần sau", DateWindow(D(2026, 11, 30), D(2026, 12, 6), "next-week")),
        ("tuan toi", DateWindow(D(2026, 11, 30), D(2026, 12, 6), "next-week")),
        # this / next month
        ("this month", DateWindow(D(2026, 11, 1), D(2026, 11, 30), "month:2026-11")),
        ("tháng này", DateWindow(D(2026, 11, 1), D(2026, 11, 30), "month:2026-11")),
        ("next month", DEC_2026),
        ("Tháng sau có gì?", DEC_2026),
        ("thang sau", DEC_2026),
        ("tháng tới", DEC_2026),
        # named months
        ("tháng 2", FEB_2027),
        ("thang 2", FEB_2027),
        ("tháng hai", FEB_2027),
        ("tháng 2 năm 2027", FEB_2027),
        ("thang 2 nam 2027", FEB_2027),
        ("tháng 2/2027", FEB_2027),
        ("02/2027", FEB_2027),
        ("2027-02", FEB_2027),
        ("February", FEB_2027),
        ("Feb", FEB_2027),
        ("February 2027", FEB_2027),
        ("feb. 2027", FEB_2027),
        ("next February", FEB_2027),
        ("in March", MAR_2027),
        ("festivals in May", DateWindow(D(2027, 5, 1), D(2027, 5, 31), "month:2027-05")),
        ("tháng sáu", DateWindow(D(2027, 6, 1), D(2027, 6, 30), "month:2027-06")),
        ("tháng năm", DateWindow(D(2027, 5, 1), D(2027, 5, 31), "month:2027-05")),
        ("tháng mười một", DateWindow(D(2026, 11, 1), D(2026, 11, 30), "month:2026-11")),
        ("tháng mười", DateWindow(D(2027, 10, 1), D(2027, 10, 31), "month:2027-10")),
        ("tháng 12", DEC_2026),
        ("December", DEC_2026),
        ("next December", DEC_2026),  # the next December after this month
        ("next November", DateWindow(D(2027, 11, 1), D(2027, 11, 30), "month:2027-11")),
        ("November", DateWindow(D(2026, 11, 1), D(2026, 11, 30), "month:2026-11")),
        ("tháng 2 năm sau", FEB_2027),
        # years
        ("năm 2027", YEAR_2027),
        ("in 2027", YEAR_2027),
        ("năm sau", YEAR_2027),
        ("next year", YEAR_2027),
        ("năm nay", DateWindow(D(2026, 1, 1), D(2026, 12, 31), "year:2026")),
        ("Quảng Nam năm 2027", YEAR_2027),
        # lunar months
        ("tháng Giêng", GIENG_2027),
        ("thang gieng", GIENG_2027),
        ("lễ hội tháng Giêng năm 2027", GIENG_2027),
        ("tháng Chạp", DateWindow(D(2027, 1, 8), D(2027, 2, 5), "lunar-month:12")),
        ("tháng một âm lịch", GIENG_2027),
        ("tháng 3 âm lịch", LUNAR_3_2027),
        ("thang 3 am lich", LUNAR_3_2027),
        ("tháng ba âm", LUNAR_3_2027),
        ("tháng 3 (AL)", LUNAR_3_2027),
        ("the 3rd lunar month", LUNAR_3_2027),
        ("third lunar month", LUNAR_3_2027),
        ("lunar month 3", LUNAR_3_2027),
        # lunar and named days
        ("rằm tháng Giêng", DateWindow(D(2027, 2, 20), D(2027, 2, 20), "lunar-day:1-15")),
        ("ram thang gieng", DateWindow(D(2027, 2, 20), D(2027, 2, 20), "lunar-day:1-15")),
        ("mùng 10 tháng Giêng", DateWindow(D(2027, 2, 15), D(2027, 2, 15), "lunar-day:1-10")),
        ("mùng mười tháng Giêng", DateWindow(D(2027, 2, 15), D(2027, 2, 15), "lunar-day:1-10")),
        ("10/3 âm lịch", DateWindow(D(2027, 4, 16), D(2027, 4, 16), "lunar-day:3-10")),
        ("ngày 10 tháng 3 âm lịch", DateWindow(D(2027, 4, 16), D(2027, 4, 16), "lunar-day:3-10")),
        ("20/10 âm", DateWindow(D(2026, 11, 28), D(2026, 11, 28), "lunar-day:10-20")),
        ("18/10 âm lịch", DateWindow(TODAY, TODAY, "lunar-day:10-18")),
        (
            "13th day of the 1st lunar month",
            DateWindow(D(2027, 2, 18), D(2027, 2, 18), "lunar-day:1-13"),
        ),
        ("Tết Trung thu", DateWindow(D(2027, 9, 15), D(2027, 9, 15), "lunar-day:8-15")),
        ("Mid-Autumn festival", DateWindow(D(2027, 9, 15), D(2027, 9, 15), "lunar-day:8-15")),
        ("Tết Dương lịch", DateWindow(D(2027, 1, 1), D(2027, 1, 1), "day:2027-01-01")),
        # Tết
        ("Tết", TET_2027),
        ("Tet", TET_2027),
        ("ăn Tết ở đâu", TET_2027),
        ("Tết Nguyên Đán", TET_2027),
        ("Lunar New Year", TET_2027),
        ("Tết 2028", DateWindow(D(2028, 1, 26), D(2028, 2, 1), "tet")),
        ("Tết năm sau", TET_2027),
        ("Tết năm nay", TET_2027),
        # seasons
        ("spring", SPRING),
        ("mùa xuân", SPRING),
        ("summer", SUMMER),
        ("mùa hè", SUMMER),
        ("mùa hạ", SUMMER),
        ("autumn", AUTUMN),
        ("in the fall", AUTUMN),
        ("mùa thu", AUTUMN),
        ("winter", WINTER),
        ("mùa đông", WINTER),
        ("next winter", DateWindow(D(2027, 11, 1), D(2028, 1, 31), "season:winter")),
        ("mùa hè năm 2028", DateWindow(D(2028, 5, 1), D(2028, 7, 31), "season:summer")),
        # solar days
        ("19/5", DateWindow(D(2027, 5, 19), D(2027, 5, 19), "day:2027-05-19")),
        ("ngày 19/5", DateWindow(D(2027, 5, 19), D(2027, 5, 19), "day:2027-05-19")),
        ("19 tháng 5", DateWindow(D(2027, 5, 19), D(2027, 5, 19), "day:2027-05-19")),
        ("28/11", DateWindow(D(2026, 11, 28), D(2026, 11, 28), "day:2026-11-28")),
        ("26/11", DateWindow(TODAY, TODAY, "day:2026-11-26")),
        ("2/9/2027", DateWindow(D(2027, 9, 2), D(2027, 9, 2), "day:2027-09-02")),
        ("2027-05-19", DateWindow(D(2027, 5, 19), D(2027, 5, 19), "day:2027-05-19")),
        ("May 19", DateWindow(D(2027, 5, 19), D(2027, 5, 19), "day:2027-05-19")),
        ("19th of May", DateWindow(D(2027, 5, 19), D(2027, 5, 19), "day:2027-05-19")),
        ("29/2", DateWindow(D(2028, 2, 29), D(2028, 2, 29), "day:2028-02-29")),
        # weekdays
        ("Chủ nhật này", DateWindow(SUNDAY, SUNDAY, "day:2026-11-29")),
        ("thứ 7", DateWindow(SATURDAY, SATURDAY, "day:2026-11-28")),
        ("thứ bảy tuần sau", DateWindow(D(2026, 12, 5), D(2026, 12, 5), "day:2026-12-05")),
        ("Saturday", DateWindow(SATURDAY, SATURDAY, "day:2026-11-28")),
        ("next Saturday", DateWindow(D(2026, 12, 5), D(2026, 12, 5), "day:2026-12-05")),
        ("Thursday", DateWindow(TODAY, TODAY, "day:2026-11-26")),
    ],
)
def test_window(text: str, expected: DateWindow) -> None:
    assert window(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Hội Lim ở đâu",
        "Đền Đô thờ ai?",
        "tour ATK kéo dài mấy ngày",
        "thang may o dau",  # thang máy: a lift, not a month
        "May I bring a dog?",
        "cầu thang",
        "tháng 13",
        "31/2",
        "tour 1/2 ngày",
        "bánh tét",
        "hot spring near Hanoi",
        "where to eat spring rolls",
        "mưa xuân",
        "Việt Nam sau chiến tranh",
        "mỗi tháng hai lần",
        "ngày thứ 2 của tour đi đâu",
        "lần thứ ba",
        "Tết Thanh minh",
        "fall",
        "năm 1850",
        "",
    ],
)
def test_no_window(text: str) -> None:
    assert find_window(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Lễ hội nào diễn ra vào tháng 2 năm 2027 ở Bắc Ninh?", "thang 2 nam 2027"),
        ("Cuối tuần sau có gì ở Hà Nội", "cuoi tuan sau"),
        ("what festivals are on next February?", "next february"),
        ("Hội Lim rằm tháng Giêng", "ram thang gieng"),
        ("Tết Trung thu ở Hội An", "tet trung thu"),
        ("tháng 3 âm lịch có hội gì", "thang 3 am lich"),
    ],
)
def test_span_covers_the_phrase_in_folded_text(text: str, phrase: str) -> None:
    match = find_window(text, TODAY)
    assert match is not None
    start, end = match.span
    assert fold(text)[start:end] == phrase


def test_the_longest_phrase_wins() -> None:
    # "năm 2027" alone is a year; with the month it is February.
    assert window("tháng 2 năm 2027") == FEB_2027
    assert window("cuối tuần sau") == NEXT_WEEKEND


def test_on_a_sunday_this_weekend_is_today() -> None:
    assert window("cuối tuần này", SUNDAY) == DateWindow(SUNDAY, SUNDAY, "weekend")
    assert window("this weekend", SATURDAY) == DateWindow(SATURDAY, SUNDAY, "weekend")
    assert window("next weekend", SUNDAY) == NEXT_WEEKEND
    assert window("this week", SUNDAY) == DateWindow(SUNDAY, SUNDAY, "week")


def test_lunar_windows_skip_what_has_fully_passed() -> None:
    # During Tết itself, "Tết" is the one under way; a week later it is next year's.
    assert window("Tết", D(2027, 2, 10)) == TET_2027
    assert window("Tết", D(2027, 2, 13)) == DateWindow(D(2028, 1, 26), D(2028, 2, 1), "tet")
    assert window("Tết năm sau", D(2027, 1, 20)) == DateWindow(D(2028, 1, 26), D(2028, 2, 1), "tet")
    # Lunar month 10 of 2026 is under way on TODAY.
    assert window("tháng 10 âm lịch") == DateWindow(
        D(2026, 11, 9), D(2026, 12, 8), "lunar-month:10"
    )
    assert window("mùng 10 tháng 10 âm lịch") == DateWindow(
        D(2027, 11, 7), D(2027, 11, 7), "lunar-day:10-10"
    )


def test_month_names_from_another_today() -> None:
    july = D(2027, 7, 15)
    assert window("tháng 7", july) == DateWindow(D(2027, 7, 1), D(2027, 7, 31), "month:2027-07")
    assert window("next July", july) == DateWindow(D(2028, 7, 1), D(2028, 7, 31), "month:2028-07")
    assert window("tháng 3", july) == DateWindow(D(2028, 3, 1), D(2028, 3, 31), "month:2028-03")
    assert window("summer", july) == DateWindow(D(2027, 5, 1), D(2027, 7, 31), "season:summer")
    assert window("next summer", july) == DateWindow(D(2028, 5, 1), D(2028, 7, 31), "season:summer")
    assert window("next month", D(2026, 12, 3)) == DateWindow(
        D(2027, 1, 1), D(2027, 1, 31), "month:2027-01"
    )


def test_unaccented_and_accented_text_agree() -> None:
    pairs = [
        ("cuối tuần này", "cuoi tuan nay"),
        ("tháng Giêng", "thang gieng"),
        ("rằm tháng Giêng", "ram thang gieng"),
        ("mùa đông", "mua dong"),
        ("năm 2027", "nam 2027"),
        ("ngày mai", "ngay mai"),
    ]
    for accented, plain in pairs:
        assert window(accented) == window(plain) is not None


def test_day_ranges_in_both_languages() -> None:
    today = dt.date(2026, 11, 26)
    for text in ("events between 10 and 20 February 2027", "lễ hội từ 10 đến 20 tháng 2 năm 2027"):
        match = find_window(text, today)
        assert match is not None
        assert (match.window.start, match.window.end) == (
            dt.date(2027, 2, 10),
            dt.date(2027, 2, 20),
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Tháng Giêng 2027 runs 6 February – 7 March: its last days from the 21st.
        (
            "cuối tháng Giêng âm lịch",
            DateWindow(D(2027, 2, 26), D(2027, 3, 7), "lunar-month:1:late"),
        ),
        ("dau thang 3", DateWindow(D(2027, 3, 1), D(2027, 3, 10), "month:2027-03:early")),
        ("giữa tháng 2", DateWindow(D(2027, 2, 11), D(2027, 2, 20), "month:2027-02:mid")),
        ("late March", DateWindow(D(2027, 3, 21), D(2027, 3, 31), "month:2027-03:late")),
        (
            "at the end of February",
            DateWindow(D(2027, 2, 21), D(2027, 2, 28), "month:2027-02:late"),
        ),
    ],
)
def test_part_of_a_month(text: str, expected: DateWindow) -> None:
    found = find_window(text, TODAY)
    assert found is not None and found.window == expected
    # The whole phrase is cut out of the question, the modifier included.
    assert fold(text)[found.span[0] : found.span[1]].split()[0] in {
        "cuoi",
        "dau",
        "giua",
        "late",
        "the",
    }


def test_a_month_without_a_part_stays_whole() -> None:
    found = find_window("tháng 3 có lễ hội gì", TODAY)
    assert found is not None and found.window == MAR_2027
