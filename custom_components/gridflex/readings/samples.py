"""Turn Home Assistant sensor states (live or from the recorder) into timeline samples."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
import datetime as dt
from decimal import Decimal, InvalidOperation
import itertools
import math
from typing import Any, cast

from homeassistant.components.recorder import history
from homeassistant.const import (
    COMPRESSED_STATE_ATTRIBUTES,
    COMPRESSED_STATE_LAST_UPDATED,
    COMPRESSED_STATE_STATE,
    UnitOfEnergy,
    UnitOfPower,
)
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


def _unit_factor(
    attributes: Mapping[str, Any], converter: type[BaseUnitConverter], target: str
) -> float | None:
    """Return the factor from a state's unit to ``target``; None for another kind of unit."""
    unit = attributes.get("unit_of_measurement")
    return _factor(converter, unit, target) if isinstance(unit, str) else None


def _number(text: str, factor: float | None) -> float | None:
    """Return a state text times ``factor``; None when unknown, non-numeric or of another unit."""
    try:
        number = float(text)
    except ValueError:
        return None
    if not math.isfinite(number) or factor is None:
        return None
    if factor == 1.0:
        return number
    try:
        # In decimal, so 1390 Wh is 1.39 kWh exactly as written (the reset rule compares it).
        return float(Decimal(text) * Decimal(repr(factor)))
    except InvalidOperation:  # pragma: no cover - float() accepted it
        return number * factor


def _value(
    state: State, converter: type[BaseUnitConverter], target: str
) -> float | None:
    """Return the value in ``target`` units; None when unknown, non-numeric or of another unit."""
    return _number(state.state, _unit_factor(state.attributes, converter, target))


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


def _sorted(samples: list[Sample]) -> list[Sample]:
    """Return samples as :func:`merge` would: already strictly in time order, as they are."""
    if all(a[0] < b[0] for a, b in itertools.pairwise(samples)):
        return samples
    return merge(samples)


def _counter_samples(states: Sequence[State]) -> list[Sample]:
    """
    Return an energy counter's recorded states as (time, kWh as counted) samples.

    The same samples as :func:`energy_samples` of each state, merged; the unit is looked
    up once per attributes object (the recorder shares one per distinct attributes).
    """
    samples: list[Sample] = []
    attributes: Mapping[str, Any] | None = None
    factor: float | None = None
    for state in states:
        if state.attributes is not attributes:
            attributes = state.attributes
            factor = _unit_factor(
                attributes, EnergyConverter, UnitOfEnergy.KILO_WATT_HOUR
            )
        value = _number(state.state, factor)
        updated = state.last_updated_timestamp
        samples.append((updated, value))
        if (reported := state.last_reported_timestamp) > updated:
            samples.append((reported, value))
    return _sorted(samples)


def _power_samples(rows: Sequence[dict[str, Any]], sign: float) -> list[Sample]:
    """Return compressed recorded power states as (time, export-positive kW) samples."""
    samples: list[Sample] = []
    attributes: Mapping[str, Any] | None = None
    factor: float | None = None
    for row in rows:
        if row[COMPRESSED_STATE_ATTRIBUTES] is not attributes:
            attributes = row[COMPRESSED_STATE_ATTRIBUTES]
            factor = _unit_factor(attributes, PowerConverter, UnitOfPower.KILO_WATT)
        value = _number(row[COMPRESSED_STATE_STATE], factor)
        samples.append(
            (
                row[COMPRESSED_STATE_LAST_UPDATED],
                None if value is None else value * sign,
            )
        )
    return _sorted(samples)


async def async_recorded_power(
    hass: HomeAssistant,
    entity_id: str,
    start: dt.datetime,
    end: dt.datetime,
    sign: float,
) -> list[Sample]:
    """
    Return a power sensor's recorded samples over [start, end], with the one in force at ``start``.

    One query for every row (attribute changes too: a new unit is a new value) in HA's
    compressed form, turned into samples in the recorder's executor: no State objects.
    """

    # The recorder leaves out a state stamped exactly at the start time: ask from just before.
    since = start - dt.timedelta(seconds=1)

    def fetch() -> list[Sample]:
        return _recorded_power_rows(
            hass, entity_id, since, end, sign, include_start_state=True
        )

    return await get_instance(hass).async_add_executor_job(fetch)


