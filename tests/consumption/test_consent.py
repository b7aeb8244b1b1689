"""Consent lifecycle per delivery point and its repair issues."""

from __future__ import annotations

import datetime as dt

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.gridflex.const import DOMAIN
from tests.helpers import async_setup_repairs
from tests.simulators.switchgrid import SwitchgridSimulator
from tests.simulators.switchgrid_data import PARIS

from .conftest import (
    PCE,
    electricity_point,
    gas_point,
    make_entry,
    rows,
    settle,
    setup_entry,
)

ENERGY = f"gridflex:grdf_{PCE}_energy"


def _issue(
    hass: HomeAssistant, key: str, entry: MockConfigEntry
) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(
        DOMAIN, f"{key}_{next(iter(entry.subentries))}"
    )


async def _fix(
    hass: HomeAssistant, client: ClientSessionGenerator, issue_id: str
) -> dict[str, object]:
    http = await client()
    resp = await http.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert resp.status == 200, await resp.text()
    flow = await resp.json()
    resp = await http.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert resp.status == 200, await resp.text()
    result: dict[str, object] = await resp.json()
    await settle(hass)
    return result


@pytest.fixture
async def repairs(hass: HomeAssistant) -> None:
    await async_setup_repairs(hass)


async def test_pending_consent_then_signed(
    hass: HomeAssistant,
    sim: SwitchgridSimulator,
    repairs: None,
    hass_client: ClientSessionGenerator,
) -> None:
    entry = make_entry(sim, gas_point(consent_duration="3_years"))
    await setup_entry(hass, entry)
    ask_body = sim.requests_to("/v0_1/ask", "POST")[0].body
    assert ask_body["consentDuration"] == "3 years"
    assert ask_body["contracts"][0]["deliveryPointId"] == PCE
    ask_id = next(iter(sim.asks))
    issue = _issue(hass, "consent_pending", entry)
    assert issue is not None and issue.is_fixable
    assert issue.translation_placeholders["url"] == f"{sim.url}/sign/{ask_id}"
    assert sim.requests_to("donnees-informatives") == []
    assert hass.states.get("sensor.grdf_pce_01427641080000_consent").state == (
        "pending_user_action"
    )

    # Submitting before signing keeps the issue and says so
    result = await _fix(hass, hass_client, issue.issue_id)
    assert result["errors"] == {"base": "not_signed_yet"}

    sim.set_ask_status(ask_id, "ACCEPTED")
    http = await hass_client()
    resp = await http.post(f"/api/repairs/issues/fix/{result['flow_id']}", json={})
    assert (await resp.json())["type"] == "create_entry"
    await settle(hass)
    assert _issue(hass, "consent_pending", entry) is None
    imported = await rows(hass, ENERGY)
    # The 3-year backfill: one row per gas day, the newest being yesterday's.
    assert len(imported) == 1095
    assert (imported[0][0], imported[-1][0]) == (
        dt.datetime(2023, 4, 6, 6, tzinfo=PARIS),
        dt.datetime(2026, 4, 4, 6, tzinfo=PARIS),
    )
    # The fix flow checked the Ask by its id twice (before and after signing).
    assert len(sim.requests_to(f"/v0_1/ask/{ask_id}", "GET")) == 2
    # A reload finds the accepted Ask again: no second Ask is created.
    await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass)
    assert len(sim.requests_to("/v0_1/ask", "POST")) == 1
    assert len(sim.asks) == 1


