"""The keyword classifier: ordered cue patterns over the normalised, name-masked text.

Two kinds of rule. Small talk (hello, thanks, ok, no...) claims a message only when
nothing but small talk and fillers is left once its cue is removed, so "xin chào, chùa
Dâu ở đâu" stays a question. Every other rule claims a message when its cue appears,
in priority order (asking for a person beats everything; a booking beats a price).
Cues are written against folded text, so names were masked first ("Giá Sơn" is a
village, not a price).
"""

from __future__ import annotations

import re

from bot.nlu.normalize import Normalized
from bot.nlu.parse import Intent

RULE_CONFIDENCE = 0.9
SMALL_TALK_CONFIDENCE = 0.95

_V = r"(?:xprov|xname)"  # a masked name

# Kinds of content a list can be of, by the words visitors use for them.
KIND_WORDS: dict[str, str] = {
    "tour": r"tours?|chuong trinh tour|hanh trinh",
    "event": r"le hoi|su kien|festivals?|events?|hoi",
    "place": r"dia diem(?: du lich)?|diem (?:den|du lich|tham quan)|places?|attractions?"
    r"|sights?|destinations?",
    "heritage": r"di san|di tich|heritage(?: sites?)?|relics?|monuments?|unesco sites?",
    "food": r"mon an|mon|dac san|dishes|specialt(?:y|ies)|foods?",
}
# Food is a list only when asked for as one ("danh sách món"): "what food" is a question
# the food pages answer.
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_KIND = "(?:" + "|".join(v for k, v in KIND_WORDS.items() if k != "food") + ")"
# Kinds of place asked for as a list: "những đền nào ở Nghệ An", "which pagodas".
_PLACE_TYPE_VI = r"(?:chua|den|dinh|lang nghe|ho|hang|dong|cho|bao tang|bai bien)"
_PLACE_TYPE_EN = (
    r"(?:pagodas|temples|communal houses|craft villages|lakes|caves|markets|museums|beaches)"
)

