"""Whether a folded token could be a Vietnamese syllable (used for language and typo repair)."""

from __future__ import annotations

import re

# Onset, vowel nucleus and coda of a Vietnamese syllable once diacritics are folded away.
# It is a little looser than the real phonotactics, which is what we want: it must accept
# every Vietnamese syllable and reject most English words ("things", "what", "festival").
_SYLLABLE_RE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(oai|oay|oeo|uay|uya|uye|uyu|uoi|uou|ieu|yeu|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|"
    r"ua|ue|ui|uo|uu|uy|ye|a|e|i|o|u|y)"
    r"(ch|ng|nh|[cmnpt])?$"
)


def is_vietnamese_syllable(token: str) -> bool:
    """True when ``token`` (folded, ASCII) has the shape of a Vietnamese syllable."""
    return bool(_SYLLABLE_RE.match(token))
