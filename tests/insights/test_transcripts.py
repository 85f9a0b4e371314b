"""Reading transcripts in every format, and refusing bad ones with the line they fail on."""

from __future__ import annotations

import pytest

from rapport.insights.transcripts import (
    SRT,
    TEXT,
    WEBVTT,
    TranscriptError,
    talk_ratio_of,
    transcript_decode,
    transcript_read,
)
from tests.insights import samples


@pytest.mark.parametrize(
    ("text", "format_", "expected"),
    [
        (samples.ZOOM_VTT, WEBVTT, samples.ZOOM_EXPECTED),
        (samples.TEAMS_VTT, WEBVTT, samples.TEAMS_EXPECTED),
        (samples.MEET_VTT, WEBVTT, samples.MEET_EXPECTED),
        (samples.SRT, SRT, samples.SRT_EXPECTED),
        (samples.ZOOM_TEXT, TEXT, samples.ZOOM_TEXT_EXPECTED),
    ],
    ids=["zoom-vtt", "teams-vtt", "meet-vtt", "srt", "zoom-text"],
)
def test_each_format_gives_the_hand_worked_figures(text: str, format_: str, expected) -> None:
    ratio = talk_ratio_of(text.encode("utf-8"))
    assert ratio.format == format_
    assert ratio.as_dict() == {"speakers": expected}


def test_time_shares_add_up_to_the_whole_even_with_overlaps() -> None:
    for text in (samples.TEAMS_VTT, samples.MEET_VTT):
        shares = [speaker.time_share for speaker in talk_ratio_of(text.encode()).speakers]
        assert sum(shares) == pytest.approx(1.0, abs=1e-3)


def test_people_talking_at_once_share_that_moment() -> None:
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:10.000\nAna: one two\n\n"
        "00:00:00.000 --> 00:00:10.000\nBen: three\n\n"
        "00:00:00.000 --> 00:00:10.000\nCy: four\n\n"
        "00:00:10.000 --> 00:00:13.000\nAna: five\n"
    )
    seconds = {s.name: s.seconds for s in talk_ratio_of(text.encode()).speakers}
    assert seconds == {"Ana": pytest.approx(10 / 3 + 3, abs=1e-3), "Ben": 3.333, "Cy": 3.333}


def test_a_long_silence_counts_for_nobody() -> None:
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nAna: hello\n\n"
        "01:00:00.000 --> 01:00:03.000\nBen: sorry I am late\n"
    )
    ratio = talk_ratio_of(text.encode())
    assert [s.seconds for s in ratio.speakers] == [1.0, 3.0]
    assert [s.time_share for s in ratio.speakers] == [0.25, 0.75]


def vtt(*cues: tuple[str, str, str]) -> str:
    """A WebVTT file of (start, end, text) cues, each separated by an empty line."""
    return "WEBVTT\n" + "".join(f"\n{start} --> {end}\n{text}\n" for start, end, text in cues)


def test_a_cue_with_two_voices_splits_its_time_and_keeps_each_ones_words() -> None:
    text = vtt(
        ("00:00:00.000", "00:00:04.000", "<v Ana>Yes, sure.</v> <v Ben>Great, thanks all</v>")
    )
    ratio = talk_ratio_of(text.encode())
    assert [(s.name, s.seconds, s.words) for s in ratio.speakers] == [
        ("Ana", 2.0, 2),
        ("Ben", 2.0, 3),
    ]


def test_an_empty_cue_is_silence() -> None:
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nAna: hi\n\n"
        "00:00:02.000 --> 00:00:09.000\n\n00:00:09.000 --> 00:00:10.000\nBen: hi\n"
    )
    assert [s.seconds for s in talk_ratio_of(text.encode()).speakers] == [2.0, 1.0]


def test_lone_carriage_returns_and_utf16_are_read_too() -> None:
    mac = samples.ZOOM_VTT.replace("\n", "\r")
    assert talk_ratio_of(mac.encode()).as_dict()["speakers"] == samples.ZOOM_EXPECTED
    assert talk_ratio_of(samples.SRT.encode("utf-16")).as_dict()["speakers"] == (
        samples.SRT_EXPECTED
    )


def test_a_cue_keeps_no_words_only_their_count() -> None:
    transcript = transcript_read(samples.ZOOM_VTT)
    kept = repr(transcript)
    assert "on-call" not in kept and "listening" not in kept
    assert [cue.words for cue in transcript.cues] == [6, 11, 4]


