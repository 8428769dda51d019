"""Slots of one message: trip length, interests, list kind, dates, language, an option
number, and the cues of a follow-up (pronouns, a bare "how far?")."""

from __future__ import annotations

import datetime as dt
import re

from bot.calendar.phrase_parts import DateWindow
from bot.calendar.phrases import find_window
from bot.nlu.normalize import NAME_MASK, PROVINCE_MASK, Normalized
from bot.nlu.parse import Aspect, Intent, Slots
from bot.nlu.rules import KIND_WORDS
from bot.text.stopwords import GENERIC, STOPWORDS

_NUMBERS = {
    "mot": 1, "nhat": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7,
    "tam": 8, "chin": 9, "muoi": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "last": -1, "cuoi": -1, "cuoi cung": -1,
}  # fmt: skip
_NUM = r"\d{1,2}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True))

_DAYS_RE = re.compile(rf"\b({_NUM}) ?-? ?(?:ngay|days?)\b")
_NIGHTS_RE = re.compile(rf"\b({_NUM}) ?-? ?(?:dem|nights?)\b")
_ND_RE = re.compile(r"\b(\d)n(\d)d?\b")
_ONE_DAY_RE = re.compile(
    r"\bday trip\b|\b(?:di )?trong (?:1|mot) ngay\b|\bdi trong ngay\b|\bin (?:a|one) day\b"
    r"|\b(?:half|nua) (?:a )?(?:day|ngay)\b|\bve trong ngay\b"
)
_LONG_WEEKEND_RE = re.compile(r"\blong weekend\b|\bcuoi tuan dai\b|\bnghi le dai\b")
_WEEKEND_RE = re.compile(r"\bweekend\b|\bcuoi tuan\b")
_HANOI_RE = re.compile(r"\b(?:ha noi|hanoi|thu do|the capital)\b")

INTERESTS: dict[str, str] = {
    "culture": r"van hoa|culture|cultural|quan ho|lang nghe|craft|traditions?|truyen thong"
    r"|dan gian|folk|music|am nhac|then|ca tru|painting|tranh|gom|pottery|ethnic|dan toc",
    "food": r"an uong|an gi|am thuc|food|foodie|eat|eating|dac san|cuisine|mon ngon|an ngon"
    r"|dishes|street food|tea|che",
    "nature": r"thien nhien|nature|nui|mountains?|ho|lakes?|hik(?:e|ing)|trekking|rung|forests?"
    r"|caves?|hang|phong canh|scenery|landscapes?|outdoors?|canh dep"
    r"|sinh thai|eco",
    "history": r"lich su|history|historic(?:al)?|di tich|relics?|revolution(?:ary)?|cach mang"
    r"|war|khang chien|atk|museums?|bao tang|citadel|thanh co",
    "beach": r"bien|beach(?:es)?|seaside|tam bien|swim(?:ming)?",
    "spiritual": r"tam linh|spiritual|chua|den|pagodas?|temples?|buddhis[mt]|phat|hanh huong"
    r"|pilgrimage|le chua|religio(?:n|us)|tho cung|worship",
}
_INTEREST_RES = {k: re.compile(rf"\b(?:{v})\b") for k, v in INTERESTS.items()}
_KIND_RES = {k: re.compile(rf"\b(?:{v})\b") for k, v in KIND_WORDS.items()}

TAGS: dict[str, str] = {
    "pagoda": r"chua|pagodas?",
    "temple": r"den|temples?",
    "craft-village": r"lang nghe|craft villages?",
    "lake": r"ho|lakes?",
    "beach": r"bien|beach(?:es)?",
    "communal-house": r"dinh|communal houses?",
    "cave": r"hang|dong|caves?",
    "market": r"cho|markets?",
    "museum": r"bao tang|museums?",
    "unesco": r"unesco",
    "food": r"mon an|dac san|dishes|food|specialt(?:y|ies)",
    "nature": r"thien nhien|nature",
    "history": r"lich su|history|historic(?:al)?",
    "spiritual": r"tam linh|spiritual",
}
_TAG_RES = {k: re.compile(rf"\b(?:{v})\b") for k, v in TAGS.items()}
_RELICS_RE = re.compile(
    r"\b(?:di tich(?! quoc gia dac biet)|historic(?:al)? sites?|relic sites?)\b"
)

_EN_RE = re.compile(r"\b(?:english|tieng anh|anh ngu)\b")
_VI_RE = re.compile(r"\b(?:vietnamese|tieng viet|viet ngu)\b")

_OPTION_RE = re.compile(
    r"^(?:(?:toi |minh |em |i )?(?:chon|lay|xem|pick|choose|take|want|muon xem))?\s*"
    r"(?:so|number|no|option|lua chon|cai|cai thu|thu|the|muc|#)?\s*"
    rf"(\d{{1,2}}|{'|'.join(sorted(_NUMBERS, key=len, reverse=True))}"
    rf"|{'|'.join(sorted(_ORDINALS, key=len, reverse=True))})"
    r"(?:\s+(?:one|di|nhe|nha|a|please|thanks|option|cai))?$"
)

