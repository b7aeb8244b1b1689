"""HA side of inbound FPP dispatch: endpoint, instruction lifecycle, device control."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
import datetime as dt
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval

from ..const import (
    CONF_CONTROLLED_ENTITIES,
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
from .lifecycle import EventType, Lifecycle
from .notify import DispatchNotifier
from .persistence import DispatchStore, store_key
from .rate_limit import RequestBudget
from .records import InstructionRecord
from .saved_state import async_load_saved, control_key, report_losses

PRUNE_INTERVAL = dt.timedelta(hours=6)
KEEP_UNKNOWN_MUS = 50


@dataclass(slots=True)
class DispatchRuntime:
    """Dispatch state of one FPP account."""

    hass: HomeAssistant
    entry: GridFlexConfigEntry
    meterable_units: dict[str, ConfigSubentry]
    notifier: DispatchNotifier
    lifecycle: Lifecycle
    store: DispatchStore
    control_store: DispatchStore
    control: DeviceControl = field(init=False)
    inbound: InboundLog = field(default_factory=InboundLog)
    budget: RequestBudget = field(default_factory=RequestBudget)
    # Most recent last; at most KEEP_UNKNOWN_MUS, only from otherwise valid instructions.
    unknown_meterable_units: dict[str, None] = field(default_factory=dict)
    saved_records: list[InstructionRecord] = field(default_factory=list)

    def snapshot(self, *, for_store: bool = False) -> dict[str, Any]:
        """Return what the Store keeps (records pre-encoded for the Store, plain otherwise)."""
        records = self.lifecycle.records.values()
        return {
            "instructions": (
                [j for r in records if (j := r.saved_json()) is not None]
                if for_store
                else [r.as_dict() for r in records]
            ),
            "control": self.control.applied,
            "unknown_meterable_units": list(self.unknown_meterable_units),
        }

    def control_snapshot(self) -> dict[str, Any]:
        """Return the control file: what GridFlex switched, and whether instructions are saved."""
        return {
            "control": self.control.applied,
            "instructions_saved": bool(self.lifecycle.records),
        }

    @callback
    def control_changed(self) -> None:
        """Device control moved: both files carry it."""
        self.store.schedule_save()
        self.control_store.schedule_save()

    @callback
    def note_unknown(self, mu_ids: list[str]) -> None:
        """Remember MUs FPP named that are not configured here, and raise a repair issue."""
        if all(mu in self.unknown_meterable_units for mu in mu_ids):
            return
        for mu in mu_ids:
            self.unknown_meterable_units.pop(mu, None)
            self.unknown_meterable_units[mu] = None
        for oldest in list(self.unknown_meterable_units)[:-KEEP_UNKNOWN_MUS]:
            del self.unknown_meterable_units[oldest]
        self.store.schedule_save()
        self.update_repair_issue()

    @callback
    def update_repair_issue(self) -> None:
        """Show (or clear) the repair issue listing unconfigured MUs FPP instructed."""
        for mu in set(self.unknown_meterable_units) & set(self.meterable_units):
            del self.unknown_meterable_units[mu]
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


@dataclass(slots=True)
class SavingHooks:
    """Every change of the state machine is saved at once; users hear of it after the replies."""

    notifier: DispatchNotifier
    store: DispatchStore

    def fire(self, kind: EventType, record: InstructionRecord, **extra: Any) -> None:
        """Queue the bus event (sent after the burst's replies)."""
        self.notifier.fire(kind, record, **extra)

    def changed(self, mu_ids: Iterable[str] | None = None) -> None:
        """Mark the Store changed (the reply waits for its write), then refresh entities."""
        self.store.schedule_save()
        self.notifier.changed(mu_ids)


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
    runtime: DispatchRuntime

    def _snapshot() -> dict[str, Any]:
        return runtime.snapshot(for_store=True)

    def _control_snapshot() -> dict[str, Any]:
        return runtime.control_snapshot()

    store = DispatchStore(hass, store_key(entry.entry_id), entry.title, _snapshot)
    control_store = DispatchStore(
        hass, control_key(entry.entry_id), entry.title, _control_snapshot
    )
    lifecycle = Lifecycle(hass, SavingHooks(notifier, store))
    notifier.replies_pending = lambda: store.unsaved
    runtime = DispatchRuntime(
        hass, entry, units, notifier, lifecycle, store, control_store
    )
    saved = await async_load_saved(store.store, control_store.store)
    runtime.control = DeviceControl(
        hass, units, saved.control, runtime.control_changed, control_store.async_durable
    )
    lifecycle.legacy_limit = lambda mu: runtime.control.policy.limits[mu].max_duration
    runtime.unknown_meterable_units = dict.fromkeys(saved.unknown[-KEEP_UNKNOWN_MUS:])
    runtime.saved_records = saved.records
    report_losses(
        hass,
        entry.entry_id,
        entry.title,
        saved,
        sorted(
            {
                e
                for sub in units.values()
                for e in sub.data.get(CONF_CONTROLLED_ENTITIES) or []
            }
        ),
    )
    had_instructions = bool(saved.records)

    @callback
    def _follow() -> None:
        nonlocal had_instructions
        runtime.control.sync(lifecycle.active_by_mu())
        if bool(lifecycle.records) is not had_instructions:
            had_instructions = not had_instructions
            control_store.schedule_save()

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
        await runtime.store.async_close()
        await runtime.control_store.async_close()

    entry.async_on_unload(_stop)
