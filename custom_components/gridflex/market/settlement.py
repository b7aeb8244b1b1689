"""
FPP settlement data of one FPP account: utilisation-event performance per MU, and invoices.

Read daily, and again ``AFTER_INSTRUCTION`` after each instruction ends (FPP needs the readings
first). A failed read keeps the figures read before and is retried with a doubling delay
(5 minutes up to 6 hours), or as long as a 429 asks; a refused token starts the account's reauth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime as dt
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from ..accounts import subentries_of
from ..api.errors import AuthError, GridFlexApiError, RateLimitedError
from ..api.fpp import FppClient
from ..api.fpp.settlement import EventPerformance, Invoice
from ..const import CONF_MU_ID, DOMAIN, EVENT_DISPATCH, LOGGER, SUBENTRY_METERABLE_UNIT
from ..wake_up import WakeUp
from ..words import number, say

DAILY = dt.timedelta(days=1)
AFTER_INSTRUCTION = dt.timedelta(hours=1)
FIRST_RETRY = dt.timedelta(minutes=5)
MAX_RETRY = dt.timedelta(hours=6)
PERFORMANCE_LOOKBACK = dt.timedelta(days=35)
INVOICE_MONTHS_BACK = 3


@dataclass(slots=True)
class SettlementData:
    """Performance per MU (earliest event first) and invoices (oldest month first)."""

    performance: dict[str, list[EventPerformance]] = field(default_factory=dict)
    invoices: list[Invoice] = field(default_factory=list)

    def last_event(self, mu_id: str) -> EventPerformance | None:
        """Return the MU's most recent utilisation event."""
        events = self.performance.get(mu_id)
        return events[-1] if events else None

    def by_instruction(self, instruction_id: str) -> list[EventPerformance]:
        """Every MU's performance in one instruction."""
        return [
            e
            for events in self.performance.values()
            for e in events
            if e.instruction_id == instruction_id
        ]


@callback
def performance_lines(hass: HomeAssistant, event: EventPerformance) -> list[str]:
    """How one MU's performance reads on a past dispatch calendar event."""
    not_given = say(hass, "words_not_given")

    def kwh(value: float | None) -> str:
        return f"{number(hass, value)} kWh" if value is not None else not_given

    pct = event.performance_pct
    pay = event.payment_gbp
    return [
        say(
            hass,
            "settlement_performance_line",
            unit=event.meterable_unit_id,
            delivered=kwh(event.delivered_kwh),
            requested=kwh(event.requested_kwh),
            performance=f"{number(hass, pct)} %" if pct is not None else not_given,
            payment=say(hass, "words_amount_gbp", amount=number(hass, pay, 2))
            if pay is not None
            else not_given,
        )
    ]


def _month_start(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


class SettlementCoordinator(DataUpdateCoordinator[SettlementData]):
    """Reads one FPP account's performance and invoices."""

    config_entry: ConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, client: FppClient
    ) -> None:
        """Read daily; sooner after an instruction ends."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} FPP settlement {entry.title}",
            update_interval=DAILY,
        )
        self.client = client
        self.retry_delay = FIRST_RETRY
        self.last_error: str | None = None
        self._after_instruction = WakeUp(hass, self._refresh_now)

    def _meterable_units(self) -> list[str]:
        return [
            sub.data[CONF_MU_ID]
            for sub in subentries_of(self.config_entry, SUBENTRY_METERABLE_UNIT)
        ]

    async def _async_update_data(self) -> SettlementData:
        now = dt_util.utcnow()
        try:
            performance = {
                mu: await self.client.async_get_event_performance(
                    mu, now - PERFORMANCE_LOOKBACK, now
                )
                for mu in self._meterable_units()
            }
            today = now.date()
            invoices = await self.client.async_get_invoices(
                _month_start(today, INVOICE_MONTHS_BACK), today
            )
        except GridFlexApiError as err:
            return self._failed(err)
        if self.last_error is not None:
            LOGGER.info("FPP settlement data of %s read again", self.config_entry.title)
        self.last_error = None
        self.retry_delay = FIRST_RETRY
        self.update_interval = DAILY
        return SettlementData(performance, invoices)

    def _failed(self, err: GridFlexApiError) -> SettlementData:
        """
        Keep what was read before and try again later.

        Settled figures do not go stale while FPP is unreachable, so the sensors keep them; the
        failure is said once (a warning), like the readings uploader does, and kept for diagnostics.
        """
        if isinstance(err, AuthError):
            self.config_entry.async_start_reauth(self.hass)
        if self.last_error is None:
            LOGGER.warning(
                "FPP settlement data of %s not read (%s); trying again later",
                self.config_entry.title,
                err,
            )
        self.last_error = str(err)
        self._back_off(err.retry_after if isinstance(err, RateLimitedError) else None)
        return self.data or SettlementData()

    def _back_off(self, retry_after: float | None) -> None:
        """Next try after the doubling delay, or as long as FPP asked."""
        delay = self.retry_delay
        self.retry_delay = min(self.retry_delay * 2, MAX_RETRY)
        if retry_after is not None:
            delay = max(delay, dt.timedelta(seconds=retry_after))
        self.update_interval = delay

    @callback
    def follow_dispatch(self) -> CALLBACK_TYPE:
        """Refresh ``AFTER_INSTRUCTION`` after an instruction of this account ends."""
        entry_id = self.config_entry.entry_id

        @callback
        def _ours(data: dict[str, Any]) -> bool:
            return (
                data.get("type") == "ended" and data.get("config_entry_id") == entry_id
            )

        @callback
        def _ended(_event: Event[dict[str, Any]]) -> None:
            self._after_instruction.after(AFTER_INSTRUCTION)

        unlisten = self.hass.bus.async_listen(
            EVENT_DISPATCH, _ended, event_filter=_ours
        )

        @callback
        def _stop() -> None:
            unlisten()
            self._after_instruction.cancel()

        return _stop

    @callback
    def _refresh_now(self, _now: dt.datetime) -> None:
        self.config_entry.async_create_background_task(
            self.hass, self.async_refresh(), f"{DOMAIN} settlement after instruction"
        )
