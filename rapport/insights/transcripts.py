"""Meeting transcripts read in memory: who spoke, for how long, and how many words.

Reads WebVTT (Zoom's `Name: text` cues, Teams' `<v Name>` voice tags, Meet), SRT and
Zoom's plain-text `Name: text` export. Pure Python with no Django, shared by the web
upload and `rapport talk-ratio`. A cue keeps its speaker, times and word count, never
its words: nothing here writes a file, logs or returns a line of what was said.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

from rapport.errors import Refused

# An hour-long 1:1 makes well under 200 kB of WebVTT; this leaves room for long meetings.
TRANSCRIPT_MAX_BYTES = 2_000_000
SPEAKER_MAX_CHARS = 80

WEBVTT = "webvtt"
SRT = "srt"
TEXT = "text"
FORMAT_LABELS = {WEBVTT: "WebVTT", SRT: "SRT", TEXT: "plain text"}

# Teams writes unpadded times (0:0:5.2); hours are optional in WebVTT.
_TIMESTAMP = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})([.,])(\d{1,9})"
_TIMING = re.compile(rf"^\s*{_TIMESTAMP}[ \t]*-->[ \t]*{_TIMESTAMP}(?:[ \t]+.*)?\s*$")
_VOICE = re.compile(r"<v(?:\.[\w-]+)*[ \t]+([^>]*)>")
_TAG = re.compile(r"<[^>]*>")
_SRT_OVERRIDE = re.compile(r"\{\\[^}]*\}")  # {\an8} and friends, from subtitle editors
_WORD = re.compile(r"\w+(?:[-'’.:,]\w+)*")
_SPEAKER_END = re.compile(r":(?:\s|$)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BLOCK_KEYWORDS = ("NOTE", "STYLE", "REGION")
_FORMATS_HINT = (
    "WebVTT (“WEBVTT” on the first line), SRT (a cue number, then its times) "
    "or Zoom's plain text (“Name: text” lines)"
)


class TranscriptError(Refused):
    """A transcript that cannot be read, with the line it fails on."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason

    def located(self, name: str) -> str:
        """The error as `NAME:LINE: reason`, as compilers and `rapport import-roster` say it."""
        return f"{name}:{self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Cue:
    """One stretch of speech: its speaker, its times (None in plain text) and its word count."""

    speaker: str
    words: int
    line: int
    start_ms: int | None = None
    end_ms: int | None = None


class _InFormat:
    """What a transcript and its measure share: the format read, and whether it had times."""

    __slots__ = ()
    format: str

    @property
    def timed(self) -> bool:
        return self.format != TEXT


@dataclass(frozen=True, slots=True)
class Transcript(_InFormat):
    format: str
    cues: tuple[Cue, ...]


@dataclass(frozen=True, slots=True)
class SpeakerTalk:
    """One speaker's talk: seconds and time share are None for a format without times."""

    name: str
    seconds: float | None
    words: int
    time_share: float | None
    word_share: float

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "seconds": self.seconds,
            "words": self.words,
            "time_share": self.time_share,
            "word_share": self.word_share,
        }


@dataclass(frozen=True, slots=True)
class TalkRatio(_InFormat):
    format: str
    speakers: tuple[SpeakerTalk, ...]

    def as_dict(self) -> dict[str, object]:
        return {"speakers": [speaker.as_dict() for speaker in self.speakers]}


# Entry points ------------------------------------------------------------------------


def talk_ratio_of(data: bytes) -> TalkRatio:
    """Each speaker's share of talk time and of words in a transcript file's bytes."""
    return talk_ratio(transcript_read(transcript_decode(data)))


def transcript_decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a BOM) or UTF-16 with its BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise TranscriptError(1, "the file says UTF-16 but is not") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TranscriptError(line, "not UTF-8 text: save the transcript as UTF-8") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise TranscriptError(line, "binary data, not a text transcript")
    return text


