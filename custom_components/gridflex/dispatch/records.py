"""One instruction as GridFlex keeps it: the parsed instruction plus where it is in its life."""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
from enum import StrEnum
from typing import Any

from ..api.fpp.dispatch import (
    Direction,
    Instruction,
    MeterableUnitPower,
    Status,
    parse_time,
)


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
            "extra": dict(ins.extra),
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
            extra=data["extra"],
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


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _time(value: str | None) -> dt.datetime | None:
    return parse_time(value, "stored time") if value else None
