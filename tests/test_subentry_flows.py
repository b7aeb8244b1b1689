"""Sub-entry flows: FPP Meterable Units and Switchgrid delivery points."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gridflex.const import (
    CONF_CITY,
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
    DOMAIN,
    SUBENTRY_DELIVERY_POINT,
    SUBENTRY_FLEXIBILITY_ZONE,
    SUBENTRY_METERABLE_UNIT,
)
from tests.conftest import switchgrid_entry_data
from tests.simulators.switchgrid import SwitchgridSimulator

POWER = "sensor.heat_pump_power"
ENERGY = "sensor.heat_pump_energy"


@pytest.fixture
async def fpp_loaded(
    hass: HomeAssistant, fpp_entry: MockConfigEntry
) -> MockConfigEntry:
    hass.states.async_set(
        POWER, "1.5", {"device_class": "power", "unit_of_measurement": "kW"}
    )
    hass.states.async_set(
        ENERGY, "120.0", {"device_class": "energy", "unit_of_measurement": "kWh"}
    )
    fpp_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(fpp_entry.entry_id)
    await hass.async_block_till_done()
    return fpp_entry


@pytest.fixture
async def switchgrid_loaded(
    hass: HomeAssistant, switchgrid_entry: MockConfigEntry
) -> MockConfigEntry:
    switchgrid_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(switchgrid_entry.entry_id)
    await hass.async_block_till_done()
    return switchgrid_entry


async def start(hass: HomeAssistant, entry: MockConfigEntry, kind: str) -> FlowResult:
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, kind), context={"source": SOURCE_USER}
    )


async def configure(
    hass: HomeAssistant, result: FlowResult, data: dict[str, Any]
) -> FlowResult:
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], data
    )
    # A new or changed sub-entry reloads its account: let the reload finish inside the test.
    await hass.async_block_till_done(wait_background_tasks=True)
    return result


def only_subentry(entry: MockConfigEntry) -> ConfigSubentry:
    (subentry,) = entry.subentries.values()
    return subentry


# --- Meterable Units -------------------------------------------------------------------

CONTROL_DEFAULTS = {
    CONF_MAX_DISPATCH_MINUTES: 240,
    CONF_MIN_SWITCH_MINUTES: 5,
    CONF_CONTROL_LISTED_PRODUCTS_ONLY: False,
}


async def test_add_meterable_unit_with_defaults(
    hass: HomeAssistant, fpp_loaded: MockConfigEntry
) -> None:
    result = await start(hass, fpp_loaded, SUBENTRY_METERABLE_UNIT)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    result = await configure(
        hass, result, {CONF_MU_ID: " MU-1001 ", CONF_POWER_SENSOR: POWER}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "MU-1001"
    subentry = only_subentry(fpp_loaded)
    assert subentry.subentry_type == SUBENTRY_METERABLE_UNIT
    assert subentry.unique_id == "MU-1001"
    assert dict(subentry.data) == {
        CONF_MU_ID: "MU-1001",
        CONF_POWER_SENSOR: POWER,
        CONF_PRODUCTS: [],
        CONF_GRANULARITY: "minute",
        CONF_IMPORT_POSITIVE: True,
        CONF_CONTROLLED_ENTITIES: [],
        CONF_CONTROL_ACTION: "turn_off",
        **CONTROL_DEFAULTS,
    }


async def test_add_meterable_unit_with_everything(
    hass: HomeAssistant, fpp_loaded: MockConfigEntry
) -> None:
    result = await start(hass, fpp_loaded, SUBENTRY_METERABLE_UNIT)
    data = {
        CONF_MU_ID: "MU-2",
        CONF_PRODUCTS: ["ou_15", "su", "future_product"],
        CONF_POWER_SENSOR: POWER,
        CONF_ENERGY_SENSOR: ENERGY,
        CONF_GRANULARITY: "half_hourly",
        CONF_IMPORT_POSITIVE: False,
        CONF_CONTROLLED_ENTITIES: ["switch.boiler", "climate.lounge"],
        CONF_CONTROL_ACTION: "turn_on",
        CONF_MAX_DISPATCH_MINUTES: 120,
        CONF_MIN_SWITCH_MINUTES: 10,
        CONF_CONTROL_LISTED_PRODUCTS_ONLY: True,
    }
    result = await configure(hass, result, data)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(only_subentry(fpp_loaded).data) == data


@pytest.mark.parametrize("mu_id", ["   ", "M" * 129])
async def test_invalid_mu_id_is_a_form_error(
    hass: HomeAssistant, fpp_loaded: MockConfigEntry, mu_id: str
) -> None:
    result = await start(hass, fpp_loaded, SUBENTRY_METERABLE_UNIT)
    result = await configure(
        hass, result, {CONF_MU_ID: mu_id, CONF_POWER_SENSOR: POWER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_MU_ID: "invalid_mu_id"}
    assert fpp_loaded.subentries == {}
    # 128 characters is the limit, inclusive.
    result = await configure(
        hass, result, {CONF_MU_ID: "M" * 128, CONF_POWER_SENSOR: POWER}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_duplicate_mu_aborts(
    hass: HomeAssistant, fpp_loaded: MockConfigEntry
) -> None:
    for expected in (FlowResultType.CREATE_ENTRY, FlowResultType.ABORT):
        result = await start(hass, fpp_loaded, SUBENTRY_METERABLE_UNIT)
        result = await configure(
            hass, result, {CONF_MU_ID: "MU-1", CONF_POWER_SENSOR: POWER}
        )
        assert result["type"] is expected
    assert result["reason"] == "mu_in_use"
    assert result["description_placeholders"] == {
        "mu_id": "MU-1",
        "account": "FPP acme-flex",
    }
    assert len(fpp_loaded.subentries) == 1


async def open_reconfigure_form(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    id_key: str,
    sub_id: str,
    *,
    placeholder: str | None = None,
) -> FlowResult:
    """Open the only sub-entry's reconfigure form: it names the sub-entry, its id stays."""
    result = await entry.start_subentry_reconfigure_flow(
        hass, only_subentry(entry).subentry_id
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"][placeholder or id_key] == sub_id
    assert id_key not in result["data_schema"].schema
    return result


async def test_reconfigure_mu_keeps_its_id(
    hass: HomeAssistant, fpp_loaded: MockConfigEntry
) -> None:
    result = await start(hass, fpp_loaded, SUBENTRY_METERABLE_UNIT)
    await configure(
        hass,
        result,
        {CONF_MU_ID: "MU-1", CONF_POWER_SENSOR: POWER, CONF_ENERGY_SENSOR: ENERGY},
    )
    result = await open_reconfigure_form(hass, fpp_loaded, CONF_MU_ID, "MU-1")

    # The energy sensor is left out: it is removed.
    changes = {
        CONF_PRODUCTS: ["saou_da"],
        CONF_POWER_SENSOR: POWER,
        CONF_GRANULARITY: "half_hourly",
        CONF_IMPORT_POSITIVE: False,
        CONF_CONTROLLED_ENTITIES: ["switch.boiler"],
        CONF_CONTROL_ACTION: "turn_off",
    }
    result = await configure(hass, result, changes)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    subentry = only_subentry(fpp_loaded)
    assert subentry.unique_id == "MU-1"
    assert subentry.title == "MU-1"
    assert dict(subentry.data) == {CONF_MU_ID: "MU-1", **changes, **CONTROL_DEFAULTS}
    assert fpp_loaded.state is ConfigEntryState.LOADED


# --- Delivery points -------------------------------------------------------------------

ADDRESS = {
    CONF_HOLDER_NAME: " Jean Dupont ",
    CONF_STREET: "17 avenue Charles de Gaulle",
    CONF_POSTCODE: "75007",
    CONF_CITY: "Paris",
}


async def open_point_form(
    hass: HomeAssistant, entry: MockConfigEntry, energy_type: str
) -> FlowResult:
    result = await start(hass, entry, SUBENTRY_DELIVERY_POINT)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["gas", "electricity", "electricity_search"]
    result = await configure(hass, result, {"next_step_id": energy_type})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == energy_type
    return result


@pytest.mark.parametrize(
    ("energy_type", "key", "title"),
    [
        ("gas", CONF_PCE, "GRDF PCE 01427641080000"),
        ("electricity", CONF_PRM, "Enedis PRM 01427641080000"),
    ],
)
async def test_add_point_keeps_leading_zeros(
    hass: HomeAssistant,
    switchgrid_loaded: MockConfigEntry,
    energy_type: str,
    key: str,
    title: str,
) -> None:
    result = await open_point_form(hass, switchgrid_loaded, energy_type)
    result = await configure(hass, result, {key: " 01427641080000 ", **ADDRESS})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    subentry = only_subentry(switchgrid_loaded)
    assert subentry.unique_id == "01427641080000"
    assert dict(subentry.data) == {
        CONF_ENERGY_TYPE: energy_type,
        key: "01427641080000",
        CONF_HOLDER_NAME: "Jean Dupont",
        CONF_STREET: "17 avenue Charles de Gaulle",
        CONF_POSTCODE: "75007",
        CONF_CITY: "Paris",
    }


@pytest.mark.parametrize(
    ("energy_type", "changes", "errors"),
    [
        ("gas", {CONF_PCE: "2142764108000"}, {CONF_PCE: "invalid_pce"}),
        ("gas", {CONF_PCE: "21427641080000X"}, {CONF_PCE: "invalid_pce"}),
        ("electricity", {CONF_PRM: "0004637299479A"}, {CONF_PRM: "invalid_prm"}),
        ("gas", {CONF_POSTCODE: "7500"}, {CONF_POSTCODE: "invalid_postcode"}),
        (
            "electricity",
            {CONF_HOLDER_NAME: " ", CONF_STREET: "", CONF_CITY: "  "},
            {
                CONF_HOLDER_NAME: "required",
                CONF_STREET: "required",
                CONF_CITY: "required",
            },
        ),
    ],
)
async def test_invalid_point_fields_are_form_errors(
    hass: HomeAssistant,
    switchgrid_loaded: MockConfigEntry,
    energy_type: str,
    changes: dict[str, str],
    errors: dict[str, str],
) -> None:
    point_key = CONF_PCE if energy_type == "gas" else CONF_PRM
    result = await open_point_form(hass, switchgrid_loaded, energy_type)
    result = await configure(
        hass, result, {point_key: "21427641080000", **ADDRESS, **changes}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert switchgrid_loaded.subentries == {}


async def test_duplicate_point_aborts_even_under_another_account(
    hass: HomeAssistant,
    switchgrid_sim: SwitchgridSimulator,
    switchgrid_loaded: MockConfigEntry,
) -> None:
    result = await open_point_form(hass, switchgrid_loaded, "gas")
    await configure(hass, result, {CONF_PCE: "21427641080000", **ADDRESS})

    result = await open_point_form(hass, switchgrid_loaded, "gas")
    result = await configure(hass, result, {CONF_PCE: "21427641080000", **ADDRESS})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "point_in_use"

    other = MockConfigEntry(
        domain=DOMAIN,
        minor_version=3,
        title="Switchgrid bureau",
        unique_id="switchgrid_bureau",
        data=switchgrid_entry_data(switchgrid_sim),
    )
    other.add_to_hass(hass)
    result = await open_point_form(hass, other, "gas")
    result = await configure(hass, result, {CONF_PCE: "21427641080000", **ADDRESS})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "point_in_use"
    assert result["description_placeholders"] == {
        "point": "21427641080000",
        "account": "Switchgrid maison (test)",
    }
    assert other.subentries == {}


async def test_reconfigure_point_changes_holder_and_address_only(
    hass: HomeAssistant, switchgrid_loaded: MockConfigEntry
) -> None:
    result = await open_point_form(hass, switchgrid_loaded, "gas")
    await configure(hass, result, {CONF_PCE: "01427641080000", **ADDRESS})
    result = await open_reconfigure_form(
        hass, switchgrid_loaded, CONF_PCE, "01427641080000", placeholder="point"
    )

    moved = {
        CONF_HOLDER_NAME: "Marie Dupont",
        CONF_STREET: "2 rue de la Paix ",
        CONF_POSTCODE: "6900",
        CONF_CITY: "Lyon",
    }
    result = await configure(hass, result, moved)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_POSTCODE: "invalid_postcode"}
    assert only_subentry(switchgrid_loaded).data[CONF_CITY] == "Paris"

    result = await configure(hass, result, {**moved, CONF_POSTCODE: "69002"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert dict(only_subentry(switchgrid_loaded).data) == {
        CONF_ENERGY_TYPE: "gas",
        CONF_PCE: "01427641080000",
        CONF_HOLDER_NAME: "Marie Dupont",
        CONF_STREET: "2 rue de la Paix",
        CONF_POSTCODE: "69002",
        CONF_CITY: "Lyon",
    }


async def test_the_wrong_kind_of_sub_entry_aborts_in_words(
    hass: HomeAssistant, fpp_loaded: MockConfigEntry, switchgrid_loaded: MockConfigEntry
) -> None:
    # Home Assistant offers every account on the integration page's "Add ..." buttons.
    assert fpp_loaded.supported_subentry_types == {
        SUBENTRY_METERABLE_UNIT: {"supports_reconfigure": True},
        SUBENTRY_DELIVERY_POINT: {"supports_reconfigure": False},
        SUBENTRY_FLEXIBILITY_ZONE: {"supports_reconfigure": False},
    }
    assert switchgrid_loaded.supported_subentry_types == {
        SUBENTRY_METERABLE_UNIT: {"supports_reconfigure": False},
        SUBENTRY_DELIVERY_POINT: {"supports_reconfigure": True},
        SUBENTRY_FLEXIBILITY_ZONE: {"supports_reconfigure": False},
    }
    manager = hass.config_entries.subentries
    result = await manager.async_init(
        (switchgrid_loaded.entry_id, SUBENTRY_METERABLE_UNIT),
        context={"source": "user"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_an_fpp_account"
    result = await manager.async_init(
        (fpp_loaded.entry_id, SUBENTRY_DELIVERY_POINT), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_a_switchgrid_account"
    result = await manager.async_init(
        (fpp_loaded.entry_id, SUBENTRY_FLEXIBILITY_ZONE), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_a_cdp_account"
