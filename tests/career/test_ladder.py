"""The ladder: Rapport's default, YAML that round-trips, bad files refused whole with the line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rapport.career import selectors, services
from rapport.career.models import LadderDocument
from rapport.cli import main
from rapport.errors import Refused
from rapport.framework.agenda import LEVEL_STYLES
from rapport.framework.ladder import (
    LadderError,
    default_ladder,
    ladder_from_yaml,
    ladder_to_yaml,
)
from rapport.framework.levels import LEVELS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "ladder.example.yaml"


def test_the_default_ladder_covers_every_level_and_area() -> None:
    ladder = default_ladder()
    assert [area.key for area in ladder.areas] == [
        "delivery",
        "craft",
        "collaboration",
        "leadership",
    ]
    for level in LEVELS:
        for area in ladder.areas:
            expectation = ladder.expectation(level, area.key)
            assert expectation.expected
            assert bool(expectation.next_level) == (level != "staff")


def test_the_default_ladder_starts_from_the_guides_focus_per_level() -> None:
    ladder = default_ladder()
    for level, style in LEVEL_STYLES.items():
        text = " ".join(ladder.expectation(level, a.key).expected for a in ladder.areas).lower()
        found = [focus for focus in style.focus if focus.lower().split()[0] in text]
        assert len(found) >= 2, (level, found)


def test_the_yaml_round_trips() -> None:
    ladder = default_ladder()
    assert ladder_from_yaml(ladder_to_yaml(ladder)) == ladder
    assert ladder_to_yaml(ladder_from_yaml(ladder_to_yaml(ladder))) == ladder_to_yaml(ladder)


def test_the_example_file_in_the_repository_is_a_valid_ladder() -> None:
    ladder = ladder_from_yaml(EXAMPLE.read_bytes())
    assert ladder_from_yaml(ladder_to_yaml(ladder)) == ladder
    assert len(ladder.areas) >= 3


GOOD = """\
version: 1
areas:
  - key: delivery
    name: Delivery
levels:
  junior:
    delivery: {expected: Ships small things., next_level: Ships features.}
  confirmed:
    delivery: {expected: Ships features., next_level: Ships projects.}
  senior:
    delivery: {expected: Ships projects., next_level: Ships programmes.}
  staff:
    delivery: {expected: Ships programmes.}
