"""Whose words a sentence of a press report carries: direct, reported or narration.

Rules, first match wins (see :func:`classify_voice`):

1. **direct** - the sentence ends with an attribution to the speaker, the way
   press reports quote without quotation marks: "..., warned Abdellatif
   Hammouchi.", "..., summarized the Director General of ...", "..., he stated."
2. **direct** - at least half of its words are inside quotation marks, or it
   opens with one.
3. **reported** - the speaker (a name, alias or post, or "he"/"she" as a
   subject) is followed by a reporting verb: "He explained that ...",
   "The head of the DGSN-DGST (...) called for ...", "The Director General
   also praised ...", "The Director General ... began by reiterating ...".
4. **direct** - unmarked first-person words ("we", "our", "I") are the
   speaker's own: a reporter does not write "our collective security".
5. otherwise **narration**.

For a transcript (source type "speech") the parser marks every sentence
direct without calling this module.
"""

from __future__ import annotations

import functools
import re
from typing import Sequence

from speechlens.model import DocumentMeta, Voice

__all__ = ["classify_voice", "speaker_names", "REPORTING_VERBS"]

# Each verb in the forms a report uses for the speaker (past, present, -ing).
REPORTING_VERBS: tuple[str, ...] = (
    "said", "says", "saying",
    "stated", "states", "stating",
    "explained", "explains", "explaining",
    "added", "adds", "adding",
    "noted", "notes", "noting",
    "stressed", "stresses", "stressing",
    "emphasized", "emphasised", "emphasizes", "emphasises", "emphasizing", "emphasising",
    "underlined", "underlines", "underlining",
    "underscored", "underscores", "underscoring",
    "highlighted", "highlights", "highlighting",
    "pointed out", "points out", "pointing out",
    "recalled", "recalls", "recalling",
    "reiterated", "reiterates", "reiterating",
    "affirmed", "affirms", "affirming",
    "reaffirmed", "reaffirms", "reaffirming",
    "assured", "assures", "assuring",
    "asserted", "asserts", "asserting",
    "argued", "argues", "arguing",
    "warned", "warns", "warning",
    "urged", "urges", "urging",
    "called for", "calls for", "calling for",
    "called on", "calls on", "calling on",
    "insisted", "insists", "insisting",
    "indicated", "indicates", "indicating",
    "declared", "declares", "declaring",
    "announced", "announces", "announcing",
    "acknowledged", "acknowledges", "acknowledging",
    "observed", "observes", "observing",
    "remarked", "remarks", "remarking",
    "continued", "continues", "continuing",
    "concluded", "concludes", "concluding",
    "summarized", "summarised", "summarizes", "summarises", "summarizing", "summarising",
    "praised", "praises", "praising",
    "welcomed", "welcomes", "welcoming",
    "commended", "commends", "commending",
    "expressed", "expresses", "expressing",
    "told", "tells", "telling",
    "mentioned", "mentions", "mentioning",
    "maintained", "maintains", "maintaining",
    "confirmed", "confirms", "confirming",
    "believes", "believed",
    "considered", "considers", "considering",
    "proposed", "proposes", "proposing",
    "suggested", "suggests", "suggesting",
    "denounced", "denounces", "denouncing",
    "deplored", "deplores", "deploring",
    "hailed", "hails", "hailing",
    "pledged", "pledges", "pledging",
    "according to",
)  # fmt: skip

# Words allowed between the speaker and the verb: "also", "further", "began by".
_BETWEEN = (
    r"(?:\s+(?:also|further|then|again|once again|first|finally|began by|went on to|[a-z]+ly))*"
)
# An appositive or a parenthesis after the name: "Hammouchi, the Director General," / "(DGSN)".
_APPOSITION = r"(?:\s*\([^()]{1,150}\)|,\s[^,]{1,100},)?"
# "he"/"she" as a subject: opening the sentence or a clause.
_PRONOUN_SUBJECT = r"(?:^|(?<=[,;:]\s)|(?<=\band\s)|(?<=\bbut\s)|(?<=\bso\s))(?:he|she)"
# Lower-case "us" only: "US" is the country.
_FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Oo]urs?|[Oo]urselves|us|I|[Mm]y|me)\b")
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
_OPENS_WITH_QUOTE = re.compile(r"^[“\"]")
_WORD = re.compile(r"[^\W_]+")


def classify_voice(sentence: str, speaker_names: Sequence[str]) -> Voice:
    """Classify one sentence of a press report as "direct", "reported" or "narration".

    ``speaker_names`` are the names the report uses for the speaker (full
    name, surname, aliases, post); "he"/"she" are always considered.
    """
    patterns = _patterns(tuple(speaker_names))
    if patterns.attribution_at_end.search(sentence):
        return "direct"
    if _mostly_quoted(sentence):
        return "direct"
    if patterns.speaker_reports.search(sentence):
        return "reported"
    if _in_first_person(sentence):
        return "direct"
    return "narration"


def speaker_names(meta: DocumentMeta) -> tuple[str, ...]:
    """The names a report may use for ``meta``'s speaker, longest first.

    The full name, the surname, every alias, and the post - whole, without its
    parenthesis, and up to its first comma ("Director General of National
    Security and Territorial Surveillance").
    """
    names = {meta.speaker, *meta.speaker_aliases}
    if meta.speaker.split():
        names.add(meta.speaker.split()[-1])
    if meta.post:
        names.add(meta.post)
        without_parenthesis = re.sub(r"\s*\([^()]*\)", "", meta.post)
        names.add(without_parenthesis)
        names.add(without_parenthesis.split(",")[0])
        names.add(meta.post.split(",")[0])
    return tuple(sorted((n.strip() for n in names if n.strip()), key=lambda n: (-len(n), n)))


class _Patterns:
    def __init__(self, names: tuple[str, ...]) -> None:
        verbs = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in REPORTING_VERBS)
        named = "|".join(_name_pattern(n) for n in sorted(names, key=len, reverse=True))
        speaker = f"(?:(?:the\\s+)?(?:{named})|{_PRONOUN_SUBJECT})" if named else _PRONOUN_SUBJECT
        self.attribution_at_end = re.compile(
            rf",\s+(?:(?:{verbs})\s+{speaker}|{speaker}\s+(?:{verbs})){_APPOSITION}"
            r"\s*[.!?]?[\"”’)]*\s*$",
            re.IGNORECASE,
        )
        self.speaker_reports = re.compile(
            rf"\b{speaker}{_APPOSITION}{_BETWEEN}\s+(?:{verbs})\b", re.IGNORECASE
        )


def _name_pattern(name: str) -> str:
    words = name.split()
    if words and words[0].lower() == "the":
        words = words[1:]  # "the" is optional in front of every name
    return r"\s+".join(re.escape(w) for w in words)


@functools.lru_cache(maxsize=64)
def _patterns(names: tuple[str, ...]) -> _Patterns:
    return _Patterns(names)


def _mostly_quoted(sentence: str) -> bool:
    if _OPENS_WITH_QUOTE.match(sentence):
        return True
    quoted = sum(len(_WORD.findall(q)) for q in _QUOTED.findall(sentence))
    return quoted > 0 and 2 * quoted >= len(_WORD.findall(sentence))


def _in_first_person(sentence: str) -> bool:
    return bool(_FIRST_PERSON.search(_QUOTED.sub(" ", sentence)))