def _recorded_power_rows(
    hass: HomeAssistant,
    entity_id: str,
    since: dt.datetime,
    until: dt.datetime,
    sign: float,
    *,
    include_start_state: bool,
) -> list[Sample]:
    """Return a power sensor's samples from every recorded row in HA's compressed form (executor)."""
    found = history.get_significant_states(
        hass,
        since,
        until,
        [entity_id],
        include_start_time_state=include_start_state,
        significant_changes_only=False,
        minimal_response=False,
        no_attributes=False,
        compressed_state_format=True,
    )
    rows = cast("list[dict[str, Any]]", found.get(entity_id.lower(), []))
    return _power_samples(rows, sign)


def _from(samples: list[Sample], begin: float) -> list[Sample]:
    """Return the samples stamped at or after ``begin`` (they are in time order)."""
    return samples[bisect_left(samples, begin, key=lambda s: s[0]) :]


def recorded_chunk(
    hass: HomeAssistant,
    begin: float,
    end: float,
    *,
    power_sensor: str,
    energy_sensor: str | None,
    sign: float,
) -> tuple[list[Sample], list[Sample]]:
    """
    Return both sensors' samples stamped in [begin, end), no state in force before (executor).

    Consecutive chunks read this way hold every recorded sample once: the queries ask from
    just before ``begin`` (the recorder leaves out a state stamped exactly at its start)
    and what is before ``begin`` is dropped here. A counter's unchanged report after
    ``end`` comes with its state: the next chunk reads it again (merge keeps one).
    """
    since = dt.datetime.fromtimestamp(begin - 1, dt.UTC)
    until = dt.datetime.fromtimestamp(end, dt.UTC)
    power = _from(
        _recorded_power_rows(
            hass, power_sensor, since, until, sign, include_start_state=False
        ),
        begin,
    )
    energy: list[Sample] = []
    if energy_sensor:
        states = history.state_changes_during_period(
            hass, since, until, energy_sensor, include_start_time_state=False
        )
        energy = _from(_counter_samples(states.get(energy_sensor.lower(), [])), begin)
    return power, energy


async def _async_recorded_counter_window(
    hass: HomeAssistant, entity_id: str, start: dt.datetime, end: dt.datetime
) -> list[Sample]:
    """Return a counter's samples stamped in (start - 1 s, end), without the recorder's start state."""
    # The recorder leaves out a state stamped exactly at the start time: ask from just before.
    since = start - dt.timedelta(seconds=1)

    def fetch() -> list[Sample]:
        found = history.state_changes_during_period(
            hass,
            since,
            end,
            entity_id,
            no_attributes=False,
            include_start_time_state=True,
        )
        states = found.get(entity_id.lower(), [])
        # The state in force at ``since`` is stamped with ``since``: not a measurement then.
        skip = (
            1 if states and states[0].last_updated_timestamp == since.timestamp() else 0
        )
        return _counter_samples(states[skip:])

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
    found = await _async_recorded_counter_window(hass, entity_id, start, end)
    moment = start.timestamp()
    if any(when <= moment and value is not None for when, value in found):
        return found
    oldest = dt_util.utcnow() - dt.timedelta(days=recorder_keep_days(hass))
    for lookback in (*_LOOKBACKS, start - oldest):
        samples = await _async_changes(hass, entity_id, start - lookback, start)
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
) -> list[Sample]:
    """Return a counter's samples stamped in (start, end), nothing before."""

    def fetch() -> list[Sample]:
        found = history.state_changes_during_period(
            hass, start, end, entity_id, include_start_time_state=False
        )
        return _counter_samples(found.get(entity_id.lower(), []))

    return await get_instance(hass).async_add_executor_job(fetch)


def oldest_recorded(hass: HomeAssistant) -> dt.datetime | None:
    """Return when the recorder's oldest state is from, or None when it has none."""
    recorder = get_instance(hass)
    oldest = recorder.states_manager.oldest_ts
    return None if oldest is None else dt.datetime.fromtimestamp(oldest, dt.UTC)


def recorder_keep_days(hass: HomeAssistant) -> int:
    """Return how many days the recorder keeps states before purging them."""
    return int(get_instance(hass).keep_days)
