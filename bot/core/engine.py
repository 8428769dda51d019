"""The answering engine: a question in, a reply drawn only from curated content out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.calendar.format import format_range
from bot.calendar.phrases import find_window
from bot.calendar.recurrence import Occurrence
from bot.content.loader import ContentPack
from bot.content.schema import Event, Item, Place, Province
from bot.core import answers, dates, events
from bot.core.boosts import boosted, provinces_named
from bot.core.elsewhere import places_elsewhere
from bot.core.intent import Intent, asks_exact, asks_one_fact, cue_words, intent_words, intents
from bot.core.labels import short
from bot.core.models import ItemRef, Reply
from bot.core.names import name_runs, named_in, named_instead
from bot.core.overviews import overview_for
from bot.core.replies import help_text, menu_buttons
from bot.core.snippets import story_sentence
from bot.i18n import gettext as _
from bot.i18n import ngettext, use_lang
from bot.search.index import Hit, SearchIndex, SearchResult
from bot.search.lang import detect_language
from bot.store.docs import Docs
from bot.text.fold import fold, tokens
from bot.text.stopwords import GENERIC

MAX_CHARS = 2000  # longer messages are answered from their beginning
ANSWER_COVERAGE = 0.6  # share of the question's content words the best item must contain
SEE_ALSO = 3
SEE_ALSO_TITLE = 48  # characters of a runner-up's name on the see-also line
EVENTS_LISTED = 8


@dataclass(frozen=True, slots=True)
class Answer:
    """A reply plus what the question log needs."""

    reply: Reply
    folded: str
    matched: list[str]


class Engine:
    """Answers questions from one content pack and its search index."""

    def __init__(self, pack: ContentPack, index: SearchIndex, docs: Docs, default_lang: str):
        self.pack = pack
        self.index = index
        self.docs = docs
        self.default_lang = default_lang

    def language_of(self, text: str, preferred: str | None) -> str:
        names = {" ".join(tokens(text)[a.start : a.end]) for a in self._aliases(text)}
        return detect_language(text, preferred, self.default_lang, names)

    def _aliases(self, text: str) -> list:  # type: ignore[type-arg]
        return self.index.find_aliases(tokens(text[:MAX_CHARS]))

    def names_typed(self, text: str) -> set[str]:
        """Ids of the items whose name or alias ``text`` spells out as typed."""
        return {a.item_id for a in self._aliases(text)}

    async def answer(
        self, text: str, today: dt.date, preferred: str | None = None, lang: str | None = None
    ) -> Answer:
        """Answer ``text`` as of ``today`` in ``lang`` (detected when None)."""
        text = text[:MAX_CHARS]
        lang = lang or self.language_of(text, preferred)
        with use_lang(lang):
            dated = dates.date_answer(text, today, lang)
            if dated is not None:  # "Tết 2027 là ngày nào": the calendar answers
                return Answer(dated, " ".join(tokens(text)), [])
            return await self._answer(text, today, lang)

    async def _answer(self, text: str, today: dt.date, lang: str) -> Answer:
        folded = " ".join(tokens(text))  # the question log groups by this form
        if not tokens(text):
            return Answer(self._empty(lang), folded, [])
        wanted = intents(folded)
        if Intent.LUNAR_TODAY in wanted:
            return Answer(
                self._lunar_today(today, lang, "mai" in folded or "tomorrow" in folded), folded, []
            )
        match = find_window(text, today)
        rest = text
        if match is not None:
            a, b = match.span
            # Cut the phrase out of the text as typed when folding kept its length (it does
            # for NFC text), so capitalised names survive for name_runs.
            source = text if len(fold(text)) == len(text) else fold(text)
            rest = source[:a] + " " + source[b:]
        result = await self.index.search(self.docs, rest, cues=cue_words(folded))
        hits = boosted(self.pack, self.index, result, wanted)
        specific = self._specific_weight(result, hits)
        provinces = provinces_named(self.pack, result)
        if (Intent.GREETING in wanted or Intent.HELP in wanted) and specific == 0:
            return Answer(self._help(lang), folded, [])
        top, answered, named, elsewhere = self._choose(rest, result, hits)
        direct = {a.item_id for a in result.aliases if a.item_id in self.pack.items}
        general = self._specific_weight(result, hits, intent_words(folded, wanted)) == 0
        overview = overview_for(self.pack, wanted, direct) if general else None
        if overview is not None:  # a general question: the province's page on it
            top = next((h for h in hits if h.item_id == overview), Hit(overview, "faq"))
            answered, hits = True, [top, *(h for h in hits if h is not top)]
        if elsewhere and not answered:
            return Answer(self._unanswered(lang), folded, [])
        window = (match.window.start, match.window.end) if match else None
        about_dates = bool(wanted & {Intent.EVENTS, Intent.WHEN, Intent.CONVERT}) or not any(
            not t.stop for t in result.terms
        )
        if match is not None and window is not None and about_dates:
            # A date phrase: answer about one item only when the rest of the question
            # names it (and, for an event, it happens then); otherwise say what is on.
            item_fits = (
                answered
                and top is not None
                and specific > 0
                and top.kind != "province"
                and self._overlaps(top.item_id, today, window)
            )
            if not item_fits:
                reply = events.listing(self.pack, today, lang, window, provinces)
                return Answer(reply, folded, [i.id for i in reply.items])
        elif Intent.EVENTS in wanted and (
            specific == 0 or (answered and top and top.kind == "province")
        ):
            reply = events.listing(self.pack, today, lang, None, provinces)
            return Answer(reply, folded, [i.id for i in reply.items])
        if not answered or top is None:
            return Answer(self._unanswered(lang), folded, [])
        worth = self._worth(top, hits, specific, named)
        reply = self._item_reply(top, [top, *worth], result, today, lang, window, wanted)
        return Answer(reply, folded, [i.id for i in reply.items])

    # -- scoring -----------------------------------------------------------------------

    def _choose(
        self, rest: str, result: SearchResult, hits: list[Hit]
    ) -> tuple[Hit | None, bool, list[list[str]], bool]:
        """The item the question is about, whether it answers it, the item names the
        question quotes, and whether it names a place outside the region."""
        # The best-scored item the question really points at (an intent boost can lift a
        # loosely matching item above the one whose name was typed).
        runs = name_runs(rest, result)
        # A place outside the region must be mentioned by the answer, like a name typed
        # with capitals: "Hà Giang có gì chơi" is not answered about Bắc Giang.
        ours = [(a.start, a.end) for a in result.aliases if a.end - a.start >= 2]
        elsewhere = [[name] for name in places_elsewhere(tokens(rest), ours)]
        runs += elsewhere
        top = next(
            (h for h in hits[:5] if self._confident(h, result, runs)), hits[0] if hits else None
        )
        answered = top is not None and self._confident(top, result, runs)
        named = named_in(self.pack, result)
        top = named_instead(
            top,
            hits,
            result,
            named,
            lambda h: self._confident(h, result, runs),
            self.index.mentions,
        )
        return top, answered, named, bool(elsewhere)

    def _confident(
        self, hit: Hit, result: SearchResult, runs: list[list[list[str]]] | None = None
    ) -> bool:
        if result.content_weight <= 0:
            return False
        # An item that does not mention a name the visitor typed is about something else:
        # "thời tiết Hà Nội" is not answered by a page that says "thời tiết" and "Hà Nội"
        # apart, nor "Đà Lạt" by a page about seasons.
        if runs and not all(
            any(self.index.mentions(hit.item_id, form) for form in forms) for forms in runs
        ):
            return False
        # Enough of the question's words, and one of them says what the item is (its name,
        # an alias, a tag): words met only in a body ("rain" in a forest's description)
        # do not make an answer.
        if hit.coverage >= ANSWER_COVERAGE and (hit.head_coverage > 0 or hit.alias_span):
            return True
        # The kind of item the question asks for, in the province it names ("What
        # specialities should I buy in Hai Duong?" → Hải Dương's food page), may use other
        # words than the question does.
        if hit.reasons.get("fits") and hit.coverage >= 0.3:
            return True
        # A name typed in full ("Văn miếu Mao Điền", "Côn Sơn") pins the item down even when
        # the rest of the question uses words the content does not ("gắn với danh nhân nào").
        # Province names are too broad for that: "weather in Lạng Sơn" is not about tourism.
        if (hit.alias_span >= 2 or hit.rare_alias) and hit.kind != "province":
            return True
        return hit.alias_span >= 2 and hit.name_coverage >= 0.45

    def _worth(
        self, top: Hit, hits: list[Hit], specific: float, named: list[list[str]]
    ) -> list[Hit]:
        """The runners-up worth a mention: not those that share only a province with the
        question (unless of the kind it asks for there), nor those that never mention the
        item it names."""
        return [
            h
            for h in hits
            if h is not top
            and (specific > 0 or h.reasons.get("fits"))
            and all(self.index.mentions(h.item_id, words) for words in named)
        ]

    def _overlaps(self, item_id: str, today: dt.date, window: tuple[dt.date, dt.date]) -> bool:
        item = self.pack.items[item_id]
        if not isinstance(item, Event):
            return True
        occ = answers.occurrence_for(item, today, window)
        return occ is not None and occ.start <= window[1] and occ.end >= window[0]

    def _specific_weight(
        self, result: SearchResult, hits: list[Hit], skip: frozenset[str] = frozenset()
    ) -> float:
        """Weight of content words that name something, beyond generic words, provinces
        and ``skip``."""
        province_tokens: set[int] = set()
        for alias in result.aliases:
            if self.pack.items[alias.item_id].kind == "province":
                province_tokens.update(range(alias.start, alias.end))
        weight = 0.0
        # Inside a name typed in full no word is generic: "Hội Làng Diềm" names a festival.
        named = {
            i
            for a in result.aliases
            if a.end - a.start >= 2 and self.pack.items[a.item_id].kind != "province"
            for i in range(a.start, a.end)
        }
        for i, term in enumerate(result.terms):
            generic = term.token in GENERIC and i not in named
            if term.stop or generic or i in province_tokens or not term.known:
                continue
            if term.token in skip:
                continue
            weight += self.index.idf(term.token)
        return weight

    # -- replies -----------------------------------------------------------------------

    def _item_reply(
        self,
        top: Hit,
        hits: list[Hit],
        result: SearchResult,
        today: dt.date,
        lang: str,
        window: tuple[dt.date, dt.date] | None,
        wanted: set[Intent],
    ) -> Reply:
        item = self.pack.items[top.item_id]
        occurrence = (
            answers.occurrence_for(item, today, window) if isinstance(item, Event) else None
        )
        words = {t.token for t in result.terms if not t.stop}
        way = Intent.DISTANCE in wanted
        this_year = window == (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
        when = Intent.WHEN in wanted
        parts = [answers.item_text(self.pack, item, occurrence, today, words, way, this_year, when)]
        asked = " ".join(t.typed for t in result.terms)
        if (story := story_sentence(item, asked, parts[0])) is not None:
            parts[0] += "\n" + story
        if isinstance(item, Event) and item.recurrence.approximate and asks_exact(asked):
            # The exact day of an event set each year is not a window we can compute.
            year = occurrence.start.year if occurrence is not None else today.year
            text = _(
                "The exact date for {year} has not been announced yet: please check the"
                " official announcements before you go."
            )
            parts = [item.summary.get(lang), text.format(year=year)]
        if isinstance(item, Event) and occurrence is not None and occurrence.end < today:
            # The reply's item is the next occurrence even when the text recalls a past one.
            occurrence = answers.occurrence_for(item, today)
        if Intent.COUNTDOWN in wanted and occurrence is not None:
            days = (occurrence.start - today).days
            if days > 0:
                parts.insert(0, ngettext("In {n} day.", "In {n} days.", days).format(n=days))
            elif occurrence.end >= today:
                parts.insert(0, _("It is on now."))
        refs = [answers.item_ref(item, occurrence)]
        if isinstance(item, Province) and wanted & {Intent.THINGS_TO_DO, Intent.WHERE}:
            places = self._places_in(item.id)
            if places:
                parts.append(_("Places to visit: {names}").format(names=_listed(places, lang)))
        others = [h for h in hits[1:] if h.score >= 0.7 * top.score and self._confident(h, result)][
            :SEE_ALSO
        ]
        brief = asks_one_fact(asked)
        self._see_also(others, top, today, lang, window, parts, refs, brief)
        related = refs[1:] or answers.related_refs(self.pack, item, today)
        return Reply(
            text="\n\n".join(parts),
            lang=lang,
            title=item.name.get(lang),
            items=tuple(refs),
            buttons=answers.item_buttons(item, self.pack, related),
            venue=answers.venue_of(self.pack, item),
        )

    def _see_also(
        self,
        others: list[Hit],
        top: Hit,
        today: dt.date,
        lang: str,
        window: tuple[dt.date, dt.date] | None,
        parts: list[str],
        refs: list[ItemRef],
        brief: bool = False,
    ) -> None:
        """Append the runners-up worth a mention to ``parts`` (one short line) and ``refs``;
        without the line of names when the question wants one fact (``brief``)."""
        if not others:
            return
        titles: list[str] = []
        for h in others:
            other = self.pack.items[h.item_id]
            occ = answers.occurrence_for(other, today, window) if isinstance(other, Event) else None
            if (
                window is not None
                and isinstance(other, Event)
                and occ is not None
                and not (occ.start <= window[1] and occ.end >= window[0])
            ):
                continue
            refs.append(answers.item_ref(other, occ))
            title = short(other.name.get(lang), SEE_ALSO_TITLE)
            if occ is not None:
                # Solar dates only: a lunar date in brackets inside a bracket reads badly.
                title += ", " + format_range(occ.start, occ.end, lang, with_lunar=False)
            titles.append(title)
        if titles and not brief:
            parts.append(_("See also: {names}").format(names="; ".join(titles)))
        # A runner-up almost as good as the winner gets its summary too: the
        # question may be about it ("where was Hồ Chí Minh born" → the square and
        # Kim Liên both match).
        # (Not when one fact is asked: it is in the answer already, or not at all.)
        close = [h for h in others[:1] if h.score >= 0.9 * top.score and not brief]
        for h in close:
            other = self.pack.items[h.item_id]
            parts.append(f"{other.name.get(lang)}: {other.summary.get(lang)}")

    def _places_in(self, province_id: str) -> list[Place]:
        within = self.pack.provinces_within(province_id)
        return [
            p
            for p in self.pack.items.values()
            if isinstance(p, Place) and set(p.provinces) & within
        ]

    def events_between(
        self, start: dt.date, end: dt.date, provinces: set[str] | None = None
    ) -> list[tuple[Event, Occurrence]]:
        """Every event occurrence overlapping [start, end], by date."""
        return events.between(self.pack, start, end, provinces)

    def _lunar_today(self, today: dt.date, lang: str, tomorrow: bool) -> Reply:
        return dates.lunar_day_reply(today + dt.timedelta(days=1) if tomorrow else today, lang)

    def _help(self, lang: str) -> Reply:
        return Reply(text=help_text(), lang=lang, buttons=menu_buttons())

    def _empty(self, lang: str) -> Reply:
        return Reply(
            text=_("Please type a question, for example: “When is the Lim festival?”"),
            lang=lang,
            answered=False,
            buttons=menu_buttons(),
        )

    def _unanswered(self, lang: str) -> Reply:
        text = _(
            "Sorry, I don't have information about that yet. I can tell you about places,"
            " festivals and their dates, joint tours, heritage and food in Bắc Giang, Bắc Ninh,"
            " Thái Nguyên, Hải Dương, Lạng Sơn and Nghệ An. I have passed your question on to"
            " the tourism staff."
        )
        return Reply(text=text, lang=lang, answered=False, buttons=menu_buttons())


def _listed(items: Sequence[Item], lang: str, limit: int = 8) -> str:
    """Names of ``items``, the first ``limit`` of them and how many more."""
    names = ", ".join(i.name.get(lang) for i in items[:limit])
    if len(items) > limit:
        more = len(items) - limit
        names += " " + ngettext("and {n} more", "and {n} more", more).format(n=more)
    return names