@pytest.mark.usefixtures("repairs")
@pytest.mark.parametrize(
    ("status", "key"),
    [
        ("REVOKED", "consent_revoked"),
        ("EXPIRED", "consent_expired"),
        ("NOT_VALID", "consent_not_valid"),
        ("ADDRESS_CHECK_FAILED", "consent_address_check_failed"),
    ],
)
async def test_final_states_raise_their_issue_and_renew(
    hass: HomeAssistant,
    sim: SwitchgridSimulator,
    hass_client: ClientSessionGenerator,
    status: str,
    key: str,
) -> None:
    sim.auto_accept_asks = True
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    ask_id = next(iter(sim.asks))
    sim.set_ask_status(ask_id, status)
    sim.auto_accept_asks = False
    await hass.services.async_call(DOMAIN, "refresh_consumption", {}, blocking=True)
    await settle(hass)
    issue = _issue(hass, key, entry)
    assert issue is not None
    orders = len(sim.requests_to("donnees-informatives"))

    result = await _fix(hass, hass_client, issue.issue_id)
    assert result["type"] == "create_entry"
    assert len(sim.asks) == 2  # a new consent was asked for
    assert _issue(hass, key, entry) is None
    assert _issue(hass, "consent_pending", entry) is not None
    assert len(sim.requests_to("donnees-informatives")) == orders


async def test_expiring_soon_and_existing_ask_reused(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.add_ask(PCE, acceptedAt="2025-04-20T08:00:00+00:00")  # 1 year → 2026-04-20
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    assert sim.requests_to("/v0_1/ask", "POST") == []
    issue = _issue(hass, "consent_expiring", entry)
    assert issue is not None
    assert issue.translation_placeholders["expires"] == "2026-04-20"
    expiry = hass.states.get("sensor.grdf_pce_01427641080000_consent_expiry")
    assert expiry is not None
    assert dt.datetime.fromisoformat(expiry.state) == dt.datetime(
        2026, 4, 20, 8, tzinfo=dt.UTC
    )


async def test_electricity_consent_uses_enedis_contract_id(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.enedis_contracts.append({"id": "c-1", "prm": "00046372994792"})
    entry = make_entry(sim, electricity_point(enedis_contract_id="c-1"))
    await setup_entry(hass, entry)
    assert sim.requests_to("/v0_1/ask", "POST")[0].body["contracts"] == ["c-1"]
    assert _issue(hass, "consent_pending", entry) is not None


async def test_signature_is_noticed_without_waiting_for_the_next_slot(
    hass: HomeAssistant, sim: SwitchgridSimulator, frozen: FrozenDateTimeFactory
) -> None:
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    ask_id = next(iter(sim.asks))
    frozen.tick(dt.timedelta(minutes=16))
    async_fire_time_changed(hass)
    await settle(hass)
    assert _issue(hass, "consent_pending", entry) is not None  # still waiting
    assert sim.requests_to("donnees-informatives") == []
    sim.set_ask_status(ask_id, "ACCEPTED")
    sim.fail_next(status=503, path_contains=f"/v0_1/ask/{ask_id}")
    frozen.tick(dt.timedelta(minutes=16))
    async_fire_time_changed(hass)
    await settle(hass)
    # The check met the outage, so the signature is not seen yet...
    assert [r.status for r in sim.requests_to(f"/v0_1/ask/{ask_id}")][-1] == 503
    assert [f.status for f in sim.fired] == [503]
    assert _issue(hass, "consent_pending", entry) is not None
    # ...and the next check, a slot later, sees it.
    frozen.tick(dt.timedelta(minutes=16))
    async_fire_time_changed(hass)
    await settle(hass)
    assert _issue(hass, "consent_pending", entry) is None
    assert len(sim.requests_to("donnees-informatives")) == 1
    assert hass.states.get("sensor.grdf_pce_01427641080000_consent").state == "accepted"


async def test_removing_a_point_removes_its_issues(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    entry = make_entry(sim, gas_point(), electricity_point())
    await setup_entry(hass, entry)
    gas_id, elec_id = list(entry.subentries)
    registry = ir.async_get(hass)
    assert registry.async_get_issue(DOMAIN, f"consent_pending_{gas_id}")
    assert hass.config_entries.async_remove_subentry(entry, gas_id)
    await settle(hass)
    assert registry.async_get_issue(DOMAIN, f"consent_pending_{gas_id}") is None
    assert registry.async_get_issue(DOMAIN, f"consent_pending_{elec_id}")
