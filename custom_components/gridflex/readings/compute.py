"""
Pure computation of FPP readings from a sensor's state timeline (no Home Assistant).

A timeline is a time-sorted list of ``(epoch seconds, value)`` samples; ``None`` means the
sensor was unknown/unavailable. A value holds until the next sample. Periods are UTC and
named by their END (epoch seconds). Values are already in kW / kWh and export-positive.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

MINUTE = 60
HALF_HOUR = 1800
RESET_DROP_FRACTION = Decimal("0.1")
_EPSILON = 1e-6

type Sample = tuple[float, float | None]


@dataclass(frozen=True, slots=True)
class PeriodValue:
    """One computed reading: the value over the period ending at ``end``."""

    end: int
    value: float
    known_seconds: float
    period: int

    @property
    def partial(self) -> bool:
        """Whether the source was unknown for part of the period (diagnostics)."""
        return self.known_seconds < self.period - _EPSILON


@dataclass(frozen=True, slots=True)
class CounterRef:
    """
    Where a counter computation stopped, to carry on from there.

    ``timestamp``/``value`` is the last counted sample at or before ``resume_at``, the
    start of the first half-hour not computed yet (waiting for a later sample).
    """

    timestamp: float
    value: float
    resume_at: int


def floor_to(moment: float, period: int) -> int:
    """Return the period boundary at or before ``moment``."""
    return int(moment // period) * period


def _integrate(
    samples: Sequence[Sample], start: int, end: int, period: int
) -> tuple[list[float], list[float]]:
    """Integrate the held value and the known time over each period of [start, end)."""
    count = max(0, (end - start) // period)
    integral = [0.0] * count
    known = [0.0] * count
    if not count:
        return integral, known
    end = start + count * period
    index = bisect_right(samples, float(start), key=lambda s: s[0])
    current = samples[index - 1][1] if index else None
    moment = float(start)

    def spread(t0: float, t1: float, value: float) -> None:
        slot = int((t0 - start) // period)
        while t0 < t1:
            slot_end = start + (slot + 1) * period
            piece = min(t1, slot_end) - t0
            integral[slot] += value * piece
            known[slot] += piece
            t0 += piece
            slot += 1

    while index < len(samples) and samples[index][0] < end:
        when, value = samples[index]
        if current is not None and when > moment:
            slot = int((moment - start) // period)
            if when <= start + (slot + 1) * period:
                # Within one period (the usual case): what spread() does, inlined.
                integral[slot] += current * (when - moment)
                known[slot] += when - moment
            else:
                spread(moment, when, current)
        moment = max(moment, when)
        current = value
        index += 1
    if current is not None:
        spread(moment, end, current)
    return integral, known


def minute_power(samples: Sequence[Sample], start: int, end: int) -> list[PeriodValue]:
    """Time-weighted average kW of each UTC minute in [start, end); unknown minutes omitted."""
    integral, known = _integrate(samples, start, end, MINUTE)
    return [
        PeriodValue(start + (i + 1) * MINUTE, integral[i] / known[i], known[i], MINUTE)
        for i in range(len(integral))
        if known[i] > _EPSILON
    ]


def half_hour_energy_from_power(
    samples: Sequence[Sample], start: int, end: int
) -> list[PeriodValue]:
    """KWh of each UTC half-hour in [start, end), integrating kW over the known time."""
    integral, known = _integrate(samples, start, end, HALF_HOUR)
    return [
        PeriodValue(
            start + (i + 1) * HALF_HOUR, integral[i] / 3600, known[i], HALF_HOUR
        )
        for i in range(len(integral))
        if known[i] > _EPSILON
    ]


def is_reset(previous: float, value: float) -> bool:
    """Whether a drop from ``previous`` to ``value`` is more than 10 %, compared exactly in decimal."""
    before, after = Decimal(repr(previous)), Decimal(repr(value))
    return before - after > RESET_DROP_FRACTION * abs(before)


def _counter_step(previous: float, value: float) -> float | None:
    """Energy counted from ``previous`` to ``value``; None for a glitch to ignore."""
    if value >= previous:
        return value - previous
    if is_reset(previous, value):
        return value  # meter reset: the new value counts from zero
    return None


def ceil_to(moment: float, period: int) -> int:
    """Return the period boundary at or after ``moment``."""
    return -int(-moment // period) * period


def half_hour_energy_from_counter(
    samples: Sequence[Sample], start: int, end: int, ref: CounterRef | None = None
) -> tuple[list[PeriodValue], CounterRef | None]:
    """
    KWh of the UTC half-hours in [start, end) that a cumulative counter's samples close.

    The rise between two consecutive counted samples is spread linearly over the time
    between them, unknown time included. A half-hour is computed only with a counted
    sample at or before its start and one at or after its end, so the result stops at
    the first half-hour still waiting for a sample (``resume_at`` of the returned ref,
    to pass back with the same timeline later); half-hours before the counter's first
    sample are never computed. Without any counted sample, the ref is None.
    """
    count = max(0, (end - start) // HALF_HOUR)
    end = start + count * HALF_HOUR
    energy = [0.0] * count

    def spread(delta: float, t0: float, t1: float) -> None:
        """Add the parts of ``delta``, spread over [t0, t1], that fall in [start, end)."""
        if t1 <= start or t0 >= end:
            return
        slot = int((t0 - start) // HALF_HOUR)
        if slot >= 0 and t1 <= start + (slot + 1) * HALF_HOUR:
            energy[slot] += delta  # the usual case: both samples in one half-hour
            return
        rate = delta / (t1 - t0)
        moment = max(t0, float(start))
        while moment < min(t1, end):
            index = int((moment - start) // HALF_HOUR)
            piece = min(t1, start + (index + 1) * HALF_HOUR) - moment
            energy[index] += rate * piece
            moment += piece

    if ref is None:
        index = 0
    else:
        index = bisect_right(samples, ref.timestamp, key=lambda s: s[0])
    # The last counted sample, and the last one at or before the latest boundary seen.
    has_ref = ref is not None
    ref_t, ref_v = (ref.timestamp, ref.value) if ref else (0.0, 0.0)
    first_t = ref_t
    held_t, held_v = ref_t, ref_v
    for when, value in samples[index:]:
        if value is None:
            continue
        if not has_ref:
            has_ref, first_t, ref_t, ref_v, held_t, held_v = (
                True,
                when,
                when,
                value,
                when,
                value,
            )
            continue
        delta = _counter_step(ref_v, value)
        if delta is None:
            continue
        spread(delta, ref_t, when)
        boundary = min(floor_to(when, HALF_HOUR), end)
        if when == boundary:
            held_t, held_v = when, value
        elif ref_t <= boundary:
            held_t, held_v = ref_t, ref_v
        ref_t, ref_v = when, value
        if when >= end:
            break
    if not has_ref:
        return [], None
    first = max(start, ceil_to(first_t, HALF_HOUR))
    resume_at = min(end, max(first, floor_to(ref_t, HALF_HOUR)))
    if resume_at >= ref_t:
        held_t, held_v = ref_t, ref_v
    readings = [
        PeriodValue(
            slot_end, energy[(slot_end - start) // HALF_HOUR - 1], HALF_HOUR, HALF_HOUR
        )
        for slot_end in range(first + HALF_HOUR, resume_at + 1, HALF_HOUR)
    ]
    return readings, CounterRef(held_t, held_v, resume_at)
