"""
The instructions' Store: a reply waits for the fsync of the journal line that holds its change.

Group commit without a queue of fsyncs. The changes of the requests judged in one loop turn
are encoded into one line and handed to a writer (an executor job): it appends every line
queued so far, in order, under a lock, then fsyncs outside it and tells the event loop how far
the disk holds. A burst of 50 costs a few lines, and the fsyncs of successive lines overlap
instead of each waiting for the one before (with a busy disk an fsync takes tens of ms): a
reply waits for about one fsync, as a bare durable write would. An fsync makes every line
written before it durable, so a writer that finds the queue empty has nothing to report.

A failed append fails every reply still waiting (503: FPP retries), gives their changes back
to the next line, and is logged once and retried (``DispatchStore``). The full file is
rewritten off the reply path once the journals hold as many records as it (compaction).
See docs/decisions/dispatch-journal.md.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
import threading
from typing import Any

from homeassistant.core import HomeAssistant, callback

from ..const import DOMAIN, LOGGER
from .durable_store import DurableStore
from .journal import FIRST_JOURNAL, Journal
from .persistence import DispatchStore, JournalEntry

# A compaction rewrites every record: due once the journals hold as many record entries as
# the full file (at least this many), so each change costs a bounded share of it.
COMPACT_AFTER_RECORDS = 500


class JournaledStore(DispatchStore):
    """The dispatch Store written as journal lines (see the module docstring)."""

    def __init__(
        self,
        hass: HomeAssistant,
        store: DurableStore,
        title: str,
        snapshot: Callable[[], dict[str, Any]],
        *,
        journal: Journal,
        entry: Callable[[], JournalEntry | None],
        compacted_size: int = 0,
    ) -> None:
        """
        Append ``entry()`` lines to ``journal``; ``snapshot`` is the full file.

        ``compacted_size``: records in the full file as loaded (a compaction is due once the
        journals hold as many).
        """
        super().__init__(hass, store, title, snapshot)
        self.journal = journal
        self._entry = entry
        self.compacted_size = compacted_size
        self.compactions = 0  # full rewrites, for diagnostics
        self._compaction: asyncio.Task[bool] | None = None
        self._encoded = 0  # generation last encoded into a line
        # Lines not yet known to be on disk, oldest first: (generation, entry; None: no change).
        self._in_flight: deque[tuple[int, JournalEntry | None]] = deque()
        # Shared with the writers: (epoch, generation, line) to append, taken and written
        # under the lock so that lines land in order.
        self._lock = threading.Lock()
        self._queue: list[tuple[int, int, bytes]] = []
        self._writers: set[asyncio.Task[None]] = set()
        # Bumped by a failed append: what the writer then reports of older lines is ignored.
        self._epoch = 0

    async def _write_changes(self) -> None:
        # A task (see ``DispatchStore._kick``): the requests judged in one loop turn share a line.
        self._writer = None
        self._queue_changes()

    @callback
    def _queue_changes(self) -> None:
        """Encode what changed since the last line and hand it to the writer."""
        if self._encoded >= self._changed:
            return
        target = self._changed
        try:
            entry = self._entry()
        except Exception as err:  # noqa: BLE001 - any fault: keep, tell, retry
            self._write_failed(target, err)
            return
        self._encoded = target
        self._in_flight.append((target, entry))
        if entry is None:
            self._settle()
            return
        with self._lock:
            self._queue.append((self._epoch, target, entry.line))
        writer = self._hass.async_create_task(
            self._run_writer(), f"{DOMAIN} dispatch journal writer", eager_start=True
        )
        self._writers.add(writer)
        writer.add_done_callback(self._writers.discard)

    async def _run_writer(self) -> None:
        await self._hass.async_add_executor_job(self._write_queued)

    def _write_queued(self) -> None:
        """Write every queued line in order, then fsync (runs in the executor, several at once)."""
        with self._lock:
            batch, self._queue = self._queue, []
            if not batch:
                return  # an earlier writer took these lines: its fsync reports them
            epoch, target, _ = batch[-1]
            try:
                fd = self.journal.write(b"\n".join(line for _, _, line in batch))
            except Exception as err:  # noqa: BLE001 - told to the loop, which decides
                self._report(epoch, target, err)
                return
        try:
            self.journal.sync(fd)
        except Exception as err:  # noqa: BLE001 - told to the loop, which decides
            self._report(epoch, target, err)
            return
        self._report(epoch, target, None)

    def _report(self, epoch: int, target: int, error: Exception | None) -> None:
        self._hass.loop.call_soon_threadsafe(self._appended, epoch, target, error)

    @callback
    def _appended(self, epoch: int, target: int, error: Exception | None) -> None:
        """Take the writer's word: the lines up to ``target`` are on disk (or failed)."""
        if epoch != self._epoch:
            return
        if error is not None:
            self._epoch += 1
            for _, entry in reversed(self._in_flight):
                if entry is not None:
                    entry.give_back()
            self._in_flight.clear()
            self._encoded = self._saved
            self._write_failed(self._changed, error)
            return
        records = 0
        while self._in_flight and self._in_flight[0][0] <= target:
            _, entry = self._in_flight.popleft()
            records += entry.records if entry is not None else 0
        self.journal.records += records
        self.writes += 1
        LOGGER.debug("Appended %s up to change %d", self.store.key, target)
        self._saved = max(self._saved, target)
        self._settle()
        self._write_recovered()
        if (
            not self._closed
            and self._compaction is None
            and self.journal.records >= max(COMPACT_AFTER_RECORDS, self.compacted_size)
        ):
            self._compaction = self._hass.async_create_background_task(
                self._compact(), f"{DOMAIN} dispatch store compaction"
            )

    def _settle(self) -> None:
        """Count lines without a change as written once all before them are; answer waiters."""
        while self._in_flight and self._in_flight[0][1] is None:
            self._saved = self._in_flight.popleft()[0]
        self._release(self._saved, None)

    async def _compact(self) -> bool:
        """Rewrite the full file (off the reply path); appends go on to the next journal."""
        journal = self.journal
        try:
            number = journal.start_next()
            data = {**self._snapshot(), FIRST_JOURNAL: number}
            await self.store.async_write(data)
            self.compacted_size = len(data.get("instructions") or ())
            self.compactions += 1
            await self._hass.async_add_executor_job(journal.remove_before, number)
        except Exception as err:  # noqa: BLE001 - the journals still hold every change
            LOGGER.warning("Could not compact %s: %s", self.store.key, err)
            return False
        finally:
            self._compaction = None
        return True

    async def _write_group(self) -> None:
        """Append what is unsaved now, waiting for nothing else (unload)."""
        entry = self._entry()
        if entry is None:
            return
        try:
            await self._hass.async_add_executor_job(self.journal.append, entry.line)
        except Exception:
            entry.give_back()
            raise

    async def _finish_writes(self) -> None:
        """Let queued lines land, then leave one full file when possible (unload)."""
        self._queue_changes()
        while self._writers:
            await asyncio.wait(set(self._writers))
        if self._compaction is not None:
            await self._compaction
        # The next start reads no journal.
        target = self._changed
        if await self._compact():
            self._saved = target
