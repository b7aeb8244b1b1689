"""The account's dispatch Store: instructions, applied device control, unknown MUs seen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from ..const import DISPATCH_STORE_VERSION, DOMAIN, LOGGER
from .records import InstructionRecord


def store_key(entry_id: str) -> str:
    """Storage key of one account's dispatch state."""
    return f"{DOMAIN}.dispatch.{entry_id}"


class DispatchStore:
    """Saves after the reply: a change schedules one save task, coalescing bursts."""

    def __init__(
        self, hass: HomeAssistant, entry_id: str, snapshot: Callable[[], dict[str, Any]]
    ) -> None:
        """Bind to one account; ``snapshot`` returns what to write."""
        self._hass = hass
        self._store: Store[dict[str, Any]] = Store(
            hass, DISPATCH_STORE_VERSION, store_key(entry_id)
        )
        self._snapshot = snapshot
        self._pending = False

    async def async_load(
        self,
    ) -> tuple[list[InstructionRecord], dict[str, Any], list[str]]:
        """Return the records, applied control and unknown MUs last saved (empty when none)."""
        data = await self._store.async_load() or {}
        records = []
        for item in data.get("instructions", []):
            try:
                records.append(InstructionRecord.from_dict(item))
            except (KeyError, TypeError, ValueError) as err:
                LOGGER.warning("Dropping an unreadable stored instruction: %s", err)
        return (
            records,
            dict(data.get("control", {})),
            list(data.get("unknown_meterable_units", [])),
        )

    @callback
    def schedule_save(self) -> None:
        """Save soon, in a task of its own (several changes in a row make one write)."""
        if self._pending:
            return
        self._pending = True
        self._hass.async_create_task(
            self._save(), f"{DOMAIN} dispatch store save", eager_start=False
        )

    async def _save(self) -> None:
        self._pending = False
        await self._store.async_save(self._snapshot())

    async def async_flush(self) -> None:
        """Write now (entry unload)."""
        self._pending = False
        await self._store.async_save(self._snapshot())
