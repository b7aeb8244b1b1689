"""
Consumption entities: per delivery point sensors, and demand-response events on the account.

Mirrored values carry no ``state_class``: the Energy dashboard reads the statistics, not these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import datetime as dt

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import (
    EntityCategory,
    UnitOfApparentPower,
    UnitOfEnergy,
    UnitOfVolume,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.update_coordinator import CoordinatorEntity
from homeassistant.util import dt as dt_util

from ..api.switchgrid.models import AskStatus, DemandResponseEvent
from ..const import EnergyType
from ..entity import GridFlexEntity
from ..wake_up import WakeUp
from .coordinator import ConsumptionCoordinator
from .models import PointState

CONSENT_OTHER = "other"
CONSENT_NONE = "none"
CONSENT_OPTIONS = [s.value.lower() for s in AskStatus] + [CONSENT_NONE, CONSENT_OTHER]


def _consent_status(state: PointState) -> str:
    if state.ask is None:
        return CONSENT_NONE
    status = state.ask.status.lower()
    return status if status in CONSENT_OPTIONS else CONSENT_OTHER


@dataclass(frozen=True, kw_only=True)
class PointSensorDescription(SensorEntityDescription):
    """A delivery point sensor and how to read its value."""

    value: Callable[[PointState], float | str | dt.date | dt.datetime | None]
    energy_types: tuple[EnergyType, ...] = (EnergyType.GAS, EnergyType.ELECTRICITY)


POINT_SENSORS = (
    PointSensorDescription(
        key="gas_energy_last_day",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        value=lambda s: s.last_energy_kwh,
        energy_types=(EnergyType.GAS,),
    ),
    PointSensorDescription(
        key="gas_volume_last_day",
        device_class=SensorDeviceClass.GAS,
        native_unit_of_measurement=UnitOfVolume.CUBIC_METERS,
        value=lambda s: s.last_volume_m3,
        energy_types=(EnergyType.GAS,),
    ),
    PointSensorDescription(
        key="conversion_coefficient",
        native_unit_of_measurement="kWh/m³",
        suggested_display_precision=2,
        value=lambda s: s.conversion_coefficient,
        energy_types=(EnergyType.GAS,),
    ),
    PointSensorDescription(
        key="subscribed_power",
        device_class=SensorDeviceClass.APPARENT_POWER,
        native_unit_of_measurement=UnitOfApparentPower.KILO_VOLT_AMPERE,
        value=lambda s: s.subscribed_power_kva,
        energy_types=(EnergyType.ELECTRICITY,),
    ),
    PointSensorDescription(
        key="off_peak_hours",
        value=lambda s: s.off_peak_hours,
        energy_types=(EnergyType.ELECTRICITY,),
    ),
    PointSensorDescription(
        key="latest_data_date",
        entity_category=EntityCategory.DIAGNOSTIC,
        device_class=SensorDeviceClass.DATE,
        value=lambda s: s.latest_day,
    ),
    PointSensorDescription(
        key="consent_status",
        entity_category=EntityCategory.DIAGNOSTIC,
        device_class=SensorDeviceClass.ENUM,
        options=CONSENT_OPTIONS,
        value=_consent_status,
    ),
    PointSensorDescription(
        key="consent_expiry",
        entity_category=EntityCategory.DIAGNOSTIC,
        device_class=SensorDeviceClass.TIMESTAMP,
        value=lambda s: s.ask.expires_at if s.ask else None,
    ),
)


class PointSensor(
    CoordinatorEntity[ConsumptionCoordinator], GridFlexEntity, SensorEntity
):
    """One value of a delivery point."""

    entity_description: PointSensorDescription

    def __init__(
        self,
        coordinator: ConsumptionCoordinator,
        subentry: ConfigSubentry,
        description: PointSensorDescription,
    ) -> None:
        """Attach the sensor to its delivery point's device."""
        CoordinatorEntity.__init__(self, coordinator)
        GridFlexEntity.__init__(
            self, coordinator.config_entry, subentry, description.key
        )
        self.entity_description = description
        self._subentry_id = subentry.subentry_id

    @property
    def native_value(self) -> float | str | dt.date | dt.datetime | None:
        """Return the value from the coordinator's state of this point."""
        state = self.coordinator.data.points.get(self._subentry_id)
        return None if state is None else self.entity_description.value(state)


def point_sensors(
    coordinator: ConsumptionCoordinator,
) -> dict[str | None, list[PointSensor]]:
    """Return the sensors of every delivery point, keyed by its sub-entry."""
    return {
        subentry.subentry_id: [
            PointSensor(coordinator, subentry, d)
            for d in POINT_SENSORS
            if EnergyType(subentry.data["energy_type"]) in d.energy_types
        ]
        for subentry in coordinator.delivery_points
    }


def _calendar_event(event: DemandResponseEvent) -> CalendarEvent:
    return CalendarEvent(
        start=event.start,
        end=event.end,
        summary=event.summary,
        description=event.description,
        uid=event.event_id,
    )


class DemandResponseActive(
    CoordinatorEntity[ConsumptionCoordinator], GridFlexEntity, BinarySensorEntity
):
    """On while a Switchgrid demand-response event is running."""

    def __init__(self, coordinator: ConsumptionCoordinator) -> None:
        """Attach to the account device."""
        CoordinatorEntity.__init__(self, coordinator)
        GridFlexEntity.__init__(self, coordinator.config_entry, None, "demand_response")
        self._next_boundary = WakeUp(coordinator.hass, self._boundary_reached)

    def _current(self, now: dt.datetime) -> DemandResponseEvent | None:
        return next(
            (e for e in self.coordinator.data.events if e.start <= now < e.end), None
        )

    @property
    def is_on(self) -> bool:
        """Return whether an event is running now."""
        return self._current(dt_util.utcnow()) is not None

    @callback
    def _handle_coordinator_update(self) -> None:
        self._track_next_boundary()
        super()._handle_coordinator_update()

    async def async_added_to_hass(self) -> None:
        """Follow event starts and ends."""
        await super().async_added_to_hass()
        self._track_next_boundary()
        self.async_on_remove(self._next_boundary.cancel)

    @callback
    def _track_next_boundary(self) -> None:
        """Wake up at the next event start or end to update the state."""
        now = dt_util.utcnow()
        self._next_boundary.at_earliest(
            t for e in self.coordinator.data.events for t in (e.start, e.end) if t > now
        )

    @callback
    def _boundary_reached(self, _now: dt.datetime) -> None:
        self._track_next_boundary()
        self.async_write_ha_state()


class DemandResponseCalendar(
    CoordinatorEntity[ConsumptionCoordinator], GridFlexEntity, CalendarEntity
):
    """Switchgrid's demand-response events as a calendar."""

    def __init__(self, coordinator: ConsumptionCoordinator) -> None:
        """Attach to the account device."""
        CoordinatorEntity.__init__(self, coordinator)
        GridFlexEntity.__init__(
            self, coordinator.config_entry, None, "demand_response_events"
        )

    @property
    def event(self) -> CalendarEvent | None:
        """Return the running or next event."""
        now = dt_util.utcnow()
        upcoming = [e for e in self.coordinator.data.events if e.end > now]
        return _calendar_event(upcoming[0]) if upcoming else None

    async def async_get_events(
        self, hass: HomeAssistant, start_date: dt.datetime, end_date: dt.datetime
    ) -> list[CalendarEvent]:
        """Return the events overlapping a range."""
        return [
            _calendar_event(e)
            for e in self.coordinator.data.events
            if e.end > start_date and e.start < end_date
        ]
