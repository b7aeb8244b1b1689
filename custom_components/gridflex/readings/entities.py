"""Diagnostic entities of each Meterable Unit's readings."""

from __future__ import annotations

from collections.abc import Iterable
import datetime as dt
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, Platform
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity

from ..entity import GridFlexEntity
from .manager import MeterableUnitReadings
from .queue import UploadResult


class ReadingsEntity(GridFlexEntity):
    """An entity that follows one MU's readings manager."""

    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, unit: MeterableUnitReadings, key: str) -> None:
        """Attach to the MU's device."""
        super().__init__(unit.entry, unit.subentry, key)
        self.unit = unit

    async def async_added_to_hass(self) -> None:
        """Follow the manager's changes."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, self.unit.signal, self.async_write_ha_state
            )
        )


class LastReadingSentSensor(ReadingsEntity, SensorEntity):
    """Timestamp of the newest reading FPP accepted."""

    _attr_device_class = SensorDeviceClass.TIMESTAMP
    # Changes every minute; "Readings delayed" is what most users need.
    _attr_entity_registry_enabled_default = False

    @property
    def native_value(self) -> dt.datetime | None:
        """Return the newest accepted reading's period end."""
        sent = self.unit.queue.last_sent
        return None if sent is None else dt.datetime.fromtimestamp(sent, dt.UTC)


class ReadingsQueuedSensor(ReadingsEntity, SensorEntity):
    """How many readings wait to be sent."""

    _attr_state_class = SensorStateClass.MEASUREMENT
    # Goes up and down every minute; "Readings delayed" is what most users need.
    _attr_entity_registry_enabled_default = False

    @property
    def native_value(self) -> int:
        """Return the queue size."""
        return self.unit.queue.size


class LastUploadResultSensor(ReadingsEntity, SensorEntity):
    """What the last upload came to."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = [result.value for result in UploadResult]

    @property
    def native_value(self) -> str | None:
        """Return the last upload result."""
        result = self.unit.queue.last_result
        return None if result is None else result.value

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return FPP's message of the last failure."""
        return {"error": self.unit.queue.last_error}


class ReadingsProblemBinarySensor(ReadingsEntity, BinarySensorEntity):
    """On when readings have waited for FPP over 15 minutes or a batch is parked."""

    _attr_device_class = BinarySensorDeviceClass.PROBLEM

    @property
    def is_on(self) -> bool:
        """Return whether there is a problem."""
        return not self.unit.healthy

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return why."""
        oldest = self.unit.queue.oldest_pending()
        return {
            "oldest_queued": None
            if oldest is None
            else dt.datetime.fromtimestamp(oldest, dt.UTC).isoformat(),
            "parked_batches": len(self.unit.queue.parked),
        }


def readings_entities(
    units: Iterable[MeterableUnitReadings], platform: Platform
) -> dict[str | None, list[Entity]]:
    """Return each MU's readings entities of ``platform``, keyed by its sub-entry."""
    by_subentry: dict[str | None, list[Entity]] = {}
    for unit in units:
        if platform is Platform.SENSOR:
            entities: list[Entity] = [
                LastReadingSentSensor(unit, "readings_last_sent"),
                ReadingsQueuedSensor(unit, "readings_queued"),
                LastUploadResultSensor(unit, "readings_last_upload"),
            ]
        elif platform is Platform.BINARY_SENSOR:
            entities = [ReadingsProblemBinarySensor(unit, "readings_healthy")]
        else:
            continue
        by_subentry[unit.subentry.subentry_id] = entities
    return by_subentry
