"""The dispatch state of one FPP account: what the endpoint, the entities and the Store share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.json import json_bytes

from ..const import DOMAIN
from ..issue_text import plain
from .control import DeviceControl
from .inbound_log import InboundLog
from .lifecycle import EventType, Lifecycle
from .notify import DispatchNotifier
from .persistence import DispatchStore, JournalEntry
from .rate_limit import RequestBudget
from .records import InstructionRecord, Phase

KEEP_UNKNOWN_MUS = 50


@dataclass(slots=True)
class DispatchRuntime:
    """Dispatch state of one FPP account."""

    hass: HomeAssistant
    entry: ConfigEntry
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
    # The control and unknown-MU parts as the journal last carried them (None: not yet).
    journaled_parts: bytes | None = None
    # MUs whose participant abandoned delivery (emergency stop): no device control until
    # their active instructions are over.
    emergency_stopped: set[str] = field(default_factory=set)
    # Other flows add lines to the calendar event of an instruction (e.g. settlement data).
    event_notes: list[Callable[[str], list[str]]] = field(default_factory=list)

    @callback
    def follow_control(self) -> None:
        """Make device control follow the active MUs, except those stopped in an emergency."""
        active = self.lifecycle.active_by_mu()
        self.emergency_stopped &= set(active)
        self.control.sync(
            {mu: r for mu, r in active.items() if mu not in self.emergency_stopped}
        )

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

    def small_parts(self) -> bytes:
        """Return the control and unknown-MU parts, encoded as one JSON object."""
        return json_bytes(
            {
                "control": self.control.applied,
                "unknown_meterable_units": list(self.unknown_meterable_units),
            }
        )

    def journal_entry(self) -> JournalEntry | None:
        """Return what changed since the last entry (None: nothing did)."""
        book = self.lifecycle.records
        changed, forgotten = book.take_changes()
        try:
            encoded = [j for r in changed if (j := r.saved_json()) is not None]
            parts = self.small_parts()
        except Exception:
            book.give_back(changed, forgotten)
            raise
        if not encoded and not forgotten and parts == self.journaled_parts:
            return None
        line = b'{"instructions":%b,"forgotten":%b,%b' % (
            json_bytes(encoded),
            json_bytes(forgotten),
            parts[1:],
        )
        self.journaled_parts = parts

        def _give_back() -> None:
            book.give_back(changed, forgotten)
            self.journaled_parts = None

        return JournalEntry(line, len(encoded), _give_back)

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
                "units": plain(", ".join(sorted(self.unknown_meterable_units))),
            },
        )


@callback
def end_control_now(runtime: DispatchRuntime, mu_id: str) -> list[InstructionRecord]:
    """
    Give an MU's devices back at once (emergency stop) and keep them so until its instructions end.

    A safety stop: the shortest time between two switchings does not hold it back.
    Returns the MU's active instructions, which FPP still counts as running.
    """
    active = runtime.lifecycle.for_mu(mu_id, Phase.ACTIVE)
    if active:
        runtime.emergency_stopped.add(mu_id)
    runtime.control.release_now(mu_id)
    runtime.follow_control()
    return active


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
