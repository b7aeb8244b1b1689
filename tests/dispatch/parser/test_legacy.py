"""Pure tests of the legacy v1 start/stop parser."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from custom_components.gridflex.api.fpp.dispatch import (
    Direction,
    InvalidInstructionError,
    LegacyStart,
    LegacyStop,
    parse_legacy_start,
    parse_legacy_stop,
)

UTC = dt.UTC
START = {
    "meterable_unit_id": "MU-1001",
    "product": "secure",
    "zone": "Bath 33kV",
    "start": "2026-01-15T17:00:00Z",
    "end": "2026-01-15T19:00:00Z",
    "power_kw": 3.5,
}


def test_spec_start_example() -> None:
    assert parse_legacy_start({**START, "note": "x"}) == LegacyStart(
        meterable_unit_id="MU-1001",
        start=dt.datetime(2026, 1, 15, 17, tzinfo=UTC),
        end=dt.datetime(2026, 1, 15, 19, tzinfo=UTC),
        power_kw=3.5,
        product="secure",
        zone="Bath 33kV",
        direction=Direction.TURN_DOWN,
        extra={"note": "x"},
    )


def test_start_without_end_is_open_ended() -> None:
    parsed = parse_legacy_start(
        {"meterable_unit_id": "MU-1", "start": "2026-01-15T17:00:00+01:00"}
    )
    assert parsed.end is None and parsed.power_kw is None
    assert parsed.start == dt.datetime(2026, 1, 15, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"meterable_unit_id": None}, "meterable_unit_id: required"),
        ({"meterable_unit_id": ""}, "meterable_unit_id: must be a non-empty string"),
        (
            {"meterable_unit_id": ["MU"]},
            "meterable_unit_id: must be a non-empty string",
        ),
        ({"start": None}, "start: required"),
        ({"start": "2026-01-15T17:00:00"}, "start: naive time, add Z or an offset"),
        ({"end": 5}, "end: must be an ISO-8601 string, not an epoch number"),
        ({"end": "2026-01-15T17:00:00Z"}, "end: must be after start"),
        ({"power_kw": "3.5"}, "power_kw: must be a JSON number"),
        (
            {"start_time": "2026-01-15T18:00:00Z"},
            "start: conflicting fields start and start_time",
        ),
    ],
)
def test_start_rules(changes: dict[str, Any], detail: str) -> None:
    with pytest.raises(InvalidInstructionError) as caught:
        parse_legacy_start({**START, **changes})
    assert caught.value.detail == detail


def test_stop() -> None:
    assert parse_legacy_stop({"meterable_unit_id": "MU-1"}) == LegacyStop("MU-1", None)
    assert parse_legacy_stop(
        {"meterable_unit_id": "MU-1", "stop": "2026-01-15T18:00:00Z", "why": 1}
    ) == LegacyStop("MU-1", dt.datetime(2026, 1, 15, 18, tzinfo=UTC), {"why": 1})


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        ([], "body: must be a JSON object"),
        ({}, "meterable_unit_id: required"),
        (
            {"meterable_unit_id": "M", "stop": "2026-01-15T18:00:00"},
            "stop: naive time, add Z or an offset",
        ),
        (
            {"meterable_unit_id": "M", "stop": 12},
            "stop: must be an ISO-8601 string, not an epoch number",
        ),
    ],
)
def test_stop_rules(data: Any, detail: str) -> None:
    with pytest.raises(InvalidInstructionError) as caught:
        parse_legacy_stop(data)
    assert caught.value.detail == detail


def test_start_body_must_be_object() -> None:
    with pytest.raises(InvalidInstructionError, match="body: must be a JSON object"):
        parse_legacy_start([START])
