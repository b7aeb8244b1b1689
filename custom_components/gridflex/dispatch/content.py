"""
What an account's dispatch files hold, and how it is encoded: instructions, device control, unknown MUs.

One object, built before the Stores, the device control and the state machine that share it,
so that each of them can be built in one step around it (see ``flow.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from homeassistant.helpers.json import json_bytes

from .persistence import JournalEntry
from .records import RecordBook

# Unknown MU ids remembered (most recent last), only from otherwise valid instructions.
KEEP_UNKNOWN_MUS = 50


@dataclass(slots=True)
class DispatchContent:
    """The state both dispatch files carry (the dispatch Store and the control file)."""

    records: RecordBook = field(default_factory=RecordBook)
    # What GridFlex switched, per MU (``DeviceControl`` changes it in place).
    control: dict[str, dict[str, Any]] = field(default_factory=dict)
    # MUs FPP named that are not configured here (most recent last).
    unknown: dict[str, None] = field(default_factory=dict)
    # The control and unknown-MU parts as the journal last carried them (None: not yet).
    journaled_parts: bytes | None = None

    def snapshot(self, *, for_store: bool = False) -> dict[str, Any]:
        """Return what the Store keeps (records pre-encoded for the Store, plain otherwise)."""
        records = self.records.values()
        return {
            "instructions": (
                [j for r in records if (j := r.saved_json()) is not None]
                if for_store
                else [r.as_dict() for r in records]
            ),
            "control": self.control,
            "unknown_meterable_units": list(self.unknown),
        }

    def store_snapshot(self) -> dict[str, Any]:
        """Return the dispatch Store's full file."""
        return self.snapshot(for_store=True)

    def small_parts(self) -> bytes:
        """Return the control and unknown-MU parts, encoded as one JSON object."""
        return json_bytes(
            {"control": self.control, "unknown_meterable_units": list(self.unknown)}
        )

    def journal_entry(self) -> JournalEntry | None:
        """Return what changed since the last entry (None: nothing did)."""
        book = self.records
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
        return {"control": self.control, "instructions_saved": bool(self.records)}

    def remember_unknown(self, mu_ids: list[str]) -> bool:
        """Note MUs FPP named that are not configured here; return whether any was new."""
        if all(mu in self.unknown for mu in mu_ids):
            return False
        for mu in mu_ids:
            self.unknown.pop(mu, None)
            self.unknown[mu] = None
        for oldest in list(self.unknown)[:-KEEP_UNKNOWN_MUS]:
            del self.unknown[oldest]
        return True
