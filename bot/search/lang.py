"""Language detection for short chat messages, right on Vietnamese typed without accents.

Off-the-shelf detectors label "le hoi o dau" English: they see Latin letters and no
diacritics. Here every token votes: Vietnamese diacritics, Vietnamese function words and
question phrases vote Vietnamese; English function words and tokens that cannot be a
Vietnamese syllable vote English. Place names vote (almost) nothing, since visitors write
"Bac Ninh" in both languages. An undecided message falls back to the user's preference.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from bot.search.syllable import is_vietnamese_syllable
from bot.text.fold import fold

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)

# English words that are not also everyday accent-less Vietnamese syllables.
_EN_WORDS = frozenset(
    """
    a about after all also am and any anything are around at attractions be beach best big
    by can cave city could days does eat events far festival festivals find food for
    free from get go going good has have how i if in info is it its know like local long
    many march me month more most much my near nearby next north now of off old on
    open or other our part people place places please price route see should show some
    south specialties specialty still such tell than thanks that the their there these
    they things this time tips to today tomorrow tour tours travel trip upcoming visit
    want was way we weekend well were what whats when where which who why will with won
    would year you your bye goodbye hello hi hey thank thx useless stupid please speak
    person human agent someone
    """.split()
)

# Loan words that Vietnamese visitors use as they are ("festival Yên Thế", "tour ATK").
_LOANWORDS = frozenset(
    "festival tour tours resort homestay camping spa ok online unesco atk km".split()
)

# Accent-less Vietnamese function words and common question words.
_VI_WORDS = frozenset(
    """
    ai bao bay cach can cho choi chua chuong co cua cung dau den di dien duoc gan gi gio
    hien hom hon khi khong la lam luc mai may minh mot mua nao nay nen ngay nhieu nhung
    nhu o oi o qua ra rang roi sao sap the thi thu toi trong tu va ve vay voi xa xem
    ad alo nha nhe nhen ko dc duoc ntn ngu ban bn vl vkl
    bh bjo bgio mn mk mik hok kg khg cx cg nx trc nguoj zay ji bnh dk nthe
    """.split()
)

_VI_PHRASES = (
    "o dau",
    "khi nao",
    "bao gio",
    "la gi",
    "co gi",
    "bao xa",
    "bao nhieu",
    "the nao",
    "nhu the nao",
    "hom nay",
    "cuoi tuan",
    "thang nay",
    "dien ra",
    "cam on",
    "tam biet",
    "xin chao",
)


@dataclass(frozen=True, slots=True)
class LangGuess:
    lang: str | None  # None when the message gives no evidence either way
    vi: float
    en: float


_TELEX_DOUBLES = (("dd", "d"), ("aa", "a"), ("ee", "e"), ("oo", "o"), ("aw", "a"), ("ow", "o"))


def _swapped_syllable(token: str) -> bool:
    """Whether two neighbouring letters typed in the wrong order make ``token`` from a
    Vietnamese syllable ("tihn" for "tinh", "nhge" for "nghe"), the commonest typo on a
    phone keyboard. Only for words of four letters or more: shorter ones are too often
    English words one swap away from a syllable."""
    if len(token) < 4:
        return False
    return any(
        is_vietnamese_syllable(token[:i] + token[i + 1] + token[i] + token[i + 2 :])
        for i in range(len(token) - 1)
    )


def _telex_leftover(token: str) -> float:
    """How much ``token`` looks like Vietnamese typed in Telex without the IME ("hoj",
    "chowi", "nguyeen"): 1 for clear keys, 0.5 for a trailing "s" alone (English plurals
    look the same), 0 when it is no syllable even after undoing the keys."""
    plain = token
    for telex, letter in _TELEX_DOUBLES:
        plain = plain.replace(telex, letter)
    plain = plain.replace("uw", "u")
    strong = plain != token
    if len(plain) > 1 and plain[-1] in "sfrxj":
        strong = strong or plain[-1] != "s"
        plain = plain[:-1]
    if plain == token or not is_vietnamese_syllable(plain):
        return 0.0
    return 1.0 if strong else 0.5


def _has_vietnamese_marks(word: str) -> bool:
    if "đ" in word or "Đ" in word:
        return True
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", word))


def _name_positions(tokens: list[str], names: Iterable[str]) -> set[int]:
    """Indexes of the tokens that belong to one of the (folded) ``names``."""
    covered: set[int] = set()
    for name in names:
        parts = name.split()
        n = len(parts)
        for i in range(len(tokens) - n + 1):
            if tokens[i : i + n] == parts:
                covered.update(range(i, i + n))
    return covered


def guess_language(text: str, names: Iterable[str] = ()) -> LangGuess:
    """Vote on the language of ``text``; ``names`` are folded place/event names in it."""
    vi = en = 0.0
    words = [w for w in _WORD_RE.findall(text) if fold(w).isascii()]  # other scripts: no vote
    folded_words = [fold(w) for w in words]
    in_name = _name_positions(folded_words, names)
    for i, (word, token) in enumerate(zip(words, folded_words, strict=True)):
        marked = _has_vietnamese_marks(word)
        if i in in_name:
            # A name votes weakly Vietnamese, unless its word is plainly not Vietnamese
            # ("Lục Ngạn lychee", "Tam Thanh cave" are English names).
            if marked:
                vi += 0.5
            elif not (
                token in _LOANWORDS or is_vietnamese_syllable(token) or _swapped_syllable(token)
            ):
                en += 1
        elif marked:
            vi += 3
        elif token in _LOANWORDS:
            continue
        elif token in _EN_WORDS:
            en += 2
        elif token in _VI_WORDS:
            vi += 1.5
        elif is_vietnamese_syllable(token):
            vi += 0.5
        elif telex := _telex_leftover(token):
            vi += telex
        elif _swapped_syllable(token):
            vi += 0.5
        else:
            en += 1
    joined = " " + " ".join(folded_words) + " "
    vi += 3 * sum(f" {phrase} " in joined for phrase in _VI_PHRASES)
    if vi == en:
        return LangGuess(None, vi, en)
    return LangGuess("vi" if vi > en else "en", vi, en)


def detect_language(
    text: str, preferred: str | None, default: str, names: Iterable[str] = ()
) -> str:
    """The reply language: the message's own when it is clear, else the user's preference.

    A message that is all place names ("tranh dong ho") gives no evidence; it is answered
    in the user's saved language, or in Vietnamese when every word could be Vietnamese.
    """
    guess = guess_language(text, names)
    if guess.lang is not None and abs(guess.vi - guess.en) >= 1:
        return guess.lang
    if preferred:
        return preferred
    if guess.lang is not None:
        return guess.lang
    words = [fold(w) for w in _WORD_RE.findall(text)]
    words = [w for w in words if w.isascii() and not w.isdigit()]
    # Words that cannot be Vietnamese, names included ("Lục Ngạn lychee").
    foreign = [
        w
        for w in words
        if w not in _LOANWORDS
        and not is_vietnamese_syllable(w)
        and not _telex_leftover(w)
        and not _swapped_syllable(w)
    ]
    if words and not foreign:
        return "vi"
    return "en" if foreign else default
