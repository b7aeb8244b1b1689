"""
The one state machine of dispatch instructions: received → scheduled → active → ended, or cancelled.

It owns the records, moves them with HA's UTC time tracking and tells the rest of
GridFlex through ``DispatchHooks`` (bus events, entities, device control, the Store).
It does no I/O itself, so the HTTP reply never waits for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
import datetime as dt
from enum import StrEnum
import secrets
from typing import Any, Protocol

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from ..api.fpp.dispatch import (
    Instruction,
    LegacyStart,
    LegacyStop,
    MeterableUnitPower,
    Status,
)
from ..const import DEFAULT_MAX_DISPATCH_MINUTES
from .records import EndReason, InstructionRecord, Phase, RecordBook

# Finished instructions stay (calendar history, refusing a cancelled id again) this long.
KEEP_FINISHED_FOR = dt.timedelta(days=90)
KEEP_FINISHED_AT_MOST = 10_000


class EventType(StrEnum):
    """The ``type`` of a ``gridflex_dispatch`` bus event (and of the Dispatch event entity)."""

    RECEIVED = "received"
    UPDATED = "updated"
    STARTED = "started"
    ENDED = "ended"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    """What happened to one instruction handed to the state machine."""

    ACCEPTED = "accepted"  # new, updated, idempotent repeat or cancel
    CANCELLED_BEFORE = "instruction_cancelled"  # 409: the id was cancelled, it is final


class DispatchHooks(Protocol):
    """What the state machine tells the rest of the integration."""

    def fire(self, kind: EventType, record: InstructionRecord, **extra: Any) -> None:
        """Fire one bus event per configured MU of the record."""

    def changed(self, mu_ids: Iterable[str] | None = None) -> None:
        """Refresh entities of ``mu_ids`` (None: all), sync device control, save the Store."""


class Lifecycle:
    """All instructions of one FPP account and their timers."""

    def __init__(
        self,
        hass: HomeAssistant,
        hooks: DispatchHooks,
        records: RecordBook | None = None,
        legacy_limit: Callable[[str], dt.timedelta] | None = None,
    ) -> None:
        """
        Hold ``records`` (empty: :meth:`restore` adds what the Store kept).

        ``legacy_limit``: how long an MU's legacy start without an end lasts (its longest control).
        """
        self._hass = hass
        self._hooks = hooks
        self.records = RecordBook() if records is None else records
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self.legacy_limit: Callable[[str], dt.timedelta] = legacy_limit or (
            lambda _mu: dt.timedelta(minutes=DEFAULT_MAX_DISPATCH_MINUTES)
        )

    # --- inbound -----------------------------------------------------------------------

    @callback
    def apply(
        self,
        instruction: Instruction,
        unknown: Iterable[str] = (),
        *,
        legacy: bool = False,
    ) -> Outcome:
        """Take one parsed v2 instruction (or a legacy start mapped onto one)."""
        now = dt_util.utcnow()
        old = self.records.get(instruction.id)
        # An update may move an instruction between MUs: both sides see the change.
        touched = set(instruction.meterable_unit_ids)
        if old is not None:
            touched.update(old.instruction.meterable_unit_ids)
        if instruction.status is Status.CANCELLED:
            self._cancel(instruction, old, now)
            return Outcome.ACCEPTED
        if old is not None and old.cancelled:
            return Outcome.CANCELLED_BEFORE
        # Equality ignores ``raw``: the same content, however FPP wrote it.
        if old is not None and old.instruction == instruction:
            return Outcome.ACCEPTED
        if old is None:
            record = InstructionRecord(
                instruction,
                Phase.RECEIVED,
                now,
                now,
                legacy=legacy,
                unknown_meterable_units=tuple(unknown),
            )
            self.records.add(record)
            if instruction.end is not None and instruction.end <= now:
                # Already over on arrival: recorded, nothing fires.
                record.phase = Phase.ENDED
            else:
                self._hooks.fire(EventType.RECEIVED, record)
                self._reconcile(record, now)
        else:
            old.instruction = instruction
            old.updated_at = now
            old.unknown_meterable_units = tuple(unknown)
            old.scheduled_end_reason = EndReason.COMPLETED
            self._hooks.fire(EventType.UPDATED, old)
            self._reconcile(old, now)
        self._moved(self.records[instruction.id], touched)
        return Outcome.ACCEPTED

    def _cancel(
        self, cancel: Instruction, old: InstructionRecord | None, now: dt.datetime
    ) -> None:
        if old is None:
            # Recorded so that a later instruction with this id is refused.
            record = InstructionRecord(cancel, Phase.CANCELLED, now, now)
            self.records.add(record)
            self._moved(record, cancel.meterable_unit_ids)
            return
        if old.cancelled:
            return
        old.instruction = replace(old.instruction, status=Status.CANCELLED)
        old.updated_at = now
        self._cancel_timer(old.id)
        if old.phase in (Phase.SCHEDULED, Phase.ACTIVE, Phase.RECEIVED):
            was_active = old.phase is Phase.ACTIVE
            old.phase = Phase.CANCELLED
            self._hooks.fire(EventType.CANCELLED, old)
            if was_active:
                self._end(old, now, EndReason.CANCELLED, final=Phase.CANCELLED)
        self._moved(old, old.instruction.meterable_unit_ids)

    @callback
    def legacy_start(self, start: LegacyStart) -> tuple[Outcome, str]:
        """Start (or update) the legacy instruction of one MU; returns its (synthetic) id."""
        running = self.running_legacy(start.meterable_unit_id) or self._same_legacy(
            start
        )
        # A random part: nobody can cancel (and so block) a legacy start before it comes.
        instruction_id = (
            running.id
            if running is not None
            else f"v1-{start.meterable_unit_id}-{start.start:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
        )
        instruction = Instruction(
            id=instruction_id,
            status=Status.INSTRUCTED,
            meterable_units=(
                MeterableUnitPower(start.meterable_unit_id, start.power_kw),
            ),
            start=start.start,
            end=start.end or start.start + self.legacy_limit(start.meterable_unit_id),
            product=start.product,
            zone=start.zone,
            direction=start.direction,
            extra=start.extra,
            raw=start.raw,
        )
        return self.apply(instruction, legacy=True), instruction_id

    @callback
    def legacy_stop(self, stop: LegacyStop) -> InstructionRecord | None:
        """End the running legacy instruction of one MU (at ``stop``, default now)."""
        record = self.running_legacy(stop.meterable_unit_id)
        if record is None:
            return None
        now = dt_util.utcnow()
        start = record.instruction.start
        stop_at = stop.stop or now
        record.updated_at = now
        if stop_at > now:
            record.instruction = replace(record.instruction, end=stop_at)
            record.scheduled_end_reason = EndReason.STOPPED
            self._hooks.fire(EventType.UPDATED, record)
            self._reconcile(record, now)
        else:
            end = stop_at if start is None or stop_at > start else now
            record.instruction = replace(record.instruction, end=end)
            self._cancel_timer(record.id)
            self._end(record, now, EndReason.STOPPED)
        self._moved(record, record.instruction.meterable_unit_ids)
        return record

    def _same_legacy(self, start: LegacyStart) -> InstructionRecord | None:
        """Return the legacy instruction this start repeats (same MU, same start), if kept."""
        return next(
            (
                r
                for r in self.records.values()
                if r.legacy
                and r.instruction.start == start.start
                and start.meterable_unit_id in r.instruction.meterable_unit_ids
            ),
            None,
        )

    def running_legacy(self, mu_id: str) -> InstructionRecord | None:
        """Return the active legacy instruction of one MU, if any."""
        return next(
            (
                r
                for r in self.records.live(mu_id)
                if r.legacy and r.phase is Phase.ACTIVE
            ),
            None,
        )

    # --- time --------------------------------------------------------------------------

    def _reconcile(
        self, record: InstructionRecord, now: dt.datetime, *, on_time: bool = False
    ) -> None:
        """Put the record in the phase its times say, and arm the next timer."""
        self._cancel_timer(record.id)
        start, end = record.instruction.start, record.instruction.end
        if start is None:  # pragma: no cover - instructed records always have a start
            return
        if end is not None and now >= end:
            if record.phase is Phase.ACTIVE:
                self._end(record, now, record.scheduled_end_reason)
            else:
                record.phase = Phase.ENDED
            return
        if now >= start:
            if record.phase is not Phase.ACTIVE:
                record.phase = Phase.ACTIVE
                record.started_at = now
                record.late = not on_time and now > start
                record.ended_at = record.end_reason = None
                self._hooks.fire(EventType.STARTED, record, late=record.late)
            if end is not None:
                self._arm(record, end)
            return
        if record.phase is Phase.ACTIVE:
            # An update moved the start into the future: stop now, start again then.
            self._end(record, now, EndReason.STOPPED, final=Phase.SCHEDULED)
        record.phase = Phase.SCHEDULED
        self._arm(record, start)

    def _end(
        self,
        record: InstructionRecord,
        now: dt.datetime,
        reason: EndReason,
        *,
        final: Phase = Phase.ENDED,
        missed: bool = False,
    ) -> None:
        record.phase = final
        record.ended_at = now
        record.end_reason = reason
        self._hooks.fire(EventType.ENDED, record, reason=reason.value, missed=missed)

    def _arm(self, record: InstructionRecord, when: dt.datetime) -> None:
        instruction_id = record.id

        @callback
        def _due(point: dt.datetime) -> None:
            self._timers.pop(instruction_id, None)
            current = self.records.get(instruction_id)
            if current is None or current.phase not in (Phase.SCHEDULED, Phase.ACTIVE):
                return
            self._reconcile(current, max(dt_util.utcnow(), point), on_time=True)
            self._moved(current, current.instruction.meterable_unit_ids)

        self._timers[instruction_id] = async_track_point_in_utc_time(
            self._hass, _due, when
        )

    def _moved(self, record: InstructionRecord, mu_ids: Iterable[str]) -> None:
        """Every change ends here: re-index the record, then refresh what shows it."""
        self.records.touch(record)
        self._hooks.changed(mu_ids)

    def _cancel_timer(self, instruction_id: str) -> None:
        if (unsub := self._timers.pop(instruction_id, None)) is not None:
            unsub()

    # --- restart -----------------------------------------------------------------------

    @callback
    def restore(self, records: Iterable[InstructionRecord]) -> None:
        """Resume after HA (re)started: re-arm, re-activate, or end what ended meanwhile."""
        now = dt_util.utcnow()
        for record in records:
            self.records.add(record)
        for record in self.records.values():
            if record.phase not in (Phase.SCHEDULED, Phase.ACTIVE, Phase.RECEIVED):
                continue
            end = record.instruction.end
            if end is not None and now >= end:
                # It ended (or should have started and ended) while HA was down.
                self._end(record, now, EndReason.MISSED, missed=True)
                continue
            if record.phase is Phase.RECEIVED:
                record.phase = Phase.SCHEDULED
            self._reconcile(record, now)
        for record in self.records.values():
            self.records.touch(record)
        self.records.prune(now - KEEP_FINISHED_FOR, KEEP_FINISHED_AT_MOST)
        self._hooks.changed()

    @callback
    def prune(self) -> None:
        """Forget finished instructions past ``KEEP_FINISHED_FOR`` (or beyond the cap)."""
        if self.records.prune(
            dt_util.utcnow() - KEEP_FINISHED_FOR, KEEP_FINISHED_AT_MOST
        ):
            self._hooks.changed()

    @callback
    def shutdown(self) -> None:
        """Stop every timer (entry unload)."""
        for unsub in self._timers.values():
            unsub()
        self._timers.clear()

    # --- queries for entities ----------------------------------------------------------

    def for_mu(self, mu_id: str, phase: Phase) -> list[InstructionRecord]:
        """Return the records of one MU in one live phase, earliest start first."""
        found = [r for r in self.records.live(mu_id) if r.phase is phase]
        return sorted(found, key=_start_key)

    def active_mus(self) -> set[str]:
        """MUs with at least one active instruction."""
        return self.records.live_mus(Phase.ACTIVE)

    def active_by_mu(self) -> dict[str, list[InstructionRecord]]:
        """Return the active instructions of each MU that has one."""
        return {mu: self.for_mu(mu, Phase.ACTIVE) for mu in self.active_mus()}


def _start_key(record: InstructionRecord) -> dt.datetime:
    return record.instruction.start or record.received_at
