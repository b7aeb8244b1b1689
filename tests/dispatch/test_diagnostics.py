"""Diagnostics show the last inbound bodies, the store and the endpoint, never the secret."""

from __future__ import annotations

import json
from typing import Any

from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from tests.conftest import DISPATCH_SECRET, ENDPOINT_ID, WEBHOOK_ID

from .bodies import instruction
from .conftest import V2, Harness


async def test_diagnostics(harness: Harness, hass_client: Any) -> None:
    await harness.put(V2, instruction())
    await harness.put(
        V2,
        instruction(end="2026-01-15T16:00:00Z"),
        headers={"X-API-Key": DISPATCH_SECRET, "Content-Type": "application/json"},
    )
    for index in range(25):
        await harness.put(V2, {"id": f"c{index}", "status": "cancelled"})
    diagnostics = await get_diagnostics_for_config_entry(
        harness.hass, hass_client, harness.entry
    )
    dumped = json.dumps(diagnostics)
    assert DISPATCH_SECRET not in dumped
    assert ENDPOINT_ID not in dumped and WEBHOOK_ID not in dumped
    dispatch = diagnostics["dispatch"]
    assert (
        dispatch["endpoint"]["paths"][0] == "/api/gridflex/fpp/**REDACTED**/v2/dispatch"
    )
    assert dispatch["endpoint"]["secret"] == "**REDACTED**"
    assert len(dispatch["last_inbound"]) == 20
    last = dispatch["last_inbound"][-1]
    assert last["headers"]["Authorization"] == "**REDACTED**"
    assert json.loads(last["body"]) == {"id": "c24", "status": "cancelled"}
    assert last["status"] == 200 and last["reply"]["status"] == "accepted"
    ids = [r["id"] for r in dispatch["store"]["instructions"]]
    assert ids[0] == "7c3e0f5e" and len(ids) == 26
    assert diagnostics["entry"]["data"]["dispatch_secret"] == "**REDACTED**"


async def test_diagnostics_keep_bad_bodies_with_their_replies(
    harness: Harness, hass_client: Any
) -> None:
    await harness.put(
        V2,
        instruction(end="2026-01-15T16:00:00Z"),
        headers={"X-API-Key": DISPATCH_SECRET, "Content-Type": "application/json"},
    )
    await harness.put(V2, b"x" * 70_000)
    diagnostics = await get_diagnostics_for_config_entry(
        harness.hass, hass_client, harness.entry
    )
    bad, big = diagnostics["dispatch"]["last_inbound"]
    assert bad["headers"]["X-API-Key"] == "**REDACTED**"
    assert bad["reply"] == {
        "error": "invalid_instruction",
        "detail": "end: must be after start",
    }
    assert big["status"] == 413 and big["body"] is None
