"""
One Meterable Unit's sensor timelines and the periods computed from them.

State changes (and, for an energy counter, unchanged reports) are appended as samples;
:meth:`UnitTimeline.compute` turns the periods that can be closed into readings and
moves its boundaries on; after a restart the timelines are rebuilt from the recorder,
from the boundaries saved with the queue.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
import datetime as dt
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import (
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
from sqlalchemy.exc import SQLAlchemyError

from ..const import (
    CONF_ENERGY_SENSOR,
    CONF_GRANULARITY,
    CONF_IMPORT_POSITIVE,
    CONF_MU_ID,
    CONF_POWER_SENSOR,
    LOGGER,
    Granularity,
)
from .compute import (
    HALF_HOUR,
    MINUTE,
    CounterRef,
    PeriodValue,
    Sample,
    ceil_to,
    floor_to,
    half_hour_energy_from_counter,
    half_hour_energy_from_power,
    minute_power,
)
from .samples import (
    async_recorded_counter,
    async_recorded_power,
    energy_samples,
    merge,
    power_sample,
)

PARTIAL_MINUTES_KEPT = 60

type Readings = list[tuple[int, float]]


@dataclass(frozen=True, slots=True)
class UnitConfig:
    """What a Meterable Unit sub-entry says about its readings."""

    mu_id: str
    power_sensor: str
    energy_sensor: str | None
    send_power: bool
    send_energy: bool
    sign: float

    @classmethod
    def from_subentry(cls, subentry: ConfigSubentry) -> UnitConfig:
        """Read the sub-entry's data."""
        data = subentry.data
        minute = data.get(CONF_GRANULARITY, Granularity.MINUTE) == Granularity.MINUTE
        energy_sensor = data.get(CONF_ENERGY_SENSOR) or None
        return cls(
            mu_id=data[CONF_MU_ID],
            power_sensor=data[CONF_POWER_SENSOR],
            energy_sensor=energy_sensor,
            send_power=minute,
            send_energy=energy_sensor is not None or not minute,
            sign=-1.0 if data.get(CONF_IMPORT_POSITIVE, True) else 1.0,
        )


