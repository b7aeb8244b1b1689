"""Refresh scheduling, bounded polling, auth and rate-limit handling, the action, events."""

from __future__ import annotations

import datetime as dt

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.gridflex.const import DOMAIN
from custom_components.gridflex.consumption.coordinator import next_scheduled_refresh
from tests.simulators.switchgrid import SwitchgridSimulator
from tests.simulators.switchgrid_data import PARIS, gas_record

from .conftest import PCE, gas_point, make_entry, rows, settle, setup_entry

ENERGY = f"gridflex:grdf_{PCE}_energy"


async def _advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: dt.timedelta
) -> None:
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await settle(hass)


def _orders(sim: SwitchgridSimulator) -> int:
    return len(sim.requests_to("donnees-informatives"))


def _polls(sim: SwitchgridSimulator) -> int:
    return sum(1 for r in sim.received if r.path.startswith("/v0_1/order/"))


def test_next_scheduled_refresh_is_0830_or_1830_paris() -> None:
    at = dt.datetime(2026, 3, 28, 9, 0, tzinfo=PARIS)
    assert next_scheduled_refresh(at) == dt.datetime(2026, 3, 28, 18, 30, tzinfo=PARIS)
    at = dt.datetime(
        2026, 3, 28, 19, 0, tzinfo=PARIS
    )  # next morning is after the DST change
    assert next_scheduled_refresh(at) == dt.datetime(2026, 3, 29, 8, 30, tzinfo=PARIS)
    at = dt.datetime(2026, 3, 29, 3, 0, tzinfo=PARIS)
    assert next_scheduled_refresh(at) == dt.datetime(2026, 3, 29, 8, 30, tzinfo=PARIS)


async def test_refreshes_twice_a_day_after_0800(
    hass: HomeAssistant, sim: SwitchgridSimulator, frozen: FrozenDateTimeFactory
) -> None:
    sim.auto_accept_asks = True
    sim.gas_records[PCE] = [gas_record(PCE, dt.date(2026, 4, 3), 50, 5)]
    await setup_entry(hass, make_entry(sim, gas_point()))  # at 10:00
    assert _orders(sim) == 1
    await _advance(hass, frozen, dt.timedelta(hours=8))  # 18:00
    assert _orders(sim) == 1
    await _advance(hass, frozen, dt.timedelta(minutes=31))  # 18:31
    assert _orders(sim) == 2
    sim.gas_records[PCE].append(gas_record(PCE, dt.date(2026, 4, 4), 60, 6))
    await _advance(hass, frozen, dt.timedelta(hours=6))  # 00:31: nothing at night
    assert _orders(sim) == 2
    await _advance(hass, frozen, dt.timedelta(hours=8))  # 08:31
    assert _orders(sim) == 3
    assert [r[2] for r in await rows(hass, ENERGY)] == [50, 110]


async def test_pending_order_is_polled_later_not_waited_on(
    hass: HomeAssistant, sim: SwitchgridSimulator, frozen: FrozenDateTimeFactory
) -> None:
    sim.auto_accept_asks = True
    sim.stuck_points.add(PCE)
    sim.gas_records[PCE] = [gas_record(PCE, dt.date(2026, 4, 3), 50, 5)]
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    order_id = next(iter(sim.orders))
    polls = len(sim.requests_to(f"/v0_1/order/{order_id}"))
    assert polls == 1
    await _advance(hass, frozen, dt.timedelta(minutes=11))
    assert len(sim.requests_to(f"/v0_1/order/{order_id}")) == 2
    assert _orders(sim) == 1  # polled again, not ordered again
    assert await rows(hass, ENERGY) == []

    sim.stuck_points.clear()
    await _advance(hass, frozen, dt.timedelta(minutes=11))
    assert [r[1] for r in await rows(hass, ENERGY)] == [50]
    assert _orders(sim) == 1


async def test_stuck_order_is_given_up_and_ordered_again(
    hass: HomeAssistant, sim: SwitchgridSimulator, frozen: FrozenDateTimeFactory
) -> None:
    sim.auto_accept_asks = True
    sim.stuck_points.add(PCE)
    await setup_entry(hass, make_entry(sim, gas_point()))
    for _ in range(8):  # follow-ups are bounded
        await _advance(hass, frozen, dt.timedelta(minutes=11))
    polls = _polls(sim)
    assert polls == 7  # first poll + 6 follow-ups
    await _advance(hass, frozen, dt.timedelta(hours=3))  # nothing until 18:30
    assert _polls(sim) == polls
    await _advance(hass, frozen, dt.timedelta(hours=7))  # 18:30 slot: polled again
    assert _polls(sim) == polls + 1
    await _advance(
        hass, frozen, dt.timedelta(hours=14)
    )  # next morning: given up, new order
    assert _orders(sim) == 2


