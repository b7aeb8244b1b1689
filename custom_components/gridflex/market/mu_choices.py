"""Meterable Units a Market Gateway account knows, offered when adding an MU to an FPP account."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import SelectOptionDict

from ..api.fpp.products import KNOWN_PRODUCTS
from ..api.market_gateway import MeterableUnit
from ..const import CONF_GRANULARITY, CONF_MU_ID, CONF_PRODUCTS, DOMAIN, Granularity
from .trading_flow import trading_flow

_FPP_CODE = {
    mg: product.code
    for product in KNOWN_PRODUCTS.values()
    for mg in product.market_gateway_codes
}


def market_gateway_units(hass: HomeAssistant) -> dict[str, MeterableUnit]:
    """Every MU of every loaded Market Gateway account, by id."""
    units: dict[str, MeterableUnit] = {}
    for entry in hass.config_entries.async_loaded_entries(DOMAIN):
        flow = trading_flow(entry)
        if flow is not None and flow.coordinator.data:
            units.update(flow.coordinator.data.meterable_units)
    return units


def unit_options(units: dict[str, MeterableUnit]) -> list[SelectOptionDict]:
    """Return the choices of the picker: name, id and zone of each MU."""
    return [
        SelectOptionDict(
            value=unit.id,
            label=" · ".join(
                x
                for x in (unit.name, unit.id if unit.name != unit.id else "", unit.zone)
                if x
            ),
        )
        for unit in sorted(units.values(), key=lambda u: (u.name.casefold(), u.id))
    ]


def prefill(unit: MeterableUnit | None, mu_id: str) -> dict[str, Any]:
    """Return what the MU form can be filled with: id, FPP products, metering granularity."""
    values: dict[str, Any] = {CONF_MU_ID: mu_id}
    if unit is None:
        return values
    products = sorted({_FPP_CODE.get(p, p.casefold()) for p in unit.products})
    if products:
        values[CONF_PRODUCTS] = products
    granularity = (unit.granularity or "").casefold()
    if granularity in {g.value for g in Granularity}:
        values[CONF_GRANULARITY] = granularity
    return values