class UnitTimeline:
    """The samples of a Meterable Unit's sensors and how far readings were computed."""

    def __init__(self, config: UnitConfig) -> None:
        """Start empty; :meth:`restore` and :meth:`async_load_history` fill it."""
        self.config = config
        self.power: list[Sample] = []
        self.energy: list[Sample] = []
        self.next_minute = 0
        self.next_half_hour = 0
        self.counter_ref: CounterRef | None = None
        self.partial_minutes: deque[dict[str, Any]] = deque(maxlen=PARTIAL_MINUTES_KEPT)

    def restore(self, state: dict[str, Any], now: float, oldest_allowed: int) -> None:
        """Take the boundaries saved with the queue (never before ``oldest_allowed``)."""
        self.next_minute = int(state.get("next_minute") or floor_to(now, MINUTE))
        self.next_half_hour = int(
            state.get("next_half_hour") or floor_to(now, HALF_HOUR)
        )
        if ref := state.get("counter_ref"):
            # Older versions saved [boundary, interpolated value, gap flag]: the same
            # point on the counter's line, so it carries on just as well.
            self.counter_ref = CounterRef(
                float(ref[0]), float(ref[1]), self.next_half_hour
            )
        self.next_minute = max(self.next_minute, floor_to(oldest_allowed, MINUTE))
        if self.next_half_hour < oldest_allowed:
            self.next_half_hour, self.counter_ref = oldest_allowed, None

    def state(self) -> dict[str, Any]:
        """Return the boundaries to save with the queue."""
        ref = self.counter_ref
        return {
            "next_minute": self.next_minute,
            "next_half_hour": self.next_half_hour,
            "counter_ref": [ref.timestamp, ref.value] if ref else None,
        }

    # --- samples -----------------------------------------------------------------

    async def async_load_history(self, hass: HomeAssistant) -> None:
        """Rebuild the timelines from the recorder, merged with what arrived meanwhile."""
        # Power from the first minute to compute (and half-hour, when integrated from
        # power); a counter's half-hours may wait long after, from its own reference.
        start = self.next_minute
        if not self.config.energy_sensor:
            start = min(start, self.next_half_hour)
        end = dt_util.utcnow()
        sign = self.config.sign
        recorded: list[Sample] = await self._async_recorded(
            hass, self.config.power_sensor, _utc(start), end
        )
        current = hass.states.get(self.config.power_sensor)
        self.power = merge(
            recorded,
            [power_sample(current, sign)] if current else [],
            self.power,
        )
        if self.config.energy_sensor:
            since = float(self.next_half_hour)
            if ref := self.counter_ref:
                since = min(since, ref.timestamp)
            energy: list[Sample] = await self._async_recorded(
                hass, self.config.energy_sensor, _utc(since), end, counter=True
            )
            current = hass.states.get(self.config.energy_sensor)
            self.energy = merge(
                energy, energy_samples(current) if current else [], self.energy
            )

    async def _async_recorded(
        self,
        hass: HomeAssistant,
        entity_id: str,
        begin: dt.datetime,
        end: dt.datetime,
        *,
        counter: bool = False,
    ) -> list[Any]:
        try:
            if counter:
                return await async_recorded_counter(hass, entity_id, begin, end)
            return await async_recorded_power(
                hass, entity_id, begin, end, self.config.sign
            )
        except (HomeAssistantError, SQLAlchemyError) as err:
            # Carry on from the live state; the gap can be resubmitted later.
            LOGGER.warning(
                "Recorder history unavailable for %s (%s); readings continue from now",
                self.config.mu_id,
                err,
            )
            return []

    @callback
    def on_state_change(self, event: Event[EventStateChangedData]) -> None:
        """Append a bound sensor's new state."""
        new_state = event.data["new_state"]
        power = event.data["entity_id"] == self.config.power_sensor
        timeline = self.power if power else self.energy
        if new_state is None:  # the sensor was removed: unknown from now on
            _append(timeline, (event.time_fired_timestamp, None))
        elif power:
            _append(timeline, power_sample(new_state, self.config.sign))
        else:
            _append(timeline, energy_samples(new_state)[0])

    @callback
    def on_state_report(self, event: Event[EventStateReportedData]) -> None:
        """Append the counter's unchanged value again: it is known at this later time too."""
        _append(self.energy, energy_samples(event.data["new_state"])[-1])

    # --- periods -----------------------------------------------------------------

    def compute(self, moment: float) -> tuple[Readings, Readings]:
        """Return the minutes and half-hours closed by ``moment``; move the boundaries on."""
        power_end = floor_to(moment, MINUTE)
        energy_end = floor_to(moment, HALF_HOUR)
        power: Readings = []
        energy: Readings = []
        if power_end > self.next_minute:
            if self.config.send_power:
                minutes = minute_power(self.power, self.next_minute, power_end)
                power = self._note_partial(minutes)
            self.next_minute = power_end
        if energy_end > self.next_half_hour:
            energy = self._energy(self.next_half_hour, energy_end, live=True)
        self._trim()
        return power, energy

    def compute_window(
        self, power: list[Sample], energy: list[Sample], first: int, last: int
    ) -> tuple[Readings, Readings]:
        """Compute [first, last) from recorded samples (a resubmission); boundaries stay."""
        power_readings: Readings = (
            [(p.end, p.value) for p in minute_power(power, first, last)]
            if self.config.send_power
            else []
        )
        window = UnitTimeline(self.config)
        window.power, window.energy = power, energy
        half_start = ceil_to(first, HALF_HOUR)
        half_end = floor_to(last, HALF_HOUR)
        energy_readings = (
            window._energy(half_start, half_end, live=False)
            if half_end > half_start
            else []
        )
        return power_readings, energy_readings

    def _energy(self, start: int, end: int, *, live: bool) -> Readings:
        """
        Half-hours of [start, end) that can be computed; live, move the boundary on.

        From a counter, a half-hour waits for a sample at or after its end: the
        boundary stops at the first one still waiting.
        """
        if not self.config.send_energy:
            values: list[PeriodValue] = []
            resume_at = end
        elif self.config.energy_sensor:
            ref = self.counter_ref if live else None
            values, ref = half_hour_energy_from_counter(self.energy, start, end, ref)
            resume_at = ref.resume_at if ref else end
            if live:
                self.counter_ref = ref
            values = [
                PeriodValue(
                    p.end, p.value * self.config.sign, p.known_seconds, p.period
                )
                for p in values
            ]
        else:
            values = half_hour_energy_from_power(self.power, start, end)
            resume_at = end
        if live:
            self.next_half_hour = resume_at
        return [(p.end, p.value) for p in values]

    def _note_partial(self, minutes: Sequence[PeriodValue]) -> Readings:
        for period in minutes:
            if period.partial:
                self.partial_minutes.append(
                    {
                        "end": dt.datetime.fromtimestamp(
                            period.end, dt.UTC
                        ).isoformat(),
                        "known_seconds": round(period.known_seconds, 3),
                    }
                )
        return [(p.end, p.value) for p in minutes]

    def _trim(self) -> None:
        """Drop samples no future period needs (keep the one that holds at the boundary)."""
        power_from = self.next_minute
        if not self.config.energy_sensor:  # half-hours are integrated from power
            power_from = min(power_from, self.next_half_hour)
        # Until the counter has a reference, its last known sample may be any old one.
        ref = self.counter_ref
        energy_from = ref.timestamp if ref else 0.0
        for timeline, keep_from in (
            (self.power, power_from),
            (self.energy, energy_from),
        ):
            index = 0
            while index + 1 < len(timeline) and timeline[index + 1][0] <= keep_from:
                index += 1
            if index:
                del timeline[:index]


def _append(timeline: list[Sample], sample: Sample) -> None:
    if timeline and timeline[-1][0] > sample[0]:
        timeline[:] = merge(timeline, [sample])
    else:
        timeline.append(sample)


def _utc(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)
