"""
The market actions: ``gridflex.respond_to_trade_opportunity`` and ``gridflex.emergency_stop``.

Both act only when a person (or their automation) calls them; nothing here runs by itself.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from ..api.errors import AuthError, GridFlexApiError, NotAvailableError
from ..api.market_gateway import (
    ConflictError,
    InvalidFieldsError,
    TradeOpportunity,
    TradeResponseWindow,
)
from ..const import ATTR_CONFIG_ENTRY_ID, CONF_MU_ID, DOMAIN
from ..devices import subentry_of_device
from ..dispatch.notify import instruction_summary
from ..dispatch.state import end_control_now
from ..exceptions import action_failed, invalid_input
from .emergency import async_save_emergency_stops
from .settlement_flow import SettlementFlow, settlement_flow
from .trading_flow import TradingFlow, trading_flow

SERVICE_RESPOND = "respond_to_trade_opportunity"
SERVICE_EMERGENCY_STOP = "emergency_stop"
ATTR_OPPORTUNITY_ID = "opportunity_id"
ATTR_MU_ID = "mu_id"
ATTR_DEVICE_ID = "device_id"
ATTR_WINDOW_ID = "window_id"
ATTR_CAPACITY = "capacity_mw"
ATTR_UTILISATION_PRICE = "utilisation_price"
ATTR_AVAILABILITY_PRICE = "availability_price"
ATTR_REASON = "reason"
MAX_REASON_LENGTH = 500

RESPOND_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_OPPORTUNITY_ID): cv.string,
        vol.Required(ATTR_MU_ID): cv.string,
        vol.Optional(ATTR_WINDOW_ID): cv.string,
        vol.Required(ATTR_CAPACITY): vol.Coerce(float),
        vol.Optional(ATTR_UTILISATION_PRICE): vol.Coerce(float),
        vol.Optional(ATTR_AVAILABILITY_PRICE): vol.Coerce(float),
    }
)
STOP_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_DEVICE_ID): cv.string,
        vol.Optional(ATTR_MU_ID): cv.string,
        vol.Required(ATTR_REASON): cv.string,
    }
)


# --- respond to a trade opportunity -------------------------------------------------------


def _market_gateway_account(hass: HomeAssistant, call: ServiceCall) -> TradingFlow:
    entry_id = call.data.get(ATTR_CONFIG_ENTRY_ID)
    found = [
        flow
        for entry in hass.config_entries.async_loaded_entries(DOMAIN)
        if entry_id in (None, entry.entry_id)
        and (flow := trading_flow(entry)) is not None
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        raise invalid_input("no_market_gateway_account")
    raise invalid_input("market_gateway_account_required")


def _check_values(
    call: ServiceCall, opportunity: TradeOpportunity
) -> tuple[float | None, float | None]:
    capacity = call.data[ATTR_CAPACITY]
    if capacity <= 0:
        raise invalid_input("capacity_not_positive", capacity=f"{capacity:g}")
    prices = []
    for key in (ATTR_UTILISATION_PRICE, ATTR_AVAILABILITY_PRICE):
        price = call.data.get(key)
        if price is not None and price < 0:
            raise invalid_input("price_negative", price=f"{price:g}")
        prices.append(price)
    utilisation, availability = prices
    ceiling = opportunity.utilisation_ceiling_price
    if utilisation is not None and ceiling is not None and utilisation > ceiling:
        raise invalid_input(
            "price_above_ceiling", price=f"{utilisation:g}", ceiling=f"{ceiling:g}"
        )
    return utilisation, availability


def _request_failed(
    flow: TradingFlow, err: GridFlexApiError, opportunity_id: str
) -> HomeAssistantError:
    """Say why Market Gateway refused the request; a refused token also asks for a new one."""
    if isinstance(err, ConflictError):
        return invalid_input("trade_response_conflict", detail=err.detail or "")
    if isinstance(err, InvalidFieldsError):
        detail = "; ".join(f"{f}: {m}" for f, m in err.fields) or err.detail or ""
        return invalid_input("trade_response_invalid", detail=detail)
    if isinstance(err, NotAvailableError):
        return invalid_input("unknown_opportunity", opportunity_id=opportunity_id)
    if isinstance(err, AuthError):
        flow.entry.async_start_reauth(flow.coordinator.hass)
    return action_failed("market_gateway_request_failed", error=str(err))


async def async_respond_to_trade_opportunity(call: ServiceCall) -> ServiceResponse:
    """Send a trade response to Market Gateway, once the values are checked."""
    flow = _market_gateway_account(call.hass, call)
    client = flow.client
    opportunity_id = call.data[ATTR_OPPORTUNITY_ID].strip()
    mu_id = call.data[ATTR_MU_ID].strip()
    known_units = flow.coordinator.data.meterable_units
    if mu_id not in known_units:
        raise invalid_input("unknown_market_mu", mu_id=mu_id)
    try:
        opportunity = await client.async_get_trade_opportunity(opportunity_id)
    except GridFlexApiError as err:
        raise _request_failed(flow, err, opportunity_id) from err
    if not opportunity.is_open(dt_util.utcnow()):
        raise invalid_input("opportunity_closed", opportunity_id=opportunity_id)
    utilisation, availability = _check_values(call, opportunity)
    window_ids = [w.id for w in opportunity.windows] or [None]
    if (chosen := call.data.get(ATTR_WINDOW_ID)) is not None:
        if chosen not in window_ids:
            raise invalid_input("unknown_window", window_id=chosen)
        window_ids = [chosen]
    windows = [
        TradeResponseWindow(w, call.data[ATTR_CAPACITY], availability, utilisation)
        for w in window_ids
    ]
    try:
        response = await client.async_create_trade_response(
            opportunity_id, mu_id, windows
        )
    except GridFlexApiError as err:
        raise _request_failed(flow, err, opportunity_id) from err
    await flow.coordinator.async_request_refresh()
    return {
        "trade_response_id": response.id,
        "status": response.status,
        "opportunity_id": opportunity_id,
        "mu_id": mu_id,
    }


# --- emergency stop -----------------------------------------------------------------------


def _fpp_unit(hass: HomeAssistant, call: ServiceCall) -> tuple[SettlementFlow, str]:
    """Return the loaded FPP account and MU id the call names (by device or by MU id)."""
    units: list[tuple[SettlementFlow, str, str]] = []
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        if (flow := settlement_flow(entry)) is not None:
            units.extend(
                (flow, sub.data[CONF_MU_ID], sub.subentry_id)
                for sub in entry.subentries.values()
                if CONF_MU_ID in sub.data
            )
    if device_id := call.data.get(ATTR_DEVICE_ID):
        for flow, mu_id, subentry_id in units:
            if subentry_of_device(hass, flow.entry, device_id) == subentry_id:
                return flow, mu_id
        raise invalid_input("emergency_stop_unknown_device", device_id=device_id)
    if mu_id := call.data.get(ATTR_MU_ID, "").strip():
        matches = [(flow, mu) for flow, mu, _ in units if mu == mu_id]
        if len(matches) == 1:
            return matches[0]
        raise invalid_input("emergency_stop_unknown_mu", mu_id=mu_id)
    raise invalid_input("emergency_stop_target_required")


async def async_emergency_stop(call: ServiceCall) -> ServiceResponse:
    """Give an MU's devices back at once, then tell FPP the participant abandons delivery."""
    hass = call.hass
    reason = call.data[ATTR_REASON].strip()
    if not reason or len(reason) > MAX_REASON_LENGTH:
        raise invalid_input("emergency_stop_reason", limit=str(MAX_REASON_LENGTH))
    flow, mu_id = _fpp_unit(hass, call)
    dispatch = flow.dispatch
    now = dt_util.utcnow()
    # Devices first: the home's safety must not wait for FPP's reply.
    active = end_control_now(dispatch, mu_id)
    await async_save_emergency_stops(hass, dispatch)
    base: dict[str, Any] = {
        "type": "ended",
        "reason": "emergency_stop",
        "emergency_stop_reason": reason,
        "config_entry_id": flow.entry.entry_id,
        "device_id": dispatch.notifier.device_id(mu_id),
    }
    for record in active:
        dispatch.notifier.announce(
            {
                **instruction_summary(record.instruction, mu_id, legacy=record.legacy),
                **base,
                "extra": dict(record.instruction.extra),
            },
        )
    if not active:
        dispatch.notifier.announce(
            {"meterable_unit_id": mu_id, "instruction_id": None, **base}
        )
    try:
        await flow.client.async_emergency_stop(mu_id, now, reason)
    except GridFlexApiError as err:
        raise action_failed(
            "emergency_stop_not_sent", mu_id=mu_id, error=str(err)
        ) from err
    return {
        "mu_id": mu_id,
        "sent_at": now.isoformat(),
        "instructions": [record.id for record in active],
    }
