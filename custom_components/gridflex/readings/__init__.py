"""HA side of outbound FPP readings: sampling, durable queue, uploads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity

from ..api.fpp import FppClient
from ..const import SUBENTRY_METERABLE_UNIT
from .diagnostics import readings_diagnostics
from .entities import readings_entities
from .manager import MeterableUnitReadings


@dataclass(slots=True)
class ReadingsRuntime:
    """The readings flow of one FPP account: one manager per Meterable Unit sub-entry."""

    units: dict[str, MeterableUnitReadings] = field(default_factory=dict)

    def entities(self, platform: Platform) -> dict[str | None, list[Entity]]:
        """Return each MU's readings entities of ``platform``, keyed by its sub-entry."""
        return readings_entities(self.units.values(), platform)

    def diagnostics(self) -> Mapping[str, Any]:
        """Return the readings section of the account's diagnostics."""
        return {"readings": readings_diagnostics(self.units.values())}

    @callback
    def async_start(self) -> None:
        """Nothing waits for the entities: sampling starts at setup."""

    async def async_unload(self) -> None:
        """Stop sampling and send what is still queued."""
        for unit in self.units.values():
            await unit.async_stop()


async def async_setup_readings(
    hass: HomeAssistant, entry: ConfigEntry, client: FppClient
) -> ReadingsRuntime:
    """Start sampling the bound sensors and uploading readings for this account."""
    readings = ReadingsRuntime()
    entry.async_on_unload(readings.async_unload)
    for subentry in entry.subentries.values():
        if subentry.subentry_type != SUBENTRY_METERABLE_UNIT:
            continue
        unit = MeterableUnitReadings(hass, entry, subentry, client)
        readings.units[subentry.subentry_id] = unit
        await unit.async_start()
    return readings
