"""HA side of inbound FPP dispatch: endpoint, instruction lifecycle, device control."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import datetime as dt
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval

from ..const import (
    CONF_ENDPOINT_ID,
    CONF_MU_ID,
    CONF_WEBHOOK_ID,
    DOMAIN,
    SUBENTRY_METERABLE_UNIT,
)
from ..runtime import GridFlexConfigEntry
from .control import DeviceControl
from .endpoint import ENDPOINTS, DispatchView, async_handle
from .inbound_log import InboundLog
from .lifecycle import Lifecycle
from .notify import DispatchNotifier
from .persistence import DispatchStore
from .records import InstructionRecord, Phase

PRUNE_INTERVAL = dt.timedelta(hours=6)


@dataclass(slots=True)
class DispatchRuntime:
    """Dispatch state of one FPP account."""

    hass: HomeAssistant
    entry: GridFlexConfigEntry
    meterable_units: dict[str, ConfigSubentry]
    notifier: DispatchNotifier
    lifecycle: Lifecycle
    store: DispatchStore
    control: DeviceControl = field(init=False)
    inbound: InboundLog = field(default_factory=InboundLog)
    unknown_meterable_units: set[str] = field(default_factory=set)
    saved_records: list[InstructionRecord] = field(default_factory=list)
    # MUs whose participant abandoned delivery (emergency stop): no device control until
    # their active instructions are over.
    emergency_stopped: set[str] = field(default_factory=set)
    # Other flows add lines to the calendar event of an instruction (e.g. settlement data).
    event_notes: list[Callable[[str], list[str]]] = field(default_factory=list)

    @callback
    def follow_control(self) -> None:
        """Make device control follow the active MUs, except those stopped in an emergency."""
        active = self.lifecycle.active_mus()
        self.emergency_stopped &= active
        self.control.sync(active - self.emergency_stopped)

    def snapshot(self, *, for_store: bool = False) -> dict[str, Any]:
        """Return what the Store keeps (records pre-encoded for the Store, plain otherwise)."""
        records = self.lifecycle.records.values()
        return {
            "instructions": [
                r.saved_json() if for_store else r.as_dict() for r in records
            ],
            "control": self.control.applied,
            "unknown_meterable_units": sorted(self.unknown_meterable_units),
        }

    @callback
    def note_unknown(self, mu_ids: list[str]) -> None:
        """Remember MUs FPP named that are not configured here, and raise a repair issue."""
        if not set(mu_ids) - self.unknown_meterable_units:
            return
        self.unknown_meterable_units |= set(mu_ids)
        self.store.schedule_save()
        self.update_repair_issue()

    @callback
    def update_repair_issue(self) -> None:
        """Show (or clear) the repair issue listing unconfigured MUs FPP instructed."""
        self.unknown_meterable_units -= set(self.meterable_units)
        issue_id = f"unknown_meterable_units_{self.entry.entry_id}"
        if not self.unknown_meterable_units:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="unknown_meterable_units",
            translation_placeholders={
                "account": self.entry.title,
                "units": ", ".join(sorted(self.unknown_meterable_units)),
            },
        )


def configured_meterable_units(entry: GridFlexConfigEntry) -> dict[str, ConfigSubentry]:
    """Return the account's MU sub-entries by MU id."""
    return {
        sub.data[CONF_MU_ID]: sub
        for sub in entry.subentries.values()
        if sub.subentry_type == SUBENTRY_METERABLE_UNIT
    }


async def async_setup_dispatch(
    hass: HomeAssistant, entry: GridFlexConfigEntry
) -> DispatchRuntime:
    """Load this account's instructions; :func:`async_start_dispatch` then opens the endpoint."""
    units = configured_meterable_units(entry)
    notifier = DispatchNotifier(hass, entry, units)
    lifecycle = Lifecycle(hass, notifier)
    runtime: DispatchRuntime

    def _snapshot() -> dict[str, Any]:
        return runtime.snapshot(for_store=True)

    store = DispatchStore(hass, entry.entry_id, _snapshot)
    runtime = DispatchRuntime(hass, entry, units, notifier, lifecycle, store)
    records, control, unknown = await store.async_load()
    runtime.control = DeviceControl(hass, units, control, store.schedule_save)
    runtime.unknown_meterable_units = set(unknown)
    runtime.saved_records = records

    @callback
    def _follow() -> None:
        runtime.follow_control()
        store.schedule_save()

    entry.async_on_unload(notifier.add_listener(_follow))
    return runtime


@callback
def async_start_dispatch(hass: HomeAssistant, runtime: DispatchRuntime) -> None:
    """Resume saved instructions (entities exist now) and start answering FPP."""
    entry = runtime.entry
    runtime.lifecycle.restore(runtime.saved_records)
    runtime.saved_records = []
    runtime.update_repair_issue()

    @callback
    def _prune(_now: dt.datetime) -> None:
        runtime.lifecycle.prune()

    entry.async_on_unload(
        async_track_time_interval(
            hass, _prune, PRUNE_INTERVAL, name=f"{DOMAIN} dispatch history prune"
        )
    )

    endpoints = hass.data.get(ENDPOINTS)
    if endpoints is None:
        endpoints = hass.data[ENDPOINTS] = {}
        hass.http.register_view(DispatchView())
    endpoint_id = entry.data[CONF_ENDPOINT_ID]
    endpoints[endpoint_id] = runtime

    async def _webhook(hass: HomeAssistant, webhook_id: str, request: Any) -> Any:
        return await async_handle(runtime, request, None)

    webhook.async_register(
        hass,
        DOMAIN,
        f"GridFlex dispatch ({entry.title})",
        entry.data[CONF_WEBHOOK_ID],
        _webhook,
        local_only=False,
        allowed_methods=("PUT", "POST"),
    )

    async def _stop() -> None:
        if endpoints.get(endpoint_id) is runtime:
            del endpoints[endpoint_id]
        webhook.async_unregister(hass, entry.data[CONF_WEBHOOK_ID])
        runtime.lifecycle.shutdown()
        runtime.notifier.shutdown()
        runtime.control.shutdown()
        await runtime.store.async_flush()

    entry.async_on_unload(_stop)


@callback
def end_control_now(runtime: DispatchRuntime, mu_id: str) -> list[InstructionRecord]:
    """
    Give an MU's devices back at once (emergency stop) and keep them so until its instructions end.

    Returns the MU's active instructions, which FPP still counts as running.
    """
    active = runtime.lifecycle.for_mu(mu_id, Phase.ACTIVE)
    if active:
        runtime.emergency_stopped.add(mu_id)
    runtime.follow_control()
    runtime.store.schedule_save()
    return active
