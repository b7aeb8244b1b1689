"""
One Meterable Unit's readings in Home Assistant: sample, compute, queue, upload.

State changes of the bound sensors feed an in-memory timeline; every UTC minute the
periods that ended (and, from an energy counter, the half-hours a later sample closes)
are computed and queued; after a restart or a gap the timeline is rebuilt from the
recorder, from the last boundary saved with the queue.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
import datetime as dt
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import (
    async_track_state_change_event,
    async_track_state_report_event,
    async_track_utc_time_change,
)
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from sqlalchemy.exc import SQLAlchemyError

from ..api.fpp import FppClient
from ..const import (
    CONF_ENERGY_SENSOR,
    CONF_GRANULARITY,
    CONF_IMPORT_POSITIVE,
    CONF_MU_ID,
    CONF_POWER_SENSOR,
    DOMAIN,
    LOGGER,
    Granularity,
)
from ..runtime import GridFlexConfigEntry
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
from .queue import STORAGE_VERSION, ReadingKind, ReadingsQueue
from .samples import (
    async_counter_around,
    async_recorded_counter,
    async_recorded_states,
    energy_samples,
    merge,
    power_sample,
    recorder_keep_days,
)
from .uploader import ReadingsUploader

# Readings waiting for FPP longer than this make "Readings healthy" a problem.
STALE_AFTER = 15 * 60
PARTIAL_MINUTES_KEPT = 60


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


class MeterableUnitReadings:
    """Readings of one Meterable Unit, from its sensors to FPP."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: GridFlexConfigEntry,
        subentry: ConfigSubentry,
        client: FppClient,
    ) -> None:
        """Prepare (nothing runs until :meth:`async_start`)."""
        self.hass = hass
        self.entry = entry
        self.subentry = subentry
        self.config = UnitConfig.from_subentry(subentry)
        store: Store[dict[str, Any]] = Store(
            hass,
            STORAGE_VERSION,
            f"{DOMAIN}.readings.{entry.entry_id}.{subentry.subentry_id}",
        )
        self.queue = ReadingsQueue(self.config.mu_id, store, client)
        self.power: list[Sample] = []
        self.energy: list[Sample] = []
        self.next_minute = 0
        self.next_half_hour = 0
        self.counter_ref: CounterRef | None = None
        self.partial_minutes: deque[dict[str, Any]] = deque(maxlen=PARTIAL_MINUTES_KEPT)
        # When half-hours last started waiting in the queue: one may be queued long after
        # it ended (a slow counter), and its age for health counts from then.
        self.energy_queued_since: float | None = None
        self._lock = asyncio.Lock()
        self._unsubs: list[CALLBACK_TYPE] = []
        self._listeners: list[Callable[[], None]] = []
        self.uploader = ReadingsUploader(
            hass,
            entry,
            self.queue,
            f"readings_rejected_{entry.entry_id}_{subentry.subentry_id}",
            self.notify,
        )

    # --- lifecycle ---------------------------------------------------------------

    async def async_start(self) -> None:
        """Restore the queue, catch up from the recorder, then follow the sensors."""
        await self.queue.async_load()
        now = dt_util.utcnow().timestamp()
        state = self.queue.state
        self.next_minute = int(state.get("next_minute") or floor_to(now, MINUTE))
        self.next_half_hour = int(
            state.get("next_half_hour") or floor_to(now, HALF_HOUR)
        )
        if ref := state.get("counter_ref"):
            # Saved by older versions as [boundary, interpolated value, gap flag].
            self.counter_ref = CounterRef(
                float(ref[0]), float(ref[1]), self.next_half_hour
            )
        if self.queue.pending[ReadingKind.ENERGY]:
            self.energy_queued_since = now
        # Never reach back further than the recorder keeps states.
        oldest_allowed = floor_to(
            now - recorder_keep_days(self.hass) * 86400, HALF_HOUR
        )
        self.next_minute = max(self.next_minute, floor_to(oldest_allowed, MINUTE))
        if self.next_half_hour < oldest_allowed:
            self.next_half_hour, self.counter_ref = oldest_allowed, None

        entities = [self.config.power_sensor]
        if self.config.energy_sensor:
            entities.append(self.config.energy_sensor)
        self._unsubs.append(
            async_track_state_change_event(self.hass, entities, self._on_state_change)
        )
        if self.config.energy_sensor:
            self._unsubs.append(
                async_track_state_report_event(
                    self.hass, self.config.energy_sensor, self._on_state_report
                )
            )
        await self._async_load_history(min(self.next_minute, self.next_half_hour))
        self._unsubs.append(
            async_track_utc_time_change(self.hass, self._async_on_tick, second=0)
        )
        await self.async_process(dt_util.utcnow())
        self.uploader.update_issue()

    async def async_stop(self) -> None:
        """Stop following the sensors and save the queue now."""
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        self.uploader.cancel_retry()
        await self.queue.async_flush_save()

    async def _async_load_history(self, start: int) -> None:
        """Rebuild the timelines from the recorder, merged with what arrived meanwhile."""
        begin = dt.datetime.fromtimestamp(start, dt.UTC)
        end = dt_util.utcnow()
        sign = self.config.sign
        power_states = await self._async_recorded(self.config.power_sensor, begin, end)
        current = self.hass.states.get(self.config.power_sensor)
        self.power = merge(
            [power_sample(s, sign) for s in power_states],
            [power_sample(current, sign)] if current else [],
            self.power,
        )
        if self.config.energy_sensor:
            ref = self.counter_ref
            if ref and ref.timestamp < start:
                begin = dt.datetime.fromtimestamp(ref.timestamp, dt.UTC)
            energy = await self._async_recorded(
                self.config.energy_sensor, begin, end, counter=True
            )
            current = self.hass.states.get(self.config.energy_sensor)
            self.energy = merge(
                energy, energy_samples(current) if current else [], self.energy
            )

    async def _async_recorded(
        self,
        entity_id: str,
        begin: dt.datetime,
        end: dt.datetime,
        *,
        counter: bool = False,
    ) -> list[Any]:
        try:
            if counter:
                return await async_recorded_counter(self.hass, entity_id, begin, end)
            return await async_recorded_states(self.hass, entity_id, begin, end)
        except (HomeAssistantError, SQLAlchemyError) as err:
            # Carry on from the live state; the gap can be resubmitted later.
            LOGGER.warning(
                "Recorder history unavailable for %s (%s); readings continue from now",
                self.config.mu_id,
                err,
            )
            return []

    @callback
    def _on_state_change(self, event: Event[EventStateChangedData]) -> None:
        new_state = event.data["new_state"]
        power = event.data["entity_id"] == self.config.power_sensor
        timeline = self.power if power else self.energy
        if new_state is None:  # the sensor was removed: unknown from now on
            self._append(timeline, (event.time_fired_timestamp, None))
        elif power:
            self._append(timeline, power_sample(new_state, self.config.sign))
        else:
            self._append(timeline, energy_samples(new_state)[0])

    @callback
    def _on_state_report(self, event: Event[EventStateReportedData]) -> None:
        # The counter said its value again: it is known at this later time too.
        state = event.data["new_state"]
        self._append(self.energy, energy_samples(state)[-1])

    @staticmethod
    def _append(timeline: list[Sample], sample: Sample) -> None:
        if timeline and timeline[-1][0] > sample[0]:
            timeline[:] = merge(timeline, [sample])
        else:
            timeline.append(sample)

    async def _async_on_tick(self, _now: dt.datetime) -> None:
        # The clock, not the tracker's nominal time: a late tick must not see the future.
        await self.async_process(dt_util.utcnow())

    # --- compute and queue -------------------------------------------------------

    async def async_process(self, now: dt.datetime) -> None:
        """Compute every period that ended since the last boundary, queue it, upload."""
        async with self._lock:
            moment = now.timestamp()
            power_end = floor_to(moment, MINUTE)
            energy_end = floor_to(moment, HALF_HOUR)
            power: list[tuple[int, float]] = []
            energy: list[tuple[int, float]] = []
            if power_end > self.next_minute:
                if self.config.send_power:
                    minutes = minute_power(self.power, self.next_minute, power_end)
                    power = self._note_partial(minutes)
                self.next_minute = power_end
            if energy_end > self.next_half_hour:
                energy = self._energy(self.next_half_hour, energy_end, live=True)
            if power or energy:
                self._note_energy_queued(energy, moment)
                self.queue.add(ReadingKind.POWER, power)
                self.queue.add(ReadingKind.ENERGY, energy)
                await self.queue.async_save_state(self._state())
            else:
                # Nothing new to send: losing this save only means recomputing nothing.
                self.queue.delay_save_state(self._state())
            self._trim()
        self.uploader.request_upload()
        self.notify()

    def _energy(self, start: int, end: int, *, live: bool) -> list[tuple[int, float]]:
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
                PeriodValue(p.end, p.value * self.config.sign, p.known_seconds, p.period)
                for p in values
            ]
        else:
            values = half_hour_energy_from_power(self.power, start, end)
            resume_at = end
        if live:
            self.next_half_hour = resume_at
        return [(p.end, p.value) for p in values]

    def _note_partial(self, minutes: Sequence[PeriodValue]) -> list[tuple[int, float]]:
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

    def _note_energy_queued(self, energy: list[tuple[int, float]], now: float) -> None:
        if energy and not self.queue.pending[ReadingKind.ENERGY]:
            self.energy_queued_since = now

    def _state(self) -> dict[str, Any]:
        ref = self.counter_ref
        return {
            "next_minute": self.next_minute,
            "next_half_hour": self.next_half_hour,
            "counter_ref": [ref.timestamp, ref.value] if ref else None,
        }

    def _trim(self) -> None:
        """Drop samples no future period needs (keep the one that holds at the boundary)."""
        power_from = self.next_minute
        if not self.config.energy_sensor:  # half-hours are integrated from power
            power_from = min(power_from, self.next_half_hour)
        energy_from = self.counter_ref.timestamp if self.counter_ref else 0
        for timeline, keep_from in ((self.power, power_from), (self.energy, energy_from)):
            index = 0
            while index + 1 < len(timeline) and timeline[index + 1][0] <= keep_from:
                index += 1
            if index:
                del timeline[:index]

    # --- resubmission --------------------------------------------------------------

    async def async_resubmit(self, start: dt.datetime, end: dt.datetime) -> int:
        """Recompute [start, end) from the recorder and queue it again (replacing values)."""
        first = floor_to(start.timestamp(), MINUTE)
        last = floor_to(end.timestamp(), MINUTE)
        begin = dt.datetime.fromtimestamp(first, dt.UTC)
        power = merge(
            power_sample(s, self.config.sign)
            for s in await async_recorded_states(
                self.hass, self.config.power_sensor, begin, end
            )
        )
        half_start = ceil_to(first, HALF_HOUR)
        half_end = floor_to(last, HALF_HOUR)
        energy: list[Sample] = []
        if self.config.energy_sensor and half_end > half_start:
            energy = await async_counter_around(
                self.hass,
                self.config.energy_sensor,
                dt.datetime.fromtimestamp(half_start, dt.UTC),
                dt.datetime.fromtimestamp(half_end, dt.UTC),
            )
        async with self._lock:
            power_readings = (
                [(p.end, p.value) for p in minute_power(power, first, last)]
                if self.config.send_power
                else []
            )
            energy_readings: list[tuple[int, float]] = []
            if self.config.send_energy and half_end > half_start:
                saved_power, saved_energy = self.power, self.energy
                self.power, self.energy = power, energy
                try:
                    energy_readings = self._energy(half_start, half_end, live=False)
                finally:
                    self.power, self.energy = saved_power, saved_energy
            self.queue.drop_parked(first, last)
            self._note_energy_queued(energy_readings, dt_util.utcnow().timestamp())
            self.queue.add(ReadingKind.POWER, power_readings)
            self.queue.add(ReadingKind.ENERGY, energy_readings)
            await self.queue.async_save_state(self._state())
        self.uploader.update_issue()
        self.uploader.request_upload()
        self.notify()
        return len(power_readings) + len(energy_readings)

    # --- what entities and diagnostics show ------------------------------------------

    @property
    def healthy(self) -> bool:
        """
        False when a batch is parked or readings have waited for FPP over 15 minutes.

        A minute waits from its end; a half-hour from when it was queued, which is
        later when it waited for a slow counter's next sample (late, not unhealthy).
        """
        if self.queue.parked:
            return False
        now = dt_util.utcnow().timestamp()
        power = self.queue.pending[ReadingKind.POWER]
        if power and now - min(power) > STALE_AFTER:
            return False
        since = self.energy_queued_since
        return (
            not self.queue.pending[ReadingKind.ENERGY]
            or since is None
            or now - since <= STALE_AFTER
        )

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call ``listener`` whenever the queue or the upload result changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def notify(self) -> None:
        """Tell the entities something changed."""
        for listener in list(self._listeners):
            listener()
