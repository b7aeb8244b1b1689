"""Consent per delivery point: find or create its Ask, remember its id, follow its status."""

from __future__ import annotations

from homeassistant.config_entries import ConfigSubentry

from ..api.errors import NotAvailableError
from ..api.switchgrid import SwitchgridClient
from ..api.switchgrid.models import (
    FINAL_ASK_STATUSES,
    Ask,
    AskStatus,
    Holder,
    InlineContract,
)
from ..const import (
    CONF_CITY,
    CONF_CONSENT_DURATION,
    CONF_ENEDIS_CONTRACT_ID,
    CONF_ENERGY_TYPE,
    CONF_HOLDER_NAME,
    CONF_PCE,
    CONF_POSTCODE,
    CONF_PRM,
    CONF_STREET,
    DEFAULT_CONSENT_DURATION,
    EnergyType,
)


def delivery_point(subentry: ConfigSubentry) -> str:
    """Return the PCE or PRM of a delivery point sub-entry."""
    if subentry.data[CONF_ENERGY_TYPE] == EnergyType.GAS:
        return str(subentry.data[CONF_PCE])
    return str(subentry.data[CONF_PRM])


def _contract(subentry: ConfigSubentry) -> InlineContract | str:
    """Return the contract to consent to: an Enedis contract id when known, else inline."""
    if contract_id := subentry.data.get(CONF_ENEDIS_CONTRACT_ID):
        return str(contract_id)
    # Points added through the Enedis search, or by an older GridFlex, may lack address
    # fields: send what is known (Switchgrid checks the address and says so in the Ask).
    data = subentry.data
    return InlineContract(
        energy_type=str(data[CONF_ENERGY_TYPE]),
        delivery_point_id=delivery_point(subentry),
        holder=Holder(full_name=str(data.get(CONF_HOLDER_NAME) or "")),
        street=str(data.get(CONF_STREET) or ""),
        postcode=str(data.get(CONF_POSTCODE) or ""),
        city=str(data.get(CONF_CITY) or ""),
    )


async def _async_find_ask(client: SwitchgridClient, point: str) -> Ask | None:
    """Return an existing Ask for the point: an ACCEPTED one, else the newest still alive."""
    page = await client.async_list_asks(point, AskStatus.ACCEPTED)
    if accepted := [a for a in page.items if a.covers(point)]:
        return accepted[0]
    page = await client.async_list_asks(point)
    alive = [
        a for a in page.items if a.covers(point) and a.status not in FINAL_ASK_STATUSES
    ]
    alive.sort(key=lambda a: a.created_at.timestamp() if a.created_at else 0.0)
    return alive[-1] if alive else None


async def async_follow_consent(
    client: SwitchgridClient,
    subentry: ConfigSubentry,
    ask_id: str | None,
    *,
    renew: bool = False,
) -> Ask:
    """
    Return the current Ask of a delivery point, creating one when none is known.

    ``renew`` forgets the known Ask and asks again (after a revoked, expired or invalid one).
    """
    point = delivery_point(subentry)
    if ask_id and not renew:
        try:
            return await client.async_get_ask(ask_id)
        except NotAvailableError:
            pass
    if not renew and (found := await _async_find_ask(client, point)) is not None:
        return found
    # Stored as a selector key ("3_years"); Switchgrid reads "3 years".
    duration = str(
        subentry.data.get(CONF_CONSENT_DURATION) or DEFAULT_CONSENT_DURATION
    ).replace("_", " ")
    return await client.async_create_ask([_contract(subentry)], duration)
