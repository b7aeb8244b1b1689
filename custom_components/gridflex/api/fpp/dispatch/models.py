"""
Typed inbound dispatch instructions (FPP → GridFlex), as the contract proposes them.

Everything is frozen: an instruction is replaced, never mutated. Times are aware UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import datetime as dt
from enum import StrEnum
from typing import Any

MAX_ID_LENGTH = 128
MAX_BODY_BYTES = 65_536
MAX_BATCH = 100
# Unknown fields are kept with the instruction (event data, diagnostics), up to this size.
MAX_EXTRA_BYTES = 4_096
# Times a DSO could mean: none before this, none more than MAX_AHEAD after the request.
EARLIEST_TIME = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
MAX_AHEAD = dt.timedelta(days=366)


class Status(StrEnum):
    """What FPP asks for with an instruction id."""

    INSTRUCTED = "instructed"
    CANCELLED = "cancelled"


class Direction(StrEnum):
    """Which way the Meterable Unit must move."""

    TURN_DOWN = "turn_down"
    TURN_UP = "turn_up"


class InvalidInstructionError(ValueError):
    """A body (or one batch item) breaks the contract: answered 400 with ``detail``."""

    def __init__(self, detail: str, instruction_id: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.instruction_id = instruction_id


class BatchTooLargeError(ValueError):
    """A batch with more instructions than FPP may send at once: answered 413."""

    def __init__(self, count: int) -> None:
        super().__init__(
            f"body: a batch holds at most {MAX_BATCH} instructions, got {count}"
        )
        self.detail = str(self)


@dataclass(frozen=True, slots=True)
class MeterableUnitPower:
    """One Meterable Unit named by an instruction, with the power asked of it."""

    id: str
    power_kw: float | None


@dataclass(frozen=True, slots=True)
class Instruction:
    """One v2 dispatch instruction (or cancel), normalised."""

    id: str
    status: Status
    meterable_units: tuple[MeterableUnitPower, ...]
    start: dt.datetime | None
    end: dt.datetime | None
    product: str | None = None
    zone: str | None = None
    direction: Direction = Direction.TURN_DOWN
    issued_at: dt.datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # The MU ids in the order FPP listed them (asked for on every change: kept, not rebuilt).
    meterable_unit_ids: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        """Note the MU ids once."""
        object.__setattr__(
            self, "meterable_unit_ids", tuple(unit.id for unit in self.meterable_units)
        )


@dataclass(frozen=True, slots=True)
class LegacyStart:
    """A ``v1/dispatch/start`` body: one MU, possibly open-ended."""

    meterable_unit_id: str
    start: dt.datetime
    end: dt.datetime | None
    power_kw: float | None = None
    product: str | None = None
    zone: str | None = None
    direction: Direction = Direction.TURN_DOWN
    extra: Mapping[str, Any] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class LegacyStop:
    """A ``v1/dispatch/stop`` body: end the running legacy instruction of one MU."""

    meterable_unit_id: str
    stop: dt.datetime | None
    extra: Mapping[str, Any] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class RejectedItem:
    """A batch item that failed parsing; the rest of the batch still counts."""

    instruction_id: str | None
    detail: str


type BatchItem = Instruction | RejectedItem


@dataclass(frozen=True, slots=True)
class V2Body:
    """A parsed ``v2/dispatch`` body: one instruction, or a batch of judged items."""

    items: tuple[BatchItem, ...]
    is_batch: bool
