"""`rapport talk-ratio FILE [--json]`: run through the command's runner, storing nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from rapport import cli
from tests.insights import samples


def run(capsys: pytest.CaptureFixture[str], *args: str) -> SimpleNamespace:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return SimpleNamespace(code=code, out=out, err=err)


def transcript(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_it_prints_each_speaker_with_seconds_words_and_shares(tmp_path, capsys) -> None:
    result = run(capsys, "talk-ratio", str(transcript(tmp_path, "zoom.vtt", samples.ZOOM_VTT)))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["Speaker", "Seconds", "Words", "Time", "share", "Word", "share"]
    assert lines[1].split() == ["Mia", "Manager", "8.0", "10", "40.0%", "47.6%"]
    assert lines[2].split() == ["Ray", "Report", "12.0", "11", "60.0%", "52.4%"]
    assert result.err == ""


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("teams.vtt", samples.TEAMS_VTT, samples.TEAMS_EXPECTED),
        ("meet.vtt", samples.MEET_VTT, samples.MEET_EXPECTED),
        ("call.srt", samples.SRT, samples.SRT_EXPECTED),
        ("zoom.txt", samples.ZOOM_TEXT, samples.ZOOM_TEXT_EXPECTED),
    ],
)
def test_json_gives_the_figures_of_every_format(tmp_path, capsys, name, text, expected) -> None:
    result = run(capsys, "talk-ratio", str(transcript(tmp_path, name, text)), "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {"speakers": expected}


def test_plain_text_has_no_seconds_nor_time_share(tmp_path, capsys) -> None:
    path = transcript(tmp_path, "zoom.txt", samples.ZOOM_TEXT)
    speakers = json.loads(run(capsys, "talk-ratio", str(path), "--json").out)["speakers"]
    assert {(s["seconds"], s["time_share"]) for s in speakers} == {(None, None)}
    table = run(capsys, "talk-ratio", str(path)).out.splitlines()
    assert table[3].split() == ["Room", "2:B", "–", "3", "–", "12.5%"]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "the file is empty"),
        ("Hello Ray,\nsee you\n", 1, "not a transcript format"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: hi\n", 4, "only one speaker (Ana)"),
        (samples.ZOOM_VTT + "\n" + samples.SRT, 16, "mixed"),
    ],
)
def test_a_bad_file_is_one_error_line_naming_file_and_line(
    tmp_path, capsys, text, line, reason
) -> None:
    path = transcript(tmp_path, "bad.vtt", text)
    result = run(capsys, "talk-ratio", str(path), "--json")
    assert result.code == 1
    assert result.out == ""
    errors = result.err.strip().splitlines()
    assert len(errors) == 1
    assert errors[0].startswith(f"Error: {path}:{line}: ")
    assert reason in errors[0]


def test_a_missing_file_or_a_folder_is_explained(tmp_path, capsys) -> None:
    missing = run(capsys, "talk-ratio", str(tmp_path / "nope.vtt"))
    assert (missing.code, missing.err.strip()) == (
        1,
        f"Error: {tmp_path / 'nope.vtt'}: no such file",
    )
    folder = run(capsys, "talk-ratio", str(tmp_path))
    assert (folder.code, folder.err.strip()) == (1, f"Error: {tmp_path}: is a folder, not a file")


def test_help_shows_an_example(capsys) -> None:
    result = run(capsys, "talk-ratio", "--help")
    assert result.code == 0
    assert "rapport talk-ratio meeting.vtt" in result.out


def test_it_stores_nothing_not_even_a_database(tmp_path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = transcript(tmp_path, "teams.vtt", samples.TEAMS_VTT)
    env = {**os.environ, "RAPPORT_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "rapport.cli", "talk-ratio", str(path), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"speakers": samples.TEAMS_EXPECTED}
    assert list(data_dir.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "teams.vtt"]