def transcript_read(text: str) -> Transcript:
    """Recognise the format from the first line that is not blank, and read every cue."""
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    first = next((number for number, line in _numbered(lines) if line.strip()), None)
    if first is None:
        raise TranscriptError(1, "the file is empty")
    head = lines[first - 1].strip()
    after = lines[first].strip() if first < len(lines) else ""
    if _is_webvtt_header(head):
        return Transcript(WEBVTT, _checked(_read_webvtt(lines, first), len(lines)))
    if head.isdigit() and _TIMING.match(after):
        return Transcript(SRT, _checked(_read_srt(lines), len(lines)))
    if "-->" in head:
        raise TranscriptError(
            first,
            "cue times before any header: a WebVTT file starts with “WEBVTT”, "
            "an SRT cue with its number",
        )
    if _speaker_prefix(head) is not None:
        return Transcript(TEXT, _checked(_read_text(lines), len(lines)))
    raise TranscriptError(first, f"not a transcript format Rapport reads: expected {_FORMATS_HINT}")


def talk_ratio(transcript: Transcript) -> TalkRatio:
    """Each speaker's seconds and words, and their shares; overlaps split, silence nobody's."""
    cues = transcript.cues
    names = list(dict.fromkeys(cue.speaker for cue in cues))
    if len(names) < 2:
        raise TranscriptError(
            cues[0].line, f"only one speaker ({names[0]}): a talk ratio needs two people"
        )
    words = dict.fromkeys(names, 0)
    for cue in cues:
        words[cue.speaker] += cue.words
    total_words = sum(words.values())
    if total_words == 0:
        raise TranscriptError(cues[0].line, "no words in any cue")
    shares = _shared_milliseconds(cues) if transcript.timed else None
    total_ms = sum(shares.values()) if shares is not None else None
    if total_ms == 0:
        raise TranscriptError(cues[0].line, "every cue ends when it starts: no talk time at all")
    speakers = tuple(
        SpeakerTalk(
            name=name,
            seconds=None if shares is None else round(float(shares[name]) / 1000, 3),
            words=words[name],
            time_share=None if shares is None else round(float(shares[name] / total_ms), 4),
            word_share=round(words[name] / total_words, 4),
        )
        for name in names
    )
    return TalkRatio(transcript.format, speakers)


# Talk time -------------------------------------------------------------------------


def _shared_milliseconds(cues: Iterable[Cue]) -> dict[str, Fraction]:
    """Milliseconds of talk per speaker, sweeping the timeline.

    A moment where several people speak at once is split evenly between them, so no
    second counts twice and the shares add up to the time anyone spoke; a speaker's
    own overlapping cues count once; a moment nobody speaks counts for nobody.
    """
    events: list[tuple[int, int, str]] = []
    totals: dict[str, Fraction] = {}
    for cue in cues:
        totals.setdefault(cue.speaker, Fraction(0))
        if cue.start_ms is not None and cue.end_ms is not None and cue.end_ms > cue.start_ms:
            events += [(cue.start_ms, 1, cue.speaker), (cue.end_ms, -1, cue.speaker)]
    events.sort()
    active: dict[str, int] = {}
    previous = events[0][0] if events else 0
    for moment, change, speaker in events:
        if moment > previous and active:
            slice_ = Fraction(moment - previous, len(active))
            for name in active:
                totals[name] += slice_
        previous = moment
        active[speaker] = active.get(speaker, 0) + change
        if active[speaker] == 0:
            del active[speaker]
    return totals


# Formats ---------------------------------------------------------------------------


def _numbered(lines: Sequence[str]) -> Iterator[tuple[int, str]]:
    return ((index + 1, line) for index, line in enumerate(lines))


def _blocks(lines: Sequence[str], start: int = 1) -> Iterator[list[tuple[int, str]]]:
    """Runs of lines that are not blank, each line with its number, from line `start` on."""
    block: list[tuple[int, str]] = []
    for number, line in _numbered(lines):
        if number < start:
            continue
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _checked(cues: list[Cue], last_line: int) -> tuple[Cue, ...]:
    if not cues:
        raise TranscriptError(last_line, "no cues: the file holds nobody's speech")
    return tuple(cues)


