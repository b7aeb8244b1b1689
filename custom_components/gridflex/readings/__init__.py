"""HA side of outbound FPP readings: sampling, durable queue, uploads."""

from __future__ import annotations

from dataclasses import dataclass, field

from homeassistant.core import HomeAssistant

from ..const import SUBENTRY_METERABLE_UNIT
from ..runtime import FppRuntime, GridFlexConfigEntry
from .manager import MeterableUnitReadings


@dataclass(slots=True)
class ReadingsRuntime:
    """Readings state of one FPP account: one manager per Meterable Unit sub-entry."""

    units: dict[str, MeterableUnitReadings] = field(default_factory=dict)


async def async_setup_readings(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> ReadingsRuntime:
    """Start sampling the bound sensors and uploading readings for this account."""
    runtime = entry.runtime_data
    readings = ReadingsRuntime()
    if not isinstance(runtime, FppRuntime):
        return readings
    for subentry in entry.subentries.values():
        if subentry.subentry_type != SUBENTRY_METERABLE_UNIT:
            continue
        unit = MeterableUnitReadings(hass, entry, subentry, runtime.client)
        readings.units[subentry.subentry_id] = unit
        entry.async_on_unload(unit.async_stop)
        await unit.async_start()
    return readings