# Ordered: the first rule whose cue appears wins.
_CUES: tuple[tuple[Intent, str], ...] = (
    (
        Intent.HUMAN,
        r"\btu van vien\b|\bnguoi that\b|\b(?:gap|goi|noi chuyen voi|chat voi|ket noi(?: voi)?"
        r"|chuyen (?:cho|sang)|lien he(?: voi)?) (?:nhan vien|admin|ad|nguoi|ban quan ly|cskh"
        r"|tong dai)\b|\bco ai truc\b|\b(?:talk|speak|chat) (?:to|with) (?:a |an |some )?"
        r"(?:real )?(?:person|human|someone|agent|operator|staff|people)\b|\breal (?:person|human)"
        r"\b|\bhuman (?:please|agent|operator)\b|\bcustomer (?:service|support|care)\b"
        r"|\bconnect me\b|^human$",
    ),
    (
        Intent.SWITCH_LANGUAGE,
        r"\btieng (?:anh|viet)\b|\b(?:in|speak|use|answer in|reply in|respond in|switch to"
        r"|change to|talk in) (?:english|vietnamese)\b|^(?:english|vietnamese)(?: please)?$"
        r"|\b(?:english|vietnamese) please\b|\b(?:doi|chuyen) ngon ngu\b|\bchange (?:the )?"
        r"language\b",
    ),
    (
        Intent.REMIND,
        r"\bnhac (?:toi|minh|em|anh|chi|tui|giup|lai|nho|nhe|nha|voi|lich|truoc)\b|^nhac$"
        r"|\b(?:dat|tao|cai) (?:loi |lich )?nhac\b|\bbao (?:truoc )?cho (?:toi|minh|em|tui) "
        r"(?:khi|truoc|biet khi)\b|\bremind|\breminder|\bnotify me\b|\balert me\b"
        r"|\blet me know (?:when|before)\b|\bnhan thong bao\b|^subscribe$",
    ),
    (
        Intent.ABUSE,
        r"\b(?:bot|may|mi|ban|thang|con|do|qua|the|vl|vay|nhu bo) ngu\b|\bngu (?:vl|qua|the|vay"
        r"|nhu|ha|het|thiet|vai|dan|si|lon|bo)\b|^ngu$|\boc cho\b|\bvo dung\b|\bdo te\b"
        r"|\b(?:dm|clgt|cc|dit|lon|cut)\b|\b(?:stupid|idiot|dumb|useless|moron|suck|sucks"
        r"|fuck|fucking|shit|crap|wtf|trash|rubbish|bullshit)\b",
    ),
    (
        Intent.BOOKING,
        r"\b(?:dat|book|dang ky|giu|thue) (?:giup |ho |cho )?(?:toi |minh |em |tui |me )?"
        r"(?:\S+ )?(?:phong|ve|tour|cho|ban|xe|khach san|homestay|nha nghi|room|rooms|hotel"
        r"|tickets?|table|seats?|a tour|homestay)\b|\bbook(?:ing)?\b|\breserv|\bcon phong\b"
        r"|\bkhach san\b|\bnha nghi\b|\bhomestay\b|\bhotels?\b|\bhostel\b"
        r"|\bwhere (?:can|should|do) (?:i|we) stay\b|\bcho (?:ngu|nghi|o)\b|\bnghi (?:dem|lai) o"
        r"\b|\bthue xe\b|\brent (?:a )?(?:car|bike|motorbike|scooter)\b|\bdat (?:phong|ve|tour)\b",
    ),
    (
        # A recipe: how to cook a dish, not where to eat it ("cách làm bánh chưng").
        Intent.RECIPE,
        r"\b(?:cach|huong dan|bi quyet) (?:lam|nau|goi|che bien|uop|muoi|do|luoc|rang|nuong)"
        r" (?:mon |banh |nem |ga |vit |pho |sup |chao |canh |xoi |com |che |lon |thit |ca |mi"
        r" |my |tuong |ruou )|\bcong thuc (?:nau|lam|mon)\b|\brecipes?\b"
        r"|\bhow (?:to|do (?:i|you)|can i) (?:make|cook|prepare)\b",
    ),
    (
        Intent.WEATHER,
        r"\bthoi tiet\b|\bweather\b|\bforecast\b|\bdu bao\b|\bnhiet do\b|\btemperature\b"
        r"|\bbao nhieu do\b|\brain(?:s|ing|y)?\b|\bsnow(?:s|ing)?\b|\bumbrella\b|\bsunny\b"
        r"|\b(?:troi|se|sap) mua\b|\bco mua (?:khong|to|nhieu|ko)\b|\bmua (?:to|phun|rao|bao)\b"
        r"|\btroi (?:nang|lanh|ret|nong|am|mat|dep)\b|\bnang (?:khong|hay mua|nong)\b"
        r"|\b(?:lanh|ret|nong) (?:khong|lam khong|qua khong)\b|\bco bao (?:khong|to|lon)\b"
        r"|\b(?:how )?(?:cold|hot|warm) (?:is it|will it)\b|\bis it (?:cold|hot|warm)\b",
    ),
    (
        Intent.TICKETS,
        r"\b(?:gia|mua|dat|het) ve\b(?! (?:nguon|que|ha noi|nha|lam))|\b(?:con|co) ve (?:khong"
        r"|nao)\b|\bve (?:vao|tham quan"
        r"|vao cong|vao cua|cap treo|tre em|nguoi lon|bao nhieu|mien phi|tau|xe)\b"
        r"|\b(?:mat|thu|co thu) phi\b|\bphi (?:vao|tham quan)\b|\bmien phi\b|\bentrance\b"
        r"|\badmission\b|\bentry (?:fee|free|ticket)|\btickets?\b|\bis (?:it|entry) free\b"
        r"|\bfree (?:to|entry)\b|\bfees?\b",
    ),
    (
        Intent.OPENING_HOURS,
        r"\b(?:mo|dong) cua\b|\bgio (?:mo|dong|lam viec)\b|\bopening (?:hours|times?)\b"
        r"|\bclosing time\b|\b(?:open|close|closed|opens|closes) (?:on|today|now|at|until"
        r"|tomorrow|in the)\b|\bwhat time does\b|\b(?:is it|are they) (?:open|closed)\b"
        r"|\bopen today\b|\bhours of\b|\bwhen does (?:it|the \w+) (?:open|close)\b",
    ),
    (
        Intent.PRICE,
        r"\bgia (?:bao nhieu|the nao|ca|re|dat|tour|phong|ra sao|sao|khoang|bn|tien)\b"
        r"|^gia$|\bgia (?:ve )?xname\b|\bbao nhieu tien\b(?! si\b)"
        r"|\b(?:het|ton|mat) (?:khoang )?bao nhieu\b(?! (?:km|ngay"
        r"|gio|thoi gian|lau))|\bchi phi\b|\bton kem\b|\b(?:co )?(?:dat|mac|re) (?:khong|ko|qua)"
        r"\b|\bhow much\b|\bprices?\b|\bcosts?\b|\bexpensive\b|\bcheap\b|\bbudget\b|\bpricing\b",
    ),
    (
        Intent.LUNAR_DATE,
        r"^(?!.*\b(?:le hoi|festivals?|hoi|gio|events?|su kien)\b)"  # a festival is content
        r".*(?:\bam lich\b|\blich am\b|\bduong lich\b|\blunar\b|\btet\b|\bram\b"
        r"|\bmung (?:may|1|mot)\b|\btrung thu\b|\bmid autumn\b|\bdoan ngo\b|\bvu lan\b"
        r"|\bnew year\b)",
    ),
    (
        Intent.DIRECTIONS,
        r"(?<!lam )\bbang (?:gi|cach nao|phuong tien gi|xe gi)\b|\bduong (?:di|den|toi|ra|len)\b"
        r"|\bchi duong\b|\blam (?:sao|the nao) (?:de )?(?:di|den|toi)\b"
        r"|\bbao xa\b|\bbao nhieu (?:km|cay so|kilomet)\b|\bmat (?:khoang )?bao"
        r" lau\b|\bdi (?:\S+ ){0,4}(?:nhu the nao|the nao|ra sao)\b|\bxe (?:khach|buyt|bus)\b"
        r"|\btau hoa\b|\bhow far\b|\bget (?:there|to|from)\b|\bdirections?\b|\bdistance\b"
        r"|\bhow long does it take\b|\b(?:bus|train|flight|taxi|grab|drive|car) (?:to|from"
        r"|there)\b|\bby (?:bus|train|car|motorbike|taxi)\b|\bhow (?:do|can) (?:i|we) (?:go|get)"
        r"\b|\btake a (?:bus|train|taxi)\b|\bxe nao di\b|\broute (?:to|from)\b",
    ),
    (
        Intent.TRIP_PLAN,
        r"\b(?:\d+|mot|hai|ba|bon|nam|one|two|three|four|five|a) ?(?:ngay|days?|dem|nights?)\b"
        r"(?!.*\b(?:ton|het|bao nhieu tien)\b)|\b\d+n\d*d?\b|\bday trip\b|\btrong (?:1|mot) ngay\b"
        r"|\blong weekend\b|\bcuoi tuan dai\b|\bdai ngay\b|\blich trinh\b|\bitinerar"
        r"|\b(?:weekend|family|holiday|beach|short) trip\b|\btrip (?:from|near) \w"
        r"|\bmay ngay (?:la |thi )?(?:vua|hop ly|du|dep)\b|\bnen (?:di|o) (?:trong )?may ngay\b"
        r"|\bhow many days (?:should|do|would) (?:i|we) (?:spend|need|stay)\b"
        r"|\bhow long should (?:i|we) (?:stay|spend)\b"
        r"|\bplan (?:a|my|our|the)? ?(?:trip|day|weekend|visit)\b|\bgoi y (?:lich|cho|di|diem"
        r"|tour)\b|\bnen di dau\b|\bdi dau choi\b|\bwhere should (?:i|we) go\b"
        r"|\bwhat do you (?:suggest|recommend)\b|\b(?:weekend|cuoi tuan) (?:free|ranh|nay nen"
        r"|nen)\b|\bwe have (?:a|the) weekend\b|\b(?:thich|like|love|into) .*\b(?:di dau|where"
        r" (?:should|to|can)|suggest|goi y)\b",
    ),
    (
        Intent.LIST,
        rf"\b(?:danh sach|liet ke)\b|\b(?:list|show me|show)(?: of| all| the| me| your| our)*"
        rf" {_KIND}\b"
        rf"|\b(?:nhung|cac|tat ca(?: cac)?) {_KIND}\b|\bco (?:nhung |may |bao nhieu )?"
        rf"{_KIND} (?:nao|gi)\b|\b(?:what|which|any|all(?: the)?) {_KIND}\b"
        rf"(?! (?:is|was|does|do i|should|to)\b)|\b{_KIND} (?:list|in (?:{_V}|{_MONTHS}))\b"
        # (not about a tour: "tour Trúc Lâm đi qua những chùa nào" asks for its stops)
        rf"|^(?!.*\btour).*\b(?:nhung|cac) {_PLACE_TYPE_VI}(?: (?:va )?{_PLACE_TYPE_VI})?"
        rf" (?:nao|gi|noi tieng|dep|o)\b"
        rf"|^(?!.*\btour).*\bco (?:nhung |may |bao nhieu )?{_PLACE_TYPE_VI} (?:nao|gi)\b"
        rf"|\b(?:which|what|any|all(?: the)?|list of) {_PLACE_TYPE_EN}\b",
    ),
    (
        Intent.HELP,
        r"^(?:help|tro giup|huong dan(?: su dung)?|menu|start)$|\bban (?:lam|giup) (?:duoc )?"
        r"(?:gi|nhung gi)\b|\bbot (?:nay )?(?:lam|giup) (?:duoc )?(?:gi|nhung gi)\b"
        r"|\bwhat can you (?:do|help)\b|\bhow (?:do i|to) use\b|\bhow does (?:this|it) work\b"
        r"|\bban la ai\b|\bwho are you\b|\bwhat do you know\b|\b(?:dung|su dung) (?:the nao"
        r"|nhu the nao)\b|\bcan you help( me)?$|\bi need help$|^giup (?:toi|minh|em|tui) voi$"
        r"|\bnen hoi gi\b|\bwhat are the commands\b|\bshow me the menu\b",
    ),
)
_COMPILED = tuple((intent, re.compile(p)) for intent, p in _CUES)

