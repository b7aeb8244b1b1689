"""One calendar per FPP account: every instruction it received, past and upcoming."""

from __future__ import annotations

import datetime as dt

from homeassistant.components.calendar import CalendarEntity, CalendarEvent
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.util import dt as dt_util

from ..entity import GridFlexEntity, events_overlapping
from ..words import number, say
from .describe import power_words, product_name
from .notify import signal_account_changed
from .records import InstructionRecord, Phase
from .state import DispatchRuntime

OPEN_ENDED_SPAN = dt.timedelta(minutes=1)


def _calendar_event(
    hass: HomeAssistant,
    record: InstructionRecord,
    now: dt.datetime,
    notes: list[str] | None = None,
) -> CalendarEvent | None:
    ins = record.instruction
    if ins.start is None:
        return None  # a cancel for an id never seen has no times
    end = ins.end or max(now, ins.start) + OPEN_ENDED_SPAN  # open until a stop arrives
    powers = [u.power_kw for u in ins.meterable_units if u.power_kw is not None]
    total = sum(powers, 0.0) if powers else None
    power = power_words(hass, ins.direction.value, total)
    product = product_name(ins.product)
    summary = say(
        hass,
        "calendar_summary_cancelled" if record.cancelled else "calendar_summary",
        power=power,
        product=product,
    )
    units = ", ".join(
        f"{u.id} ({number(hass, u.power_kw)} kW)" if u.power_kw is not None else u.id
        for u in ins.meterable_units
    )
    description = say(
        hass,
        "calendar_description",
        units=units,
        power=power,
        product=product,
        zone=ins.zone or say(hass, "words_not_given"),
        instruction=ins.id,
        code=ins.product or say(hass, "words_not_given"),
    )
    if notes:
        description = "\n".join([description, *notes])
    return CalendarEvent(
        start=ins.start,
        end=end,
        summary=summary,
        description=description,
        uid=ins.id,
    )


class DispatchCalendar(GridFlexEntity, CalendarEntity):
    """Every instruction of the account as a calendar event."""

    def __init__(self, entry: ConfigEntry, runtime: DispatchRuntime) -> None:
        """Show ``runtime``'s instructions."""
        super().__init__(entry, None, "dispatches")
        self._runtime = runtime

    async def async_added_to_hass(self) -> None:
        """Refresh whenever an instruction moves."""
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_account_changed(self._entry.entry_id),
                self.async_write_ha_state,
            )
        )

    def _events(self) -> list[CalendarEvent]:
        now = dt_util.utcnow()
        notes = self._runtime.event_notes
        events = [
            _calendar_event(
                self.hass, r, now, [n for note in notes for n in note(r.id)]
            )
            for r in self._runtime.lifecycle.records.values()
        ]
        return sorted(
            (e for e in events if e is not None), key=lambda e: e.start_datetime_local
        )

    @property
    def event(self) -> CalendarEvent | None:
        """The running instruction, else the next one."""
        now = dt_util.utcnow()
        live = [
            r
            for r in self._runtime.lifecycle.records.live()
            if r.phase in (Phase.ACTIVE, Phase.SCHEDULED)
            and r.instruction.start is not None
        ]
        live.sort(key=lambda r: (r.phase is not Phase.ACTIVE, r.instruction.start))
        return _calendar_event(self.hass, live[0], now) if live else None

    async def async_get_events(
        self, hass: HomeAssistant, start_date: dt.datetime, end_date: dt.datetime
    ) -> list[CalendarEvent]:
        """Instructions overlapping the window."""
        return events_overlapping(self._events(), start_date, end_date)
