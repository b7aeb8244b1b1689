"""Bounded state: every cap answers clearly, keeps nothing of what it refused, and holds after a restart."""

from __future__ import annotations

from unittest.mock import patch

from custom_components.gridflex.dispatch.rate_limit import RequestBudget

from .bodies import instruction
from .conftest import V1_START, V1_STOP, V2, WEBHOOK, Harness, stored_ids


async def test_live_instructions_per_account_are_capped(harness: Harness) -> None:
    with patch("custom_components.gridflex.dispatch.intake.MAX_LIVE_INSTRUCTIONS", 3):
        for i in range(3):
            assert (await harness.put(V2, instruction(id=f"live-{i}"))).status == 200
        resp = await harness.put(V2, instruction(id="one-too-many"))
        assert resp.status == 429
        assert resp.headers["Retry-After"] == "60"
        assert (await resp.json())["error"] == "too_many_instructions"
        legacy = {"meterable_unit_id": "MU-1001", "start": "2026-01-15T17:00:00Z"}
        assert (await harness.put(V1_START, legacy)).status == 429
        # Updates and cancels always pass; a cancel frees a place.
        moved = instruction(id="live-0", end="2026-01-15T20:00:00Z")
        assert (await harness.put(V2, moved)).status == 200
        cancel = {"id": "live-1", "status": "cancelled"}
        assert (await harness.put(V2, cancel)).status == 200
        assert (await harness.put(V2, instruction(id="one-too-many"))).status == 200
    assert sorted(stored_ids(await harness.stored())) == [
        "live-0",
        "live-1",
        "live-2",
        "one-too-many",
    ]


async def test_unknown_meterable_units_remembered_are_the_last_fifty(
    harness: Harness,
) -> None:
    for i in range(60):
        units = [{"id": f"MU-X{i:02d}", "power_kw": 1}]
        resp = await harness.put(V2, instruction(id=f"u{i}", meterable_units=units))
        assert resp.status == 422
    # A rejected instruction's MUs are not remembered.
    bad = instruction(id="bad", end="nope", meterable_units=[{"id": "MU-BAD"}])
    assert (await harness.put(V2, bad)).status == 400
    expected = [f"MU-X{i:02d}" for i in range(10, 60)]
    assert list(harness.runtime.unknown_meterable_units) == expected
    assert (await harness.stored())["unknown_meterable_units"] == expected
    await harness.restart()
    assert list(harness.runtime.unknown_meterable_units) == expected


async def test_unknown_fields_are_kept_up_to_4_kib(harness: Harness) -> None:
    resp = await harness.put(V2, instruction(note="x" * 5_000))
    assert resp.status == 400
    assert "unknown fields take" in (await resp.json())["detail"]
    assert (await harness.put(V2, instruction(note="x" * 3_000))).status == 200
    assert stored_ids(await harness.stored()) == ["7c3e0f5e"]


async def test_requests_per_account_are_rate_limited(harness: Harness) -> None:
    harness.runtime.budget = RequestBudget(burst=3, per_second=0.01)
    for _ in range(5):  # strangers spend nothing of the account's budget
        assert (await harness.put(V2, instruction(), headers={})).status == 401
    for i in range(3):
        assert (await harness.put(V2, instruction(id=f"r{i}"))).status == 200
    for path in (V2, WEBHOOK):
        resp = await harness.put(path, instruction(id="r3"))
        assert resp.status == 429
        assert (await resp.json())["error"] == "rate_limited"
        assert int(resp.headers["Retry-After"]) >= 1
    assert sorted(stored_ids(await harness.stored())) == ["r0", "r1", "r2"]


async def test_times_a_dso_could_not_mean_are_refused(harness: Harness) -> None:
    cases = [
        (V2, instruction(start="2019-12-31T23:59:59Z")),
        (V2, instruction(end="2027-01-17T00:00:00Z")),
        (V1_START, {"meterable_unit_id": "MU-1001", "start": "9999-01-01T00:00:00Z"}),
        (V1_STOP, {"meterable_unit_id": "MU-1001", "stop": "1990-01-01T00:00:00Z"}),
    ]
    for path, body in cases:
        resp = await harness.put(path, body)
        assert resp.status == 400, body
        assert (await resp.json())["error"] == "invalid_instruction"
    # A year ahead is still a time a DSO could mean.
    assert (
        await harness.put(V2, instruction(end="2027-01-14T00:00:00Z"))
    ).status == 200
    assert stored_ids(await harness.stored()) == ["7c3e0f5e"]
