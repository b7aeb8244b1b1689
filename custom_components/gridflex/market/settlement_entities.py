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
class PerformanceDescription(SensorEntityDescription):
    """A value of an MU's last utilisation event."""

    value: Callable[[EventPerformance], float | None]


@dataclass(frozen=True, kw_only=True)
class InvoiceDescription(SensorEntityDescription):
    """A value of the account's last invoice."""

    value: Callable[[Invoice], Any]


PERFORMANCE_SENSORS = (
    PerformanceDescription(
        key="last_event_performance",
        translation_key="last_event_performance",
        native_unit_of_measurement=PERCENTAGE,
        value=lambda e: e.performance_pct,
    ),
    PerformanceDescription(
        key="last_event_delivered_energy",
        translation_key="last_event_delivered_energy",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        value=lambda e: e.delivered_kwh,
    ),
    PerformanceDescription(
        key="last_event_payment",
        translation_key="last_event_payment",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement="GBP",
        value=lambda e: e.payment_gbp,
    ),
)

INVOICE_SENSORS = (
    InvoiceDescription(
        key="last_invoice_amount",
        translation_key="last_invoice_amount",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement="GBP",
        value=lambda i: i.amount_gbp,
    ),
    InvoiceDescription(
        key="last_invoice_month",
        translation_key="last_invoice_month",
        value=lambda i: i.month,
    ),
    InvoiceDescription(
        key="last_invoice_status",
        translation_key="last_invoice_status",
        value=lambda i: i.status,
    ),
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class PerformanceSensor(
    CoordinatorEntity[SettlementCoordinator], GridFlexEntity, SensorEntity
):
    """One value of the last utilisation event of an MU, with the event as attributes."""

    entity_description: PerformanceDescription

    def __init__(
        self,
        entry: ConfigEntry,
        coordinator: SettlementCoordinator,
        subentry: ConfigSubentry,
        description: PerformanceDescription,
    ) -> None:
        """Follow one MU sub-entry."""
        CoordinatorEntity.__init__(self, coordinator)
        GridFlexEntity.__init__(self, entry, subentry, description.key)
        self.entity_description = description
        self._mu_id: str = subentry.data[CONF_MU_ID]

    def _event(self) -> EventPerformance | None:
        data: SettlementData | None = self.coordinator.data
        return data.last_event(self._mu_id) if data else None

    @property
    def native_value(self) -> float | None:
        """Unknown until FPP reported an event."""
        event = self._event()
        return self.entity_description.value(event) if event else None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The event this value comes from."""
        event = self._event()
        if event is None:
            return {}
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


class InvoiceSensor(
    CoordinatorEntity[SettlementCoordinator], GridFlexEntity, SensorEntity
):
    """One value of the account's last invoice."""

    entity_description: InvoiceDescription

    def __init__(
        self,
        entry: ConfigEntry,
        coordinator: SettlementCoordinator,
        description: InvoiceDescription,
    ) -> None:
        """Show on the account's device."""
        CoordinatorEntity.__init__(self, coordinator)
        GridFlexEntity.__init__(self, entry, None, description.key)
        self.entity_description = description

    def _invoice(self) -> Invoice | None:
        data: SettlementData | None = self.coordinator.data
        return data.invoices[-1] if data and data.invoices else None

    @property
    def native_value(self) -> Any:
        """Unknown until FPP issued an invoice."""
        invoice = self._invoice()
        return self.entity_description.value(invoice) if invoice else None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """The invoice this value comes from."""
        invoice = self._invoice()
        if invoice is None:
            return {}
        return {
            "invoice_id": invoice.id,
            "month": invoice.month,
            "status": invoice.status,
            "amount_gbp": invoice.amount_gbp,
            "issued_at": _iso(invoice.issued_at),
        }


def settlement_sensors(
    entry: ConfigEntry, coordinator: SettlementCoordinator
) -> dict[str | None, list[Any]]:
    """Return the settlement sensors, grouped by MU sub-entry id (None: the account's)."""
    grouped: dict[str | None, list[Any]] = {
        None: [InvoiceSensor(entry, coordinator, d) for d in INVOICE_SENSORS]
    }
    for sub in subentries_of(entry, SUBENTRY_METERABLE_UNIT):
        grouped[sub.subentry_id] = [
            PerformanceSensor(entry, coordinator, sub, d) for d in PERFORMANCE_SENSORS
        ]
    return grouped
