"""
How dispatch changes reach users: ``gridflex_dispatch`` bus events and entity refreshes.

A PUT's changes are queued here and sent after the burst's replies, through HA's dispatcher:
``signal_unit_event`` carries each event to the MU's *Dispatch* event entity,
``signal_unit_changed`` refreshes the MU's other entities and ``signal_account_changed`` the
calendar and device control.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_send

from ..api.fpp.dispatch import Instruction
from ..api.fpp.products import describe_product
from ..const import DOMAIN, EVENT_DISPATCH, LOGGER
from ..devices import subentry_device_id
from .describe import dispatch_line, write_line
from .lifecycle import EventType
from .records import InstructionRecord

# Replies to a burst of PUTs go out before the events and entity writes they cause: those
# wait until no change came for QUIET_S and the Store write the replies wait for is done,
# and never more than MAX_HOLD_S after the first change.
QUIET_S = 0.005
MAX_HOLD_S = 0.25


def signal_account_changed(entry_id: str) -> str:
    """Dispatcher signal: some instruction of the account moved (calendar, device control)."""
    return f"{DOMAIN}_dispatch_changed_{entry_id}"


def signal_unit_changed(entry_id: str, mu_id: str) -> str:
    """Dispatcher signal: an instruction naming this MU moved (its entities refresh)."""
    return f"{DOMAIN}_dispatch_changed_{entry_id}_{mu_id}"


def signal_unit_event(entry_id: str, mu_id: str) -> str:
    """Dispatcher signal carrying one ``gridflex_dispatch`` event's data of this MU."""
    return f"{DOMAIN}_dispatch_event_{entry_id}_{mu_id}"


def _iso(moment: Any) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def instruction_summary(
    instruction: Instruction, mu_id: str, *, legacy: bool
) -> dict[str, Any]:
    """Describe what users see of one instruction for one MU (event data, attributes)."""
    ins = instruction
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
        "power_kw": next(
            (u.power_kw for u in ins.meterable_units if u.id == mu_id), None
        ),
        "direction": ins.direction.value,
        "status": ins.status.value,
        "legacy": legacy,
    }


@dataclass(frozen=True, slots=True)
class _QueuedEvent:
    """One change to tell once the replies are out: the instruction as it was then."""

    kind: EventType
    instruction: Instruction  # immutable: the record may move on before the flush
    legacy: bool
    extra: dict[str, Any]


class DispatchNotifier:
    """Fires bus events per configured MU and sends the dispatcher signals, after the replies."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        meterable_units: dict[str, ConfigSubentry],
        replies_pending: Callable[[], bool],
    ) -> None:
        """Bind to one account and its configured MUs; ``replies_pending``: a reply still waits."""
        self._hass = hass
        self._entry = entry
        self._units = meterable_units
        self._replies_pending = replies_pending
        self._events: list[_QueuedEvent] = []
        self._pending: set[str] = set()
        self._pending_all = False
        self._handle: asyncio.TimerHandle | None = None
        self._generation = self._armed_generation = 0
        self._first_change = 0.0
        # Requests of this account being answered now (the endpoint counts them): a flush
        # waits for them, so entity writes never hold up a reply of the same burst.
        self.open_requests = 0

    def device_id(self, mu_id: str) -> str | None:
        """Return the HA device id of one configured MU."""
        return subentry_device_id(self._hass, self._entry, self._units[mu_id])

    def event_entity_id(self, mu_id: str) -> str | None:
        """Entity id of one configured MU's *Dispatch* event entity (its logbook lines go there)."""
        unique_id = f"{self._entry.unique_id}_{self._units[mu_id].unique_id}_dispatch"
        return er.async_get(self._hass).async_get_entity_id("event", DOMAIN, unique_id)

    def line_target(self, mu_id: str) -> dict[str, str | None]:
        """Return what one MU's logbook lines belong to: its *Dispatch* entity and its device."""
        if mu_id not in self._units:
            return {"meterable_unit_id": mu_id}
        return {
            "entity_id": self.event_entity_id(mu_id),
            "device_id": self.device_id(mu_id),
            "meterable_unit_id": mu_id,
        }

    @callback
    def _write_logbook(self, data: dict[str, Any]) -> None:
        """One line per change (none for the ``ended`` that follows a cancel), put in words when read."""
        if (line := dispatch_line(data)) is not None:
            write_line(self._hass, *line, self.line_target(data["meterable_unit_id"]))

    @callback
    def fire(self, kind: EventType, record: InstructionRecord, **extra: Any) -> None:
        """Queue ``gridflex_dispatch`` for the configured MUs the instruction names."""
        # Described at the flush, off the reply path, from what the record holds now.
        self._events.append(
            _QueuedEvent(kind, record.instruction, record.legacy, extra)
        )
        self._schedule()

    def _event_data(self, queued: _QueuedEvent) -> list[dict[str, Any]]:
        """Return the bus events of one queued change: one per configured MU it names."""
        instruction = queued.instruction
        return [
            {
                "type": queued.kind.value,
                **instruction_summary(instruction, mu_id, legacy=queued.legacy),
                **queued.extra,
                "extra": dict(instruction.extra),
                "config_entry_id": self._entry.entry_id,
                "device_id": self.device_id(mu_id),
            }
            for mu_id in instruction.meterable_unit_ids
            if mu_id in self._units
        ]

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
            self._generation == self._armed_generation
            and not self.open_requests
            and not self._replies_pending()
        )
        if not quiet and now < deadline:
            self._arm(min(now + QUIET_S, deadline))  # more came meanwhile: wait again
            return
        self.flush()

    @callback
    def flush(self) -> None:
        """Fire the queued events, then signal the account and the changed MUs."""
        hass, entry_id = self._hass, self._entry.entry_id
        queued, self._events = self._events, []
        for data in (data for item in queued for data in self._event_data(item)):
            mu_id = data["meterable_unit_id"]
            LOGGER.debug(
                "Dispatch %s: instruction %s, MU %s",
                data["type"],
                data["instruction_id"],
                mu_id,
            )
            hass.bus.async_fire(EVENT_DISPATCH, data)
            async_dispatcher_send(hass, signal_unit_event(entry_id, mu_id), data)
            self._write_logbook(data)
        touched = self._units.keys() if self._pending_all else self._pending
        self._pending, self._pending_all = set(), False
        async_dispatcher_send(hass, signal_account_changed(entry_id))
        for mu_id in self._units.keys() & touched:
            async_dispatcher_send(hass, signal_unit_changed(entry_id, mu_id))

    @callback
    def announce(self, data: dict[str, Any]) -> None:
        """Fire one event GridFlex made itself (an emergency stop) at once, to the bus and the MU."""
        self._hass.bus.async_fire(EVENT_DISPATCH, data)
        if (mu_id := data.get("meterable_unit_id")) in self._units:
            async_dispatcher_send(
                self._hass, signal_unit_event(self._entry.entry_id, mu_id), data
            )

    @callback
    def shutdown(self) -> None:
        """Send what is still queued at once (entry unload)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self.flush()
