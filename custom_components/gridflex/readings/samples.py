"""Turn Home Assistant sensor states (live or from the recorder) into timeline samples."""

from __future__ import annotations

from collections.abc import Iterable
import datetime as dt
from decimal import Decimal, InvalidOperation
import math

from homeassistant.components.recorder import history
from homeassistant.const import UnitOfEnergy, UnitOfPower
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import (
    BaseUnitConverter,
    EnergyConverter,
    PowerConverter,
)

from .compute import Sample

_FACTORS: dict[tuple[str, str], float | None] = {}


def _factor(converter: type[BaseUnitConverter], unit: str, target: str) -> float | None:
    key = (converter.UNIT_CLASS, unit)
    if key not in _FACTORS:
        _FACTORS[key] = (
            converter.convert(1.0, unit, target)
            if unit in converter.VALID_UNITS
            else None
        )
    return _FACTORS[key]


def _value(
    state: State, converter: type[BaseUnitConverter], target: str
) -> float | None:
    """Return the value in ``target`` units; None when unknown, non-numeric or of another unit."""
    try:
        number = float(state.state)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    unit = state.attributes.get("unit_of_measurement")
    factor = _factor(converter, unit, target) if isinstance(unit, str) else None
    if factor is None or factor == 1.0:
        return None if factor is None else number
    try:
        # In decimal, so 1390 Wh is 1.39 kWh exactly as written (the reset rule compares it).
        return float(Decimal(state.state) * Decimal(repr(factor)))
    except InvalidOperation:  # pragma: no cover - float() accepted it
        return number * factor


def power_sample(state: State, sign: float) -> Sample:
    """Return a power state as (time, export-positive kW)."""
    value = _value(state, PowerConverter, UnitOfPower.KILO_WATT)
    return (
        state.last_updated_timestamp,
        None if value is None else value * sign,
    )


def energy_sample(state: State) -> Sample:
    """Return an energy counter state as (time it was set, kWh as counted)."""
    return (
        state.last_updated_timestamp,
        _value(state, EnergyConverter, UnitOfEnergy.KILO_WATT_HOUR),
    )


def energy_samples(state: State) -> list[Sample]:
    """
    Return an energy counter state as (time, kWh as counted) samples.

    A counter that reports an unchanged value is known at that later time too
    (``last_reported``): that sample closes a half-hour as well as a change would.
    """
    sample = energy_sample(state)
    if state.last_reported_timestamp > sample[0]:
        return [sample, (state.last_reported_timestamp, sample[1])]
    return [sample]


def merge(*timelines: Iterable[Sample]) -> list[Sample]:
    """Merge timelines into one sorted by time; a later timeline wins on the same instant."""
    by_time: dict[float, float | None] = {}
    for timeline in timelines:
        by_time.update(timeline)
    return sorted(by_time.items())


async def async_recorded_states(
    hass: HomeAssistant, entity_id: str, start: dt.datetime, end: dt.datetime
) -> list[State]:
    """Return the recorded states of one entity over [start, end], with the state at ``start``."""

    # The recorder leaves out a state stamped exactly at the start time: ask from just before.
    since = start - dt.timedelta(seconds=1)

    def fetch() -> list[State]:
        found = history.state_changes_during_period(
            hass,
            since,
            end,
            entity_id,
            no_attributes=False,
            include_start_time_state=True,
        )
        return list(found.get(entity_id.lower(), []))

    return await get_instance(hass).async_add_executor_job(fetch)


# How far back to look for the counter's true last sample before a window, step by step.
_LOOKBACKS = (dt.timedelta(hours=1), dt.timedelta(days=1))


async def async_recorded_counter(
    hass: HomeAssistant, entity_id: str, start: dt.datetime, end: dt.datetime
) -> list[Sample]:
    """
    Return an energy counter's samples over [start, end] at their true times.

    The recorder stamps the state in force at the query start with the query start
    itself (or leaves it out): that is not a measurement then. Without a known sample
    at or before ``start``, the samples before it back to the last known one are read
    with their own timestamps.
    """
    states = await async_recorded_states(hass, entity_id, start, end)
    since = (start - dt.timedelta(seconds=1)).timestamp()
    if states and states[0].last_updated_timestamp == since:
        states = states[1:]
    found = merge(*(energy_samples(s) for s in states))
    moment = start.timestamp()
    if any(when <= moment and value is not None for when, value in found):
        return found
    oldest = dt_util.utcnow() - dt.timedelta(days=recorder_keep_days(hass))
    for lookback in (*_LOOKBACKS, start - oldest):
        earlier = await _async_changes(hass, entity_id, start - lookback, start)
        samples = merge(*(energy_samples(s) for s in earlier))
        if any(value is not None for _, value in samples):
            return merge(samples, found)
    return found


# How far past a window to look for the counter's first sample after it, step by step.
_LOOKAHEADS = (dt.timedelta(hours=1), dt.timedelta(days=1))


async def async_counter_around(
    hass: HomeAssistant, entity_id: str, start: dt.datetime, end: dt.datetime
) -> list[Sample]:
    """
    Return a counter's samples from the last known one at or before ``start`` to the first after ``end``.

    Those are what the half-hours of [start, end) need, at their true times.
    """
    now = dt_util.utcnow()
    for lookahead in (*_LOOKAHEADS, now - end):
        until = min(now, end + lookahead)
        samples = await async_recorded_counter(hass, entity_id, start, until)
        if any(when >= end.timestamp() and v is not None for when, v in samples):
            break
    return samples


async def _async_changes(
    hass: HomeAssistant, entity_id: str, start: dt.datetime, end: dt.datetime
) -> list[State]:
    """Return the recorded states of one entity stamped in (start, end), nothing before."""

    def fetch() -> list[State]:
        found = history.state_changes_during_period(
            hass, start, end, entity_id, include_start_time_state=False
        )
        return list(found.get(entity_id.lower(), []))

    return await get_instance(hass).async_add_executor_job(fetch)


def oldest_recorded(hass: HomeAssistant) -> dt.datetime | None:
    """Return when the recorder's oldest state is from, or None when it has none."""
    recorder = get_instance(hass)
    oldest = recorder.states_manager.oldest_ts
    return None if oldest is None else dt.datetime.fromtimestamp(oldest, dt.UTC)


def recorder_keep_days(hass: HomeAssistant) -> int:
    """Return how many days the recorder keeps states before purging them."""
    return int(get_instance(hass).keep_days)
