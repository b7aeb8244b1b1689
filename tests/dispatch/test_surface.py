"""What an FPP account shows, as snapshots: entities, devices, the dispatch calendar, diagnostics.

A change in any of them shows as a diff in review (`pytest --snapshot-update` writes the new one).
"""

from __future__ import annotations

import datetime as dt

from syrupy.assertion import SnapshotAssertion

from custom_components.gridflex.diagnostics import async_get_config_entry_diagnostics
from tests.dispatch.conftest import NOW, V2, Harness
from tests.surface import calendar, devices, entities, stable


def _instruction(
    ident: str, start_min: int, minutes: int, **extra: object
) -> dict[str, object]:
    start = NOW + dt.timedelta(minutes=start_min)
    return {
        "id": ident,
        "product": "ou_15",
        "zone": "Bath 33kV",
        "start": start.isoformat().replace("+00:00", "Z"),
        "end": (start + dt.timedelta(minutes=minutes))
        .isoformat()
        .replace("+00:00", "Z"),
        "meterable_units": [
            {"id": "MU-1001", "power_kw": 2.5},
            {"id": "MU-1002", "power_kw": 1.2},
        ],
        "direction": "turn_down",
        "status": "instructed",
        **extra,
    }


async def test_fpp_account_surface(
    harness: Harness, snapshot: SnapshotAssertion
) -> None:
    # One instruction running now, one later that is cancelled.
    for body in (
        _instruction("7c3e0f5e", -5, 30),
        _instruction("9a1b2c3d", 120, 30),
        _instruction("9a1b2c3d", 120, 30, status="cancelled"),
    ):
        assert (await harness.put(V2, body)).status == 200
    hass, entry = harness.hass, harness.entry

    assert entities(hass, entry) == snapshot(name="entities")
    assert devices(hass, entry) == snapshot(name="devices")
    assert await calendar(
        hass,
        "calendar.fpp_acme_flex_dispatches",
        NOW - dt.timedelta(days=1),
        NOW + dt.timedelta(days=1),
    ) == snapshot(name="calendar")
    assert stable(await async_get_config_entry_diagnostics(hass, entry)) == snapshot(
        name="diagnostics"
    )
