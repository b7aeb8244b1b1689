"""Sub-entry steps that find an Enedis PRM with ``search_contract`` (holder and address)."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigSubentryFlow, SubentryFlowResult
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
import voluptuous as vol

from ..accounts import entry_holding
from ..api.errors import GridFlexApiError
from ..api.switchgrid.models import EnedisContract
from ..clients import switchgrid_client
from ..const import (
    CONF_CITY,
    CONF_CONSENT_DURATION,
    CONF_ENEDIS_CONTRACT_ID,
    CONF_ENERGY_TYPE,
    CONF_HOLDER_NAME,
    CONF_POSTCODE,
    CONF_PRM,
    CONF_STREET,
    CONSENT_DURATIONS,
    LOGGER,
    SUBENTRY_DELIVERY_POINT,
    EnergyType,
)

CONSENT_DURATION_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=CONSENT_DURATIONS,
        translation_key=CONF_CONSENT_DURATION,
        mode=SelectSelectorMode.DROPDOWN,
    )
)
SEARCH_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOLDER_NAME): TextSelector(),
        vol.Required(CONF_STREET): TextSelector(),
        vol.Required(CONF_POSTCODE): TextSelector(),
        vol.Required(CONF_CITY): TextSelector(),
        vol.Optional(CONF_CONSENT_DURATION): CONSENT_DURATION_SELECTOR,
    }
)


def _label(contract: EnedisContract) -> str:
    address = ", ".join(contract.address_lines)
    holder = contract.holder_name or ""
    return " – ".join(part for part in (contract.prm, holder, address) if part)


class ElectricitySearchMixin(ConfigSubentryFlow):
    """Find the PRM from the holder and address, then let the user pick the contract."""

    _search_input: dict[str, str]
    _found: dict[str, EnedisContract]

    async def async_step_electricity_search(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask for the holder and the address, and search Enedis contracts."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {k: str(v).strip() for k, v in user_input.items()}
            if not all(data.get(k) for k in (CONF_HOLDER_NAME, CONF_STREET, CONF_CITY)):
                errors["base"] = "required"
            else:
                entry = self._get_entry()
                client = switchgrid_client(self.hass, entry.data)
                address = f"{data[CONF_STREET]} {data[CONF_POSTCODE]} {data[CONF_CITY]}"
                try:
                    found = await client.async_search_contract(
                        data[CONF_HOLDER_NAME], address
                    )
                except GridFlexApiError as err:
                    LOGGER.debug("search_contract failed: %s", err)
                    errors["base"] = "cannot_connect"
                else:
                    if found:
                        self._search_input = data
                        self._found = {c.id: c for c in found}
                        return await self.async_step_electricity_contract()
                    errors["base"] = "no_contract_found"
        return self.async_show_form(
            step_id="electricity_search",
            data_schema=self.add_suggested_values_to_schema(SEARCH_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_electricity_contract(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Let the user pick one of the contracts found."""
        if user_input is not None:
            contract = self._found[user_input[CONF_ENEDIS_CONTRACT_ID]]
            # Statistic ids come from the PRM alone: no two accounts may share one.
            if holder := entry_holding(
                self.hass, SUBENTRY_DELIVERY_POINT, contract.prm
            ):
                return self.async_abort(
                    reason="point_in_use",
                    description_placeholders={
                        "point": contract.prm,
                        "account": holder.title,
                    },
                )
            return self.async_create_entry(
                title=f"Enedis PRM {contract.prm}",
                data={
                    CONF_ENERGY_TYPE: EnergyType.ELECTRICITY,
                    CONF_PRM: contract.prm,
                    CONF_ENEDIS_CONTRACT_ID: contract.id,
                    **self._search_input,
                },
                unique_id=contract.prm,
            )
        options = [
            SelectOptionDict(value=c.id, label=_label(c)) for c in self._found.values()
        ]
        return self.async_show_form(
            step_id="electricity_contract",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_ENEDIS_CONTRACT_ID): SelectSelector(
                        SelectSelectorConfig(
                            options=options, mode=SelectSelectorMode.LIST
                        )
                    )
                }
            ),
        )
