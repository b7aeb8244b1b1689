"""Debug logging of readings uploads: MU, count, FPP's answer, never the token."""

from __future__ import annotations

import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from tests.readings.conftest import Advance
from tests.readings.test_delivery import at, start
from tests.simulators.fpp import FppSimulator

pytestmark = pytest.mark.usefixtures("london")


async def test_uploads_are_logged_without_the_token(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    fpp_sim: FppSimulator,
    advance: Advance,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, "custom_components.gridflex")
    await start(hass, freezer, fpp_sim)
    await advance(at(3))
    fpp_sim.fail_next(status=503)
    await advance(at(4))
    said = [
        r.getMessage() for r in caplog.records if r.name.startswith("custom_components")
    ]
    uploads = [m for m in said if m.startswith("Readings upload of MU-1:")]
    assert any("sent, 0 parked, result ok" in m for m in uploads)
    assert any("result temporary_error" in m for m in uploads)
    assert all(fpp_sim.token not in m for m in said)
