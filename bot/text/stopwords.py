"""Words that carry no content in a question (folded), in both languages."""

from __future__ import annotations

STOPWORDS = frozenset(
    """
    a an and any are as at be by can could do does for from get how i if in into is it its
    me my of on or our please tell that the their there these this to us was we what whats
    when where which who whom why will with would you your show find know about there's
    much many some info information something anything want like need go going
    ai ban bao cac cach can cho chut co con cua da dang day de di dau duoc gi gio hay hom
    nhieu
    khi khong la lam len luc minh mot nao nay ne nen nhe nho nhung nhu o oi qua ra
    roi sao se tai the thi toi trong tu va vay ve vi voi xin xa xem ah a_ u_ vay_ nhi
    duoc_ happens happen going on sap upcoming coming soon next choi dep nhat nen things
    thing see visit attractions should must might shall may happen did done muon
    ko kg khg hok hem hk dc dk ji zay bh bjo bgio mn mk mik nx cx cg ak ad
    """.replace("_", "").split()
)

# Generic words that say *what kind* of thing is wanted, not *which* one: they steer the
# intent and weigh little in coverage.
GENERIC = frozenset(
    """
    le hoi su kien event events festival festivals tour tours dia diem place places
    di tich chua den dinh tinh province thanh pho city lang village nam ngay thang
    ngon mon dac san food eat specialty dish
    """.split()
)

# Word pairs that carry no content together, though each word alone may ("nổi tiếng",
# famous: "nội" alone is in "Hà Nội").
STOP_PHRASES = frozenset({("noi", "tieng"), ("famous", "for"), ("known", "for")})
