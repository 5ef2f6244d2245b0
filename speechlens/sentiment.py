"""Sentiment scores from TextBlob's pattern lexicon, with the words behind them.

Scores are TextBlob's own (``TextBlob(text).sentiment``, to the last bit):
polarity in [-1, 1], subjectivity in [0, 1]. They are computed by
``speechlens.fastsentiment``, an exact reimplementation that reads TextBlob's
lexicon file and runs about ten times faster; its tests compare it with
TextBlob itself. Nothing is downloaded, so this works offline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from speechlens import fastsentiment


@dataclass(frozen=True)
class Driver:
    """A word (or modified phrase, e.g. "not good") that moved a score."""

    phrase: str
    polarity: float
    subjectivity: float


@dataclass(frozen=True)
class SentimentScore:
    polarity: float
    subjectivity: float
    drivers: tuple[Driver, ...] = ()


NEUTRAL = SentimentScore(0.0, 0.0, ())


def score_text(text: str) -> SentimentScore:
    """TextBlob's ``.sentiment`` of ``text`` plus the assessments that drove it."""
    if not text.strip():
        return NEUTRAL
    (polarity, subjectivity), assessed = fastsentiment.score_and_assessments(text)
    drivers = tuple(
        Driver(" ".join(words), float(word_polarity), float(word_subjectivity))
        for words, word_polarity, word_subjectivity, _ in assessed
    )
    return SentimentScore(float(polarity), float(subjectivity), drivers)


def polarity_subjectivity(text: str) -> tuple[float, float]:
    """``score_text`` without the words behind the score: the cheaper call for sentences."""
    if not text.strip():
        return NEUTRAL.polarity, NEUTRAL.subjectivity
    return fastsentiment.score(text)


def stored_drivers(cell: Iterable | None) -> tuple[Driver, ...]:
    """A paragraph's ``drivers`` cell (records of phrase and polarity, or pairs) as Drivers."""
    if cell is None:
        return ()
    return tuple(
        Driver(item["phrase"], item["polarity"], 0.0) if isinstance(item, Mapping) else Driver(item[0], item[1], 0.0)
        for item in cell
    )


def describe_drivers(drivers: tuple[Driver, ...], limit: int = 6) -> str:
    """A short plain-text list of the strongest drivers, e.g. "crucial (+0.40), serious (−0.33)".

    Words that moved only subjectivity (polarity 0.00) are left out.
    """
    ranked = sorted((d for d in drivers if abs(d.polarity) >= 0.005), key=lambda d: (-abs(d.polarity), d.phrase))
    seen: dict[str, Driver] = {}
    for driver in ranked:
        seen.setdefault(driver.phrase, driver)
    parts = [f"{d.phrase} ({format_polarity(d.polarity)})" for d in list(seen.values())[:limit]]
    return ", ".join(parts)


def format_polarity(value: float) -> str:
    """Signed, two decimals, with a true minus sign: "+0.25", "−0.10", "0.00"."""
    if abs(value) < 0.005:
        return "0.00"
    sign = "+" if value > 0 else "\u2212"
    return f"{sign}{abs(value):.2f}"