_ANAPHORA_RE = re.compile(
    r"\b(?:its|it(?! (?:rain|rains|raining|snow|snows|going to rain|will rain)\b)"
    r"|that place|this place|that one|this one|the place|they|them|their)\b"
    r"|\b(?:is|was) that (?:in|near|from|far|open|free)\b"
    r"|\bthere\b(?<!\bis there)(?<!\bare there)(?<!\bwas there)(?<!\bwere there)"
    r"(?! (?:is|are|was|were|any)\b)"
    r"|\b(?:o|cho|noi|den|toi|tai|cua|gan|quanh|dia diem|le hoi|tour|cai|chua|ve|khu)"
    r" (?:do|ay|day|kia|nay nua)\b|\bno (?:o|co|la|cach|mo|bao|khi|dien|nam|thuoc|to|gan"
    r"|the|di|ra|ten|nhu|con|bat|duoc|tho|xay|dep|noi|gom)\b|\b(?:cua|den|toi|ve) no\b"
    r"|\bdo (?:co|la|o|bao|thi|mo|cach)\b"
)

# Aspect cues, in the order they are tried: "gần đó có gì" is about what is nearby.
_ASPECTS: tuple[tuple[Aspect, str], ...] = (
    (
        Aspect.NEARBY,
        r"gan (?:do|day|no|ay|kia)|(?:xung )?quanh (?:do|day|no|ay)|lan can|nearby|near (?:there"
        r"|it|by)|around (?:there|it|here)|close by|(?:what|anything) else|cho khac|gi khac"
        r"|(?:see|do|visit) (?:around|near) xname|(?:gan|quanh) xname (?:co gi|con gi)"
        r"|(?:what is|what's|anything) (?:around|near) xname",
    ),
    (
        Aspect.DISTANCE,
        r"bao xa|how far|bao nhieu (?:km|cay so)|cach (?:\w+ ){0,3}bao|distance|km|far",
    ),
    (
        Aspect.DIRECTIONS,
        r"(?:di|den|toi) (?:\w+ )?(?:bang gi|the nao|nhu the nao|ra sao|bang cach nao)|bang gi"
        r"|duong di|chi duong|how (?:do|can|to) (?:i |we )?(?:get|go)|directions?|get there"
        r"|by (?:bus|train|car)|mat bao lau|how long does it take",
    ),
    (
        Aspect.HOURS,
        r"(?:mo|dong) cua|may gio|gio mo|opening|open|close|closed|hours|what time",
    ),
    (
        Aspect.PRICE,
        r"gia|bao nhieu tien|how much|price|cost|ve vao|tickets?|fee|phi",
    ),
    (
        Aspect.WHERE,
        r"o dau|cho nao|cho nao|nam o|dia chi|where|address|tinh nao|which province|located",
    ),
    (
        Aspect.DURATION,
        r"may ngay|bao nhieu ngay|bao lau|keo dai|how long|how many days",
    ),
    (
        Aspect.WHEN,
        r"khi nao|bao gio|luc nao|ngay nao|ngay may|thang may|hom nao|when|what date|which day"
        r"|dates?|dien ra",
    ),
)
_ASPECT_RES = tuple((a, re.compile(rf"\b(?:{p})\b")) for a, p in _ASPECTS)
_ASPECT_BY_INTENT = {
    Intent.DIRECTIONS: None,  # decided by the cues: "how far" is distance
    Intent.PRICE: Aspect.PRICE,
    Intent.TICKETS: Aspect.PRICE,
    Intent.OPENING_HOURS: Aspect.HOURS,
}
_FILLER = STOPWORDS | GENERIC | {"s", "t", "z", "nhi", "ha", "vay", "the", "ad", "else", "con"}
_FILLER |= {"no", "do", "ay", "kia", "it", "its", "there", "they", "them", "cho"}
_DATE_TRIGGER_RE = re.compile(
    r"\d|\b(?:thang|nam|tet|ram|mung|hom|mai|tuan|ngay|today|tomorrow|tonight|week|weekend"
    r"|month|year|lunar|xuan|he|thu|dong|spring|summer|autumn|fall|winter|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|chu nhat|gieng|chap|trung thu|doan ngo"
    r"|vu lan|new year|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february"
    r"|march|april|june|july|august|september|october|november|december)\b"
)
_EXPLICIT_YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b|\bnam (?:nay|sau|toi)\b|\b(?:this|next) year\b")


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBERS[token]


