"""How dispatch changes reach users: ``gridflex_dispatch`` bus events and entity refreshes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from ..api.fpp.products import describe_product
from ..const import DOMAIN, EVENT_DISPATCH, LOGGER
from .describe import dispatch_line
from .lifecycle import EventType
from .records import InstructionRecord

# Replies to a burst of PUTs go out before the events and entity writes they cause: those
# wait until no change came for QUIET_S and the Store write the replies wait for is done,
# and never more than MAX_HOLD_S after the first change.
QUIET_S = 0.005
MAX_HOLD_S = 0.25
EVENT_LOGBOOK_ENTRY = "logbook_entry"


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
    """Fires bus events per configured MU and tells listeners that records moved, after the replies."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        meterable_units: dict[str, ConfigSubentry],
    ) -> None:
        """Bind to one account and its configured MUs."""
        self._hass = hass
        self._entry = entry
        self._units = meterable_units
        # (listener, MU it follows; None = every change)
        self._listeners: list[tuple[Callable[[], None], str | None]] = []
        self._device_ids: dict[str, str] = {}
        self._events: list[dict[str, Any]] = []
        self._pending: set[str] = set()
        self._pending_all = False
        self._handle: asyncio.TimerHandle | None = None
        self._generation = self._armed_generation = 0
        self._first_change = 0.0
        # Whether replies are still waiting for a write (set by the runtime).
        self.replies_pending: Callable[[], bool] = lambda: False

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

    def event_entity_id(self, mu_id: str) -> str | None:
        """Entity id of one configured MU's *Dispatch* event entity (its logbook lines go there)."""
        unique_id = f"{self._entry.unique_id}_{self._units[mu_id].unique_id}_dispatch"
        return er.async_get(self._hass).async_get_entity_id("event", DOMAIN, unique_id)

    @callback
    def _write_logbook(self, data: dict[str, Any]) -> None:
        """One line per change, in words (none for the ``ended`` that follows a cancel)."""
        if (line := dispatch_line(self._hass, data)) is None:
            return
        entry: dict[str, Any] = {
            "name": data["meterable_unit_id"],
            "message": line,
            "domain": DOMAIN,
        }
        if (entity_id := self.event_entity_id(data["meterable_unit_id"])) is not None:
            entry["entity_id"] = entity_id
        self._hass.bus.async_fire(EVENT_LOGBOOK_ENTRY, entry)

    @callback
    def fire(self, kind: EventType, record: InstructionRecord, **extra: Any) -> None:
        """Queue ``gridflex_dispatch`` once for each configured MU the instruction names."""
        for mu_id in record.instruction.meterable_unit_ids:
            if mu_id not in self._units:
                continue
            # Described now: the record may move again before the events go out.
            self._events.append(
                {
                    "type": kind.value,
                    **instruction_summary(record, mu_id),
                    **extra,
                    "extra": dict(record.instruction.extra),
                    "config_entry_id": self._entry.entry_id,
                    "device_id": self.device_id(mu_id),
                }
            )
        self._schedule()

    @callback
    def changed(self, mu_ids: Iterable[str] | None = None) -> None:
        """
        Tell listeners that records moved: those of ``mu_ids`` and the account-wide ones.

        Only the MUs an instruction names are refreshed, so one PUT costs the same
        whether the account has one MU or fifty (measured by bench/dispatch_latency.py).
        """
        if mu_ids is None:
            self._pending_all = True
        else:
            self._pending.update(mu_ids)
        self._schedule()

    @callback
    def _schedule(self) -> None:
        self._generation += 1
        if self._handle is None:
            self._first_change = self._hass.loop.time()
            self._arm(self._first_change + QUIET_S)

    @callback
    def _arm(self, when: float) -> None:
        self._armed_generation = self._generation
        self._handle = self._hass.loop.call_at(when, self._on_quiet)

    @callback
    def _on_quiet(self) -> None:
        self._handle = None
        now = self._hass.loop.time()
        deadline = self._first_change + MAX_HOLD_S
        quiet = (
            self._generation == self._armed_generation and not self.replies_pending()
        )
        if not quiet and now < deadline:
            self._arm(min(now + QUIET_S, deadline))  # more came meanwhile: wait again
            return
        self.flush()

    @callback
    def flush(self) -> None:
        """Fire the queued events, then refresh what follows the changed MUs."""
        events, self._events = self._events, []
        for data in events:
            LOGGER.debug(
                "Dispatch %s: instruction %s, MU %s",
                data["type"],
                data["instruction_id"],
                data["meterable_unit_id"],
            )
            self._hass.bus.async_fire(EVENT_DISPATCH, data)
            self._write_logbook(data)
        touched = None if self._pending_all else self._pending
        self._pending, self._pending_all = set(), False
        for listener, mu_id in list(self._listeners):
            if mu_id is None or touched is None or mu_id in touched:
                listener()

    @callback
    def shutdown(self) -> None:
        """Send what is still queued at once (entry unload)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self.flush()

    @callback
    def add_listener(
        self, listener: Callable[[], None], mu_id: str | None = None
    ) -> CALLBACK_TYPE:
        """Call ``listener`` after changes (of one MU, or all); returns its remover."""
        item = (listener, mu_id)
        self._listeners.append(item)

        @callback
        def _remove() -> None:
            if item in self._listeners:
                self._listeners.remove(item)

        return _remove