# Small talk: the cue must be (nearly) all there is.
_SMALL_TALK: tuple[tuple[Intent, str], ...] = (
    (
        Intent.THANKS,
        r"cam on|cam ta|thanks|thank you|many thanks|appreciate it|thanks a lot"
        r"|thank you so much|cam on nhieu",
    ),
    (
        Intent.GOODBYE,
        r"tam biet|bye|bye bye|goodbye|good bye|see you|see you later|hen gap lai|good night"
        r"|chuc ngu ngon|bai bai|talk to you later|thoi minh di day|minh di day|that s all",
    ),
    (
        Intent.GREETING,
        r"xin chao|chao|hello|hi|hey|alo|yo|good morning|good afternoon|good evening"
        r"|chao buoi sang|chao buoi toi|chao buoi chieu|howdy|greetings",
    ),
    (
        Intent.DENY,
        r"khong|no|nope|nah|thoi|khong can|khong phai|sai roi|no thanks|not really|no need"
        r"|not now|khong muon|chua|thoi khoi|khoi|hong|hem|sai",
    ),
    (
        Intent.AFFIRM,
        r"ok|co|vang|da|u|um|dung roi|dung|duoc|dong y|yes|yeah|yep|yup|sure|of course"
        r"|yes please|sounds good|correct|right|chuan|ok luon|great|perfect|fine|alright",
    ),
)
_SMALL_TALK_RE = tuple((intent, re.compile(rf"\b(?:{p})\b")) for intent, p in _SMALL_TALK)
# Words that may surround small talk without making it a question.
_FILLERS = frozenset(
    """
    ad admin ban bot em anh chi oi a nha nhe nhen nhe nhiu nhieu lam nhe ha ne the luon
    ok so much very lot a the there everyone all you guys again buddy friend please
    thong tin nhe nha rat huu ich qua tuyet voi great good nice cool awesome really
    for info help the for helpful that s is it that
    """.split()
)


