"""FPP settlement sensors: last event's performance per Meterable Unit, last invoice per account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.const import PERCENTAGE, UnitOfEnergy
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ..accounts import subentries_of
from ..api.fpp.settlement import EventPerformance, Invoice
from ..const import CONF_MU_ID, SUBENTRY_METERABLE_UNIT
from ..entity import GridFlexEntity
from .settlement import SettlementCoordinator, SettlementData


@dataclass(frozen=True, kw_only=True)
class SettlementDescription[T](SensorEntityDescription):
    """A value of the latest settlement record of its kind (an MU's last event, the last invoice)."""

    value: Callable[[T], Any]


PERFORMANCE_SENSORS = (
    SettlementDescription[EventPerformance](
        key="last_event_performance",
        translation_key="last_event_performance",
        native_unit_of_measurement=PERCENTAGE,
        value=lambda e: e.performance_pct,
    ),
    SettlementDescription[EventPerformance](
        key="last_event_delivered_energy",
        translation_key="last_event_delivered_energy",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        value=lambda e: e.delivered_kwh,
    ),
    SettlementDescription[EventPerformance](
        key="last_event_payment",
        translation_key="last_event_payment",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement="GBP",
        value=lambda e: e.payment_gbp,
    ),
)

INVOICE_SENSORS = (
    SettlementDescription[Invoice](
        key="last_invoice_amount",
        translation_key="last_invoice_amount",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement="GBP",
        value=lambda i: i.amount_gbp,
    ),
    SettlementDescription[Invoice](
        key="last_invoice_month",
        translation_key="last_invoice_month",
        value=lambda i: i.month,
    ),
    SettlementDescription[Invoice](
        key="last_invoice_status",
        translation_key="last_invoice_status",
        value=lambda i: i.status,
    ),
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _event_facts(event: EventPerformance) -> dict[str, Any]:
    return {
        "event_id": event.id,
        "instruction_id": event.instruction_id,
        "product": event.product,
        "start": _iso(event.start),
        "end": _iso(event.end),
        "requested_kwh": event.requested_kwh,
        "delivered_kwh": event.delivered_kwh,
        "baseline_kwh": event.baseline_kwh,
        "metered_kwh": event.metered_kwh,
        "performance_pct": event.performance_pct,
        "payment_gbp": event.payment_gbp,
    }


def _invoice_facts(invoice: Invoice) -> dict[str, Any]:
    return {
        "invoice_id": invoice.id,
        "month": invoice.month,
        "status": invoice.status,
        "amount_gbp": invoice.amount_gbp,
        "issued_at": _iso(invoice.issued_at),
    }


def _last_event_of(mu_id: str) -> Callable[[SettlementData], EventPerformance | None]:
    return lambda data: data.last_event(mu_id)


def _last_invoice(data: SettlementData) -> Invoice | None:
    return data.invoices[-1] if data.invoices else None


class SettlementSensor[T](
    CoordinatorEntity[SettlementCoordinator], GridFlexEntity, SensorEntity
):
    """
    One value of the latest settlement record of its kind, with the record as attributes.

    Unknown until FPP reported one: an MU's last utilisation event, the account's last invoice.
    """

    entity_description: SettlementDescription[T]

    def __init__(
        self,
        entry: ConfigEntry,
        coordinator: SettlementCoordinator,
        subentry: ConfigSubentry | None,
        description: SettlementDescription[T],
        *,
        latest: Callable[[SettlementData], T | None],
        facts: Callable[[T], dict[str, Any]],
    ) -> None:
        """Show on the MU's device (``subentry``), else on the account's."""
        CoordinatorEntity.__init__(self, coordinator)
        GridFlexEntity.__init__(self, entry, subentry, description.key)
        self.entity_description = description
        self._latest = latest
        self._facts = facts

    def _record(self) -> T | None:
        data: SettlementData | None = self.coordinator.data
        return self._latest(data) if data else None

    @property
    def native_value(self) -> Any:
        """The description's value of the latest record; unknown while there is none."""
        record = self._record()
        return self.entity_description.value(record) if record is not None else None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The record this value comes from."""
        record = self._record()
        return self._facts(record) if record is not None else {}


def settlement_sensors(
    entry: ConfigEntry, coordinator: SettlementCoordinator
) -> dict[str | None, list[Any]]:
    """Return the settlement sensors, grouped by MU sub-entry id (None: the account's)."""
    grouped: dict[str | None, list[Any]] = {
        None: [
            SettlementSensor(
                entry, coordinator, None, d, latest=_last_invoice, facts=_invoice_facts
            )
            for d in INVOICE_SENSORS
        ]
    }
    for sub in subentries_of(entry, SUBENTRY_METERABLE_UNIT):
        grouped[sub.subentry_id] = [
            SettlementSensor(
                entry,
                coordinator,
                sub,
                d,
                latest=_last_event_of(sub.data[CONF_MU_ID]),
                facts=_event_facts,
            )
            for d in PERFORMANCE_SENSORS
        ]
    return grouped
