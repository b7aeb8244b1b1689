"""Order, poll and import one delivery point's data (bounded: a pending order is polled later)."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant

from ..api.errors import NotAvailableError
from ..api.switchgrid import SwitchgridClient
from ..api.switchgrid.enedis import C68_ASYNC, LOADCURVE
from ..api.switchgrid.models import GrdfReply, Order, OrderRequest, RequestStatus
from ..const import LOGGER, EnergyType
from ..privacy import masked_meter_number
from .issues import (
    SERIES_MISMATCH,
    clear_data_issue,
    raise_data_issue,
    raise_series_mismatch_issue,
)
from .models import PendingOrder, PointState
from .statistics import (
    async_import,
    async_last_start,
    electricity_spec,
    gas_energy_spec,
    gas_volume_spec,
)
from .statistics_rules import (
    BACKFILL_DAYS,
    ELECTRICITY_WINDOW_DAYS,
    GAS_WINDOW_DAYS,
    PARIS,
    electricity_window_start,
    gas_hourly,
    gas_window_start,
    select_gas_days,
    series_count_mismatch,
    series_hourly,
)

GRDF_ERROR = "grdf_error"
ENEDIS_FAILED = "enedis_failed"
# A pending order is dropped (and ordered again at the next refresh) after this long.
MAX_PENDING_AGE = dt.timedelta(hours=12)
# Re-order this many days before the newest stored row: late days and revisions come back.
ORDER_MARGIN = dt.timedelta(days=10)


async def _async_since(
    hass: HomeAssistant, statistic_id: str, today: dt.date, window_days: int
) -> dt.date:
    """Return the first day to order: 3 years back at first, else just before the window."""
    last = await async_last_start(hass, statistic_id)
    if last is None:
        return today - dt.timedelta(days=BACKFILL_DAYS)
    return last.astimezone(PARIS).date() - dt.timedelta(days=window_days) - ORDER_MARGIN


def _finished(request: OrderRequest) -> bool:
    return request.status in (RequestStatus.SUCCESS, RequestStatus.FAILED)


def _keep_pending(state: PointState, order: Order, now: dt.datetime) -> bool:
    """Remember an unfinished order to poll it at a later refresh."""
    pending = state.pending_order
    if pending is None or pending.order_id != order.id:
        pending = PendingOrder(order.id, now)
    pending.polls += 1
    state.pending_order = pending
    return True


def _drop_stale_order(state: PointState, now: dt.datetime) -> None:
    """Give up an order pending for too long: this refresh orders again."""
    pending = state.pending_order
    if pending is not None and now - pending.ordered_at > MAX_PENDING_AGE:
        LOGGER.warning(
            "Order %s of %s still pending after %s: ordering again",
            pending.order_id,
            masked_meter_number(state.point),
            MAX_PENDING_AGE,
        )
        state.pending_order = None


class _Point(NamedTuple):
    """One delivery point being refreshed: where its data comes from and goes."""

    hass: HomeAssistant
    client: SwitchgridClient
    subentry: ConfigSubentry
    state: PointState


def data_error_kind(state: PointState) -> str:
    """Return the data issue a point's upstream errors are shown under."""
    return GRDF_ERROR if state.energy_type == EnergyType.GAS else ENEDIS_FAILED


async def async_refresh_point(
    hass: HomeAssistant,
    client: SwitchgridClient,
    subentry: ConfigSubentry,
    state: PointState,
    now: dt.datetime,
) -> bool:
    """Bring a point's statistics up to date; return True while an order is still pending."""
    point = _Point(hass, client, subentry, state)
    _drop_stale_order(state, now)
    if state.energy_type == EnergyType.GAS:
        return await _async_refresh_gas(point, now)
    return await _async_refresh_electricity(point, now)


async def _async_refresh_gas(point: _Point, now: dt.datetime) -> bool:
    """Bring a PCE's statistics up to date; return True while an order is still pending."""
    hass, client, subentry, state = point
    energy = gas_energy_spec(state.point, subentry.title)
    reply: Order | GrdfReply
    if state.pending_order is not None:
        reply = await client.async_get_grdf_order(state.pending_order.order_id)
    else:
        today = now.astimezone(PARIS).date()
        since = await _async_since(hass, energy.statistic_id, today, GAS_WINDOW_DAYS)
        reply = await client.async_order_grdf(state.point, since, today)
        if isinstance(reply, Order):
            reply = await client.async_get_grdf_order(reply.id)
    if isinstance(reply, Order):
        if not all(_finished(r) for r in reply.requests):
            return _keep_pending(state, reply, now)
        state.pending_order = None
        failed = [r for r in reply.requests if r.status == RequestStatus.FAILED]
        if failed or not reply.requests:
            message = (failed[0].error_message if failed else None) or reply.status
            state.last_error = message
            raise_data_issue(hass, GRDF_ERROR, subentry, message)
            return False
        reply = await client.async_get_grdf_records(reply.requests[0].id)
    await _async_import_gas(hass, subentry, state, reply)
    return False


