"""What a question asks for (when, where, how far, what's on...), from folded text."""

from __future__ import annotations

import enum
import re


class Intent(enum.Enum):
    WHEN = "when"
    WHERE = "where"
    DISTANCE = "distance"
    EVENTS = "events"
    TOUR = "tour"
    FOOD = "food"
    MERGER = "merger"
    THINGS_TO_DO = "things_to_do"
    LUNAR_TODAY = "lunar_today"
    CONVERT = "convert"
    COUNTDOWN = "countdown"
    GREETING = "greeting"
    HELP = "help"


_PATTERNS: dict[Intent, str] = {
    Intent.WHEN: r"khi nao|bao gio|ngay nao|luc nao|thoi gian nao|dien ra|to chuc|when|what date"
    r"|dates?\b|(?<!du )lich\b|vao ngay|ngay may|thang may",
    Intent.WHERE: r"o dau|\bwhere\b|nam o|dia chi|address|located|thuoc tinh nao|thuoc dau",
    Intent.DISTANCE: r"bao xa|how far|\bkm\b|distance|cach .* bao|bao nhieu km|mat bao lau"
    r"|cay so|kilomet",
    Intent.EVENTS: r"le hoi|su kien|\bevents?\b|festivals?|what'?\s?s on|dien ra|co gi (vui|hay)",
    Intent.TOUR: r"\btours?\b|hanh trinh|lich trinh|\broutes?\b|itinerar|chuong trinh du lich",
    Intent.FOOD: r"an gi|dac san|mon an|\bfood\b|\beat\b|specialt|am thuc|cuisine|\bdish"
    r"|\bngon\b|tasty|delicious",
    Intent.MERGER: r"sap nhap|hop nhat|\bmerge|part of|tinh moi|new province|thuoc tinh nao"
    r"|reorganis|reorganiz|restructur|administrative"
    r"|ten moi|nay (la|thuoc)|now (in|part|belongs)",
    Intent.THINGS_TO_DO: r"co gi (choi|dep|hay|de xem)|choi gi|things to do|what to (see|do)"
    r"|tham quan|attractions|di dau|nen den|worth visiting|sightseeing|diem du lich",
    Intent.LUNAR_TODAY: r"(hom nay|hnay|bua nay|ngay mai|today|tomorrow).*(am lich|lunar)"
    r"|(am lich|lunar).*(hom nay|hnay|today)",
    Intent.COUNTDOWN: r"how many days|days? (until|till|left|to go)|(bao nhieu|may) ngay nua"
    r"|con (bao nhieu|may) ngay|dem nguoc",
    Intent.CONVERT: r"duong lich|am lich|\blunar\b|\bsolar\b|gregorian",
    Intent.GREETING: r"^(xin )?chao\b|^(hello|hi|hey|alo|good (morning|afternoon|evening))\b",
    Intent.HELP: r"^(help|giup|tro giup|huong dan)\b|ban (lam|giup) (duoc )?gi|what can you do",
}
_COMPILED = {intent: re.compile(p) for intent, p in _PATTERNS.items()}


# A question after one fact (a year, a number, a date): answered in a few lines, without
# the runners-up's summaries.
_ONE_FACT = re.compile(
    r"\bnam nao\b|\bnam bao nhieu\b|\b(which|what) year\b|\bin what year\b|"
    r"\bwhen (did|was|were)\b|\bbao nhieu\b|\bhow (many|much|old|long|big|large|tall|high)\b|"
    r"\b(rong|cao|dai|lau|xa) bao\b|\bngay nao\b|\bkhi nao\b|\bthuoc tinh nao\b|"
    r"\bwhich province\b|\bmay (km|nam|ngay|dao|ha)\b"
)


_EXACT = re.compile(r"\bexact(?:ly)?\b|\bprecise(?:ly)?\b|\bchinh xac\b|\bcu the\b")


def asks_exact(folded: str) -> bool:
    """Whether the question wants an exact figure or day ("chính xác", "exactly")."""
    return _EXACT.search(folded) is not None


def asks_one_fact(folded: str) -> bool:
    """Whether the folded question asks for one fact ("năm nào", "how many")."""
    return _ONE_FACT.search(folded) is not None


def intents(folded: str) -> set[Intent]:
    """Every intent whose cue appears in the folded question."""
    return {intent for intent, rx in _COMPILED.items() if rx.search(folded)}


# Cues that are also the subject of a question ("lễ hội", "tour", "đặc sản") stay content.
_CONTENT_CUES = {Intent.EVENTS, Intent.TOUR, Intent.FOOD}


def cue_words(folded: str) -> frozenset[str]:
    """Words of the question that only carry its intent ("khi nao", "how far", "part of")."""
    return intent_words(folded, set(_COMPILED) - _CONTENT_CUES)


def intent_words(folded: str, wanted: set[Intent]) -> frozenset[str]:
    """The words of the question that say which of ``wanted`` it is ("an gi", "eat")."""
    out: set[str] = set()
    for intent in wanted & _COMPILED.keys():
        for match in _COMPILED[intent].finditer(folded):
            out.update(re.findall(r"[0-9a-z]+", match.group()))
    return frozenset(out)


# Which kinds of item each intent favours, and by how much (added to the search score).
# A province named next to these intents is where, not what: its own page steps back.
KIND_BOOST: dict[Intent, dict[str, float]] = {
    Intent.WHEN: {"event": 0.6, "province": -0.3},
    Intent.COUNTDOWN: {"event": 0.6},
    Intent.EVENTS: {"event": 0.4, "province": -0.3},
    Intent.TOUR: {"tour": 0.6, "province": -0.3},
    Intent.FOOD: {"faq": 0.55, "dish": 0.5, "province": -0.5},
    Intent.MERGER: {"province": 0.5, "faq": 0.4},
    Intent.DISTANCE: {"faq": 0.3, "province": 0.3, "place": 0.2},
    Intent.WHERE: {"place": 0.3},
    Intent.THINGS_TO_DO: {"province": 0.5},
}
