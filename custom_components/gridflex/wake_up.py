"""One pending wake-up at a time: planned at a moment or after a delay, replaced or cancelled."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
import datetime as dt
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later, async_track_point_in_utc_time


class WakeUp:
    """Runs ``action`` once at the planned moment; planning again replaces what was pending."""

    def __init__(
        self,
        hass: HomeAssistant,
        action: Callable[[dt.datetime], Coroutine[Any, Any, None] | None],
    ) -> None:
        """Plan nothing yet."""
        self._hass = hass
        self._job = HassJob(action)
        self._unsub: CALLBACK_TYPE | None = None

    @callback
    def at_earliest(self, moments: Iterable[dt.datetime]) -> None:
        """Drop the pending wake-up; plan one at the earliest of ``moments`` (none when empty)."""
        self.cancel()
        earliest = min(moments, default=None)
        if earliest is not None:
            self._unsub = async_track_point_in_utc_time(
                self._hass, self._reached, earliest
            )

    @callback
    def after(self, delay: float | dt.timedelta) -> None:
        """Drop the pending wake-up; plan one ``delay`` from now (monotonic, not wall clock)."""
        self.cancel()
        self._unsub = async_call_later(self._hass, delay, self._reached)

    @property
    def pending(self) -> bool:
        """Whether a wake-up is planned."""
        return self._unsub is not None

    @callback
    def cancel(self) -> None:
        """Drop the pending wake-up, if any."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None

    @callback
    def _reached(self, now: dt.datetime) -> None:
        self._unsub = None
        self._hass.async_run_hass_job(self._job, now)
