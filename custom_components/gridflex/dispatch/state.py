"""The dispatch state of one FPP account: what the endpoint, the entities and the Store share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..const import DOMAIN
from ..issue_text import plain
from .content import DispatchContent
from .control import DeviceControl
from .inbound_log import InboundLog
from .journaled_store import JournaledStore
from .lifecycle import EventType, Lifecycle
from .notify import DispatchNotifier
from .persistence import DispatchStore
from .rate_limit import RequestBudget
from .records import InstructionRecord, Phase


@dataclass(slots=True)
class DispatchRuntime:
    """Dispatch state of one FPP account, built in one step by ``flow.async_setup_dispatch``."""

    hass: HomeAssistant
    entry: ConfigEntry
    meterable_units: dict[str, ConfigSubentry]
    content: DispatchContent
    notifier: DispatchNotifier
    lifecycle: Lifecycle
    store: JournaledStore
    control_store: DispatchStore
    control: DeviceControl
    inbound: InboundLog = field(default_factory=InboundLog)
    budget: RequestBudget = field(default_factory=RequestBudget)
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

    @property
    def unknown_meterable_units(self) -> dict[str, None]:
        """MUs FPP named that are not configured here (most recent last)."""
        return self.content.unknown

    def snapshot(self) -> dict[str, Any]:
        """Return what the Store keeps, plainly (diagnostics)."""
        return self.content.snapshot()

    @callback
    def note_unknown(self, mu_ids: list[str]) -> None:
        """Remember MUs FPP named that are not configured here, and raise a repair issue."""
        if self.content.remember_unknown(mu_ids):
            self.store.schedule_save()
            self.update_repair_issue()

    @callback
    def update_repair_issue(self) -> None:
        """Show (or clear) the repair issue listing unconfigured MUs FPP instructed."""
        unknown = self.content.unknown
        for mu in set(unknown) & set(self.meterable_units):
            del unknown[mu]
        issue_id = f"unknown_meterable_units_{self.entry.entry_id}"
        if not unknown:
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
                "units": plain(", ".join(sorted(unknown))),
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
