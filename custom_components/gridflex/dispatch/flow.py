"""The dispatch flow of an FPP account: set up, start answering FPP, show, unload."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
import datetime as dt
from typing import Any

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.event import async_track_time_interval

from ..accounts import subentries_of
from ..const import (
    CONF_CONTROLLED_ENTITIES,
    CONF_ENDPOINT_ID,
    CONF_MU_ID,
    CONF_WEBHOOK_ID,
    DOMAIN,
    SUBENTRY_METERABLE_UNIT,
)
from .calendar_entity import DispatchCalendar
from .check_button import CheckEndpointButton
from .cloud import async_listen_cloud_login
from .content import KEEP_UNKNOWN_MUS, DispatchContent
from .control import DeviceControl, resumed_control
from .diagnostics import dispatch_diagnostics
from .endpoint import ENDPOINTS, DispatchView, async_handle
from .endpoint_check import DispatchCheckView, auth_check
from .entities import dispatch_entities_by_subentry
from .journal import Journal, journal_directory
from .journaled_store import JournaledStore
from .lifecycle import Lifecycle
from .notify import DispatchNotifier, signal_account_changed
from .persistence import DispatchStore, dispatch_file, store_key
from .reachability import async_update_reachability_issues
from .records import InstructionRecord
from .saved_state import async_load_saved, control_key, report_losses
from .state import DispatchRuntime, SavingHooks

PRUNE_INTERVAL = dt.timedelta(hours=6)


@dataclass(slots=True)
class DispatchFlow:
    """Dispatch of one FPP account, as its entry's runtime sees it."""

    runtime: DispatchRuntime
    # Loaded instructions, resumed once the entities exist (async_start).
    saved_records: list[InstructionRecord] = field(default_factory=list)
    cleanups: list[Callable[[], None]] = field(default_factory=list)
    _started: bool = False

    def entities(self, platform: Platform) -> Mapping[str | None, Sequence[Entity]]:
        """Return the MU entities by sub-entry; the calendar and Check endpoint on the account."""
        if platform is Platform.CALENDAR:
            return {None: [DispatchCalendar(self.runtime.entry, self.runtime)]}
        if platform is Platform.BUTTON:
            return {None: [CheckEndpointButton(self.runtime.entry)]}
        return dispatch_entities_by_subentry(self.runtime, platform)

    def diagnostics(self) -> Mapping[str, Any]:
        """Return the dispatch section of the account's diagnostics."""
        return {"dispatch": dispatch_diagnostics(self.runtime)}

    @callback
    def async_start(self) -> None:
        """Resume saved instructions (entities exist now) and start answering FPP."""
        runtime = self.runtime
        hass, entry = runtime.hass, runtime.entry
        runtime.lifecycle.restore(self.saved_records)
        self.saved_records = []
        runtime.update_repair_issue()

        @callback
        def _prune(_now: dt.datetime) -> None:
            runtime.lifecycle.prune()

        self.cleanups.append(
            async_track_time_interval(
                hass, _prune, PRUNE_INTERVAL, name=f"{DOMAIN} dispatch history prune"
            )
        )

        hass.data[ENDPOINTS][entry.data[CONF_ENDPOINT_ID]] = runtime

        async def _webhook(hass: HomeAssistant, webhook_id: str, request: Any) -> Any:
            if (
                request.method == "GET"
            ):  # the key-only check (a cloudhook forwards it here)
                return auth_check(runtime, request)
            return await async_handle(runtime, request, None)

        webhook.async_register(
            hass,
            DOMAIN,
            f"GridFlex dispatch ({entry.title})",
            entry.data[CONF_WEBHOOK_ID],
            _webhook,
            local_only=False,
            allowed_methods=("PUT", "POST", "GET"),
        )
        self._started = True

        async_update_reachability_issues(hass, entry)

        @callback
        def _cloud_connected() -> None:
            async_update_reachability_issues(hass, entry)

        self.cleanups.append(async_listen_cloud_login(hass, _cloud_connected))

    async def async_unload(self) -> None:
        """Stop answering FPP, stop timers and control, and save the instructions."""
        runtime = self.runtime
        if self._started:
            hass, entry = runtime.hass, runtime.entry
            endpoints = hass.data.get(ENDPOINTS, {})
            endpoint_id = entry.data[CONF_ENDPOINT_ID]
            if endpoints.get(endpoint_id) is runtime:
                del endpoints[endpoint_id]
            webhook.async_unregister(hass, entry.data[CONF_WEBHOOK_ID])
            runtime.lifecycle.shutdown()
            runtime.notifier.shutdown()
            runtime.control.shutdown()
            await runtime.store.async_close()
            await runtime.control_store.async_close()
        while self.cleanups:
            self.cleanups.pop()()


@callback
def async_register_dispatch_views(hass: HomeAssistant) -> None:
    """Serve FPP's dispatch paths and the check path for every account (once, ``async_setup``)."""
    hass.data[ENDPOINTS] = {}
    hass.http.register_view(DispatchView())
    hass.http.register_view(DispatchCheckView())


def configured_meterable_units(entry: ConfigEntry) -> dict[str, ConfigSubentry]:
    """Return the account's MU sub-entries by MU id."""
    return {
        sub.data[CONF_MU_ID]: sub
        for sub in subentries_of(entry, SUBENTRY_METERABLE_UNIT)
    }


async def async_setup_dispatch(hass: HomeAssistant, entry: ConfigEntry) -> DispatchFlow:
    """Load this account's instructions; :meth:`DispatchFlow.async_start` opens the endpoint."""
    units = configured_meterable_units(entry)
    key = store_key(entry.entry_id)
    journal = Journal(journal_directory(hass), key)
    main_file, control_file = (
        dispatch_file(hass, key),
        dispatch_file(hass, control_key(entry.entry_id)),
    )
    saved = await async_load_saved(main_file, control_file, journal)
    content = DispatchContent(
        control=resumed_control(saved.control),
        unknown=dict.fromkeys(saved.unknown[-KEEP_UNKNOWN_MUS:]),
    )
    if not saved.lost_file:
        content.journaled_parts = content.small_parts()  # as loaded: on disk already
    store = JournaledStore(
        hass,
        main_file,
        entry.title,
        content.store_snapshot,
        journal=journal,
        entry=content.journal_entry,
        compacted_size=len(saved.records),
    )
    control_store = DispatchStore(
        hass, control_file, entry.title, content.control_snapshot
    )

    @callback
    def _control_changed() -> None:
        # Both files carry what GridFlex switched.
        store.schedule_save()
        control_store.schedule_save()

    notifier = DispatchNotifier(hass, entry, units, lambda: store.unsaved)
    control = DeviceControl(
        hass,
        units,
        content.control,
        _control_changed,
        control_store.async_durable,
        line_target=notifier.line_target,
    )
    lifecycle = Lifecycle(
        hass,
        SavingHooks(notifier, store),
        content.records,
        lambda mu: control.policy.limits[mu].max_duration,
    )
    runtime = DispatchRuntime(
        hass,
        entry,
        units,
        content,
        notifier,
        lifecycle,
        store,
        control_store,
        control,
    )
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
        runtime.follow_control()
        if bool(lifecycle.records) is not had_instructions:
            had_instructions = not had_instructions
            control_store.schedule_save()

    flow = DispatchFlow(
        runtime,
        saved_records=saved.records,
        cleanups=[
            async_dispatcher_connect(
                hass, signal_account_changed(entry.entry_id), _follow
            )
        ],
    )
    entry.async_on_unload(flow.async_unload)
    return flow
