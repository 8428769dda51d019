"""Places outside the region the content covers, as a visitor types them (folded).

A question that names one of them ("Hà Giang có gì chơi", "what to see in Da Nang") is
answered only by an item that mentions that place; otherwise the bot says what it knows
instead of answering with a look-alike ("Hà Giang" is not "Bắc Giang").
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

# Provinces and cities before and after the 2025 merger, and the best-known destinations,
# outside Bắc Giang, Bắc Ninh, Thái Nguyên, Bắc Kạn, Hải Dương, Hải Phòng, Lạng Sơn and
# Nghệ An. Hà Nội (where trips start) and Quảng Ninh (Yên Tử) are left out: the content
# speaks of them. "Sơn La" is left out too: "Lạng Sơn là ..." folds to the same words.
_NAMES = """
ha giang|tuyen quang|cao bang|lao cai|yen bai|dien bien|lai chau|hoa binh|phu tho
vinh phuc|ha nam|nam dinh|thai binh|ninh binh|thanh hoa|ha tinh|quang binh|quang tri
thua thien hue|hue|da nang|danang|quang nam|quang ngai|binh dinh|phu yen|khanh hoa
ninh thuan|binh thuan|kon tum|gia lai|dak lak|daklak|dak nong|lam dong|binh phuoc
tay ninh|binh duong|dong nai|ba ria|vung tau|sai gon|saigon|ho chi minh city
thanh pho ho chi minh|tp hcm|hcmc|long an|tien giang|ben tre|tra vinh|vinh long
dong thap|an giang|kien giang|can tho|hau giang|soc trang|bac lieu|ca mau
sa pa|sapa|ha long|halong|vinh ha long|da lat|dalat|hoi an|nha trang|phu quoc|mui ne
con dao|moc chau|mu cang chai|trang an|tam coc|quy nhon|phan thiet|cat ba|dong hoi
"""


def _parse() -> frozenset[tuple[str, ...]]:
    return frozenset(
        tuple(name.split()) for name in _NAMES.replace("\n", "|").split("|") if name.strip()
    )


NAMES = _parse()
_LONGEST = max(len(n) for n in NAMES)


def places_elsewhere(
    words: Sequence[str], ours: Collection[tuple[int, int]] = ()
) -> list[list[str]]:
    """The places outside the region named in ``words`` (folded tokens), longest first
    where two overlap ("vịnh Hạ Long", not "Hạ Long"). ``ours``: (start, end) spans of our
    names in ``words``; a word belongs to one name, the longer one ("đền Cao An Phụ thờ"
    is no Phú Thọ, but "đi vịnh Hạ Long" is Hạ Long bay, not "đi Vinh")."""
    found: list[list[str]] = []
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST, len(words) - i), 0, -1):
            if any(a < i + n and i < b and b - a >= n for a, b in ours):
                continue
            if tuple(words[i : i + n]) in NAMES:
                found.append(list(words[i : i + n]))
                i += n
                break
        else:
            i += 1
    return found
