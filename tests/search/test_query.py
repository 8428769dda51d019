import pytest

from bot.search.query import fts_expression, prepare, repair_telex

VOCAB = {"quan": 3, "ho": 5, "hoi": 9, "lim": 2, "duong": 4, "lang": 6, "son": 4}


def test_telex_remnants_are_repaired_against_the_vocabulary() -> None:
    assert repair_telex("hoj", VOCAB) == "ho"
    assert repair_telex("dduowngf", VOCAB) == "duong"
    assert repair_telex("hooij", VOCAB) == "hoi"
    assert repair_telex("sons", VOCAB) == "son"
    # English words stay as typed unless they fold onto an indexed syllable.
    assert repair_telex("cars", VOCAB) is None


def test_prepare_marks_corrections() -> None:
    terms = prepare("quan hoj", VOCAB, sorted(VOCAB))
    assert [t.token for t in terms] == ["quan", "ho"]
    assert terms[1].corrected and terms[1].typed == "hoj"
    typo = prepare("Lang Sonn", VOCAB, sorted(VOCAB))
    assert [t.token for t in typo] == ["lang", "son"]


@pytest.mark.parametrize(
    "text", ['"', "a NEAR b", "x AND y OR z", "-lim", "col:lim", "lim*", "NOT", "((", "^a"]
)
def test_fts_expression_quotes_everything(text: str) -> None:
    words = [t.token for t in prepare(text, VOCAB)]
    expression = fts_expression(words)
    for part in expression.split(" OR ") if expression else []:
        assert part.startswith('"') and part.endswith('"')


def test_famous_is_a_stop_phrase_but_ha_noi_stays_a_name() -> None:
    vocab = {**VOCAB, "tho": 2, "ha": 7, "noi": 8, "tieng": 3}
    famous = prepare("thổ hà nổi tiếng", vocab)
    assert [(t.token, t.stop) for t in famous] == [
        ("tho", False),
        ("ha", False),
        ("noi", True),
        ("tieng", True),
    ]
    city = prepare("đi Hà Nội", vocab)
    assert [(t.token, t.stop) for t in city][1:] == [("ha", False), ("noi", False)]
