from __future__ import annotations

from rapport.framework.remote import (
    CONNECTION_STRATEGIES,
    DOCUMENTATION_IS_CRITICAL,
    SETUP_DO,
    SETUP_DONT,
)
from tests.framework.conftest import Block


def remote(seed: Block) -> Block:
    return seed.section("Remote 1:1 Best Practices")


def test_it_keeps_the_remote_setup_dos_and_donts_verbatim(seed: Block) -> None:
    setup = remote(seed).section("Setup")
    assert list(SETUP_DO) == setup.bold("✅ Do:").bullets()
    assert list(SETUP_DONT) == setup.bold("❌ Don't:").bullets()


def test_it_keeps_the_connection_strategies_verbatim(seed: Block) -> None:
    strategies = remote(seed).section("Building Connection Remotely").bold("Strategies:")
    assert list(CONNECTION_STRATEGIES) == strategies.bullets()


def test_it_keeps_why_documentation_is_critical_verbatim(seed: Block) -> None:
    critical = remote(seed).section("Documentation is Critical").after("With remote work:")
    assert list(DOCUMENTATION_IS_CRITICAL) == critical.bullets()
