"""
Durable per-MU queue of computed readings and their upload to FPP.

Readings are saved before any upload and removed only after FPP answered 200 for them.
Nothing here imports Home Assistant: the store is anything shaped like HA's ``Store``
(``async_load``, ``async_save``, ``async_delay_save``), so the bench can drive it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
import time
from typing import Any, Protocol

from ..api.errors import (
    AuthError,
    GridFlexApiError,
    RateLimitedError,
    RejectedError,
    TemporaryError,
)
from ..api.fpp import FppClient
from ..api.fpp.readings import DECIMALS, MAX_READINGS_PER_REQUEST

STORAGE_VERSION = 1
BACKOFF_FIRST = 15.0
BACKOFF_MAX = 900.0
# After a successful upload the removal is saved lazily: at worst a crash resends a batch.
REMOVAL_SAVE_DELAY = 5.0


class ReadingKind(StrEnum):
    """The two reading streams of a Meterable Unit."""

    POWER = "power"
    ENERGY = "energy"


class UploadResult(StrEnum):
    """What the last upload attempt of a Meterable Unit came to."""

    OK = "ok"
    RATE_LIMITED = "rate_limited"
    TEMPORARY_ERROR = "temporary_error"
    REJECTED = "rejected"
    AUTH_FAILED = "auth_failed"


class QueueStore(Protocol):
    """The part of Home Assistant's ``Store`` the queue uses."""

    async def async_load(self) -> Any:
        """Return the saved data or None."""

    async def async_save(self, data: Any) -> None:
        """Save now."""

    def async_delay_save(self, data_func: Callable[[], Any], delay: float = 0) -> None:
        """Save a little later."""


@dataclass(slots=True)
class ParkedBatch:
    """A batch FPP refused as invalid: kept, not retried as is, surfaced to the user."""

    kind: ReadingKind
    readings: list[tuple[int, float]]
    status: int
    detail: str
    parked_at: float

    def as_dict(self) -> dict[str, Any]:
        """Serialise for the store and diagnostics."""
        return {
            "kind": self.kind.value,
            "readings": [list(r) for r in self.readings],
            "status": self.status,
            "detail": self.detail,
            "parked_at": self.parked_at,
        }


@dataclass(slots=True)
class UploadOutcome:
    """The result of one pass over the queue."""

    result: UploadResult
    sent: int = 0
    retry_after: float | None = None
    parked: list[ParkedBatch] = field(default_factory=list)
    error: str | None = None


def retry_delay(failures: int, retry_after: float | None) -> float:
    """Seconds to wait before retrying: FPP's ``Retry-After`` wins, else exponential backoff."""
    if retry_after is not None:
        return max(1.0, retry_after)
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2.0 ** max(0, failures - 1))


def _parked(saved: Any) -> ParkedBatch:
    return ParkedBatch(
        ReadingKind(saved["kind"]),
        [(int(t), float(v)) for t, v in saved["readings"]],
        int(saved["status"]),
        str(saved["detail"]),
        float(saved["parked_at"]),
    )


