"""The dispatch state of one FPP account: what the endpoint, the entities and the Store share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ..const import DOMAIN
from .control import DeviceControl
from .inbound_log import InboundLog
from .lifecycle import Lifecycle
from .notify import DispatchNotifier
from .persistence import DispatchStore
from .records import InstructionRecord


@dataclass(slots=True)
class DispatchRuntime:
    """Dispatch state of one FPP account."""

    hass: HomeAssistant
    entry: ConfigEntry
    meterable_units: dict[str, ConfigSubentry]
    notifier: DispatchNotifier
    lifecycle: Lifecycle
    store: DispatchStore
    control: DeviceControl = field(init=False)
    inbound: InboundLog = field(default_factory=InboundLog)
    unknown_meterable_units: set[str] = field(default_factory=set)
    saved_records: list[InstructionRecord] = field(default_factory=list)

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
