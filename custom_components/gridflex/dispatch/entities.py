"""What each Meterable Unit device shows of its dispatches: active, next start, power, events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.event import EventEntity
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.const import Platform, UnitOfPower
from homeassistant.core import callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from ..entity import GridFlexEntity, drop_unavailable_placeholder
from .lifecycle import EventType
from .notify import signal_unit_changed, signal_unit_event
from .records import InstructionRecord, Phase
from .state import DispatchRuntime


def _attributes(record: InstructionRecord | None, mu_id: str) -> dict[str, Any] | None:
    if record is None:
        return None
    ins = record.instruction
    return {
        "id": ins.id,
        "product": ins.product,
        "start": ins.start.isoformat() if ins.start else None,
        "end": ins.end.isoformat() if ins.end else None,
        "power_kw": record.power_of(mu_id),
    }


class DispatchEntity(GridFlexEntity):
    """An entity of one MU that follows the account's dispatch state."""

    def __init__(
        self,
        entry: ConfigEntry,
        runtime: DispatchRuntime,
        subentry: ConfigSubentry,
        key: str,
    ) -> None:
        """Follow ``subentry``'s MU."""
        super().__init__(entry, subentry, key)
        self._runtime = runtime
        self._mu_id: str = next(
            mu for mu, sub in runtime.meterable_units.items() if sub is subentry
        )

    # The event entity writes its state from bus events, not from instruction changes.
    _refresh_on_change = True

    async def async_added_to_hass(self) -> None:
        """Refresh whenever an instruction moves."""
        await super().async_added_to_hass()
        if self._refresh_on_change:
            self.async_on_remove(
                async_dispatcher_connect(
                    self.hass,
                    signal_unit_changed(self._entry.entry_id, self._mu_id),
                    self.async_write_ha_state,
                )
            )

    def _first(self, phase: Phase) -> InstructionRecord | None:
        found = self._runtime.lifecycle.for_mu(self._mu_id, phase)
        return found[0] if found else None


class DispatchActiveBinarySensor(DispatchEntity, BinarySensorEntity):
    """On exactly while an instruction for this MU is active (reads Active / Inactive)."""

    @property
    def is_on(self) -> bool:
        """Whether the MU is dispatched now."""
        return self._first(Phase.ACTIVE) is not None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The current and the next instruction."""
        return {
            "current": _attributes(self._first(Phase.ACTIVE), self._mu_id),
            "next": _attributes(self._first(Phase.SCHEDULED), self._mu_id),
        }


class NextDispatchStartSensor(DispatchEntity, SensorEntity):
    """When the next scheduled instruction for this MU starts."""

    _attr_device_class = SensorDeviceClass.TIMESTAMP

    @property
    def native_value(self) -> dt.datetime | None:
        """Start of the next instruction, unknown when none is scheduled."""
        record = self._first(Phase.SCHEDULED)
        return record.instruction.start if record else None


class DispatchedPowerSensor(DispatchEntity, SensorEntity):
    """Power FPP asks of this MU now (sum over active instructions)."""

    _attr_device_class = SensorDeviceClass.POWER
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = UnitOfPower.KILO_WATT

    @property
    def native_value(self) -> float:
        """0 when the MU is not dispatched."""
        active = self._runtime.lifecycle.for_mu(self._mu_id, Phase.ACTIVE)
        return sum((record.power_of(self._mu_id) or 0.0 for record in active), 0.0)


class DispatchEventEntity(DispatchEntity, EventEntity):
    """Each ``gridflex_dispatch`` event of this MU, as an event entity."""

    _attr_event_types = [kind.value for kind in EventType]
    _refresh_on_change = False

    async def async_added_to_hass(self) -> None:
        """Follow this MU's events (the same data as its ``gridflex_dispatch`` bus events)."""
        drop_unavailable_placeholder(self)
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_unit_event(self._entry.entry_id, self._mu_id),
                self._on_event,
            )
        )

    @callback
    def _on_event(self, data: dict[str, Any]) -> None:
        attributes = {k: v for k, v in data.items() if k != "type"}
        self._trigger_event(data["type"], attributes)
        self.async_write_ha_state()


def dispatch_entities_by_subentry(
    runtime: DispatchRuntime, platform: Platform
) -> dict[str | None, list[DispatchEntity]]:
    """Return the dispatch entities of one platform, grouped by MU sub-entry id."""
    kinds: dict[Platform, list[tuple[type[DispatchEntity], str]]] = {
        Platform.BINARY_SENSOR: [(DispatchActiveBinarySensor, "dispatch_active")],
        Platform.SENSOR: [
            (NextDispatchStartSensor, "next_dispatch_start"),
            (DispatchedPowerSensor, "dispatched_power"),
        ],
        Platform.EVENT: [(DispatchEventEntity, "dispatch")],
    }
    if platform not in kinds:
        return {}
    return {
        sub.subentry_id: [
            cls(runtime.entry, runtime, sub, key) for cls, key in kinds[platform]
        ]
        for sub in runtime.meterable_units.values()
    }
