"""
One coordinator per Switchgrid account: consents, orders, statistics, events.

It refreshes at setup, at 08:30 and 18:30 Paris time (at most twice a day, after Enedis and GRDF
publish), on demand, and shortly after a refresh left an order pending (a bounded number of times).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from ..accounts import subentries_of
from ..api.errors import (
    ContractError,
    GridFlexApiError,
    NotAvailableError,
    RejectedError,
)
from ..api.switchgrid import SwitchgridClient
from ..api.switchgrid.models import AskStatus
from ..const import (
    CONF_ENERGY_TYPE,
    DOMAIN,
    LOGGER,
    SUBENTRY_DELIVERY_POINT,
    EnergyType,
)
from ..exceptions import api_error
from ..privacy import masked_meter_number
from ..wake_up import WakeUp
from .consent import async_follow_consent, delivery_point
from .fetch import async_refresh_point, data_error_kind
from .issues import raise_data_issue, update_consent_issue
from .models import ConsumptionData, PendingOrder, PointState
from .statistics_rules import PARIS

REFRESH_TIMES = (dt.time(8, 30), dt.time(18, 30))
FOLLOW_UP_DELAY = dt.timedelta(minutes=10)
MAX_FOLLOW_UPS = 6
DEFAULT_RETRY = dt.timedelta(minutes=15)
MAX_RETRY = dt.timedelta(hours=4)
STORAGE_VERSION = 1
# While a consent is on its way to ACCEPTED, only its Ask is re-read this often.
CONSENT_CHECK_DELAY = dt.timedelta(minutes=15)
WAITING_ASK_STATUSES = frozenset(
    {
        AskStatus.CREATED,
        AskStatus.PENDING_ADDRESS_CHECK,
        AskStatus.PREPARING_CONSENT_COLLECTION,
        AskStatus.PENDING_USER_ACTION,
    }
)


def next_scheduled_refresh(now: dt.datetime) -> dt.datetime:
    """Return the next 08:30 or 18:30 Paris time strictly after ``now``."""
    local = now.astimezone(PARIS)
    for offset in (0, 1):
        day = local.date() + dt.timedelta(days=offset)
        for at in REFRESH_TIMES:
            moment = dt.datetime.combine(day, at, PARIS)
            if moment > local:
                return moment.astimezone(dt.UTC)
    raise AssertionError("unreachable")  # pragma: no cover


def _until_next_refresh(delay: dt.timedelta | None) -> dt.timedelta:
    """Time until the next refresh: after ``delay``, but never later than the next daily slot."""
    now = dt_util.utcnow()
    until = next_scheduled_refresh(now) - now
    return until if delay is None else min(until, delay)


class ConsumptionCoordinator(DataUpdateCoordinator[ConsumptionData]):
    """Keeps one Switchgrid account's delivery points in step with Switchgrid."""

    config_entry: ConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, client: SwitchgridClient
    ) -> None:
        """Prepare, without any I/O."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} consumption",
            update_interval=_until_next_refresh(None),
        )
        self.client = client
        self.data = ConsumptionData()
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.consumption.{entry.entry_id}"
        )
        self._ask_ids: dict[str, str] = {}
        self._follow_ups = 0
        self._retries = 0
        self._consent_check = WakeUp(hass, self._async_check_consents)
        # A scheduled refresh, the action and a consent check must not create Asks twice.
        self._lock = asyncio.Lock()

    @property
    def delivery_points(self) -> list[ConfigSubentry]:
        """Return the account's delivery point sub-entries."""
        return subentries_of(self.config_entry, SUBENTRY_DELIVERY_POINT)

    async def async_load(self) -> None:
        """Read remembered Ask ids and pending orders."""
        stored = await self._store.async_load() or {}
        self._ask_ids = dict(stored.get("asks", {}))
        for sub in self.delivery_points:
            state = self._point_state(sub)
            if pending := stored.get("pending", {}).get(sub.subentry_id):
                state.pending_order = PendingOrder(
                    pending["order_id"],
                    dt.datetime.fromisoformat(pending["ordered_at"]),
                )

    def _point_state(self, sub: ConfigSubentry) -> PointState:
        state = self.data.points.get(sub.subentry_id)
        if state is None:
            state = PointState(
                sub.subentry_id,
                delivery_point(sub),
                EnergyType(sub.data[CONF_ENERGY_TYPE]),
            )
            self.data.points[sub.subentry_id] = state
        return state

    def _save(self) -> None:
        self._store.async_delay_save(
            lambda: {
                "asks": self._ask_ids,
                "pending": {
                    key: {
                        "order_id": s.pending_order.order_id,
                        "ordered_at": s.pending_order.ordered_at.isoformat(),
                    }
                    for key, s in self.data.points.items()
                    if s.pending_order is not None
                },
            },
            1,
        )

    async def async_renew_consent(self, subentry_id: str) -> None:
        """Ask for a new consent (after a revoked, expired or invalid one), then refresh."""
        sub = self.config_entry.subentries[subentry_id]
        async with self._lock:
            await self._async_consent(sub, renew=True)
        await self.async_refresh()

    async def _async_consent(self, sub: ConfigSubentry, *, renew: bool = False) -> None:
        state = self._point_state(sub)
        ask = await async_follow_consent(
            self.client, sub, self._ask_ids.get(sub.subentry_id), renew=renew
        )
        state.ask = ask
        self._ask_ids[sub.subentry_id] = ask.id
        update_consent_issue(
            self.hass, self.config_entry.entry_id, sub, ask, dt_util.utcnow()
        )

    async def _async_update_data(self) -> ConsumptionData:
        """Follow consents, then order and import data for accepted points (one at a time)."""
        async with self._lock:
            return await self._async_update_locked()

    async def _async_update_locked(self) -> ConsumptionData:
        now = dt_util.utcnow()
        pending = False
        try:
            await self._async_update_events()
            for sub in self.delivery_points:
                await self._async_consent(sub)
                state = self._point_state(sub)
                LOGGER.debug(
                    "Switchgrid refresh, %s point %s: consent %s",
                    state.energy_type.value,
                    masked_meter_number(state.point),
                    state.ask.status if state.ask else "not asked yet",
                )
                if state.ask is None or state.ask.status != AskStatus.ACCEPTED:
                    continue
                try:
                    pending |= await async_refresh_point(
                        self.hass, self.client, sub, state, now
                    )
                except NotAvailableError as err:
                    LOGGER.debug(
                        "Data of %s not available yet: %s",
                        masked_meter_number(state.point),
                        err,
                    )
                except (RejectedError, ContractError) as err:
                    # This point's request or reply is at fault: show it, keep the others going.
                    message = getattr(err, "detail", None) or str(err)
                    state.last_error = message
                    raise_data_issue(self.hass, data_error_kind(state), sub, message)
        except GridFlexApiError as err:
            raise api_error(err, "switchgrid", retry_in=self._retry_in) from err
        finally:
            self._save()
        LOGGER.debug(
            "Switchgrid refresh of %s done: %s delivery points, %s demand-response events%s",
            self.config_entry.title,
            len(self.delivery_points),
            len(self.data.events),
            ", more data pending" if pending else "",
        )
        self._retries = 0
        self._schedule_consent_check()
        if pending and self._follow_ups < MAX_FOLLOW_UPS:
            self._follow_ups += 1
            self.update_interval = _until_next_refresh(FOLLOW_UP_DELAY)
        else:
            self._follow_ups = 0
            self.update_interval = _until_next_refresh(None)
        return self.data

    async def _async_update_events(self) -> None:
        """Read the public demand-response feed; a failure keeps the last events."""
        try:
            self.data.events = await self.client.async_get_events()
        except GridFlexApiError as err:
            LOGGER.debug("Switchgrid events feed unavailable: %s", err)

    def _retry_in(self, retry_after: float | None) -> float:
        """Seconds until the retry: Switchgrid's ``Retry-After``, else a growing backoff."""
        self._retries += 1
        if retry_after is not None:
            delay = max(dt.timedelta(seconds=retry_after), dt.timedelta(seconds=1))
        else:
            backoff: dt.timedelta = DEFAULT_RETRY * (2 ** min(self._retries - 1, 8))
            delay = min(backoff, MAX_RETRY)
        return _until_next_refresh(delay).total_seconds()

    def _waiting_points(self) -> list[ConfigSubentry]:
        return [
            sub
            for sub in self.delivery_points
            if (state := self.data.points.get(sub.subentry_id)) is not None
            and state.ask is not None
            and state.ask.status in WAITING_ASK_STATUSES
        ]

    @callback
    def _schedule_consent_check(self) -> None:
        """Re-read waiting consents soon, so a signature shows without a full refresh."""
        if self._waiting_points():
            self._consent_check.at_earliest([dt_util.utcnow() + CONSENT_CHECK_DELAY])
        else:
            self._consent_check.cancel()

    async def _async_check_consents(self, _now: dt.datetime) -> None:
        """Read the waiting Asks; once one is ACCEPTED, refresh to fetch its data."""
        accepted = False
        try:
            async with self._lock:
                for sub in self._waiting_points():
                    await self._async_consent(sub)
                    ask = self.data.points[sub.subentry_id].ask
                    accepted |= ask is not None and ask.status == AskStatus.ACCEPTED
        except GridFlexApiError as err:
            LOGGER.debug("Consent check failed, trying again later: %s", err)
        if accepted:
            await self.async_refresh()
            return
        self.async_update_listeners()
        self._schedule_consent_check()

    @callback
    def async_cancel_timer(self) -> None:
        """Stop the planned consent checks (unload; the coordinator stops its own refresh)."""
        self._consent_check.cancel()