"""


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (GOOD.replace("  senior:", "  senor:"), 10, "unknown “senor”"),
        (GOOD.replace("version: 1", "version: 2"), 1, "version must be 1"),
        (GOOD.replace("    name: Delivery\n", ""), 3, "needs both a key and a name"),
        (GOOD.replace("key: delivery", "key: Delivery!"), 3, "lowercase letters"),
        (GOOD.replace(", next_level: Ships projects.", ""), 9, "“next_level” is missing"),
        (GOOD.replace("expected: Ships features.,", "expected: 12,"), 9, "must be text"),
        (GOOD.replace("expected: Ships small things.,", "expected: '',"), 7, "is empty"),
        (GOOD + "  junior: {}\n", 14, "given twice"),
        (GOOD.replace("areas:", "areas: [\n"), 4, "not valid YAML"),
        (
            GOOD.replace(
                "next_level: Ships programmes.}", "next_level: &p Ships programmes.}"
            ).replace("{expected: Ships programmes.}", "{expected: *p}"),
            13,
            "aliases",
        ),
        ("", 1, "empty"),
        ("- just\n- a list\n", 1, "must be a mapping"),
        (GOOD.encode() + b"\n# caf\xe9\n", 15, "not UTF-8"),
        (
            GOOD.replace(
                "    name: Delivery", "    name: Delivery\n  - key: delivery\n    name: D"
            ),
            5,
            "listed twice",
        ),
    ],
)
def test_a_bad_file_is_refused_with_the_line_and_the_reason(text, line, reason) -> None:
    with pytest.raises(LadderError) as refused:
        ladder_from_yaml(text)
    lines = [found for found, _ in refused.value.problems]
    assert line in lines, refused.value.problems
    assert reason in str(refused.value)


def test_the_small_good_file_reads() -> None:
    ladder = ladder_from_yaml(GOOD)
    assert ladder.expectation("staff", "delivery").next_level == ""
    assert ladder.area_name("delivery") == "Delivery"


def test_an_admin_imports_a_ladder_and_a_bad_file_changes_nothing(ada, cast) -> None:
    services.ladder_import(actor=ada, text=GOOD)
    assert [a.key for a in selectors.ladder_for(cast.acme).areas] == ["delivery"]
    with pytest.raises(Refused, match="line 10"):
        services.ladder_import(actor=ada, text=GOOD.replace("  senior:", "  senor:"))
    assert [a.key for a in selectors.ladder_for(cast.acme).areas] == ["delivery"]
    # Another organisation keeps Rapport's default.
    assert len(selectors.ladder_for(cast.globex).areas) == 4


def test_only_an_org_admin_changes_the_ladder(mia) -> None:
    with pytest.raises(PermissionDenied):
        services.ladder_import(actor=mia, text=GOOD)
    assert not LadderDocument.objects.exists()


def test_the_web_editor_changes_texts_and_keeps_the_rest(client_for, ada, cast) -> None:
    response = client_for(ada).post(
        reverse("ladder_edit"),
        {"name_craft": "Engineering craft", "expected_junior_craft": "Reads code every day."},
    )
    assert response.status_code == 302
    ladder = selectors.ladder_for(cast.acme)
    assert ladder.area_name("craft") == "Engineering craft"
    assert ladder.expectation("junior", "craft").expected == "Reads code every day."
    assert ladder.expectation("senior", "craft") == default_ladder().expectation("senior", "craft")


def test_the_web_editor_refuses_an_empty_expectation_whole(client_for, ada, cast) -> None:
    response = client_for(ada).post(
        reverse("ladder_edit"),
        {"name_craft": "Renamed", "expected_junior_craft": "   "},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("ladder") + "#ladder-edit", 303)]
    assert "junior.craft.expected is empty" in response.content.decode()
    assert 'value="Renamed"' in response.content.decode()  # the typed texts are kept
    assert not LadderDocument.objects.exists()


def test_the_web_import_names_the_line_of_a_bad_file(client_for, ada) -> None:
    upload = SimpleUploadedFile("ladder.yaml", GOOD.replace("  senior:", "  senor:").encode())
    response = client_for(ada).post(reverse("ladder_import"), {"file": upload}, follow=True)
    assert response.redirect_chain == [(reverse("ladder"), 303)]
    assert "line 10" in response.content.decode()
    assert not LadderDocument.objects.exists()


def test_the_web_export_downloads_what_the_import_reads(client_for, ada, ray) -> None:
    services.ladder_import(actor=ada, text=GOOD)
    response = client_for(ray).get(reverse("ladder_export"))
    assert response["Content-Disposition"] == 'attachment; filename="ladder.yaml"'
    assert ladder_from_yaml(response.content) == ladder_from_yaml(GOOD)
    upload = SimpleUploadedFile("ladder.yaml", response.content)
    assert client_for(ada).post(reverse("ladder_import"), {"file": upload}).status_code == 302


# The command line ---------------------------------------------------------------------------


def test_the_cli_exports_and_imports_the_ladder(ada, cast, tmp_path, capsys) -> None:
    target = tmp_path / "ladder.yaml"
    assert main(["ladder", "export", str(target), "--org", "Acme"]) == 0
    assert ladder_from_yaml(target.read_text()) == default_ladder()
    target.write_text(GOOD)
    assert main(["ladder", "import", str(target), "--as", "ADA@acme.test"]) == 0
    assert "1 areas" in capsys.readouterr().out
    assert [a.key for a in selectors.ladder_for(cast.acme).areas] == ["delivery"]
    assert main(["ladder", "export", "-", "--org", "Acme"]) == 0
    assert ladder_from_yaml(capsys.readouterr().out) == ladder_from_yaml(GOOD)


def test_the_cli_refuses_a_bad_file_with_its_line_and_writes_nothing(ada, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("  senior:", "  senor:"))
    assert main(["ladder", "import", str(bad), "--as", "ada@acme.test"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:10: levels: unknown “senor”" in err
    assert err.strip().endswith("Error: " + f"{bad}: the ladder was not imported.")
    assert not LadderDocument.objects.exists()


@pytest.mark.parametrize("who", ["mia@acme.test", "nobody@acme.test"])
def test_the_cli_imports_only_as_an_org_admin(who, cast, tmp_path, capsys) -> None:
    good = tmp_path / "ladder.yaml"
    good.write_text(GOOD)
    assert main(["ladder", "import", str(good), "--as", who]) == 1
    assert capsys.readouterr().err.startswith("Error: ")
    assert not LadderDocument.objects.exists()


def test_the_cli_help_shows_an_example() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rapport.cli", "ladder", "import", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "rapport ladder import ladder.yaml --as" in result.stdout
