"""One account counted once: its unique id, reauth and reconfigure, sub-entries, migration."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.gridflex.accounts import account_unique_id
from custom_components.gridflex.const import (
    CONF_API_TOKEN,
    CONF_BASE_URL,
    CONF_EVENTS_URL,
    CONF_MU_ID,
    CONF_POWER_SENSOR,
    CONF_TEST_MODE,
    DOMAIN,
    SUBENTRY_METERABLE_UNIT,
    AccountKind,
)
from tests.conftest import fpp_entry_data, switchgrid_entry_data
from tests.simulators.fpp import FppSimulator
from tests.simulators.switchgrid import SwitchgridSimulator

POWER = "sensor.heat_pump_power"


def _fpp_entry(
    sim: FppSimulator, title: str, token: str, unique_id: str, **data: str
) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        minor_version=3,
        title=title,
        unique_id=unique_id,
        data=fpp_entry_data(sim, api_token=token, **data),
    )


async def test_fpp_reauth_keeps_the_id_and_refuses_another_accounts_token(
    hass: HomeAssistant, fpp_sim: FppSimulator, fpp_entry: MockConfigEntry
) -> None:
    fpp_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(fpp_entry.entry_id)
    await hass.async_block_till_done()
    other = _fpp_entry(
        fpp_sim,
        "FPP depot",
        "depot-token",
        account_unique_id(AccountKind.FPP, "depot-token"),
    )
    other.add_to_hass(hass)
    unique_id = fpp_entry.unique_id

    # FPP would accept the depot's token (it is a valid token), but it opens the depot.
    fpp_sim.token = "depot-token"
    result = await fpp_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "depot-token"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "another_account"}
    assert fpp_entry.data[CONF_API_TOKEN] == "fpp-token"

    fpp_sim.token = "renewed-token"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "renewed-token"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert fpp_entry.data[CONF_API_TOKEN] == "renewed-token"
    assert fpp_entry.unique_id == unique_id


async def test_switchgrid_reconfigure_refuses_another_accounts_token_and_add_finds_renewed_token(
    hass: HomeAssistant,
    switchgrid_sim: SwitchgridSimulator,
    switchgrid_entry: MockConfigEntry,
) -> None:
    switchgrid_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(switchgrid_entry.entry_id)
    await hass.async_block_till_done()
    bureau_id = account_unique_id(AccountKind.SWITCHGRID, "bureau-token")
    MockConfigEntry(
        domain=DOMAIN,
        minor_version=3,
        title="Switchgrid bureau",
        unique_id=bureau_id,
        data=switchgrid_entry_data(switchgrid_sim, api_token="bureau-token"),
    ).add_to_hass(hass)

    switchgrid_sim.token = "bureau-token"
    result = await switchgrid_entry.start_reconfigure_flow(hass)
    changes = {
        CONF_API_TOKEN: "bureau-token",
        CONF_BASE_URL: switchgrid_sim.url,
        CONF_EVENTS_URL: switchgrid_sim.events_url,
        CONF_TEST_MODE: True,
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], changes)
    assert result["errors"] == {"base": "another_account"}

    # A renewed token of "maison": its entry keeps the id it was created with, and adding
    # that token again is still recognised as "maison".
    switchgrid_sim.token = "maison-renewed"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**changes, CONF_API_TOKEN: "maison-renewed"}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": AccountKind.SWITCHGRID}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "account_id": "home",
            CONF_API_TOKEN: "maison-renewed",
            CONF_TEST_MODE: False,
            CONF_BASE_URL: switchgrid_sim.url,
            CONF_EVENTS_URL: switchgrid_sim.events_url,
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "account_already_configured"
    assert result["description_placeholders"] == {"account": "Switchgrid maison (test)"}
    assert len(hass.config_entries.async_entries(DOMAIN)) == 2


async def test_mu_of_another_fpp_account_is_refused(
    hass: HomeAssistant, fpp_sim: FppSimulator, fpp_entry: MockConfigEntry
) -> None:
    hass.states.async_set(
        POWER, "1.5", {"device_class": "power", "unit_of_measurement": "kW"}
    )
    fpp_entry.add_to_hass(hass)
    hass.config_entries.async_add_subentry(
        fpp_entry,
        ConfigSubentry(
            data={CONF_MU_ID: "MU-1", CONF_POWER_SENSOR: POWER},
            subentry_type=SUBENTRY_METERABLE_UNIT,
            title="MU-1",
            unique_id="MU-1",
        ),
    )
    depot = _fpp_entry(
        fpp_sim,
        "FPP depot",
        "depot-token",
        account_unique_id(AccountKind.FPP, "depot-token"),
        endpoint_id="fedcba9876543210",
        webhook_id="gridflex_depot_webhook",
    )
    depot.add_to_hass(hass)

    result = await hass.config_entries.subentries.async_init(
        (depot.entry_id, SUBENTRY_METERABLE_UNIT), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_MU_ID: " mu-1 ", CONF_POWER_SENSOR: POWER}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "mu_in_use"
    assert result["description_placeholders"] == {
        "mu_id": "mu-1",
        "account": "FPP acme-flex",
    }
    assert depot.subentries == {}


async def test_migration_moves_the_id_entities_and_devices_to_the_account(
    hass: HomeAssistant,
    fpp_sim: FppSimulator,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """An entry stored with the name typed in as its unique id (up to 1.2) moves to 1.3."""
    hass.states.async_set(
        POWER, "1.5", {"device_class": "power", "unit_of_measurement": "kW"}
    )
    legacy = MockConfigEntry(
        domain=DOMAIN,
        version=1,
        minor_version=1,
        title="FPP acme-flex",
        unique_id="fpp_acme-flex",
        data=fpp_entry_data(fpp_sim),
        subentries_data=[
            {
                "data": {CONF_MU_ID: "MU-1", CONF_POWER_SENSOR: POWER},
                "subentry_type": SUBENTRY_METERABLE_UNIT,
                "title": "MU-1",
                "unique_id": "MU-1",
            }
        ],
    )
    legacy.add_to_hass(hass)
    calendar = entity_registry.async_get_or_create(
        "calendar",
        DOMAIN,
        "fpp_acme-flex_account_dispatches",
        config_entry=legacy,
        suggested_object_id="acme_dispatches",
    )
    (subentry_id,) = legacy.subentries
    mu_device = device_registry.async_get_or_create(
        config_entry_id=legacy.entry_id,
        config_subentry_id=subentry_id,
        identifiers={(DOMAIN, "fpp_acme-flex_MU-1")},
        name="MU-1",
    )

    assert await hass.config_entries.async_setup(legacy.entry_id)
    await hass.async_block_till_done()

    new_id = account_unique_id(AccountKind.FPP, fpp_sim.token)
    assert legacy.state is ConfigEntryState.LOADED
    assert (legacy.version, legacy.minor_version) == (1, 3)
    assert legacy.unique_id == new_id
    # Same entity and device, now under the account's id: history and names stay.
    moved = entity_registry.async_get(calendar.entity_id)
    assert moved is not None
    assert moved.unique_id == f"{new_id}_account_dispatches"
    assert hass.states.get("calendar.acme_dispatches") is not None
    assert hass.states.get("calendar.fpp_acme_flex_dispatches") is None
    device = device_registry.async_get(mu_device.id)
    assert device is not None
    assert device.identifiers == {(DOMAIN, f"{new_id}_MU-1")}
    for entity in er.async_entries_for_config_entry(entity_registry, legacy.entry_id):
        assert entity.unique_id.startswith(f"{new_id}_")


async def test_one_account_stored_twice_is_a_repair_issue_until_one_is_deleted(
    hass: HomeAssistant, switchgrid_sim: SwitchgridSimulator
) -> None:
    entries = [
        MockConfigEntry(
            domain=DOMAIN,
            version=1,
            minor_version=1,
            title=f"Switchgrid {name}",
            unique_id=f"switchgrid_{name}",
            data=switchgrid_entry_data(switchgrid_sim, account_id=name),
        )
        for name in ("maison", "home")
    ]
    for entry in entries:
        entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entries[0].entry_id)
    await hass.async_block_till_done()

    account_id = account_unique_id(AccountKind.SWITCHGRID, switchgrid_sim.token)
    # One takes the account's id; the other cannot have it too and keeps its old one.
    assert sorted(str(e.unique_id) for e in entries) in (
        sorted([account_id, "switchgrid_home"]),
        sorted([account_id, "switchgrid_maison"]),
    )
    assert all(e.minor_version == 3 for e in entries)
    issues = ir.async_get(hass)
    for entry, other in ((entries[0], entries[1]), (entries[1], entries[0])):
        issue = issues.async_get_issue(DOMAIN, f"duplicate_account_{entry.entry_id}")
        assert issue is not None
        assert issue.translation_placeholders == {
            "account": entry.title,
            "other": other.title,
        }

    assert await hass.config_entries.async_remove(entries[1].entry_id)
    await hass.async_block_till_done()
    for entry in entries:
        assert (
            issues.async_get_issue(DOMAIN, f"duplicate_account_{entry.entry_id}")
            is None
        )
