"""Turn Home Assistant sensor states (live or from the recorder) into timeline samples."""

from __future__ import annotations

from collections.abc import Iterable
import datetime as dt
import math

from homeassistant.components.recorder import history
from homeassistant.const import UnitOfEnergy, UnitOfPower
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers.recorder import get_instance
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
    return None if factor is None else number * factor


def power_sample(state: State, sign: float) -> Sample:
    """Return a power state as (time, export-positive kW)."""
    value = _value(state, PowerConverter, UnitOfPower.KILO_WATT)
    return (
        state.last_updated_timestamp,
        None if value is None else value * sign,
    )


def energy_sample(state: State) -> Sample:
    """Return an energy counter state as (time, kWh as counted)."""
    return (
        state.last_updated_timestamp,
        _value(state, EnergyConverter, UnitOfEnergy.KILO_WATT_HOUR),
    )


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


def oldest_recorded(hass: HomeAssistant) -> dt.datetime | None:
    """Return when the recorder's oldest state is from, or None when it has none."""
    recorder = get_instance(hass)
    oldest = recorder.states_manager.oldest_ts
    return None if oldest is None else dt.datetime.fromtimestamp(oldest, dt.UTC)


def recorder_keep_days(hass: HomeAssistant) -> int:
    """Return how many days the recorder keeps states before purging them."""
    return int(get_instance(hass).keep_days)