class ReadingsQueue:
    """The readings of one Meterable Unit waiting for FPP, plus the flow's saved state."""

    def __init__(self, mu_id: str, store: QueueStore, client: FppClient) -> None:
        """Bind the queue to its MU, its store and the FPP client."""
        self.mu_id = mu_id
        self.client = client
        self._store = store
        self.pending: dict[ReadingKind, dict[int, float]] = {k: {} for k in ReadingKind}
        self.parked: list[ParkedBatch] = []
        self.state: dict[str, Any] = {}
        self.last_sent: int | None = None
        self.last_result: UploadResult | None = None
        self.last_error: str | None = None
        self.sent_total = 0

    def as_dict(self) -> dict[str, Any]:
        """Serialise everything the store keeps."""
        return {
            "mu_id": self.mu_id,
            **{
                k.value: [[t, v] for t, v in self.pending[k].items()]
                for k in ReadingKind
            },
            "parked": [b.as_dict() for b in self.parked],
            "state": self.state,
            "last_sent": self.last_sent,
            "last_result": self.last_result,
            "last_error": self.last_error,
        }

    async def async_load(self) -> bool:
        """
        Restore what the previous run saved; return False when part of it was unreadable.

        Each part is read on its own: a wrong value costs that part (this MU's readings or
        state), never the account. What was lost is recomputed from the recorder.
        """
        try:
            data = await self._store.async_load()
        except Exception:  # noqa: BLE001 - an unreadable file costs only this MU
            return False
        if data is None:
            return True
        if not isinstance(data, dict):
            return False
        complete = True
        for kind in ReadingKind:
            try:
                self.pending[kind] = {
                    int(t): float(v) for t, v in data.get(kind.value) or []
                }
            except (TypeError, ValueError):
                complete = False
        try:
            self.parked = [_parked(b) for b in data.get("parked") or []]
        except (TypeError, ValueError, KeyError):
            complete = False
        state = data.get("state")
        if state is not None and not isinstance(state, dict):
            complete = False
        self.state = dict(state) if isinstance(state, dict) else {}
        last_sent = data.get("last_sent")
        self.last_sent = last_sent if isinstance(last_sent, int) else None
        result = data.get("last_result")
        self.last_result = UploadResult(result) if result in set(UploadResult) else None
        error = data.get("last_error")
        self.last_error = error if isinstance(error, str) else None
        return complete

    def add(self, kind: ReadingKind, readings: Iterable[tuple[int, float]]) -> None:
        """Add readings (a timestamp again replaces its value); save before uploading."""
        target = self.pending[kind]
        for when, value in readings:
            target[when] = round(value, DECIMALS) + 0.0

    def delay_save_state(self, state: dict[str, Any]) -> None:
        """Save the flow's state soon; for changes that queue nothing."""
        self.state = state
        self._store.async_delay_save(self.as_dict, REMOVAL_SAVE_DELAY)

    async def async_save_state(self, state: dict[str, Any]) -> None:
        """Save the flow's state (boundaries computed so far) with the queue."""
        self.state = state
        await self._store.async_save(self.as_dict())

    @property
    def size(self) -> int:
        """How many readings wait for FPP (parked ones excluded)."""
        return sum(len(p) for p in self.pending.values())

    def oldest_pending(self) -> int | None:
        """Timestamp (period end) of the oldest reading waiting for FPP."""
        firsts = [min(p) for p in self.pending.values() if p]
        return min(firsts) if firsts else None

    def drop_parked(self, start: int, end: int) -> None:
        """Forget parked readings in (start, end]: a resubmission replaces them."""
        kept: list[ParkedBatch] = []
        for batch in self.parked:
            batch.readings = [r for r in batch.readings if not start < r[0] <= end]
            if batch.readings:
                kept.append(batch)
        self.parked = kept

    async def async_upload(self) -> UploadOutcome:
        """Send everything pending, batch by batch, oldest first; stop at the first retryable fault."""
        outcome = UploadOutcome(UploadResult.OK)
        for kind in ReadingKind:
            items = sorted(self.pending[kind].items())
            for offset in range(0, len(items), MAX_READINGS_PER_REQUEST):
                batch = items[offset : offset + MAX_READINGS_PER_REQUEST]
                try:
                    await self._put(kind, batch)
                except RejectedError as err:
                    parked = ParkedBatch(
                        kind, batch, err.status, err.detail or str(err), time.time()
                    )
                    self._remove(kind, batch)
                    self.parked.append(parked)
                    outcome.parked.append(parked)
                    outcome.result = UploadResult.REJECTED
                    outcome.error = parked.detail
                    await self._store.async_save(self.as_dict())
                    continue
                except AuthError as err:
                    return self._finish(outcome, UploadResult.AUTH_FAILED, err)
                except RateLimitedError as err:
                    outcome.retry_after = err.retry_after
                    return self._finish(outcome, UploadResult.RATE_LIMITED, err)
                except (TemporaryError, GridFlexApiError) as err:
                    outcome.retry_after = getattr(err, "retry_after", None)
                    return self._finish(outcome, UploadResult.TEMPORARY_ERROR, err)
                self._remove(kind, batch)
                outcome.sent += len(batch)
                self.sent_total += len(batch)
                self.last_sent = max(self.last_sent or 0, batch[-1][0])
                self._store.async_delay_save(self.as_dict, REMOVAL_SAVE_DELAY)
        return self._finish(outcome, outcome.result, None)

    def _finish(
        self, outcome: UploadOutcome, result: UploadResult, err: Exception | None
    ) -> UploadOutcome:
        outcome.result = result
        if err is not None:
            outcome.error = str(err)
        self.last_result = result
        self.last_error = outcome.error
        return outcome

    async def _put(self, kind: ReadingKind, batch: list[tuple[int, float]]) -> None:
        if kind is ReadingKind.POWER:
            await self.client.async_put_power_values(self.mu_id, batch)
        else:
            await self.client.async_put_energy_values(self.mu_id, batch)

    def _remove(self, kind: ReadingKind, batch: list[tuple[int, float]]) -> None:
        """Remove what was sent, unless it was replaced by a new value meanwhile."""
        target = self.pending[kind]
        for when, value in batch:
            if target.get(when) == value:
                del target[when]

    async def async_flush_save(self) -> None:
        """Write the current queue now (on unload)."""
        await self._store.async_save(self.as_dict())