@pytest.mark.allow_gridflex_errors(
    "^Error fetching gridflex consumption data: Switchgrid asked GridFlex to slow down"
)
async def test_rate_limited_retries_after_retry_after(
    hass: HomeAssistant, sim: SwitchgridSimulator, frozen: FrozenDateTimeFactory
) -> None:
    sim.auto_accept_asks = True
    sim.gas_records[PCE] = [gas_record(PCE, dt.date(2026, 4, 3), 50, 5)]
    sim.fail_next(status=429, retry_after="120", path_contains="donnees-informatives")
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert await rows(hass, ENERGY) == []
    await _advance(hass, frozen, dt.timedelta(seconds=60))
    assert _orders(sim) == 1
    await _advance(hass, frozen, dt.timedelta(seconds=61))
    assert _orders(sim) == 2
    assert [r[1] for r in await rows(hass, ENERGY)] == [50]


@pytest.mark.allow_gridflex_errors(
    "^Error fetching gridflex consumption data: Switchgrid could not be reached"
)
async def test_server_error_backs_off(
    hass: HomeAssistant, sim: SwitchgridSimulator, frozen: FrozenDateTimeFactory
) -> None:
    sim.auto_accept_asks = True
    sim.fail_next(count=2, status=503, path_contains="donnees-informatives")
    await setup_entry(hass, make_entry(sim, gas_point()))
    await _advance(hass, frozen, dt.timedelta(minutes=16))
    assert _orders(sim) == 2
    await _advance(hass, frozen, dt.timedelta(minutes=16))
    assert _orders(sim) == 2  # second retry waits 30 minutes
    await _advance(hass, frozen, dt.timedelta(minutes=16))
    assert _orders(sim) == 3


@pytest.mark.allow_gridflex_errors(
    "^Authentication failed while fetching gridflex consumption data"
)
async def test_refused_token_starts_reauth(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    sim.add_ask(PCE)
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    sim.token = "rotated"
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "refresh_consumption",
            {"config_entry_id": entry.entry_id},
            blocking=True,
        )
    assert err.value.translation_key == "refresh_failed"
    await settle(hass)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]


async def test_refresh_action_validates_its_target(
    hass: HomeAssistant, sim: SwitchgridSimulator
) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, "refresh_consumption", {}, blocking=True)
    assert err.value.translation_key == "no_switchgrid_account"
    entry = make_entry(sim, gas_point())
    await setup_entry(hass, entry)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "refresh_consumption", {"config_entry_id": "nope"}, blocking=True
        )
    assert err.value.translation_key == "not_a_switchgrid_account"
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "refresh_consumption",
            {"config_entry_id": entry.entry_id},
            blocking=True,
        )
    assert err.value.translation_key == "switchgrid_account_not_loaded"


async def test_demand_response_calendar_and_binary_sensor(
    hass: HomeAssistant, sim: SwitchgridSimulator, frozen: FrozenDateTimeFactory
) -> None:
    sim.events = [
        {
            "eventId": "ev-1",
            "startUtc": "2026-04-05T09:00:00Z",
            "endUtc": "2026-04-05T10:00:00Z",
            "summary": "Effacement",
            "description": "Réduisez votre consommation",
        }
    ]
    await setup_entry(hass, make_entry(sim))  # 08:00 UTC
    fired: list[str] = []
    event_entity = "event.switchgrid_maison_test_demand_response_start_or_end"
    hass.bus.async_listen(
        "state_changed",
        lambda e: (
            fired.append(e.data["new_state"].attributes.get("event_type"))
            if e.data["entity_id"] == event_entity
            else None
        ),
    )
    binary = "binary_sensor.switchgrid_maison_test_demand_response_now"
    calendar = "calendar.switchgrid_maison_test_demand_response_calendar"
    assert hass.states.get(binary).state == "off"
    assert hass.states.get(calendar).attributes["message"] == "Effacement"
    await _advance(hass, frozen, dt.timedelta(hours=1, seconds=1))
    assert hass.states.get(binary).state == "on"
    assert hass.states.get(calendar).state == "on"
    await _advance(hass, frozen, dt.timedelta(hours=1))
    assert hass.states.get(binary).state == "off"
    assert fired == ["started", "ended"]
    assert hass.states.get(event_entity).attributes["summary"] == "Effacement"
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": calendar,
            "start_date_time": "2026-04-05T00:00:00+00:00",
            "end_date_time": "2026-04-06T00:00:00+00:00",
        },
        blocking=True,
        return_response=True,
    )
    assert [e["summary"] for e in response[calendar]["events"]] == ["Effacement"]
