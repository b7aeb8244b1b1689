"""The account's dispatch Store: instructions, applied device control, unknown MUs seen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from ..const import DISPATCH_STORE_VERSION, DOMAIN, LOGGER
from .records import InstructionRecord

# A lone change is written at once; a burst is written at most once a second, because each
# write encodes every kept instruction on the event loop (bench/dispatch_latency.py).
MIN_SAVE_INTERVAL_S = 1.0


def store_key(entry_id: str) -> str:
    """Storage key of one account's dispatch state."""
    return f"{DOMAIN}.dispatch.{entry_id}"


class DispatchStore:
    """Saves after the reply, coalescing bursts (see ``MIN_SAVE_INTERVAL_S``)."""

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
        self._last_write = -MIN_SAVE_INTERVAL_S

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
        """Save after this loop turn, or a second after the last write (HA writes it on stop too)."""
        if self._pending:
            return
        self._pending = True
        wait = self._last_write + MIN_SAVE_INTERVAL_S - self._hass.loop.time()
        if wait > 0:
            self._store.async_delay_save(self._data_to_write, wait)
            return
        # A task, not a timer: it starts after this loop turn's replies, and tests can await it.
        self._hass.async_create_task(
            self._save_now(), f"{DOMAIN} dispatch store save", eager_start=False
        )

    async def _save_now(self) -> None:
        await self._store.async_save(self._data_to_write())

    @callback
    def _data_to_write(self) -> dict[str, Any]:
        self._pending = False
        self._last_write = self._hass.loop.time()
        return self._snapshot()

    async def async_flush(self) -> None:
        """Write now (entry unload)."""
        await self._save_now()
