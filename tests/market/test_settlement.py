"""FPP settlement data through the real path: sensors, the dispatch calendar, schedule, backoff, reauth."""

from __future__ import annotations

import datetime as dt
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH
import pytest

from custom_components.gridflex.diagnostics import async_get_config_entry_diagnostics
from custom_components.gridflex.market.settlement import (
    AFTER_INSTRUCTION,
    DAILY,
    FIRST_RETRY,
)
from custom_components.gridflex.market.settlement_flow import SettlementFlow
from tests.dispatch.bodies import instruction
from tests.dispatch.conftest import NOW, V2, Harness, harness  # noqa: F401
from tests.market.helpers import calendar_events, entity_id, state_of
from tests.simulators.fpp import FppSimulator

UID = "fpp_acme-flex"


def event(
    event_id: str, instruction_id: str, end: str, **values: Any
) -> dict[str, Any]:
    return {
        "id": event_id,
        "instruction_id": instruction_id,
        "meterable_unit_id": "MU-1001",
        "product": "ou_15",
        "start": "2026-01-10T17:00:00Z",
        "end": end,
        **values,
    }


@pytest.fixture
def settled(fpp_sim: FppSimulator) -> FppSimulator:
    """An FPP with one past event of MU-1001 and two invoices."""
    fpp_sim.utilisation_events = [
        event(
            "UE-1",
            "I-0",
            "2026-01-10T18:00:00Z",
            requested_kwh=3.5,
            delivered_kwh=3.1,
            performance_pct=88.6,
            payment_gbp=1.24,
        )
    ]
    fpp_sim.invoices = [
        {"id": "INV-11", "month": "2025-11", "status": "PAID", "amount_gbp": 8.2},
        {"id": "INV-12", "month": "2025-12", "status": "ISSUED", "amount_gbp": 12.5},
    ]
    return fpp_sim


async def test_sensors_after_setup(settled: FppSimulator, harness: Harness) -> None:  # noqa: F811
    hass = harness.hass
    await hass.async_block_till_done(wait_background_tasks=True)
    perf = state_of(hass, "sensor", f"{UID}_MU-1001_last_event_performance")
    assert perf.state == "88.6"
    assert perf.attributes["instruction_id"] == "I-0"
    assert perf.attributes["requested_kwh"] == 3.5
    assert (
        state_of(hass, "sensor", f"{UID}_MU-1001_last_event_delivered_energy").state
        == "3.1"
    )
    assert state_of(hass, "sensor", f"{UID}_MU-1001_last_event_payment").state == "1.24"
    assert (
        state_of(hass, "sensor", f"{UID}_MU-1002_last_event_performance").state
        == "unknown"
    )
    assert (
        state_of(hass, "sensor", f"{UID}_account_last_invoice_amount").state == "12.5"
    )
    assert (
        state_of(hass, "sensor", f"{UID}_account_last_invoice_month").state == "2025-12"
    )
    assert (
        state_of(hass, "sensor", f"{UID}_account_last_invoice_status").state == "ISSUED"
    )
    invoice_query = settled.requests_to("/invoices")[0].query
    assert invoice_query == {"from": "2025-10", "to": "2026-01"}


async def test_read_again_an_hour_after_an_instruction_ends(
    settled: FppSimulator,
    harness: Harness,  # noqa: F811
) -> None:
    hass = harness.hass
    await hass.async_block_till_done(wait_background_tasks=True)
    body = instruction(
        id="I-1", start="2026-01-15T17:00:00Z", end="2026-01-15T17:30:00Z"
    )
    assert (await harness.put(V2, body)).status == 200
    await harness.advance_to(dt.datetime(2026, 1, 15, 17, 0, tzinfo=dt.UTC))
    await harness.advance_to(dt.datetime(2026, 1, 15, 17, 30, tzinfo=dt.UTC))
    assert harness.types()[-1] == "ended"
    settled.utilisation_events.append(
        event(
            "UE-2",
            "I-1",
            "2026-01-15T17:30:00Z",
            requested_kwh=1.75,
            delivered_kwh=1.75,
            performance_pct=100,
            payment_gbp=0.7,
        )
    )
    reads = len(settled.requests_to("/invoices"))
    await harness.advance_to(dt.datetime(2026, 1, 15, 18, 29, tzinfo=dt.UTC))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(settled.requests_to("/invoices")) == reads
    await harness.advance_to(
        dt.datetime(2026, 1, 15, 17, 30, tzinfo=dt.UTC) + AFTER_INSTRUCTION
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(settled.requests_to("/invoices")) == reads + 1
    perf = state_of(hass, "sensor", f"{UID}_MU-1001_last_event_performance")
    assert perf.state == "100.0"
    assert perf.attributes["instruction_id"] == "I-1"

    calendar = entity_id(hass, "calendar", f"{UID}_account_dispatches")
    [past] = await calendar_events(
        hass, calendar, "2026-01-15T00:00:00Z", "2026-01-16T00:00:00Z"
    )
    assert (
        "MU-1001: delivered 1.75 kWh of 1.75 kWh requested (100 %), payment £0.70"
        in past["description"]
    )


async def test_backoff_then_daily_and_retry_after(
    settled: FppSimulator,
    harness: Harness,  # noqa: F811
) -> None:
    hass = harness.hass
    await hass.async_block_till_done(wait_background_tasks=True)
    settlement = harness.entry.runtime_data.flow(SettlementFlow)
    assert settlement is not None
    coordinator = settlement.coordinator
    assert coordinator.update_interval == DAILY
    settled.fail_next(2, status=503, path_contains="utilisation-events")
    await harness.advance_to(NOW + DAILY)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert coordinator.last_error is not None
    assert coordinator.update_interval == FIRST_RETRY
    await harness.advance_to(NOW + DAILY + FIRST_RETRY)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert coordinator.update_interval == FIRST_RETRY * 2
    await harness.advance_to(NOW + DAILY + FIRST_RETRY * 3)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert coordinator.last_error is None
    assert coordinator.update_interval == DAILY
    # Values stayed through the failures.
    assert (
        state_of(hass, "sensor", f"{UID}_account_last_invoice_amount").state == "12.5"
    )

    settled.fail_next(status=429, retry_after="7200", path_contains="invoices")
    await harness.advance_to(NOW + DAILY * 2 + FIRST_RETRY * 3)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert coordinator.update_interval == dt.timedelta(hours=2)


async def test_refused_token_starts_reauth(
    settled: FppSimulator,
    harness: Harness,  # noqa: F811
) -> None:
    hass = harness.hass
    await hass.async_block_till_done(wait_background_tasks=True)
    settled.token = "rotated"
    await harness.advance_to(NOW + DAILY)
    await hass.async_block_till_done(wait_background_tasks=True)
    flows = hass.config_entries.flow.async_progress()
    assert SOURCE_REAUTH in [f["context"]["source"] for f in flows]


async def test_diagnostics_show_settlement_replies(
    settled: FppSimulator,
    harness: Harness,  # noqa: F811
) -> None:
    await harness.hass.async_block_till_done(wait_background_tasks=True)
    data = await async_get_config_entry_diagnostics(harness.hass, harness.entry)
    section = data["settlement"]
    assert section["last_read_ok"] is True
    assert section["last_replies"]["invoices"][1]["id"] == "INV-12"
    assert settled.token not in str(data)
