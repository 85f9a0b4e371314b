"""Transcripts written for Rapport's tests, one per format, each with its expected figures.

Mia Manager and Ray Report talk through a 1:1; the figures below are worked out by hand
from the cues (see each sample's comment), not by running the parser.
"""

from __future__ import annotations

# Zoom: numbered cues, `Name: text`, a 1-second silence (4-5 s) that counts for nobody.
# Mia 0-4 and 17-21 = 8 s, Ray 5-17 = 12 s; words Mia 6 + 4 = 10, Ray 11.
ZOOM_VTT = """WEBVTT

1
00:00:00.000 --> 00:00:04.000
Mia Manager: Morning Ray, what's on your mind?

2
00:00:05.000 --> 00:00:17.000
Ray Report: The release slipped again and I'd like to talk about on-call.

3
00:00:17.000 --> 00:00:21.000
Mia Manager: Go on, I'm listening.
"""
ZOOM_EXPECTED = [
    {"name": "Mia Manager", "seconds": 8.0, "words": 10, "time_share": 0.4, "word_share": 0.4762},
    {"name": "Ray Report", "seconds": 12.0, "words": 11, "time_share": 0.6, "word_share": 0.5238},
]

# Teams: BOM, CRLF, unpadded times, cue identifiers, voice tags with and without </v>, a
# speaker named with a colon, a multi-line cue with styling, cue settings, an overlap.
# Mia 0-4 alone, 4-6 both (1 s each), 14.5-16.5 = 7 s; Ray 1 + 6-14 = 9 s; 14-14.5 silent.
# Words Mia 5 + 2 = 7, Ray 4.
TEAMS_VTT = (
    "\ufeffWEBVTT\r\n"
    "\r\n"
    "5f0c1e7a-0001/10-0\r\n"
    "0:0:0.0 --> 0:0:6.0\r\n"
    "<v Mia Manager: Team Lead>How did the demo go?</v>\r\n"
    "\r\n"
    "5f0c1e7a-0002/11-0\r\n"
    "0:0:4.0 --> 0:0:14.0\r\n"
    "<v Ray Report>It went well,\r\n"
    "<i>mostly</i>.\r\n"
    "\r\n"
    "0:0:14.500 --> 0:0:16.500 align:start line:90%\r\n"
    "<v Mia Manager: Team Lead><b>Great</b> news\r\n"
)
TEAMS_EXPECTED = [
    {
        "name": "Mia Manager: Team Lead",
        "seconds": 7.0,
        "words": 7,
        "time_share": 0.4375,
        "word_share": 0.6364,
    },
    {"name": "Ray Report", "seconds": 9.0, "words": 4, "time_share": 0.5625, "word_share": 0.3636},
]

# Meet: header text and metadata, STYLE and NOTE blocks, times without hours, a voice
# with a class, <c> styling, an entity, and Mia's own cues overlapping (1-6 s counts once).
# Mia 5 s, Ray 10 s; words Mia 3 + 3, Ray 5 ("&" is no word).
MEET_VTT = """WEBVTT - Google Meet
Kind: captions

STYLE
::cue(.yellow) { color: yellow; }

NOTE Recorded with captions on

00:01.000 --> 00:03.000
<v Mia Manager>Shall we start?

00:02.000 --> 00:06.000
<v Mia Manager>Tell me <c.yellow>everything</c>.

00:06.000 --> 00:16.000
<v.loud Ray Report>Q3 goals &amp; the promotion case
"""
MEET_EXPECTED = [
    {"name": "Mia Manager", "seconds": 5.0, "words": 6, "time_share": 0.3333, "word_share": 0.5455},
    {"name": "Ray Report", "seconds": 10.0, "words": 5, "time_share": 0.6667, "word_share": 0.4545},
]

# SRT: comma times, position coordinates after the times, an {\an8} override, <font>.
# Mia 0-3 and 9-10 = 4 s, Ray 3-9 = 6 s; words Mia 4 + 3, Ray 7.
SRT = """1
00:00:00,000 --> 00:00:03,000
Mia Manager: Any blockers this week?

2
00:00:03,000 --> 00:00:09,000 X1:100 X2:200 Y1:10 Y2:20
{\\an8}Ray Report: The staging database.
It keeps <font color="#ff0">timing out</font>.

3
00:00:09,000 --> 00:00:10,000
Mia Manager: I'll chase it.
"""
SRT_EXPECTED = [
    {"name": "Mia Manager", "seconds": 4.0, "words": 7, "time_share": 0.4, "word_share": 0.5},
    {"name": "Ray Report", "seconds": 6.0, "words": 7, "time_share": 0.6, "word_share": 0.5},
]

# Zoom's plain text: no times, a turn over two lines, a speaker named with a colon.
# Words Mia 7 + 4 = 11, Ray 4 + 6 = 10, "Room 2:B" 3.
ZOOM_TEXT = """Mia Manager: How are you feeling about the team?
Ray Report: Honestly a bit stretched.
We lost two people this quarter.
Mia Manager: Thanks for telling me.
Room 2:B: sorry, wrong room
"""
ZOOM_TEXT_EXPECTED = [
    {"name": "Mia Manager", "seconds": None, "words": 11, "time_share": None, "word_share": 0.4583},
    {"name": "Ray Report", "seconds": None, "words": 10, "time_share": None, "word_share": 0.4167},
    {"name": "Room 2:B", "seconds": None, "words": 3, "time_share": None, "word_share": 0.125},
]
