"""Whose words a press-report sentence carries: direct, reported or narration."""

from __future__ import annotations

import pytest

from speechlens.model import DocumentMeta
from speechlens.voice import classify_voice, speaker_names

META = DocumentMeta(
    doc_id="seed",
    title="Opening address",
    speaker="Abdellatif Hammouchi",
    post="Director General of National Security and Territorial Surveillance (DGSN-DGST), Morocco",
    source_type="press-report",
    speaker_aliases=("the Director General", "the head of the DGSN-DGST", "the head of the DGSN-DGST division"),
)
NAMES = speaker_names(META)


@pytest.mark.parametrize(
    ("sentence", "voice"),
    [
        # Sentences of the seed press report.
        ("From the very first minutes of the inaugural session, the tone was set.", "narration"),
        (
            "Abdellatif Hammouchi addressed a packed room to emphasize the importance of the moment.",
            "narration",
        ),
        ("The attentive delegations listened to a presentation that laid the groundwork.", "narration"),
        (
            "The head of the DGSN-DGST division emphasized that states can no longer afford to act in isolation.",
            "reported",
        ),
        (
            "The Director General of National Security and Territorial Surveillance began by reiterating "
            "the rationale behind Interpol's choice.",
            "reported",
        ),
        ("He explained that the Kingdom's hosting of this General Assembly stems from its commitment.", "reported"),
        ("He added that this orientation is based on the high instructions of King Mohammed VI.", "reported"),
        ("Abdellatif Hammouchi explained that the National Security services have committed to it.", "reported"),
        (
            "Faced with these transnational threats, the head of the DGSN-DGST (National Security and "
            "Territorial Surveillance Directorate) called for the creation of a common security framework.",
            "reported",
        ),
        (
            "The Director General also praised Interpol’s role, stating that the organization plays a crucial role.",
            "reported",
        ),
        (
            "In conclusion to his speech, the head of the DGSN-DGST division stated that Morocco is confident.",
            "reported",
        ),
        (
            "Abdellatif Hammouchi assured that the Kingdom remains determined, adding that security is collective.",
            "reported",
        ),
        (
            "It also requires improving international cooperation mechanisms, summarized the Director General "
            "of National Security and Territorial Surveillance.",
            "direct",
        ),
        (
            "While organized crime recognizes no borders, security requires regional extensions, warned "
            "Abdellatif Hammouchi.",
            "direct",
        ),
        ("The launch of new capabilities is an urgent area, he stated.", "direct"),
        ("Similarly, the inclusion of women in the police is a remarkable initiative, noted Abdellatif Hammouchi.", "direct"),
        ("If we all aspire to a safer future, the path must pass through this Assembly, he continued.", "direct"),
        ("Achieving our collective security requires effective mechanisms.", "direct"),
        # Beyond the seed.
        ("“We will never give up,” Hammouchi told reporters.", "direct"),
        ("He said: “Security is a shared responsibility for all of us.”", "direct"),
        ("She insisted that the plan would work.", "reported"),
        ("The Director General, a veteran of the service, warned that threats are growing.", "reported"),
        ("Security must be shared, according to Hammouchi.", "direct"),
        ("The delegates applauded and he smiled.", "narration"),
        ("The minister of the interior said that the plan would work.", "narration"),
        ("The US delegation arrived late.", "narration"),
        ("Delegates called it a “shared duty” of states and their police services.", "narration"),
    ],
)
def test_classify_voice(sentence, voice):
    assert classify_voice(sentence, NAMES) == voice


def test_without_names_only_pronouns_and_quotes_count():
    assert classify_voice("He explained that it works.", []) == "reported"
    assert classify_voice("Abdellatif Hammouchi explained that it works.", []) == "narration"
    assert classify_voice("It works, he said.", ()) == "direct"


def test_speaker_names_include_surname_aliases_and_post_variants():
    names = speaker_names(META)
    for expected in (
        "Abdellatif Hammouchi",
        "Hammouchi",
        "the Director General",
        "the head of the DGSN-DGST division",
        "Director General of National Security and Territorial Surveillance",
        "Director General of National Security and Territorial Surveillance (DGSN-DGST), Morocco",
    ):
        assert expected in names
    assert list(names) == sorted(names, key=lambda n: (-len(n), n))
    assert "" not in names


def test_speaker_names_of_a_bare_meta():
    assert speaker_names(DocumentMeta(doc_id="x", title="x")) == ()