# Refusals, each naming its line -----------------------------------------------------


def error_of(data: str | bytes) -> TranscriptError:
    with pytest.raises(TranscriptError) as caught:
        talk_ratio_of(data.encode() if isinstance(data, str) else data)
    return caught.value


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        ("", 1, "the file is empty"),
        ("\ufeff\r\n  \r\n", 1, "the file is empty"),
        ("Dear Ray,\nthanks for today\n", 1, "not a transcript format Rapport reads"),
        ("\n\n%PDF-1.7\n", 3, "not a transcript format Rapport reads"),
        ("00:00:01.000 --> 00:00:02.000\nAna: hi\n", 1, "cue times before any header"),
        ("WEBVTT\n\nNOTE only a comment\n", 4, "no cues"),
        ("WEBVTT\n00:00:01.000 --> 00:00:02.000\nAna: hi\n", 2, "empty line between"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nAna: hi\n", 3, "cannot be read"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:72.000\nAna: hi\n", 3, "up to 59"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nAna: hi\n", 3, "ends before it starts"),
        ("WEBVTT\n\nhello\nthere\n", 3, "expected a cue"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello there\n", 4, "names no speaker"),
        (
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: hi\n00:00:02.000 --> 00:00:03.000\n",
            5,
            "separated by an empty line",
        ),
        (
            vtt(("00:00:00.000", "00:00:05.000", "Ana: hi"), ("00:05.000", "00:06.000", "Ana: yo")),
            4,
            "only one speaker (Ana)",
        ),
        ("Ana: hello\n\nAna: again\n", 1, "only one speaker"),
        (
            vtt(("00:00:01.000", "00:00:01.000", "Ana: hi"), ("00:02.000", "00:02.000", "Ben: yo")),
            4,
            "no talk time",
        ),
        (
            vtt(("00:00:01.000", "00:00:02.000", "Ana: ..."), ("00:02.000", "00:03.000", "Ben: !")),
            4,
            "no words",
        ),
        ("1\n00:00:01,000 --> 00:00:02,000\nAna: hi\n\nBen: hi\n", 5, "expected the cue's number"),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nAna: hi\n\n2\nBen: hi\n",
            6,
            "expected the cue's times",
        ),
        (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: caf\xe9\n", 4, "not UTF-8"),
        (b"WEBVTT\n\n\x00\x01\x02", 3, "binary data"),
        ("<i></i>: hi\n", 1, "expected a speaker first"),
        ("Ana: hi\nBen: yo\nWEBVTT\n", 3, "a “WEBVTT” header in a plain-text transcript"),
        (vtt(("00:00:01,000", "00:00:02,000", "Ana: hi")), 3, "written the SRT way"),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nAna: hi\n\n2\n00:00:02.000 --> 00:00:03.000\nB: a\n",
            6,
            "times written with “.” here and “,” before",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_the_line(data, line: int, words: str) -> None:
    error = error_of(data)
    assert (error.line, words in error.reason) == (line, True), error.reason
    assert error.located("talk.vtt").startswith(f"talk.vtt:{line}: ")


@pytest.mark.parametrize(
    ("data", "line"),
    [
        # An SRT cue pasted into a WebVTT file.
        (samples.ZOOM_VTT + "\n4\n00:00:22,000 --> 00:00:23,000\nRay Report: Sure.\n", 16),
        # Two WebVTT files glued together.
        (samples.ZOOM_VTT + "\n" + samples.ZOOM_VTT, 15),
        # Zoom's `Name: text` cues after Teams' voice tags.
        (samples.MEET_VTT + "\n00:00:16.000 --> 00:00:18.000\nMia Manager: Thanks\n", 19),
        # A WebVTT file inside an SRT one.
        (samples.SRT + "\n" + samples.ZOOM_VTT, 14),
        # Plain text with cue times.
        (samples.ZOOM_TEXT + "00:00:01.000 --> 00:00:02.000\n", 6),
    ],
    ids=["srt-in-vtt", "two-vtt", "prefix-after-voice", "vtt-in-srt", "times-in-text"],
)
def test_more_than_one_format_mixed_is_refused_at_the_first_line_that_differs(data, line) -> None:
    error = error_of(data)
    assert "mixed" in error.reason
    assert error.line == line


def test_utf8_bom_is_not_part_of_the_header() -> None:
    assert transcript_decode(b"\xef\xbb\xbfWEBVTT\n").startswith("WEBVTT")
