"""One instruction as GridFlex keeps it: the parsed instruction plus where it is in its life."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from homeassistant.helpers.json import json_bytes, json_fragment

from ..api.fpp.dispatch import (
    Direction,
    Instruction,
    MeterableUnitPower,
    Status,
    extra_fields,
    parse_time,
)
from ..const import LOGGER

if TYPE_CHECKING:
    from orjson import Fragment


class Phase(StrEnum):
    """Where an instruction is in its life (received → scheduled → active → ended, or cancelled)."""

    RECEIVED = "received"
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    ENDED = "ended"
    CANCELLED = "cancelled"


class EndReason(StrEnum):
    """Why an active instruction stopped."""

    COMPLETED = "completed"
    CANCELLED = "cancelled"
    STOPPED = "stopped"
    MISSED = "missed"


@dataclass(slots=True)
class InstructionRecord:
    """An instruction and its lifecycle state; persisted in the account's Store."""

    instruction: Instruction
    phase: Phase
    received_at: dt.datetime
    updated_at: dt.datetime
    legacy: bool = False
    late: bool = False
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    end_reason: EndReason | None = None
    # Reason to give when the end timer fires (a legacy stop in the future says "stopped").
    scheduled_end_reason: EndReason = EndReason.COMPLETED
    unknown_meterable_units: tuple[str, ...] = field(default=())
    # The record as JSON the Store last wrote; dropped by ``RecordBook.touch``.
    _saved: Fragment | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def id(self) -> str:
        """The instruction id."""
        return self.instruction.id

    @property
    def cancelled(self) -> bool:
        """Whether FPP cancelled this id (final: it can never be instructed again)."""
        return self.instruction.status is Status.CANCELLED

    def power_of(self, mu_id: str) -> float | None:
        """Power asked of one MU."""
        return next(
            (u.power_kw for u in self.instruction.meterable_units if u.id == mu_id),
            None,
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON for the Store and diagnostics."""
        ins = self.instruction
        return {
            "id": ins.id,
            "status": ins.status.value,
            "meterable_units": [[u.id, u.power_kw] for u in ins.meterable_units],
            "start": _iso(ins.start),
            "end": _iso(ins.end),
            "product": ins.product,
            "zone": ins.zone,
            "direction": ins.direction.value,
            "issued_at": _iso(ins.issued_at),
            # The raw body once: its unknown fields are read from it again on load.
            "raw": dict(ins.raw),
            "phase": self.phase.value,
            "received_at": _iso(self.received_at),
            "updated_at": _iso(self.updated_at),
            "legacy": self.legacy,
            "late": self.late,
            "started_at": _iso(self.started_at),
            "ended_at": _iso(self.ended_at),
            "end_reason": self.end_reason.value if self.end_reason else None,
            "scheduled_end_reason": self.scheduled_end_reason.value,
            "unknown_meterable_units": list(self.unknown_meterable_units),
        }

    def saved_json(self) -> Fragment | None:
        """
        :meth:`as_dict` as JSON, kept until the record changes (None: it cannot be written).

        Every Store write holds every record: encoded once, they cost a copy, and one bytes
        object per record is all the garbage collector has to walk. A record the encoder
        refuses stays in memory and is left out of the file, so it never blocks the others.
        """
        if self._saved is None:
            try:
                self._saved = json_fragment(json_bytes(self.as_dict()))
            except TypeError as err:  # orjson's encode error is a TypeError
                LOGGER.error("Instruction %r cannot be saved: %s", self.id[:40], err)
                return None
        return self._saved

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InstructionRecord:
        """Rebuild a record written by :meth:`as_dict`."""
        instruction = Instruction(
            id=data["id"],
            status=Status(data["status"]),
            meterable_units=tuple(
                MeterableUnitPower(mu, power) for mu, power in data["meterable_units"]
            ),
            start=_time(data["start"]),
            end=_time(data["end"]),
            product=data["product"],
            zone=data["zone"],
            direction=Direction(data["direction"]),
            issued_at=_time(data["issued_at"]),
            extra=extra_fields(data["raw"], legacy=bool(data["legacy"])),
            raw=data["raw"],
        )
        return cls(
            instruction=instruction,
            phase=Phase(data["phase"]),
            received_at=parse_time(data["received_at"], "received_at"),
            updated_at=parse_time(data["updated_at"], "updated_at"),
            legacy=data["legacy"],
            late=data["late"],
            started_at=_time(data["started_at"]),
            ended_at=_time(data["ended_at"]),
            end_reason=EndReason(data["end_reason"]) if data["end_reason"] else None,
            scheduled_end_reason=EndReason(data["scheduled_end_reason"]),
            unknown_meterable_units=tuple(data["unknown_meterable_units"]),
        )


LIVE_PHASES = frozenset({Phase.RECEIVED, Phase.SCHEDULED, Phase.ACTIVE})


class RecordBook(Mapping[str, InstructionRecord]):
    """
    Every instruction of one account by id, with the live ones indexed by MU.

    Entities ask "what is active or next for this MU" on every change; the index keeps that
    independent of how many finished instructions the account has kept.
    """

    def __init__(self) -> None:
        """Start empty."""
        self._all: dict[str, InstructionRecord] = {}
        self._live_by_mu: dict[str, dict[str, InstructionRecord]] = {}
        self._indexed_mus: dict[str, tuple[str, ...]] = {}  # id -> MUs it is live under
        # Changed and forgotten ids since the journal last took them (see ``take_changes``).
        self._changed: dict[
            str, None
        ] = {}  # in order of change: the file keeps that order
        self._forgotten: set[str] = set()

    def __getitem__(self, instruction_id: str) -> InstructionRecord:
        """Return the record of one instruction id."""
        return self._all[instruction_id]

    def __iter__(self) -> Iterator[str]:
        """Instruction ids, oldest first."""
        return iter(self._all)

    def __len__(self) -> int:
        """How many instructions are kept."""
        return len(self._all)

    def add(self, record: InstructionRecord) -> None:
        """Keep a new record."""
        self._all[record.id] = record
        self.touch(record)

    def touch(self, record: InstructionRecord) -> None:
        """Note that a record changed: re-index it and drop its saved form."""
        record._saved = None  # noqa: SLF001 - the book owns its records' cache
        self._changed[record.id] = None
        self._forgotten.discard(record.id)
        for mu in self._indexed_mus.pop(record.id, ()):
            live = self._live_by_mu[mu]
            del live[record.id]
            if not live:
                del self._live_by_mu[mu]
        if record.phase in LIVE_PHASES:
            mus = tuple(dict.fromkeys(record.instruction.meterable_unit_ids))
            for mu in mus:
                self._live_by_mu.setdefault(mu, {})[record.id] = record
            self._indexed_mus[record.id] = mus

    @property
    def live_count(self) -> int:
        """How many records are received, scheduled or active."""
        return len(self._indexed_mus)

    def live(self, mu_id: str | None = None) -> list[InstructionRecord]:
        """Received, scheduled or active records (of one MU, or all)."""
        if mu_id is not None:
            return list(self._live_by_mu.get(mu_id, {}).values())
        return [self._all[i] for i in self._indexed_mus]

    def prune(self, finished_before: dt.datetime, keep_finished: int) -> int:
        """
        Forget old finished records; return how many went.

        Ended and cancelled records last changed before ``finished_before`` go, and the
        oldest beyond ``keep_finished``. Live records always stay.
        """
        finished = [r for r in self._all.values() if r.phase not in LIVE_PHASES]
        finished.sort(key=lambda r: r.updated_at)
        excess = len(finished) - keep_finished
        gone = [
            r
            for index, r in enumerate(finished)
            if index < excess or r.updated_at < finished_before
        ]
        for record in gone:
            del self._all[record.id]
            self._changed.pop(record.id, None)
            self._forgotten.add(record.id)
        return len(gone)

    def take_changes(self) -> tuple[list[InstructionRecord], list[str]]:
        """Return the records changed and ids forgotten since the last call (the journal's next entry)."""
        changed = [self._all[i] for i in self._changed if i in self._all]
        forgotten = sorted(self._forgotten)
        self._changed, self._forgotten = {}, set()
        return changed, forgotten

    def give_back(self, changed: list[InstructionRecord], forgotten: list[str]) -> None:
        """Undo :meth:`take_changes` after a failed write: the next entry carries them."""
        self._changed = {
            **{r.id: None for r in changed if r.id in self._all},
            **self._changed,
        }
        self._forgotten.update(i for i in forgotten if i not in self._all)

    def live_mus(self, phase: Phase) -> set[str]:
        """MUs with at least one record in ``phase`` (a live phase)."""
        return {
            mu
            for mu, records in self._live_by_mu.items()
            if any(r.phase is phase for r in records.values())
        }


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _time(value: str | None) -> dt.datetime | None:
    return parse_time(value, "stored time") if value else None