def _is_webvtt_header(line: str) -> bool:
    return line == "WEBVTT" or line.startswith(("WEBVTT ", "WEBVTT\t"))


def _read_webvtt(lines: Sequence[str], header: int) -> list[Cue]:
    reader = _CueReader(WEBVTT)
    blocks = _blocks(lines, header)
    for number, line in next(blocks)[1:]:  # the header's metadata lines, up to a blank line
        if "-->" in line:
            raise TranscriptError(
                number, "expected an empty line between the “WEBVTT” header and the first cue"
            )
    for block in blocks:
        number, first = block[0]
        keyword = first.strip().split(maxsplit=1)[0]
        if keyword in _BLOCK_KEYWORDS:
            continue
        if _is_webvtt_header(first.strip()):
            raise TranscriptError(
                number, "a second “WEBVTT” header: more than one file or format mixed in one"
            )
        if "-->" in first:
            timing_at = 0
        elif len(block) > 1 and "-->" in block[1][1]:
            timing_at = 1  # the cue's identifier comes first
        else:
            raise TranscriptError(
                number,
                "expected a cue: its times like “00:00:01.000 --> 00:00:04.000”, "
                "after an optional cue name",
            )
        reader.cue(block[timing_at], block[timing_at + 1 :])
    return reader.cues


def _read_srt(lines: Sequence[str]) -> list[Cue]:
    reader = _CueReader(SRT)
    for block in _blocks(lines):
        number, first = block[0]
        if _is_webvtt_header(first.strip()):
            raise TranscriptError(
                number, "a “WEBVTT” header inside an SRT file: more than one format mixed"
            )
        if not first.strip().isdigit():
            raise TranscriptError(number, "expected the cue's number: SRT numbers each cue")
        if len(block) < 2 or "-->" not in block[1][1]:
            raise TranscriptError(
                block[1][0] if len(block) > 1 else number,
                "expected the cue's times like “00:00:01,000 --> 00:00:04,000”",
            )
        reader.cue(block[1], block[2:])
    return reader.cues


