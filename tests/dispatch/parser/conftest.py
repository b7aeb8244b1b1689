"""The parser is pure: its tests need neither Home Assistant nor a recorder."""

from collections.abc import Generator

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> Generator[None]:
    """Override the package-wide fixture: no hass, no recorder here."""
    yield