def small_talk(tokens: tuple[str, ...], text: str) -> Intent | None:
    """The small-talk intent a message is entirely made of, if any (thanks beat ok)."""
    if not tokens or len(tokens) > 8:
        return None
    for intent, rx in _SMALL_TALK_RE:
        if rx.search(text):
            rest = rx.sub(" ", text)
            # "ok thanks": the other small talk is filler too
            for _other, other_rx in _SMALL_TALK_RE:
                rest = other_rx.sub(" ", rest)
            if all(w in _FILLERS for w in rest.split()):
                return intent
    return None


def cue_intent(text: str) -> Intent | None:
    """The first intent whose cue appears in the masked text."""
    for intent, rx in _COMPILED:
        if rx.search(text):
            return intent
    return None


def classify(norm: Normalized) -> tuple[Intent, float]:
    """Intent and confidence by the rules alone; ``QUESTION`` at 0.5 when none fits."""
    if norm.command is not None:
        by_command = {"help": Intent.HELP, "start": Intent.HELP, "human": Intent.HUMAN}
        if norm.command in by_command:
            return by_command[norm.command], SMALL_TALK_CONFIDENCE
    text = norm.text
    talk = small_talk(norm.masked, text)
    if talk is not None:
        return talk, SMALL_TALK_CONFIDENCE
    cue = cue_intent(text)
    if cue is not None:
        return cue, RULE_CONFIDENCE
    return Intent.QUESTION, 0.5
