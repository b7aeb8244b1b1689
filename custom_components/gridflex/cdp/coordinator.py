"""
One coordinator per Connected Data Portal account: the trades and results of its zones.

At most one refresh an hour (longer after failures), and a refresh re-reads a resource only when
its version moved. Between refreshes, entities are re-evaluated at the next moment one of their
values changes (a period starts or ends, a trade closes), without any request.
"""

from __future__ import annotations

import datetime as dt

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from ..accounts import subentries_of
from ..api.cdp import AccessRefusedError, CdpClient
from ..api.cdp.market import MarketSnapshot, async_read_market
from ..api.errors import GridFlexApiError
from ..const import DOMAIN, LOGGER, SUBENTRY_FLEXIBILITY_ZONE
from ..wake_up import WakeUp
from .const import (
    CONF_CMZ_CODE,
    LOOK_AHEAD,
    MAX_BACKOFF,
    REFRESH_INTERVAL,
    TOKEN_HELP_URL,
    TOKEN_NEEDED_ISSUE,
)


def token_issue_id(entry_id: str) -> str:
    """Return the id of the "token needed" repair issue of one account."""
    return f"{TOKEN_NEEDED_ISSUE}_{entry_id}"


class CdpCoordinator(DataUpdateCoordinator[MarketSnapshot | None]):
    """Keeps one portal account's zones in step with the portal, politely."""

    config_entry: ConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, client: CdpClient
    ) -> None:
        """Prepare, without any I/O."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} connected data portal",
            update_interval=REFRESH_INTERVAL,
        )
        self.client = client
        self.failures = 0
        self._next_tick = WakeUp(hass, self._tick)

    @property
    def zones(self) -> list[ConfigSubentry]:
        """Return the account's flexibility zone sub-entries."""
        return subentries_of(self.config_entry, SUBENTRY_FLEXIBILITY_ZONE)

    async def _async_update_data(self) -> MarketSnapshot:
        codes = [sub.data[CONF_CMZ_CODE] for sub in self.zones]
        try:
            snapshot = await async_read_market(self.client, codes, self.data)
        except AccessRefusedError as err:
            if err.token_sent:
                self._back_off()
                raise ConfigEntryAuthFailed(
                    translation_domain=DOMAIN, translation_key="cdp_token_refused"
                ) from err
            # No token is a choice, not a fault: the zones stay empty (no error logged,
            # entities stay available) and a repair issue says how to get one.
            LOGGER.debug("Connected Data Portal: %s", err)
            self._raise_token_issue()
            return MarketSnapshot(
                periods=dict.fromkeys(codes, ()),
                results=dict.fromkeys(codes, ()),
                reads={},
                rights=None,
            )
        except GridFlexApiError as err:
            self._back_off()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cdp_unreachable",
                translation_placeholders={"error": str(err)},
            ) from err
        self.failures = 0
        self.update_interval = REFRESH_INTERVAL
        ir.async_delete_issue(
            self.hass, DOMAIN, token_issue_id(self.config_entry.entry_id)
        )
        if snapshot.reread:
            LOGGER.debug(
                "Connected Data Portal: re-read %s", ", ".join(snapshot.reread)
            )
        return snapshot

    def _back_off(self) -> None:
        """Wait longer after each failed refresh: 1, 2, 4, then 6 hours."""
        self.failures += 1
        self.update_interval = min(
            REFRESH_INTERVAL * 2 ** (self.failures - 1), MAX_BACKOFF
        )

    def _raise_token_issue(self) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            token_issue_id(self.config_entry.entry_id),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=TOKEN_NEEDED_ISSUE,
            translation_placeholders={
                "account": self.config_entry.title,
                "url": TOKEN_HELP_URL,
            },
        )

    # --- Re-evaluating entities when time moves, without requests -----------------------

    @callback
    def _async_refresh_finished(self) -> None:
        self._schedule_tick()

    @callback
    def _schedule_tick(self) -> None:
        if self.data is None:
            self._next_tick.cancel()
            return
        now = dt_util.utcnow()
        self._next_tick.at_earliest(
            moment
            for periods in self.data.periods.values()
            for p in periods
            for moment in (p.start, p.end, p.closes, p.start - LOOK_AHEAD)
            if moment is not None and moment > now
        )

    @callback
    def _tick(self, _now: dt.datetime) -> None:
        self.async_update_listeners()
        self._schedule_tick()

    @callback
    def async_cancel_tick(self) -> None:
        """Stop re-evaluating (the entry unloads)."""
        self._next_tick.cancel()
