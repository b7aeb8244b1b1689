"""A Switchgrid message reaches its repair issue as words: markdown and HTML escaped."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.gridflex.const import DOMAIN
from custom_components.gridflex.issue_text import plain
from tests.simulators.switchgrid import SwitchgridSimulator

from .conftest import PCE, gas_point, make_entry, setup_entry

HOSTILE = "[click](https://evil.example) <img src=x onerror=alert(1)> **now**\n# Title"


async def test_a_switchgrid_message_is_escaped_in_its_issue(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.auto_accept_asks = True
    sim.grdf_errors[PCE] = {"code": "1003", "message": HOSTILE}
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    subentry_id = next(iter(entry.subentries))
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"grdf_error_{subentry_id}")
    assert issue is not None
    assert issue.translation_placeholders["message"] == plain(HOSTILE)
    assert "\\<img" in issue.translation_placeholders["message"]