def _read_text(lines: Sequence[str]) -> list[Cue]:
    cues: list[Cue] = []
    for number, line in _numbered(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if _is_webvtt_header(stripped):
            raise TranscriptError(
                number, "a “WEBVTT” header in a plain-text transcript: more than one format mixed"
            )
        if _TIMING.match(stripped):
            raise TranscriptError(
                number, "cue times in a plain-text transcript: more than one format mixed"
            )
        found = _speaker_prefix(_clean(stripped))
        if found is not None:
            cues.append(Cue(speaker=found[0], words=_count_words(found[1]), line=number))
        elif not cues:
            raise TranscriptError(number, "expected a speaker first, as in “Name: text”")
        else:  # a turn that runs over several lines
            last = cues[-1]
            cues[-1] = Cue(last.speaker, last.words + _count_words(_clean(stripped)), last.line)
    return cues


class _CueReader:
    """Turns timed cues into speakers and word counts, checking the file stays one format."""

    def __init__(self, format_: str) -> None:
        self.format = format_
        self.cues: list[Cue] = []
        self.separator = ""
        self.naming = ""  # "voice" (<v Name>) or "prefix" (Name: text), whichever comes first

    def cue(self, timing: tuple[int, str], payload: list[tuple[int, str]]) -> None:
        start_ms, end_ms = self._times(*timing)
        for number, line in payload:
            if "-->" in line and _TIMING.match(line):
                raise TranscriptError(
                    number, "cue times inside another cue: cues are separated by an empty line"
                )
        if not payload:
            return  # an empty cue is silence
        for speaker, words in self._speakers(payload):
            self.cues.append(Cue(speaker, words, payload[0][0], start_ms, end_ms))

    def _times(self, number: int, line: str) -> tuple[int, int]:
        match = _TIMING.match(line)
        if match is None:
            raise TranscriptError(
                number, "these cue times cannot be read: write them like 00:01:02.500"
            )
        groups = match.groups()
        for separator in (groups[3], groups[8]):
            self._check_separator(number, separator)
        start, end = _milliseconds(number, groups[:5]), _milliseconds(number, groups[5:])
        if end < start:
            raise TranscriptError(number, "this cue ends before it starts")
        return start, end

    def _check_separator(self, number: int, separator: str) -> None:
        if self.format == WEBVTT and separator == ",":
            raise TranscriptError(
                number,
                "a time written the SRT way (00:00:01,000) in a WebVTT file: more than one "
                "format mixed? WebVTT writes 00:00:01.000",
            )
        if not self.separator:
            self.separator = separator
        elif separator != self.separator:
            raise TranscriptError(
                number,
                f"times written with “{separator}” here and “{self.separator}” before: "
                "more than one format mixed (WebVTT writes 00:00:01.000, SRT 00:00:01,000)",
            )

    def _speakers(self, payload: list[tuple[int, str]]) -> list[tuple[str, int]]:
        number = payload[0][0]
        text = "\n".join(line for _, line in payload)
        voices = list(_VOICE.finditer(text))
        if voices:
            self._check_naming(number, "voice")
            return _voice_spans(number, text, voices)
        cleaned = _clean(text)
        found = _speaker_prefix(cleaned)
        if found is None:
            if not cleaned.strip():
                return []
            raise TranscriptError(
                number, "this cue names no speaker: expected “Name: text” or “<v Name>text”"
            )
        self._check_naming(number, "prefix")
        return [(found[0], _count_words(found[1]))]

    def _check_naming(self, number: int, naming: str) -> None:
        if not self.naming:
            self.naming = naming
        elif naming != self.naming:
            shown = {"voice": "“<v Name>”", "prefix": "“Name: text”"}
            raise TranscriptError(
                number,
                f"this cue names its speaker with {shown[naming]}, earlier cues with "
                f"{shown[self.naming]}: more than one format mixed",
            )


def _voice_spans(number: int, text: str, voices: list[re.Match[str]]) -> list[tuple[str, int]]:
    """Each voice span's speaker and words; words before the first tag are its speaker's."""
    spans: list[tuple[str, int]] = []
    for index, voice in enumerate(voices):
        end = voices[index + 1].start() if index + 1 < len(voices) else len(text)
        begin = 0 if index == 0 else voice.start()
        name = _speaker_name(number, voice.group(1))
        spans.append(
            (name, _count_words(_clean(text[begin : voice.start()] + text[voice.end() : end])))
        )
    return spans


def _milliseconds(number: int, parts: Sequence[str | None]) -> int:
    hours, minutes, seconds, _, fraction = parts
    if int(minutes or 0) > 59 or int(seconds or 0) > 59:
        raise TranscriptError(number, "minutes and seconds in cue times go up to 59")
    whole = (int(hours or 0) * 60 + int(minutes or 0)) * 60 + int(seconds or 0)
    return whole * 1000 + round(Fraction(int(fraction or 0), 10 ** len(fraction or "0")) * 1000)


def _speaker_prefix(line: str) -> tuple[str, str] | None:
    """`Name: text` split at the first colon followed by a space; None if it is not a name.

    A colon inside a name stays in it when no space follows (“Room 2:B: hello”);
    Teams' voice tags carry any name, colons and all.
    """
    found = _SPEAKER_END.search(line)
    if found is None:
        return None
    name = " ".join(line[: found.start()].split())
    if not name or len(name) > SPEAKER_MAX_CHARS or "-->" in name:
        return None
    return name, line[found.end() :]


def _speaker_name(number: int, raw: str) -> str:
    name = " ".join(html.unescape(raw).split())
    if not name:
        raise TranscriptError(number, "a voice tag without a name: expected “<v Name>”")
    if len(name) > SPEAKER_MAX_CHARS:
        raise TranscriptError(number, f"a speaker name longer than {SPEAKER_MAX_CHARS} characters")
    return name


def _clean(text: str) -> str:
    """Text without styling: tags (<i>, <c.red>, </v>, <00:00:01.000>) and {\\an8} overrides."""
    return html.unescape(_SRT_OVERRIDE.sub("", _TAG.sub("", text)))


def _count_words(text: str) -> int:
    return len(_WORD.findall(text))
