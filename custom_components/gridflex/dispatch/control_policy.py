"""
Which active instructions may switch an MU's devices: the MU's own limits decide.

A ``turn_up`` instruction never turns devices off (an MU whose action is "turn off" skips it),
and an MU set to control only its listed products skips instructions for other products.
Each skip is said once per instruction and MU, in the logbook.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
import datetime as dt

from homeassistant.config_entries import ConfigSubentry

from ..api.fpp.dispatch import Direction
from ..const import (
    CONF_CONTROL_ACTION,
    CONF_CONTROL_LISTED_PRODUCTS_ONLY,
    CONF_MAX_DISPATCH_MINUTES,
    CONF_MIN_SWITCH_MINUTES,
    CONF_PRODUCTS,
    DEFAULT_MAX_DISPATCH_MINUTES,
    DEFAULT_MIN_SWITCH_MINUTES,
    ControlAction,
)
from .records import InstructionRecord


@dataclass(frozen=True, slots=True)
class MuLimits:
    """The device-control options of one MU sub-entry."""

    turns_off: bool
    max_duration: dt.timedelta
    min_switch: dt.timedelta
    products: frozenset[str] | None  # None: every product

    @classmethod
    def of(cls, subentry: ConfigSubentry) -> MuLimits:
        """Read the options (older sub-entries lack the newer ones: defaults)."""
        data = subentry.data
        listed_only = bool(data.get(CONF_CONTROL_LISTED_PRODUCTS_ONLY, False))
        return cls(
            turns_off=data.get(CONF_CONTROL_ACTION, ControlAction.TURN_OFF)
            == ControlAction.TURN_OFF,
            max_duration=dt.timedelta(
                minutes=float(
                    data.get(CONF_MAX_DISPATCH_MINUTES, DEFAULT_MAX_DISPATCH_MINUTES)
                )
            ),
            min_switch=dt.timedelta(
                minutes=float(
                    data.get(CONF_MIN_SWITCH_MINUTES, DEFAULT_MIN_SWITCH_MINUTES)
                )
            ),
            products=(
                frozenset(p.lower() for p in data.get(CONF_PRODUCTS) or [])
                if listed_only
                else None
            ),
        )

    def skip_reason(self, record: InstructionRecord) -> str | None:
        """Why this MU's devices stay as they are (a sentence key; None: they act)."""
        ins = record.instruction
        if self.turns_off and ins.direction is Direction.TURN_UP:
            return "control_skipped_turn_up"
        if (
            self.products is not None
            and (ins.product or "").lower() not in self.products
        ):
            return "control_skipped_product"
        return None


class ControlPolicy:
    """Filters the active instructions of each MU down to those that may switch devices."""

    def __init__(
        self,
        limits: dict[str, MuLimits],
        say: Callable[..., None],
    ) -> None:
        """``say(mu, key, **placeholders)`` writes one logbook line (raw values, put in words when read)."""
        self.limits = limits
        self._say = say
        self._said: set[tuple[str, str]] = set()

    def acting(self, mu: str, records: Iterable[InstructionRecord]) -> bool:
        """Whether at least one active instruction of ``mu`` may switch its devices."""
        limits = self.limits.get(mu)
        if limits is None:
            return False
        acting = False
        for record in records:
            reason = limits.skip_reason(record)
            if reason is None:
                acting = True
            elif (record.id, mu) not in self._said:
                self._said.add((record.id, mu))
                self._say(
                    mu,
                    reason,
                    instruction=record.id,
                    product=record.instruction.product,
                )
        return acting
