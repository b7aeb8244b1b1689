"""Sub-entry flows: Meterable Units under an FPP account, delivery points under Switchgrid."""

from __future__ import annotations

import re
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.config_entries import ConfigSubentryFlow, SubentryFlowResult
from homeassistant.const import UnitOfTime
from homeassistant.helpers.selector import (
    BooleanSelector,
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
import voluptuous as vol

from .accounts import entry_holding
from .api.fpp.products import KNOWN_PRODUCTS
from .const import (
    CONF_CITY,
    CONF_CONSENT_DURATION,
    CONF_CONTROL_ACTION,
    CONF_CONTROL_LISTED_PRODUCTS_ONLY,
    CONF_CONTROLLED_ENTITIES,
    CONF_ENERGY_SENSOR,
    CONF_ENERGY_TYPE,
    CONF_GRANULARITY,
    CONF_HOLDER_NAME,
    CONF_IMPORT_POSITIVE,
    CONF_MAX_DISPATCH_MINUTES,
    CONF_MIN_SWITCH_MINUTES,
    CONF_MU_ID,
    CONF_PCE,
    CONF_POSTCODE,
    CONF_POWER_SENSOR,
    CONF_PRM,
    CONF_PRODUCTS,
    CONF_STREET,
    DEFAULT_MAX_DISPATCH_MINUTES,
    DEFAULT_MIN_SWITCH_MINUTES,
    SUBENTRY_DELIVERY_POINT,
    SUBENTRY_METERABLE_UNIT,
    ControlAction,
    EnergyType,
    Granularity,
)
from .consumption.contract_search import (
    CONSENT_DURATION_SELECTOR,
    ElectricitySearchMixin,
)
from .market.mu_choices import market_gateway_units, prefill, unit_options

MAX_MU_ID_LENGTH = 128
DELIVERY_POINT_RE = re.compile(r"^\d{14}$")
POSTCODE_RE = re.compile(r"^\d{5}$")
CONTROLLABLE_DOMAINS = [
    "switch",
    "light",
    "fan",
    "climate",
    "water_heater",
    "input_boolean",
    "humidifier",
]


def _minutes(low: int, high: int, *, step: int) -> NumberSelector:
    return NumberSelector(
        NumberSelectorConfig(
            min=low,
            max=high,
            step=step,
            unit_of_measurement=UnitOfTime.MINUTES,
            mode=NumberSelectorMode.BOX,
        )
    )


def _meterable_unit_schema(with_id: bool) -> vol.Schema:
    fields: dict[vol.Marker, Any] = {}
    if with_id:
        fields[vol.Required(CONF_MU_ID)] = TextSelector()
    fields.update(
        {
            vol.Required(CONF_PRODUCTS, default=[]): SelectSelector(
                SelectSelectorConfig(
                    options=sorted(KNOWN_PRODUCTS),
                    multiple=True,
                    custom_value=True,
                    translation_key=CONF_PRODUCTS,
                )
            ),
            vol.Required(CONF_POWER_SENSOR): EntitySelector(
                EntitySelectorConfig(
                    domain="sensor", device_class=SensorDeviceClass.POWER
                )
            ),
            vol.Optional(CONF_ENERGY_SENSOR): EntitySelector(
                EntitySelectorConfig(
                    domain="sensor", device_class=SensorDeviceClass.ENERGY
                )
            ),
            vol.Required(CONF_GRANULARITY, default=Granularity.MINUTE): SelectSelector(
                SelectSelectorConfig(
                    options=[g.value for g in Granularity],
                    translation_key=CONF_GRANULARITY,
                    mode=SelectSelectorMode.LIST,
                )
            ),
            vol.Required(CONF_IMPORT_POSITIVE, default=True): BooleanSelector(),
            vol.Optional(CONF_CONTROLLED_ENTITIES, default=[]): EntitySelector(
                EntitySelectorConfig(domain=CONTROLLABLE_DOMAINS, multiple=True)
            ),
            vol.Required(
                CONF_CONTROL_ACTION, default=ControlAction.TURN_OFF
            ): SelectSelector(
                SelectSelectorConfig(
                    options=[a.value for a in ControlAction],
                    translation_key=CONF_CONTROL_ACTION,
                    mode=SelectSelectorMode.LIST,
                )
            ),
            vol.Required(
                CONF_MAX_DISPATCH_MINUTES, default=DEFAULT_MAX_DISPATCH_MINUTES
            ): _minutes(15, 1440, step=15),
            vol.Required(
                CONF_MIN_SWITCH_MINUTES, default=DEFAULT_MIN_SWITCH_MINUTES
            ): _minutes(0, 60, step=1),
            vol.Required(
                CONF_CONTROL_LISTED_PRODUCTS_ONLY, default=False
            ): BooleanSelector(),
        }
    )
    return vol.Schema(fields)


class MeterableUnitSubentryFlow(ConfigSubentryFlow):
    """Add or change one FPP Meterable Unit."""

    _picked: dict[str, Any] | None = None

    async def async_step_pick_unit(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Offer the MUs a Market Gateway account knows; an id may still be typed."""
        units = market_gateway_units(self.hass)
        if user_input is not None:
            mu_id = user_input[CONF_MU_ID].strip()
            self._picked = prefill(units.get(mu_id), mu_id)
            return await self.async_step_user()
        return self.async_show_form(
            step_id="pick_unit",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_MU_ID): SelectSelector(
                        SelectSelectorConfig(
                            options=unit_options(units),
                            custom_value=True,
                            mode=SelectSelectorMode.DROPDOWN,
                        )
                    )
                }
            ),
        )

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask for the MU id, its products, its sensors and the devices to control."""
        if (
            user_input is None
            and self._picked is None
            and market_gateway_units(self.hass)
        ):
            return await self.async_step_pick_unit()
        errors: dict[str, str] = {}
        if user_input is not None:
            mu_id = user_input[CONF_MU_ID].strip()
            if not mu_id or len(mu_id) > MAX_MU_ID_LENGTH:
                errors[CONF_MU_ID] = "invalid_mu_id"
            elif holder := entry_holding(self.hass, SUBENTRY_METERABLE_UNIT, mu_id):
                return self.async_abort(
                    reason="mu_in_use",
                    description_placeholders={"mu_id": mu_id, "account": holder.title},
                )
            else:
                return self.async_create_entry(
                    title=mu_id, data={**user_input, CONF_MU_ID: mu_id}, unique_id=mu_id
                )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                _meterable_unit_schema(with_id=True), user_input or self._picked
            ),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change everything but the MU id, which names it in FPP."""
        subentry = self._get_reconfigure_subentry()
        if user_input is not None:
            return self.async_update_and_abort(
                self._get_entry(),
                subentry,
                data={**user_input, CONF_MU_ID: subentry.data[CONF_MU_ID]},
            )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _meterable_unit_schema(with_id=False), subentry.data
            ),
            description_placeholders={"mu_id": subentry.data[CONF_MU_ID]},
        )


def _point_key(energy_type: EnergyType) -> str:
    return CONF_PCE if energy_type == EnergyType.GAS else CONF_PRM


def _delivery_point_schema(energy_type: EnergyType, *, with_point: bool) -> vol.Schema:
    fields: dict[vol.Marker, Any] = {}
    if with_point:
        fields[vol.Required(_point_key(energy_type))] = TextSelector()
    for key in (CONF_HOLDER_NAME, CONF_STREET, CONF_POSTCODE, CONF_CITY):
        fields[vol.Required(key)] = TextSelector()
    fields[vol.Optional(CONF_CONSENT_DURATION)] = CONSENT_DURATION_SELECTOR
    return vol.Schema(fields)


def _delivery_point_errors(
    point_key: str | None, user_input: dict[str, Any]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if point_key and not DELIVERY_POINT_RE.match(user_input[point_key].strip()):
        errors[point_key] = f"invalid_{point_key}"
    if not POSTCODE_RE.match(user_input[CONF_POSTCODE].strip()):
        errors[CONF_POSTCODE] = "invalid_postcode"
    for key in (CONF_HOLDER_NAME, CONF_STREET, CONF_CITY):
        if not user_input.get(key, "").strip():
            errors[key] = "required"
    return errors


class DeliveryPointSubentryFlow(ElectricitySearchMixin, ConfigSubentryFlow):
    """Add or change one French delivery point: a GRDF PCE or an Enedis PRM."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask whether the point is gas or electricity."""
        return self.async_show_menu(
            step_id="user",
            menu_options=[EnergyType.GAS, EnergyType.ELECTRICITY, "electricity_search"],
        )

    async def async_step_gas(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask for a GRDF PCE with its holder and address."""
        return await self._async_point_step(EnergyType.GAS, user_input)

    async def async_step_electricity(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Ask for an Enedis PRM with its holder and address."""
        return await self._async_point_step(EnergyType.ELECTRICITY, user_input)

    async def _async_point_step(
        self, energy_type: EnergyType, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        point_key = _point_key(energy_type)
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = _delivery_point_errors(point_key, user_input)
            if not errors:
                data = {key: value.strip() for key, value in user_input.items()}
                point = data[point_key]
                if holder := entry_holding(self.hass, SUBENTRY_DELIVERY_POINT, point):
                    return self.async_abort(
                        reason="point_in_use",
                        description_placeholders={
                            "point": point,
                            "account": holder.title,
                        },
                    )
                label = "GRDF PCE" if energy_type == EnergyType.GAS else "Enedis PRM"
                return self.async_create_entry(
                    title=f"{label} {point}",
                    data={CONF_ENERGY_TYPE: energy_type, **data},
                    unique_id=point,
                )
        return self.async_show_form(
            step_id=str(energy_type),
            data_schema=self.add_suggested_values_to_schema(
                _delivery_point_schema(energy_type, with_point=True), user_input
            ),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change the holder and address; the delivery point itself stays."""
        subentry = self._get_reconfigure_subentry()
        energy_type = EnergyType(subentry.data[CONF_ENERGY_TYPE])
        point_key = _point_key(energy_type)
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = _delivery_point_errors(
                point_key, {**user_input, point_key: subentry.data[point_key]}
            )
            if not errors:
                data = {key: value.strip() for key, value in user_input.items()}
                return self.async_update_and_abort(
                    self._get_entry(), subentry, data={**subentry.data, **data}
                )
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _delivery_point_schema(energy_type, with_point=False),
                user_input or subentry.data,
            ),
            description_placeholders={"point": subentry.data[point_key]},
            errors=errors,
        )


class NotAnFppAccountFlow(ConfigSubentryFlow):
    """Say where Meterable Units belong when one is added to a Switchgrid account."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Stop at once, in words."""
        return self.async_abort(reason="not_an_fpp_account")


class NotASwitchgridAccountFlow(ConfigSubentryFlow):
    """Say where delivery points belong when one is added to an FPP account."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Stop at once, in words."""
        return self.async_abort(reason="not_a_switchgrid_account")


class NotACdpAccountFlow(ConfigSubentryFlow):
    """Say where flexibility zones belong when one is added to another kind of account."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Stop at once, in words."""
        return self.async_abort(reason="not_a_cdp_account")
