"""
One Meterable Unit's sensor timelines and the periods computed from them.

State changes (and, for an energy counter, unchanged reports) are appended as samples;
:meth:`UnitTimeline.compute` turns the periods that can be closed into readings and
moves its boundaries on; after a restart the recorder's samples are added chunk by
chunk from the boundaries saved with the queue (``catch_up``), live ones kept aside.
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
    State,
    callback,
)

from ..const import (
    CONF_ENERGY_SENSOR,
    CONF_GRANULARITY,
    CONF_IMPORT_POSITIVE,
    CONF_MU_ID,
    CONF_POWER_SENSOR,
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
from .samples import energy_samples, merge, power_sample

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
        """Start empty; :meth:`restore` and a catch-up from the recorder fill it."""
        self.config = config
        self.power: list[Sample] = []
        self.energy: list[Sample] = []
        self.next_minute = 0
        self.next_half_hour = 0
        self.counter_ref: CounterRef | None = None
        self.partial_minutes: deque[dict[str, Any]] = deque(maxlen=PARTIAL_MINUTES_KEPT)
        # While catching up: the (power, energy) samples that came live meanwhile.
        self._live: tuple[list[Sample], list[Sample]] | None = None

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

    def history_starts(self) -> tuple[float, float]:
        """Return from when the recorder's power and counter samples are needed."""
        # Power from the first minute to compute (and half-hour, when integrated from
        # power); a counter's half-hours may wait long after, from its own reference.
        power_from = float(self.next_minute)
        if not self.config.energy_sensor:
            power_from = min(power_from, self.next_half_hour)
        energy_from = float(self.next_half_hour)
        if ref := self.counter_ref:
            energy_from = min(energy_from, ref.timestamp)
        return power_from, energy_from

    def begin_catch_up(self) -> None:
        """Keep live samples aside while recorded ones are computed, oldest first."""
        self._live = ([], [])

    @property
    def catching_up(self) -> bool:
        """Whether recorded samples are still being computed (live ones kept aside)."""
        return self._live is not None

    def add_recorded(self, power: list[Sample], energy: list[Sample]) -> None:
        """Append the next recorded samples (all later than those already held)."""
        for timeline, samples in ((self.power, power), (self.energy, energy)):
            if timeline and samples and timeline[-1][0] >= samples[0][0]:
                timeline[:] = merge(timeline, samples)
            else:
                timeline.extend(samples)

    def end_catch_up(
        self,
        power: list[Sample],
        energy: list[Sample],
        current: tuple[State | None, State | None],
        *,
        recorded: bool = True,
    ) -> None:
        """
        Add the last recorded samples, the sensors' current states and what came live.

        Without the whole record (``recorded`` False: the recorder failed), the power
        held from the last recorded sample is not known after it: it is dropped.
        """
        live_power, live_energy = self._live or ([], [])
        self._live = None
        if not recorded:
            self.power.clear()
        self.add_recorded(power, energy)
        current_power, current_energy = current
        sign = self.config.sign
        self.power = merge(
            self.power,
            [power_sample(current_power, sign)] if current_power else [],
            live_power,
        )
        if self.config.energy_sensor:
            self.energy = merge(
                self.energy,
                energy_samples(current_energy) if current_energy else [],
                live_energy,
            )

    @callback
    def on_state_change(self, event: Event[EventStateChangedData]) -> None:
        """Append a bound sensor's new state."""
        new_state = event.data["new_state"]
        power = event.data["entity_id"] == self.config.power_sensor
        power_timeline, energy_timeline = self._live or (self.power, self.energy)
        timeline = power_timeline if power else energy_timeline
        if new_state is None:  # the sensor was removed: unknown from now on
            _append(timeline, (event.time_fired_timestamp, None))
        elif power:
            _append(timeline, power_sample(new_state, self.config.sign))
        else:
            _append(timeline, energy_samples(new_state)[0])

    @callback
    def on_state_report(self, event: Event[EventStateReportedData]) -> None:
        """Append the counter's unchanged value again: it is known at this later time too."""
        energy = self._live[1] if self._live else self.energy
        _append(energy, energy_samples(event.data["new_state"])[-1])

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
