"""
Pure computation of FPP readings from a sensor's state timeline (no Home Assistant).

A timeline is a time-sorted list of ``(epoch seconds, value)`` samples; ``None`` means the
sensor was unknown/unavailable. A value holds until the next sample. Periods are UTC and
named by their END (epoch seconds). Values are already in kW / kWh and export-positive.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

MINUTE = 60
HALF_HOUR = 1800
RESET_DROP_FRACTION = 0.1
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
    """Where the energy counter stood when the previous window was closed."""

    timestamp: float
    value: float
    after_gap: bool = False


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


def _counter_step(previous: float, value: float) -> float | None:
    """Energy counted from ``previous`` to ``value``; None for a glitch to ignore."""
    if value >= previous:
        return value - previous
    if previous - value > RESET_DROP_FRACTION * abs(previous):
        return value  # meter reset: the new value counts from zero
    return None


def half_hour_energy_from_counter(
    samples: Sequence[Sample], start: int, end: int, ref: CounterRef | None = None
) -> tuple[list[PeriodValue], CounterRef | None]:
    """
    KWh of each UTC half-hour in [start, end) from a cumulative counter, and where it stood at ``end``.

    Each increase is spread linearly between the two samples that show it (which is
    linear interpolation of the counter at the boundaries); an increase that shows up
    when the sensor comes back from unknown is counted at that instant. Pass the
    returned ``CounterRef`` to the next window so nothing is counted twice or lost.
    """
    count = max(0, (end - start) // HALF_HOUR)
    end = start + count * HALF_HOUR
    energy = [0.0] * count
    _, known = _integrate(
        [(t, None if v is None else 0.0) for t, v in samples], start, end, HALF_HOUR
    )

    def spread(delta: float, t0: float, t1: float) -> float:
        """Add the part of ``delta`` inside [start, end); return the part after ``end``."""
        if t1 <= t0:
            if start <= t1 < end:
                energy[int((t1 - start) // HALF_HOUR)] += delta
                return 0.0
            return delta if t1 >= end else 0.0
        slot = int((t0 - start) // HALF_HOUR)
        if t1 < end and slot >= 0 and t1 <= start + (slot + 1) * HALF_HOUR:
            energy[slot] += delta  # the usual case: both samples in one half-hour
            return 0.0
        rate = delta / (t1 - t0)
        t0 = max(t0, float(start))
        while t0 < min(t1, end):
            slot_end = start + (int((t0 - start) // HALF_HOUR) + 1) * HALF_HOUR
            piece = min(t1, slot_end, end) - t0
            energy[int((t0 - start) // HALF_HOUR)] += rate * piece
            t0 += piece
        return rate * max(0.0, t1 - max(t0, float(end)))

    index = bisect_right(samples, float(start), key=lambda s: s[0])
    if ref is None:
        ref = _ref_at_start(samples, index, start)
    else:
        # A sample exactly at ``start`` was left for this window by the previous one.
        index = bisect_left(samples, float(start), key=lambda s: s[0])
        ref = CounterRef(float(start), ref.value, ref.after_gap)
    # The reference (last counted sample) in locals: this loop runs once per sample.
    has_ref = ref is not None
    ref_t, ref_v, gap = (
        (ref.timestamp, ref.value, ref.after_gap) if ref else (0.0, 0.0, False)
    )
    closing: CounterRef | None = None
    for when, value in samples[index:]:
        if not has_ref:
            if value is not None and when < end:
                has_ref, ref_t, ref_v, gap = True, when, value, False
            if when >= end:
                break
            continue
        if value is None:
            if when >= end:
                break
            gap = True
            continue
        delta = _counter_step(ref_v, value)
        if delta is None or (when >= end and gap):
            if when >= end:
                break
            continue
        after = spread(delta, when if gap else ref_t, when)
        if when >= end:
            closing = CounterRef(float(end), value - after)
            break
        ref_t, ref_v, gap = when, value, False
    if closing is None and has_ref:
        closing = CounterRef(float(end), ref_v, gap)
    readings = [
        PeriodValue(start + (i + 1) * HALF_HOUR, energy[i], known[i], HALF_HOUR)
        for i in range(count)
        if known[i] > _EPSILON
    ]
    return readings, closing


def _ref_at_start(
    samples: Sequence[Sample], index: int, start: int
) -> CounterRef | None:
    """Return the counter at ``start``, interpolated between the samples around it when both are known."""
    if not index or (before := samples[index - 1])[1] is None:
        return None
    t0, v0 = before[0], before[1]
    if index < len(samples):
        t1, v1 = samples[index]
        if v1 is not None and v1 >= v0 and t1 > t0:
            return CounterRef(float(start), v0 + (v1 - v0) * (start - t0) / (t1 - t0))
    return CounterRef(float(start), v0)