async def _async_import_gas(
    hass: HomeAssistant, subentry: ConfigSubentry, state: PointState, reply: GrdfReply
) -> None:
    if reply.errors:
        state.last_error = reply.errors[0].message
        raise_data_issue(hass, GRDF_ERROR, subentry, reply.errors[0].message)
    days = select_gas_days(r for r in reply.records if r.pce in ("", state.point))
    if not days:
        return
    if not reply.errors:
        state.last_error = None
        clear_data_issue(hass, GRDF_ERROR, subentry.subentry_id)
    newest = max(days)
    window = gas_window_start(newest)
    await async_import(
        hass,
        gas_energy_spec(state.point, subentry.title),
        gas_hourly(days, lambda r: r.energy_kwh),
        window,
    )
    await async_import(
        hass,
        gas_volume_spec(state.point, subentry.title),
        gas_hourly(days, lambda r: r.volume_m3),
        window,
    )
    latest = days[newest]
    state.latest_day = newest
    state.last_energy_kwh = latest.energy_kwh
    state.last_volume_m3 = latest.volume_m3
    state.conversion_coefficient = latest.conversion_coefficient


async def _async_refresh_electricity(point: _Point, now: dt.datetime) -> bool:
    """Bring a PRM's statistics and contract data up to date; True while still pending."""
    hass, client, subentry, state = point
    spec = electricity_spec(state.point, subentry.title)
    if state.pending_order is not None:
        order_id = state.pending_order.order_id
    else:
        today = now.astimezone(PARIS).date()
        since = await _async_since(
            hass, spec.statistic_id, today, ELECTRICITY_WINDOW_DAYS
        )
        order_id = (await client.async_order_enedis(state.point, since, today)).id
    order = await client.async_get_enedis_order(order_id)
    if not all(_finished(r) for r in order.requests):
        return _keep_pending(state, order, now)
    state.pending_order = None
    failed = [r for r in order.requests if r.status == RequestStatus.FAILED]
    if failed:
        message = failed[0].error_message or f"{failed[0].type} failed"
        state.last_error = message
        raise_data_issue(hass, ENEDIS_FAILED, subentry, message)
    else:
        state.last_error = None
        clear_data_issue(hass, ENEDIS_FAILED, subentry.subentry_id)
    for request in order.requests:
        if request.status != RequestStatus.SUCCESS:
            continue
        if request.type == C68_ASYNC:
            contract = await client.async_get_contract_data(request.id, state.point)
            state.subscribed_power_kva = contract.subscribed_power_kva
            state.off_peak_hours = contract.off_peak_hours
        elif request.type == LOADCURVE:
            await _async_import_electricity(hass, client, subentry, state, request)
    return False


async def _async_import_electricity(
    hass: HomeAssistant,
    client: SwitchgridClient,
    subentry: ConfigSubentry,
    state: PointState,
    request: OrderRequest,
) -> None:
    """Import the load curve, or the daily energy when there is no load curve."""
    try:
        series = await client.async_get_series(request.id, state.point, "30min")
    except NotAvailableError:
        series = None
    if series is None or not any(v is not None for v in series.values):
        try:
            series = await client.async_get_series(request.id, state.point, "1d")
        except NotAvailableError:
            return
    if series is None:
        return
    if (mismatch := series_count_mismatch(series)) is not None:
        # Importing it would shift every later hour: keep the stored rows and show why.
        raise_series_mismatch_issue(hass, subentry, mismatch)
        return
    clear_data_issue(hass, SERIES_MISMATCH, subentry.subentry_id)
    hourly = series_hourly(series)
    if not hourly:
        return
    newest = max(hourly)
    await async_import(
        hass,
        electricity_spec(state.point, subentry.title),
        hourly,
        electricity_window_start(newest),
    )
    state.latest_day = newest.astimezone(PARIS).date()