def trip_length(text: str, planning: bool) -> tuple[int | None, int | None]:
    """(days, nights) named in ``text``; a weekend counts only when ``planning``."""
    if m := _ND_RE.search(text):
        return int(m[1]), int(m[2])
    days = nights = None
    if m := _DAYS_RE.search(text):
        days = _number(m[1])
    if m := _NIGHTS_RE.search(text):
        nights = _number(m[1])
    if days is None:
        if _LONG_WEEKEND_RE.search(text):
            days = 3
        elif _ONE_DAY_RE.search(text):
            days = 1
        elif planning and _WEEKEND_RE.search(text):
            days = 2
        elif nights is not None:
            days = nights + 1
    return days, nights


def option_number(text: str) -> int | None:
    """The option a message picks ("2", "số 2", "cái thứ hai", "the second one"), if it is
    nothing else. -1 means the last one."""
    m = _OPTION_RE.match(text)
    if m is None:
        return None
    token = m[1]
    if token in _ORDINALS:
        return _ORDINALS[token]
    # a bare "a"/"an"/"ba" word alone is not a pick; a bare digit is
    if not token.isdigit() and text.strip() == token and token in ("a", "an"):
        return None
    value = _number(token)
    return value if value > 0 else None


def aspect_of(text: str) -> Aspect | None:
    """What a question asks about the subject (when, how far, where...)."""
    for aspect, rx in _ASPECT_RES:
        if rx.search(text):
            return aspect
    return None


# "cách TP Thái Nguyên bao xa", "how far from Vinh": a province or city named as where
# the distance is measured from, not as what the question is about.
_ORIGIN_WORDS = frozenset({"cach", "tu", "from"})


def _only_origins(masked: tuple[str, ...]) -> bool:
    """Every province in ``masked`` comes right after "cách" / "từ" / "from"."""
    return all(
        i > 0 and masked[i - 1] in _ORIGIN_WORDS
        for i, word in enumerate(masked)
        if word == PROVINCE_MASK
    )


def is_elliptic(norm: Normalized, aspect: Aspect | None) -> bool:
    """A cue with nothing else to search for: "bao xa?", "when?", "gần đó có gì"."""
    if aspect is None or norm.items:
        return False
    if norm.provinces and not (aspect is Aspect.DISTANCE and _only_origins(norm.masked)):
        return False
    rest = norm.text
    for _a, rx in _ASPECT_RES:
        rest = rx.sub(" ", rest)
    rest = _ANAPHORA_RE.sub(" ", rest)
    # Hà Nội, where most visitors start, is no province of ours: "how far from Hanoi?"
    rest = re.sub(r"\b(?:from|tu|cach) (?:ha noi|hanoi)\b", " ", rest)
    left = [w for w in rest.split() if w not in _FILLER and w not in (NAME_MASK, PROVINCE_MASK)]
    return not left and len(norm.masked) <= 8


def _dates(
    text: str, folded: str, today: dt.date
) -> tuple[int | None, int | None, DateWindow | None]:
    if not _DATE_TRIGGER_RE.search(folded):
        return None, None, None
    match = find_window(text, today)
    if match is None:
        return None, None, None
    window = match.window
    kind, _sep, value = window.label.partition(":")
    month = year = None
    explicit_year = _EXPLICIT_YEAR_RE.search(folded)
    if kind == "month":
        month = int(value[5:7])
        if explicit_year:
            year = int(value[:4])
    elif kind == "year" or (kind == "tet" and explicit_year):
        year = window.start.year
    return month, year, window


def extract(text: str, norm: Normalized, intent: Intent, today: dt.date) -> Slots:
    """Every slot of ``text`` (raw) given its normalised form and intent."""
    plain = " ".join(norm.tokens)
    masked = norm.text
    days, nights = trip_length(plain, planning=intent is Intent.TRIP_PLAN)
    interests = tuple(k for k, rx in _INTEREST_RES.items() if rx.search(masked))
    list_kind = next((k for k, rx in _KIND_RES.items() if rx.search(masked)), None)
    list_tags = tuple(k for k, rx in _TAG_RES.items() if rx.search(masked))
    if _RELICS_RE.search(masked):  # "di tích (lịch sử)": the historic places themselves
        list_kind, list_tags = "place", (*list_tags, "history")
    # A question's dates are the engine's business (it cuts the phrase out of the search);
    # parsing them here again would double the cost of most messages.
    month, year, window = (
        (None, None, None) if intent is Intent.QUESTION else _dates(text, plain, today)
    )
    target = None
    if intent is Intent.SWITCH_LANGUAGE:
        target = "en" if _EN_RE.search(plain) else "vi" if _VI_RE.search(plain) else None
    aspect = _ASPECT_BY_INTENT.get(intent) or aspect_of(masked)
    return Slots(
        provinces=norm.provinces,
        items=norm.items,
        days=days,
        nights=nights,
        from_hanoi=bool(_HANOI_RE.search(plain)),
        interests=interests,
        list_kind=list_kind,
        list_tags=list_tags,
        month=month,
        year=year,
        window=window,
        target_lang=target,
        option=option_number(plain),
        anaphora=bool(_ANAPHORA_RE.search(masked)),
        ellipsis=is_elliptic(norm, aspect),
        aspect=aspect,
    )
