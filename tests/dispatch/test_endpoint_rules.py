"""The endpoint's replies, in the contract's order of checks, through HA's real HTTP app."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DISPATCH_SECRET

from .bodies import instruction
from .conftest import AUTH, BASE, V1_START, V1_STOP, V2, WEBHOOK, Harness

JSON = {"Content-Type": "application/json"}


async def test_accepts_the_spec_example(harness: Harness) -> None:
    resp = await harness.put(V2, instruction())
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    assert await resp.json() == {
        "id": "7c3e0f5e",
        "status": "accepted",
        "meterable_units": ["MU-1001", "MU-1002"],
        "unknown_meterable_units": [],
    }
    assert harness.types() == ["received"]
    assert harness.types("MU-1002") == ["received"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": f"Bearer {DISPATCH_SECRET}"},
        {"Authorization": f"bearer {DISPATCH_SECRET}"},
        {"Authorization": f"BEARER {DISPATCH_SECRET}"},
        {"X-API-Key": DISPATCH_SECRET},
        {"Authorization": "Bearer wrong", "X-API-Key": DISPATCH_SECRET},
        {"Authorization": f"Bearer {DISPATCH_SECRET}", "X-API-Key": "wrong"},
    ],
)
async def test_any_one_valid_credential_suffices(
    harness: Harness, headers: dict[str, str]
) -> None:
    resp = await harness.put(V2, instruction(), headers={**headers, **JSON})
    assert resp.status == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": DISPATCH_SECRET},
        {"Authorization": f"Basic {DISPATCH_SECRET}"},
        {"Authorization": f"Bearer {DISPATCH_SECRET}x"},
        {"X-API-Key": DISPATCH_SECRET.upper()},
        {"X-API-Key": ""},
    ],
)
async def test_missing_or_wrong_secret_is_401_first(
    harness: Harness, headers: dict[str, str]
) -> None:
    # Oversized, wrongly typed and malformed: still 401, as auth is checked first.
    resp = await harness.put(
        V2, "x" * 70_000, headers={**headers, "Content-Type": "text/plain"}
    )
    assert resp.status == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert await resp.json() == {"error": "unauthorized"}
    assert harness.events == []


async def test_size_before_content_type(harness: Harness) -> None:
    big = json.dumps(instruction(padding="x" * 65_536))
    resp = await harness.put(V2, big, headers={**AUTH, "Content-Type": "text/plain"})
    assert resp.status == 413
    exactly = json.dumps(instruction(padding=""))
    exactly = exactly[:-1] + " " * (65_536 - len(exactly)) + "}"
    assert len(exactly.encode()) == 65_536
    assert (await harness.put(V2, exactly)).status == 200


async def test_size_is_read_not_trusted_from_content_length(harness: Harness) -> None:
    async def chunks():  # no Content-Length: chunked transfer
        for _ in range(20):
            yield b" " * 4096
        yield json.dumps(instruction()).encode()

    resp = await harness.client.put(V2, data=chunks(), headers={**AUTH, **JSON})
    assert resp.status == 413
    await harness.hass.async_block_till_done()
    assert harness.events == []


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "text/json"]
)
async def test_non_json_content_type_is_415(
    harness: Harness, content_type: str
) -> None:
    resp = await harness.put(
        V2, instruction(), headers={**AUTH, "Content-Type": content_type}
    )
    assert resp.status == 415
    assert (await resp.json())["error"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "application/vnd.fpp+json", None],
)
async def test_json_types_and_missing_type_are_accepted(
    harness: Harness, content_type: str | None
) -> None:
    headers = dict(AUTH)
    if content_type:
        headers["Content-Type"] = content_type
    resp = await harness.client.put(
        V2,
        data=json.dumps(instruction()).encode(),
        headers=headers,
        skip_auto_headers=["Content-Type"],
    )
    assert resp.status == 200


async def test_malformed_and_invalid_are_400_with_field(harness: Harness) -> None:
    resp = await harness.put(V2, "{not json")
    assert resp.status == 400
    assert (await resp.json())["detail"].startswith("body: malformed JSON")
    resp = await harness.put(V2, instruction(end="2026-01-15T16:00:00Z"))
    assert await resp.json() == {
        "error": "invalid_instruction",
        "detail": "end: must be after start",
    }
    resp = await harness.put(V2, instruction(start="2026-01-15T17:00:00"))
    assert (await resp.json())["detail"] == "start: naive time, add Z or an offset"
    assert harness.events == []


async def test_unknown_meterable_units(harness: Harness) -> None:
    resp = await harness.put(
        V2, instruction(meterable_units=[{"id": "MU-9", "power_kw": 1}])
    )
    assert resp.status == 422
    body = await resp.json()
    assert body["error"] == "unknown_meterable_unit"
    assert body["unknown_meterable_units"] == ["MU-9"]
    resp = await harness.put(
        V2,
        instruction(
            meterable_units=[
                {"id": "MU-9", "power_kw": 1},
                {"id": "MU-1001", "power_kw": 2},
            ]
        ),
    )
    assert resp.status == 200
    assert (await resp.json())["unknown_meterable_units"] == ["MU-9"]


async def test_422_comes_before_409(harness: Harness) -> None:
    await harness.put(V2, {"id": "gone", "status": "cancelled"})
    resp = await harness.put(
        V2, instruction(id="gone", meterable_units=[{"id": "MU-9", "power_kw": 1}])
    )
    assert resp.status == 422
    resp = await harness.put(V2, instruction(id="gone"))
    assert resp.status == 409
    assert (await resp.json())["error"] == "instruction_cancelled"


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
async def test_view_takes_put_only(harness: Harness, method: str) -> None:
    resp = await harness.put(V2, instruction(), method=method)
    assert resp.status == 405
    assert resp.headers["Allow"] == "PUT"
    assert harness.events == []


async def test_unknown_endpoint_is_the_same_401_as_a_wrong_key(
    harness: Harness,
) -> None:
    unknown = await harness.put(
        "/api/gridflex/fpp/ffffffffffffffff/v2/dispatch", instruction()
    )
    wrong_key = await harness.put(
        V2, instruction(), headers={"Authorization": "Bearer nope"}
    )
    for resp in (unknown, wrong_key):
        assert resp.status == 401
        assert resp.headers["WWW-Authenticate"] == 'Bearer realm="gridflex"'
        assert await resp.json() == {"error": "unauthorized"}
    resp = await harness.put(f"{BASE}/v3/dispatch", instruction())
    assert resp.status in (404, 405)


async def test_batch(harness: Harness) -> None:
    resp = await harness.put(
        V2,
        [
            instruction(id="a"),
            instruction(id="b", end="2026-01-15T16:00:00Z"),
            instruction(id="c", meterable_units=[{"id": "MU-9", "power_kw": 1}]),
        ],
    )
    assert resp.status == 200
    results = (await resp.json())["results"]
    assert results[0]["status"] == "accepted"
    assert results[1] == {
        "id": "b",
        "status": "rejected",
        "error": "invalid_instruction",
        "detail": "end: must be after start",
    }
    assert results[2]["error"] == "unknown_meterable_unit"
    resp = await harness.put(V2, [instruction(id="d", start=5)])
    assert resp.status == 400
    assert (await resp.json())["results"][0]["status"] == "rejected"
    assert (await harness.put(V2, [])).status == 400
    assert (
        await harness.put(V2, [instruction(id=str(i)) for i in range(101)])
    ).status == 413
    assert {e.data["instruction_id"] for e in harness.events} == {"a"}


async def test_webhook_takes_put_and_post_with_the_same_rules(harness: Harness) -> None:
    assert (await harness.put(WEBHOOK, instruction(id="w1"))).status == 200
    assert (
        await harness.put(WEBHOOK, instruction(id="w2"), method="POST")
    ).status == 200
    assert (
        await harness.put(WEBHOOK, instruction(id="w3"), headers=JSON)
    ).status == 401
    assert (
        await harness.put(WEBHOOK, instruction(id="w4"), method="PATCH")
    ).status == 405
    legacy = {"meterable_unit_id": "MU-1001", "start": "2026-01-15T16:40:00Z"}
    resp = await harness.put(WEBHOOK, legacy)
    assert resp.status == 200 and (await resp.json())["id"].startswith("v1-MU-1001-")
    resp = await harness.put(
        f"{WEBHOOK}?path=v1/dispatch/stop", {"meterable_unit_id": "MU-1001"}
    )
    assert (await resp.json())["stopped"] is True
    resp = await harness.put(WEBHOOK, {"meterable_unit_id": "MU-1001", "stop": None})
    assert (await resp.json())["stopped"] is False
    resp = await harness.put(
        WEBHOOK, legacy, headers={**AUTH, **JSON, "X-GridFlex-Path": "v1/dispatch/stop"}
    )
    assert resp.status == 200 and (await resp.json())["stopped"] is False
    resp = await harness.put(f"{WEBHOOK}?path=v9", legacy)
    assert resp.status == 400 and (await resp.json())["detail"].startswith("path:")


async def test_legacy_paths(harness: Harness) -> None:
    resp = await harness.put(
        V1_START, {"meterable_unit_id": "MU-9", "start": "2026-01-15T17:00:00Z"}
    )
    assert resp.status == 422
    resp = await harness.put(V1_STOP, {"meterable_unit_id": "MU-9"})
    assert resp.status == 422
    resp = await harness.put(V1_START, {"meterable_unit_id": "MU-1001"})
    assert resp.status == 400 and (await resp.json())["detail"] == "start: required"
