"""
The account's dispatch Store: instructions, applied device control, unknown MUs seen.

Acknowledged means on disk: the endpoint awaits :meth:`DispatchStore.async_durable` before it
answers 200. Writes are atomic and fsync'd (HA's ``Store`` with ``atomic_writes``, through
``DurableStore`` so that a failure is seen) and grouped:
while one write runs, every change made meanwhile waits for the next, which carries them all
(a burst of 50 PUTs costs a few writes, not 50). A failed write is logged once, shown as a
repair issue, kept in memory and retried; no reply says 200 for what it could not write.

The instructions' Store appends only what changed instead (``journaled_store.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later

from ..const import DISPATCH_STORE_VERSION, DOMAIN, LOGGER
from .durable_store import DurableStore

RETRY_FAILED_WRITE_S = 30.0


@dataclass(slots=True)
class JournalEntry:
    """What changed since the last entry, encoded as one journal line."""

    line: bytes
    records: int
    give_back: Callable[
        [], None
    ]  # the write failed: the next entry carries these again


class StoreWriteError(Exception):
    """The dispatch Store could not be written; what changed is kept in memory and retried."""


def store_key(entry_id: str) -> str:
    """Storage key of one account's dispatch state."""
    return f"{DOMAIN}.dispatch.{entry_id}"


def dispatch_file(hass: HomeAssistant, key: str) -> DurableStore:
    """One dispatch file: HA's Store, written atomically and fsync'd."""
    return DurableStore(hass, DISPATCH_STORE_VERSION, key, atomic_writes=True)


def write_failed_issue_id(key: str) -> str:
    """Repair issue shown while one dispatch file cannot be written."""
    return f"store_write_failed_{key}"


class DispatchStore:
    """Group commit of one account's dispatch state (see the module docstring)."""

    def __init__(
        self,
        hass: HomeAssistant,
        store: DurableStore,
        title: str,
        snapshot: Callable[[], dict[str, Any]],
    ) -> None:
        """Bind to one file of one account; ``snapshot`` returns what to write in full."""
        self._hass = hass
        self._title = title
        self.store = store
        self._snapshot = snapshot
        self._changed = 0  # generation of the state in memory
        self._saved = 0  # generation last on disk
        self._writer: asyncio.Task[None] | None = None
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._failing = False
        self._retry: CALLBACK_TYPE | None = None
        self._closed = False
        self.writes = 0  # successful writes, for diagnostics

    @property
    def generation(self) -> int:
        """Counts changes to the state in memory."""
        return self._changed

    @property
    def unsaved(self) -> bool:
        """Whether something changed since the last successful write."""
        return self._saved < self._changed

    @callback
    def schedule_save(self) -> None:
        """Note a change: the running write's successor (or a new write) carries it."""
        self._changed += 1
        self._kick()

    async def async_durable(self) -> None:
        """Return once every change made so far is on disk; raise ``StoreWriteError`` if not."""
        target = self._changed
        if self._saved >= target:
            return
        waiter: asyncio.Future[None] = self._hass.loop.create_future()
        self._waiters.append((target, waiter))
        self._kick()
        await waiter

    @callback
    def _kick(self) -> None:
        if self._writer is None and not self._closed:
            # A task, not a call: it starts after this loop turn, so the requests judged
            # in the same turn share its write; tests can await it.
            self._writer = self._hass.async_create_task(
                self._write_changes(),
                f"{DOMAIN} dispatch store write",
                eager_start=False,
            )

    async def _write_changes(self) -> None:
        try:
            while self._saved < self._changed:
                target = self._changed
                began = self._hass.loop.time()
                try:
                    await self._write_group()
                except Exception as err:  # noqa: BLE001 - any write fault: keep, tell, retry
                    self._write_failed(target, err)
                    return
                LOGGER.debug(
                    "Wrote %s (%d changes) in %.1f ms",
                    self.store.key,
                    target - self._saved,
                    (self._hass.loop.time() - began) * 1000,
                )
                self._saved = target
                self.writes += 1
                self._release(target, None)
                self._write_recovered()
        finally:
            self._writer = None

    async def _write_group(self) -> None:
        await self.store.async_write(self._snapshot())

    def _release(self, target: int, error: Exception | None) -> None:
        keep = []
        for wanted, waiter in self._waiters:
            if wanted > target:
                keep.append((wanted, waiter))
            elif not waiter.done():
                if error is None:
                    waiter.set_result(None)
                else:
                    waiter.set_exception(error)
        self._waiters = keep

    def _write_failed(self, target: int, err: Exception) -> None:
        self._release(target, StoreWriteError(str(err)))
        if not self._failing:
            self._failing = True
            LOGGER.error(
                "Could not save %s of %s (%s); it is kept in memory, "
                "FPP is asked to retry, and the write is retried every %.0f s",
                self.store.key,
                self._title,
                err,
                RETRY_FAILED_WRITE_S,
            )
            ir.async_create_issue(
                self._hass,
                DOMAIN,
                write_failed_issue_id(self.store.key),
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key="dispatch_store_write_failed",
                translation_placeholders={"account": self._title},
            )
        if self._retry is None and not self._closed:
            self._retry = async_call_later(
                self._hass, RETRY_FAILED_WRITE_S, self._retry_now
            )

    @callback
    def _retry_now(self, _now: Any) -> None:
        self._retry = None
        self._kick()

    def _write_recovered(self) -> None:
        if self._failing:
            self._failing = False
            LOGGER.info("The dispatch state of %s is saved again", self._title)
            ir.async_delete_issue(
                self._hass, DOMAIN, write_failed_issue_id(self.store.key)
            )

    async def async_close(self) -> None:
        """Write what is unsaved and stop retrying (entry unload)."""
        self._closed = True
        if self._retry is not None:
            self._retry()
            self._retry = None
        if self._writer is not None:
            await self._writer
        await self._finish_writes()
        await self._write_last()

    async def _finish_writes(self) -> None:
        """Let writes under way land before the last one (unload)."""

    async def _write_last(self) -> None:
        if self.unsaved:
            try:
                await self._write_group()
            except Exception as err:  # noqa: BLE001 - unload must go on
                LOGGER.error(
                    "Could not save the dispatch state of %s: %s", self._title, err
                )
