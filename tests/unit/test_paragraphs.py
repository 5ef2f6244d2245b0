"""Cutting text of every real-world layout into readable paragraphs."""

from __future__ import annotations

import re

import pytest

from speechlens.paragraphs import LONG_PARAGRAPH_WORDS, split_paragraphs, split_paragraphs_and_sentences
from speechlens.text import count_words, lower_tokens, normalize_text, split_sentences

# Hard-wrapped at ~60 characters, no blank lines, words split across lines.
WRAPPED = """\
The General Assembly meets at a time of great danger for the
world. We must strengthen international co-
operation against terrorism and against the cross-
border trafficking of arms, drugs and human beings. The
Organization cannot act alone, and no State can stand aside
while others bear the burden of collective action. We
support the proposals of the Secretary-
General for a new agenda for peace.
The second question before us is development. Poverty
remains the greatest threat to the security of millions of
people, and the least developed countries need a fair deal
in trade, debt relief and decision-
making in the institutions that govern them.
Finally, let me turn to the reform of the Security Council.
The Council must reflect the world of today, not the world
of 1945, if its decisions are to carry the authority that
the Charter gives them.
"""
WRAPPED_PARAGRAPHS = [
    "The General Assembly meets at a time of great danger for the world. We must strengthen "
    "international cooperation against terrorism and against the cross-border trafficking of "
    "arms, drugs and human beings. The Organization cannot act alone, and no State can stand "
    "aside while others bear the burden of collective action. We support the proposals of the "
    "Secretary-General for a new agenda for peace.",
    "The second question before us is development. Poverty remains the greatest threat to the "
    "security of millions of people, and the least developed countries need a fair deal in "
    "trade, debt relief and decision-making in the institutions that govern them.",
    "Finally, let me turn to the reform of the Security Council. The Council must reflect the "
    "world of today, not the world of 1945, if its decisions are to carry the authority that "
    "the Charter gives them.",
]

# The same speech as printed in the Official Records: page numbers, a document
# code and a print-job footer between pages, one of them in mid-sentence.
WRAPPED_WITH_PAGE_FURNITURE = """\
The General Assembly meets at a time of great danger for the
world. We must strengthen international co-
12


operation against terrorism and against the cross-
border trafficking of arms, drugs and human beings. The
Organization cannot act alone, and no State can stand aside
while others bear the burden of collective action. We
A/48/PV.5
support the proposals of the Secretary-
General for a new agenda for peace.
The second question before us is development. Poverty
remains the greatest threat to the security of millions of
 A/65/397

3 10-56315

people, and the least developed countries need a fair deal
in trade, debt relief and decision-
making in the institutions that govern them.
13
\f
Finally, let me turn to the reform of the Security Council.
The Council must reflect the world of today, not the world
Forty-eighth session - 11 October 1993 21
of 1945, if its decisions are to carry the authority that
the Charter gives them.
A/PV.2357
"""


def paragraphs_of(raw: str) -> list[str]:
    return split_paragraphs(normalize_text(raw))


def test_hard_wrapped_text_is_rejoined_into_its_paragraphs():
    assert paragraphs_of(WRAPPED) == WRAPPED_PARAGRAPHS


def test_page_numbers_codes_and_footers_vanish_and_sentences_rejoin_around_them():
    assert paragraphs_of(WRAPPED_WITH_PAGE_FURNITURE) == WRAPPED_PARAGRAPHS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # The word was split only to fit the line.
        ("We need more co-\noperation between States.", "We need more cooperation between States."),
        ("A negotiated settle-\nment is needed.", "A negotiated settlement is needed."),
        # The closed form occurs elsewhere in the text.
        (
            "Peace-\nkeeping works. Peacekeeping is cheap.",
            "Peacekeeping works. Peacekeeping is cheap.",
        ),
        # The hyphenated form occurs elsewhere in the text.
        (
            "More co-\noperation, and co-operation again.",
            "More co-operation, and co-operation again.",
        ),
        # Real compounds: a compound prefix, or two words.
        ("They fight cross-\nborder crime.", "They fight cross-border crime."),
        ("It is non-\ngovernmental.", "It is non-governmental."),
        ("Better decision-\nmaking helps.", "Better decision-making helps."),
        ("The troop-\ncontributing countries.", "The troop-contributing countries."),
        # A capital or a number after the hyphen.
        ("The Secretary-\nGeneral spoke.", "The Secretary-General spoke."),
        ("The post-\n2015 agenda.", "The post-2015 agenda."),
        ("From 1990-\n1995 it grew.", "From 1990-1995 it grew."),
        # A dash, not a hyphen: the words stay apart.
        ("We act -\nnow.", "We act - now."),
    ],
)
def test_words_hyphenated_across_lines(raw, expected):
    assert paragraphs_of(raw) == [expected]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("First paragraph.\n\nSecond paragraph.\n\n\n\nThird.", ["First paragraph.", "Second paragraph.", "Third."]),
        ("One per line.\nAnother one.\nA third!", ["One per line.", "Another one.", "A third!"]),
        (
            "1.\tThe Assembly opened.\n2.\tWe welcome it.\n12. Finally, thanks.",
            ["1. The Assembly opened.", "2. We welcome it.", "12. Finally, thanks."],
        ),
        (
            "Mr. President,\nI speak for my country.\nCybercrime as a major issue\nIt grows.",
            ["Mr. President, I speak for my country.", "Cybercrime as a major issue", "It grows."],
        ),
        (
            "All nations represented here,\nwhatever their attitudes, agree.",
            ["All nations represented here, whatever their attitudes, agree."],
        ),
        (
            "We are at a time fraught with challenges. The coronavirus disease\n(COVID-19) keeps resurfacing.",
            ["We are at a time fraught with challenges. The coronavirus disease (COVID-19) keeps resurfacing."],
        ),
        ("12\n\nText after a page number.\n\n13", ["Text after a page number."]),
        ("A/PV.2357\nText.\nA/C.1/48/PV.3", ["Text."]),
        ("\n\n   \n\n", []),
        ("", []),
        ("* * *\n2001\nReal text.", ["Real text."]),
        ("Page 1|6\nText.\nPage 2 of 6\n- 3 -", ["Text."]),
        (
            "Excellencies\nLadies and Gentlemen\nWe meet in hard times.\n---\n**Mr President,**\nThanks.",
            ["Excellencies Ladies and Gentlemen We meet in hard times.", "**Mr President,** Thanks."],
        ),
        ("First part.\n* * *\nSecond part", ["First part.", "Second part"]),
    ],
    ids=[
        "blank-lines", "one-per-line", "numbered", "salutation-and-heading", "line-wrapped-once",
        "unfinished-line", "page-numbers-only", "doc-codes-only", "blank", "empty", "no-letters",
        "page-n-of-m", "salutations", "separator",
    ],
)  # fmt: skip
def test_paragraph_layouts(raw, expected):
    assert paragraphs_of(raw) == expected


