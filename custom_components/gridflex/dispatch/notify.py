"""How dispatch changes reach users: ``gridflex_dispatch`` bus events and entity refreshes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..api.fpp.products import describe_product
from ..const import DOMAIN, EVENT_DISPATCH
from ..runtime import GridFlexConfigEntry
from .lifecycle import EventType
from .records import InstructionRecord


def _iso(moment: Any) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def instruction_summary(record: InstructionRecord, mu_id: str) -> dict[str, Any]:
    """Describe what users see of one instruction for one MU (event data, attributes)."""
    ins = record.instruction
    product = describe_product(ins.product) if ins.product is not None else None
    return {
        "instruction_id": ins.id,
        "meterable_unit_id": mu_id,
        "product": ins.product,
        "product_name": product.name if product else None,
        "market_gateway_codes": list(product.market_gateway_codes) if product else [],
        "zone": ins.zone,
        "start": _iso(ins.start),
        "end": _iso(ins.end),
        "power_kw": record.power_of(mu_id),
        "direction": ins.direction.value,
        "status": ins.status.value,
        "legacy": record.legacy,
    }


class DispatchNotifier:
    """Fires bus events per configured MU and tells listeners that records moved."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: GridFlexConfigEntry,
        meterable_units: dict[str, ConfigSubentry],
    ) -> None:
        """Bind to one account and its configured MUs."""
        self._hass = hass
        self._entry = entry
        self._units = meterable_units
        self._listeners: list[Callable[[], None]] = []
        self._device_ids: dict[str, str] = {}

    def device_id(self, mu_id: str) -> str | None:
        """Return the HA device id of one configured MU."""
        if (known := self._device_ids.get(mu_id)) is not None:
            return known
        identifier = (DOMAIN, f"{self._entry.unique_id}_{self._units[mu_id].unique_id}")
        # Looked up among this entry's devices: newer HA deprecates ``async_get_device``.
        registry = dr.async_get(self._hass)
        for device in dr.async_entries_for_config_entry(registry, self._entry.entry_id):
            if identifier in device.identifiers:
                self._device_ids[mu_id] = device.id
                return device.id
        return None

    @callback
    def fire(self, kind: EventType, record: InstructionRecord, **extra: Any) -> None:
        """Fire ``gridflex_dispatch`` once for each configured MU the instruction names."""
        for mu_id in record.instruction.meterable_unit_ids:
            if mu_id not in self._units:
                continue
            data = {
                "type": kind.value,
                **instruction_summary(record, mu_id),
                **extra,
                "extra": dict(record.instruction.extra),
                "config_entry_id": self._entry.entry_id,
                "device_id": self.device_id(mu_id),
            }
            self._hass.bus.async_fire(EVENT_DISPATCH, data)

    @callback
    def changed(self) -> None:
        """Tell every listener (entities, device control, the Store) that records moved."""
        for listener in list(self._listeners):
            listener()

    @callback
    def add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` after every change; returns the function that stops it."""
        self._listeners.append(listener)

        @callback
        def _remove() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return _remove
