"""
One Meterable Unit's readings in Home Assistant: sample, compute, queue, upload.

State changes of the bound sensors feed an in-memory timeline; every UTC minute the
periods that ended (and, from an energy counter, the half-hours a later sample closes)
are computed and queued; after a restart or a gap the timeline is rebuilt from the
recorder, from the last boundary saved with the queue.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import (
    async_track_state_change_event,
    async_track_state_report_event,
    async_track_utc_time_change,
)
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..api.fpp import FppClient
from ..const import DOMAIN
from .compute import HALF_HOUR, MINUTE, Sample, ceil_to, floor_to
from .queue import STORAGE_VERSION, ReadingKind, ReadingsQueue
from .samples import async_counter_around, async_recorded_power, recorder_keep_days
from .timeline import UnitConfig, UnitTimeline
from .uploader import ReadingsUploader, report_lost_state

# Readings waiting for FPP longer than this make "Readings delayed" a problem.
STALE_AFTER = 15 * 60
PARTIAL_MINUTES_KEPT = 60


class MeterableUnitReadings:
    """Readings of one Meterable Unit, from its sensors to FPP."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
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
        self.timeline = UnitTimeline(self.config)
        # When half-hours last started waiting in the queue: one may be queued long after
        # it ended (a slow counter), and its age for health counts from then.
        self.energy_queued_since: float | None = None
        self._lock = asyncio.Lock()
        self._unsubs: list[CALLBACK_TYPE] = []
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
        complete = await self.queue.async_load()
        now = dt_util.utcnow().timestamp()
        if self.queue.pending[ReadingKind.ENERGY]:
            self.energy_queued_since = now
        # Never reach back further than the recorder keeps states.
        oldest_allowed = floor_to(
            now - recorder_keep_days(self.hass) * 86400, HALF_HOUR
        )
        try:
            self.timeline.restore(self.queue.state, now, oldest_allowed)
        except (TypeError, ValueError, IndexError, KeyError):
            complete = False
        if not complete:
            # Saved readings or boundaries were lost: recompute all the recorder still holds
            # (FPP takes a timestamp sent again as a replacement, so nothing counts twice).
            self.timeline.restore(
                {"next_minute": oldest_allowed, "next_half_hour": oldest_allowed},
                now,
                oldest_allowed,
            )
            report_lost_state(self.hass, self.entry, self.subentry, oldest_allowed)

        entities = [self.config.power_sensor]
        if self.config.energy_sensor:
            entities.append(self.config.energy_sensor)
        timeline = self.timeline
        self._unsubs.append(
            async_track_state_change_event(
                self.hass, entities, timeline.on_state_change
            )
        )
        if self.config.energy_sensor:
            self._unsubs.append(
                async_track_state_report_event(
                    self.hass, self.config.energy_sensor, timeline.on_state_report
                )
            )
        await timeline.async_load_history(self.hass)
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

    async def _async_on_tick(self, _now: dt.datetime) -> None:
        # The clock, not the tracker's nominal time: a late tick must not see the future.
        await self.async_process(dt_util.utcnow())

    # --- compute and queue -------------------------------------------------------

    async def async_process(self, now: dt.datetime) -> None:
        """Compute every period that ended since the last boundary, queue it, upload."""
        async with self._lock:
            moment = now.timestamp()
            power, energy = self.timeline.compute(moment)
            if power or energy:
                self._note_energy_queued(energy, moment)
                self.queue.add(ReadingKind.POWER, power)
                self.queue.add(ReadingKind.ENERGY, energy)
                await self.queue.async_save_state(self.timeline.state())
            else:
                # Nothing new to send: losing this save only means recomputing nothing.
                self.queue.delay_save_state(self.timeline.state())
        self.uploader.request_upload()
        self.notify()

    def _note_energy_queued(self, energy: list[tuple[int, float]], now: float) -> None:
        if energy and not self.queue.pending[ReadingKind.ENERGY]:
            self.energy_queued_since = now

    # --- resubmission --------------------------------------------------------------

    async def async_resubmit(self, start: dt.datetime, end: dt.datetime) -> int:
        """Recompute [start, end) from the recorder and queue it again (replacing values)."""
        first = floor_to(start.timestamp(), MINUTE)
        last = floor_to(end.timestamp(), MINUTE)
        begin = dt.datetime.fromtimestamp(first, dt.UTC)
        power = await async_recorded_power(
            self.hass, self.config.power_sensor, begin, end, self.config.sign
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
            power_readings, energy_readings = self.timeline.compute_window(
                power, energy, first, last
            )
            self.queue.drop_parked(first, last)
            self._note_energy_queued(energy_readings, dt_util.utcnow().timestamp())
            self.queue.add(ReadingKind.POWER, power_readings)
            self.queue.add(ReadingKind.ENERGY, energy_readings)
            await self.queue.async_save_state(self.timeline.state())
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

    @property
    def signal(self) -> str:
        """Dispatcher signal sent whenever the queue or the upload result changes."""
        return f"{DOMAIN}_readings_changed_{self.subentry.subentry_id}"

    @callback
    def notify(self) -> None:
        """Tell the entities something changed."""
        async_dispatcher_send(self.hass, self.signal)