def test_crlf_cr_and_form_feeds_give_the_same_paragraphs():
    lf = WRAPPED_WITH_PAGE_FURNITURE
    for variant in (lf.replace("\n", "\r\n"), lf.replace("\n", "\r"), "\ufeff" + lf):
        assert paragraphs_of(variant) == WRAPPED_PARAGRAPHS


def test_indented_lines_start_paragraphs_in_wrapped_text():
    raw = (
        "Mr. President,\n"
        " On behalf of my delegation I wish to congratulate you on\n"
        "your election as the President of this session of the\n"
        "Assembly, and I am confident that your experience will\n"
        "bring it to success and to a good end for all of us.\n"
        " We also thank your predecessor for the way he guided\n"
        "the work of the last session in difficult times for all.\n"
    )
    assert paragraphs_of(raw) == [
        "Mr. President, On behalf of my delegation I wish to congratulate you on your election as "
        "the President of this session of the Assembly, and I am confident that your experience "
        "will bring it to success and to a good end for all of us.",
        "We also thank your predecessor for the way he guided the work of the last session in "
        "difficult times for all.",
    ]


def single_line_speech(sentences: int) -> str:
    return " ".join(
        f"Sentence number {i} says that the {i % 7}th point of our agenda deserves careful attention today."
        for i in range(sentences)
    )


def test_a_whole_speech_on_one_line_becomes_readable_paragraphs():
    speech = single_line_speech(120)  # 1,800 words
    paragraphs = split_paragraphs(speech)
    sizes = [count_words(p) for p in paragraphs]
    assert len(paragraphs) >= 8
    assert all(80 <= size <= 200 for size in sizes), sizes
    assert all(p.endswith(".") and p[0].isupper() for p in paragraphs)
    assert " ".join(paragraphs) == speech


def test_numbered_paragraphs_run_together_on_one_line_are_cut_at_their_numbers():
    numbered = [f"{n}. " + single_line_speech(3 + n % 3) for n in range(4, 12)]
    paragraphs = split_paragraphs(" ".join(numbered))
    assert paragraphs == numbered


def test_an_overlong_paragraph_among_normal_ones_is_cut_the_rest_kept():
    long_one = single_line_speech(40)  # 600 words
    text = f"A short opening paragraph.\n{long_one}\nA short closing paragraph."
    paragraphs = split_paragraphs(text)
    assert paragraphs[0] == "A short opening paragraph."
    assert paragraphs[-1] == "A short closing paragraph."
    assert all(count_words(p) <= LONG_PARAGRAPH_WORDS for p in paragraphs)
    assert " ".join(paragraphs[1:-1]) == long_one


def test_a_run_on_text_without_full_stops_is_still_cut_between_words():
    words = [f"word{i}" for i in range(1000)]
    paragraphs = split_paragraphs(" ".join(words))
    assert all(count_words(p) <= LONG_PARAGRAPH_WORDS for p in paragraphs)
    assert " ".join(paragraphs).split() == words


def test_no_paragraph_is_only_furniture_or_cut_mid_word():
    for paragraph in paragraphs_of(WRAPPED_WITH_PAGE_FURNITURE):
        assert not re.fullmatch(r"[\d\s/A-Z.-]*", paragraph)
        assert not paragraph[0].islower()
        assert not paragraph.endswith("-")


def test_the_sentences_of_counted_paragraphs_come_along():
    long = " ".join(f"Sentence number {i} says something about the state of the world." for i in range(20))
    text = f"A short opening.\n\n{long}\n\n" + " ".join(["Words without end"] * 200) + "."
    paragraphs, known = split_paragraphs_and_sentences(text)
    assert paragraphs == split_paragraphs(text)
    assert long in known  # counted (longer than 600 characters) and kept whole
    for paragraph, (sentences, tokens) in known.items():
        assert sentences == split_sentences(paragraph)
        assert tokens == [lower_tokens(sentence) for sentence in sentences]
    assert "A short opening." not in known  # too short to need counting
    assert len(paragraphs) > 3  # the run-on text was cut, and its pieces are not known


def test_words_split_across_lines_are_left_out_of_the_vocabulary():
    from speechlens.paragraphs import _without_split_words

    text = "co-\noperation and self-\n  help, x-\nab-\ncd, a -\nb, end-\n"
    assert _without_split_words(text) == re.sub(r"[^\W_]+-\n[ \n]*[^\W_]+", " ", text)
