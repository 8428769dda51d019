"""Understanding one visitor message: intent, confidence and slots, platform-free.

from bot.nlu import Understanding, gazetteer_from
provinces, names = gazetteer_from(pack.items.values())
nlu = Understanding(provinces, names)
parse = nlu.understand("will it rain in Bac Ninh tomorrow", today)
parse.intent, parse.confidence, parse.slots.province  # WEATHER, 0.9, "bac-ninh"
"""

from bot.nlu.parse import Aspect, Intent, Parse, Slots
from bot.nlu.understand import Understanding, gazetteer_from

__all__ = ["Aspect", "Intent", "Parse", "Slots", "Understanding", "gazetteer_from"]
