"""
Sub-entry flow of a flexibility zone: found from a postcode, or entered as a CMZ code.

A postcode sits in at most one HV and one LV zone; the user keeps one or both, and each kept
zone becomes its own sub-entry (its own device).
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import (
    ConfigSubentry,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
import voluptuous as vol

from ..accounts import subentries_of
from ..api.cdp import (
    ALL_POSTCODES,
    FORECASTS_DATASET,
    TRADE_PARAMETERS,
    TRADES_DATASET,
    AccessRefusedError,
    CdpClient,
    Zone,
    postcode_forms,
)
from ..api.errors import GridFlexApiError
from ..clients import cdp_client
from ..const import CONF_POSTCODE, LOGGER, SUBENTRY_FLEXIBILITY_ZONE
from .account_flow import FORM_RETRY_DELAYS
from .const import (
    CONF_CMZ_CODE,
    CONF_LICENCE_AREA,
    CONF_VOLTAGE,
    CONF_ZONE_NAME,
    CONF_ZONE_PRODUCTS,
)
from .describe import zone_label

CONF_ZONES = "zones"
_CMZ_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_\-]{2,63}$")


def _title(zone: Zone) -> str:
    if zone.voltage is None:
        return zone.name or zone.cmz_code
    return f"{zone.name or zone.cmz_code} ({zone.voltage.value.upper()})"


def _data(zone: Zone) -> dict[str, Any]:
    return {
        CONF_CMZ_CODE: zone.cmz_code,
        CONF_ZONE_NAME: zone.name,
        CONF_LICENCE_AREA: zone.licence_area,
        CONF_VOLTAGE: zone.voltage.value if zone.voltage else None,
        CONF_ZONE_PRODUCTS: list(zone.products),
    }


class FlexibilityZoneSubentryFlow(ConfigSubentryFlow):
    """Add one or two flexibility zones to a Connected Data Portal account."""

    def __init__(self) -> None:
        """Start with nothing looked up."""
        self._found: dict[str, Zone] = {}

    def _client(self) -> CdpClient:
        return cdp_client(
            self.hass, self._get_entry().data, retry_delays=FORM_RETRY_DELAYS, pause=0
        )

    def _configured(self) -> set[str]:
        return {
            str(sub.unique_id)
            for sub in subentries_of(self._get_entry(), SUBENTRY_FLEXIBILITY_ZONE)
        }

    def _lookup_error(self, err: GridFlexApiError) -> str:
        if isinstance(err, AccessRefusedError):
            return "invalid_auth" if err.token_sent else "token_needed"
        LOGGER.debug("Zone lookup failed: %s", err)
        return "cannot_connect"

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask how to find the zone."""
        return self.async_show_menu(
            step_id="user", menu_options=["postcode", "cmz_code"]
        )

    async def async_step_postcode(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Look a postcode up in WHERE All Postcodes."""
        errors: dict[str, str] = {}
        if user_input is not None:
            postcode = user_input[CONF_POSTCODE]
            if not postcode_forms(postcode):
                errors[CONF_POSTCODE] = "invalid_uk_postcode"
            else:
                client = self._client()
                try:
                    where = await client.async_find_resource(
                        FORECASTS_DATASET, ALL_POSTCODES
                    )
                    found = await client.async_lookup_postcode(postcode, where.id)
                except GridFlexApiError as err:
                    errors["base"] = self._lookup_error(err)
                else:
                    if found is None or not found.zones:
                        errors[CONF_POSTCODE] = "postcode_not_found"
                    else:
                        self._found = {z.cmz_code: z for z in found.zones}
                        return await self.async_step_choose_zones()
        return self.async_show_form(
            step_id="postcode",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_POSTCODE): TextSelector()}), user_input
            ),
            errors=errors,
        )

    async def async_step_choose_zones(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Show the HV and LV zones found; keep one or both."""
        errors: dict[str, str] = {}
        if user_input is not None:
            chosen = [
                self._found[c] for c in user_input[CONF_ZONES] if c in self._found
            ]
            new = [zone for zone in chosen if zone.cmz_code not in self._configured()]
            if not chosen:
                errors[CONF_ZONES] = "choose_a_zone"
            elif not new:
                return self.async_abort(reason="already_configured")
            else:
                return self._create(new)
        options = [
            SelectOptionDict(value=zone.cmz_code, label=zone_label(self.hass, zone))
            for zone in self._found.values()
        ]
        schema = vol.Schema(
            {
                vol.Required(CONF_ZONES, default=list(self._found)): SelectSelector(
                    SelectSelectorConfig(
                        options=options, multiple=True, mode=SelectSelectorMode.LIST
                    )
                )
            }
        )
        return self.async_show_form(
            step_id="choose_zones",
            data_schema=schema,
            description_placeholders={
                "zones": "\n".join(
                    f"- {zone_label(self.hass, z)}" for z in self._found.values()
                )
            },
            errors=errors,
        )

    async def async_step_cmz_code(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Take a CMZ code; name it from the portal when the token allows."""
        errors: dict[str, str] = {}
        if user_input is not None:
            code = user_input[CONF_CMZ_CODE].strip().upper()
            if not _CMZ_CODE.match(code):
                errors[CONF_CMZ_CODE] = "invalid_cmz_code"
            elif code in self._configured():
                return self.async_abort(reason="already_configured")
            else:
                zone, error = await self._async_find_zone(code)
                if zone is not None:
                    return self._create([zone])
                errors["base" if error != "unknown_zone" else CONF_CMZ_CODE] = error
        return self.async_show_form(
            step_id="cmz_code",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema({vol.Required(CONF_CMZ_CODE): TextSelector()}), user_input
            ),
            errors=errors,
        )

    async def _async_find_zone(self, code: str) -> tuple[Zone | None, str]:
        client = self._client()
        try:
            where = await client.async_find_resource(FORECASTS_DATASET, ALL_POSTCODES)
            sttp = await client.async_find_resource(TRADES_DATASET, TRADE_PARAMETERS)
            zone = await client.async_find_zone(code, where.id, sttp.id)
        except AccessRefusedError as err:
            if err.token_sent:
                return None, "invalid_auth"
            # Without a token the zone cannot be named, but it can still be followed.
            return Zone(code, None, None, None, ()), ""
        except GridFlexApiError as err:
            return None, self._lookup_error(err)
        return (zone, "") if zone is not None else (None, "unknown_zone")

    def _create(self, zones: list[Zone]) -> SubentryFlowResult:
        """Create the first zone through the flow and add any other one beside it."""
        first, *others = zones
        for zone in others:
            self.hass.config_entries.async_add_subentry(
                self._get_entry(),
                ConfigSubentry(
                    data=MappingProxyType(_data(zone)),
                    subentry_type=SUBENTRY_FLEXIBILITY_ZONE,
                    title=_title(zone),
                    unique_id=zone.cmz_code,
                ),
            )
        return self.async_create_entry(
            title=_title(first),
            data=_data(first),
            unique_id=first.cmz_code,
        )
