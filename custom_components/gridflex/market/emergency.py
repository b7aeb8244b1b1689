"""
Emergency stops outlive a restart: which MUs were stopped, and during which instructions.

Dispatch forgets an emergency stop when the MU's instructions are over; until then, a restart
must not take the devices again. The Store keeps, per MU, the instructions active at the stop;
on setup, an MU stays stopped only while one of those is still live.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN
from ..dispatch.records import LIVE_PHASES, InstructionRecord, Phase
from ..dispatch.state import DispatchRuntime

STORE_VERSION = 1


def _store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    return Store(hass, STORE_VERSION, f"{DOMAIN}.emergency_stop.{entry_id}")


async def async_save_emergency_stops(
    hass: HomeAssistant, dispatch: DispatchRuntime
) -> None:
    """Write the MUs stopped now with the instructions they were stopped during."""
    stopped = {
        mu: [r.id for r in dispatch.lifecycle.for_mu(mu, Phase.ACTIVE)]
        for mu in sorted(dispatch.emergency_stopped)
    }
    await _store(hass, dispatch.entry.entry_id).async_save({"stopped": stopped})


async def async_restore_emergency_stops(
    hass: HomeAssistant,
    dispatch: DispatchRuntime,
    saved_records: Iterable[InstructionRecord],
) -> None:
    """Stop again the MUs whose instructions from before the restart are still live."""
    saved = await _store(hass, dispatch.entry.entry_id).async_load() or {}
    live = {r.id for r in saved_records if r.phase in LIVE_PHASES}
    dispatch.emergency_stopped |= {
        mu
        for mu, ids in (saved.get("stopped") or {}).items()
        if isinstance(ids, list) and live.intersection(ids)
    }
