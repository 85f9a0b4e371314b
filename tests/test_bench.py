"""bench/load.py parses its arguments, formats its report and says what it needs: no timing."""

from __future__ import annotations

import importlib.util
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
LOAD = ROOT / "bench" / "load.py"


def _load_module():
    spec = importlib.util.spec_from_file_location("bench_load", LOAD)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


load = _load_module()


def test_the_benchmark_explains_itself_with_help():
    done = subprocess.run(
        [sys.executable, str(LOAD), "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    for option in ("--database", "--people", "--years", "--duration", "--connections"):
        assert option in done.stdout
    assert "--profile" in done.stdout
    assert "apt-get install wrk" in done.stdout


def test_without_wrk_the_benchmark_says_how_to_install_it_and_fails(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # an empty folder: no wrk, no rapport
    done = subprocess.run(
        [sys.executable, str(LOAD), "--people", "10", "--output", str(tmp_path / "r.md")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert "Error: wrk is not installed" in done.stderr
    assert "apt-get install wrk" in done.stderr
    assert not (tmp_path / "r.md").exists()


def test_arguments_have_the_issue_defaults_and_bad_ones_are_refused(capsys):
    args = load.parse_args([])
    assert (args.database, args.people, args.years, args.connections, args.rounds) == (
        "sqlite",
        2000,
        3.0,
        16,
        3,
    )
    args = load.parse_args(["--database", "postgres", "--people", "200", "--years", "1"])
    assert (args.database, args.people, args.years) == ("postgres", 200, 1.0)
    for bad in (["--people", "0"], ["--years", "11"], ["--profile", "/people/"]):
        with pytest.raises(SystemExit) as stopped:
            load.parse_args(bad)
        assert stopped.value.code == 2
    assert "--profile needs --data-dir" in capsys.readouterr().err


def _sample(page, round_, rps, share, p95, cpu):
    return load.Sample(
        page=page,
        round=round_,
        rps=rps,
        p50=p95 / 2,
        p95=p95,
        p99=p95 * 2,
        requests=100,
        errors=0,
        cpu_ms=cpu,
        served=100,
        share=share,
    )


def test_the_report_takes_medians_and_flags_pages_below_the_targets():
    healthz = load.Page("/healthz", "", "/healthz", "baseline")
    home = load.Page("manager home", "manager", "/")
    poll = load.Page("poll: timer", "manager", "/meetings/1/timer/?since=x", "fragment")
    samples = [
        _sample(healthz, 1, 1000, 100, 5, 0.4),
        _sample(home, 1, 60, 6, 20, 9),
        _sample(poll, 1, 200, 20, 10, 1),
        _sample(healthz, 2, 1000, 100, 5, 0.4),
        _sample(home, 2, 40, 4, 80, 11),
        _sample(poll, 2, 300, 30, 10, 1),
        _sample(healthz, 3, 1000, 100, 5, 0.4),
        _sample(home, 3, 45, 4.5, 60, math.nan),  # the server answered none: left out
        _sample(poll, 3, 220, 22, 10, 1),
    ]
    rows = load.summarise(samples, {"manager home": 150.0, "poll: timer": 0.1})
    by_name = {row.page.name: row for row in rows}
    assert by_name["manager home"].rps == 45
    assert by_name["manager home"].cpu_ms == 10  # median of 9 and 11
    assert by_name["manager home"].flags == ["< 5 %", "p95 ≥ 50 ms", "> 100 KB"]
    assert by_name["poll: timer"].flags == ["< 25 %"]  # 22 %: fragments need 25
    assert by_name["/healthz"].flags == []
    text = load.table(rows)
    assert (
        "| manager home | manager | 45.0 | 4.5 | 30.0 | 60.0 | 120.0 | 10.00 | 300 | 150.0 |"
        in (text)
    )
    assert text.splitlines()[0].startswith("| page | as | req/s | % of /healthz |")


def test_a_run_replaces_its_own_section_and_keeps_the_others(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Export\n\nkept\n\n## Load A\n\nold\n")
    load.write_section(results, "## Load A", "## Load A\n\nnew\n")
    load.write_section(results, "## Load B", "## Load B\n\nother\n")
    text = results.read_text()
    assert "old" not in text
    assert text.count("## Load A") == 1
    assert text.index("## Export") < text.index("## Load A") < text.index("## Load B")
    assert "kept" in text and "new" in text and "other" in text


def test_the_benchmark_starts_a_meeting_well_ahead_as_its_manager_would(
    live_server, mia, series
) -> None:
    later = series.meetings.filter(status="scheduled").latest("scheduled_at")
    manager = load.Browser(live_server.url)
    manager.sign_in(mia.email, PASSWORD)
    load.start_meeting(manager, later.pk)
    later.refresh_from_db()
    assert later.started_at is not None
