"""Pure tests of the v2 dispatch parser: every inbound rule of the contract."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from custom_components.gridflex.api.fpp.dispatch import (
    BatchTooLargeError,
    Direction,
    Instruction,
    InvalidInstructionError,
    MeterableUnitPower,
    RejectedItem,
    Status,
    decode_json,
    parse_instruction,
    parse_v2,
)

from ..bodies import instruction as body

UTC = dt.UTC


def detail_of(data: Any) -> str:
    with pytest.raises(InvalidInstructionError) as caught:
        parse_instruction(data)
    return caught.value.detail


def test_spec_example_parses_into_typed_utc_fields() -> None:
    parsed = parse_instruction(body(future_field={"a": 1}))
    assert parsed == Instruction(
        id="7c3e0f5e",
        status=Status.INSTRUCTED,
        meterable_units=(
            MeterableUnitPower("MU-1001", 3.5),
            MeterableUnitPower("MU-1002", 1.2),
        ),
        start=dt.datetime(2026, 1, 15, 17, tzinfo=UTC),
        end=dt.datetime(2026, 1, 15, 19, tzinfo=UTC),
        product="ou_15",
        zone="Bath 33kV",
        direction=Direction.TURN_DOWN,
        issued_at=dt.datetime(2026, 1, 15, 16, 45, 2, tzinfo=UTC),
        extra={"future_field": {"a": 1}},
    )
    assert parsed.raw["future_field"] == {"a": 1}
    assert parsed.start is not None and parsed.start.tzinfo is UTC


def test_defaults_when_optional_fields_are_absent_or_null() -> None:
    parsed = parse_instruction(
        body(product=None, zone=..., direction=None, status=..., issued_at=None)
    )
    assert parsed.status is Status.INSTRUCTED
    assert parsed.direction is Direction.TURN_DOWN
    assert parsed.product is None and parsed.zone is None and parsed.issued_at is None


def test_aliases_and_offsets_mean_the_same_instruction() -> None:
    aliased = parse_instruction(
        body(
            id=...,
            instruction_id="7c3e0f5e",
            start=...,
            start_time="2026-01-15T17:00:00+00:00",
            end=...,
            end_time="2026-01-15T20:00:00+01:00",
        )
    )
    assert aliased == parse_instruction(body())
    assert parse_instruction(body(id=..., dispatch_id="x")).id == "x"


def test_same_value_under_field_and_alias_is_fine() -> None:
    parsed = parse_instruction(
        body(instruction_id="7c3e0f5e", start_time="2026-01-15T18:00:00+01:00")
    )
    assert parsed.start == dt.datetime(2026, 1, 15, 17, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"instruction_id": "other"}, "id: conflicting fields id and instruction_id"),
        ({"dispatch_id": "other"}, "id: conflicting fields id and dispatch_id"),
        (
            {"start_time": "2026-01-15T17:30:00Z"},
            "start: conflicting fields start and start_time",
        ),
        (
            {"end_time": "2026-01-15T19:30:00Z"},
            "end: conflicting fields end and end_time",
        ),
        (
            {"meterable_unit_ids": ["MU-1001"], "power_kw": 3.5},
            "meterable_units: conflicting fields meterable_units and meterable_unit_ids",
        ),
    ],
)
def test_conflicting_aliases_are_rejected(changes: dict[str, Any], detail: str) -> None:
    assert detail_of(body(**changes)) == detail


def test_meterable_unit_ids_alias_takes_top_level_power() -> None:
    parsed = parse_instruction(
        body(meterable_units=..., meterable_unit_ids=["MU-1", "MU-2"], power_kw=2)
    )
    assert parsed.meterable_units == (
        MeterableUnitPower("MU-1", 2.0),
        MeterableUnitPower("MU-2", 2.0),
    )
    same = body(
        meterable_units=[{"id": "MU-1", "power_kw": 2}],
        meterable_unit_ids=["MU-1"],
        power_kw=2,
    )
    assert parse_instruction(same).meterable_unit_ids == ("MU-1",)


def test_ids_are_kept_exactly_as_sent() -> None:
    parsed = parse_instruction(
        body(id=" Ab c ", meterable_units=[{"id": "mu-1001 ", "power_kw": 1}])
    )
    assert parsed.id == " Ab c "
    assert parsed.meterable_unit_ids == ("mu-1001 ",)
    assert parse_instruction(body(id="x" * 128)).id == "x" * 128


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"id": ...}, "id: required"),
        ({"id": None}, "id: required"),
        ({"id": ""}, "id: must be a non-empty string"),
        ({"id": 42}, "id: must be a non-empty string"),
        ({"id": "x" * 129}, "id: longer than 128 characters"),
        ({"start": ...}, "start: required"),
        ({"start": None}, "start: required"),
        ({"end": ...}, "end: required"),
        ({"meterable_units": ...}, "meterable_units: required"),
        ({"meterable_units": None}, "meterable_units: required"),
        (
            {"meterable_units": []},
            "meterable_units: must name at least one Meterable Unit",
        ),
        (
            {"meterable_units": "MU-1"},
            "meterable_units: must be a list of {id, power_kw} objects",
        ),
        (
            {"meterable_units": ["MU-1"]},
            "meterable_units[0]: must be an object with id and power_kw",
        ),
        (
            {"meterable_units": [{"power_kw": 1}]},
            "meterable_units[0].id: must be a non-empty string",
        ),
        (
            {"meterable_units": [{"id": "M", "power_kw": "3.5"}]},
            "meterable_units[0].power_kw: must be a JSON number",
        ),
        (
            {"meterable_units": [{"id": "M", "power_kw": True}]},
            "meterable_units[0].power_kw: must be a JSON number",
        ),
        (
            {"meterable_units": [{"id": "M", "power_kw": 10**400}]},
            "meterable_units[0].power_kw: must be a finite number",
        ),
        (
            {"meterable_units": [{"id": "M"}, {"id": "M"}]},
            "meterable_units: 'M' is listed twice",
        ),
        (
            {"meterable_units": ..., "meterable_unit_ids": "MU-1"},
            "meterable_unit_ids: must be a list of strings",
        ),
        (
            {"meterable_units": ..., "meterable_unit_ids": [1]},
            "meterable_unit_ids[0]: must be a non-empty string",
        ),
        ({"power_kw": "2"}, "power_kw: must be a JSON number"),
        ({"start": "2026-01-15T17:00:00"}, "start: naive time, add Z or an offset"),
        ({"end": "2026-01-15 19:00"}, "end: naive time, add Z or an offset"),
        (
            {"start": 1768496400},
            "start: must be an ISO-8601 string, not an epoch number",
        ),
        (
            {"start": 1768496400.5},
            "start: must be an ISO-8601 string, not an epoch number",
        ),
        ({"start": True}, "start: must be an ISO-8601 string, not an epoch number"),
        ({"start": ["2026"]}, "start: must be an ISO-8601 string with Z or an offset"),
        ({"start": "tomorrow"}, "start: not an ISO-8601 date-time ('tomorrow')"),
        ({"start": "2026-01-15"}, "start: naive time, add Z or an offset"),
        ({"start": "0001-01-01T00:00:00+01:00"}, "start: out of range"),
        (
            {"issued_at": "2026-01-15T16:45:02"},
            "issued_at: naive time, add Z or an offset",
        ),
        ({"end": "2026-01-15T17:00:00Z"}, "end: must be after start"),
        ({"end": "2026-01-15T18:00:00+01:00"}, "end: must be after start"),
        ({"end": "2026-01-15T16:00:00Z"}, "end: must be after start"),
        ({"status": "Cancelled"}, "status: must be instructed or cancelled"),
        ({"status": "done"}, "status: must be instructed or cancelled"),
        ({"status": 1}, "status: must be instructed or cancelled"),
        ({"direction": "down"}, "direction: must be turn_down or turn_up"),
        ({"direction": "TURN_UP"}, "direction: must be turn_down or turn_up"),
        ({"product": 15}, "product: must be a string"),
        ({"zone": {"name": "Bath"}}, "zone: must be a string"),
    ],
)
def test_each_broken_rule_gets_a_precise_detail(
    changes: dict[str, Any], detail: str
) -> None:
    assert detail_of(body(**changes)) == detail


def test_detail_carries_the_instruction_id_when_known() -> None:
    with pytest.raises(InvalidInstructionError) as caught:
        parse_instruction(body(end="2026-01-15T16:00:00Z"))
    assert caught.value.instruction_id == "7c3e0f5e"


@pytest.mark.parametrize("value", [None, "x", 1, True, []])
def test_non_object_body_is_rejected(value: Any) -> None:
    assert detail_of(value) == "body: must be a JSON object (or an array of them)"


def test_a_cancel_needs_only_id_and_status() -> None:
    parsed = parse_instruction({"id": "abc", "status": "cancelled"})
    assert parsed.status is Status.CANCELLED
    assert parsed.meterable_units == () and parsed.start is None and parsed.end is None
    # Fields present in a cancel are still checked.
    assert (
        detail_of({"id": "abc", "status": "cancelled", "start": "2026-01-15T17:00"})
        == "start: naive time, add Z or an offset"
    )


def test_product_is_open() -> None:
    assert parse_instruction(body(product="brand_new")).product == "brand_new"


def test_turn_up_and_unknown_per_unit_power() -> None:
    parsed = parse_instruction(
        body(direction="turn_up", meterable_units=[{"id": "MU-1"}], power_kw=None)
    )
    assert parsed.direction is Direction.TURN_UP
    assert parsed.meterable_units == (MeterableUnitPower("MU-1", None),)


def test_batch_judges_each_item_alone() -> None:
    parsed = parse_v2(
        [body(id="a"), body(id="b", end="2026-01-15T16:00:00Z"), "nope", {"x": 1}]
    )
    assert parsed.is_batch
    first, second, third, fourth = parsed.items
    assert isinstance(first, Instruction) and first.id == "a"
    assert second == RejectedItem("b", "end: must be after start")
    assert third == RejectedItem(
        None, "body: must be a JSON object (or an array of them)"
    )
    assert fourth == RejectedItem(None, "id: required")


def test_single_body_is_not_a_batch() -> None:
    parsed = parse_v2(body())
    assert not parsed.is_batch and len(parsed.items) == 1


def test_batch_bounds() -> None:
    assert len(parse_v2([body(id=str(i)) for i in range(100)]).items) == 100
    with pytest.raises(BatchTooLargeError):
        parse_v2([body(id=str(i)) for i in range(101)])
    with pytest.raises(InvalidInstructionError, match="body: an empty batch"):
        parse_v2([])


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        (b"{", "body: malformed JSON"),
        (b'{"a": NaN}', "body: malformed JSON"),
        (b'{"a": Infinity}', "body: malformed JSON"),
        (b"\xff\xfe", "body: not UTF-8"),
        (b"[" * 100_000, "body: malformed JSON"),
        (b"", "body: malformed JSON"),
    ],
)
def test_decode_json_rejects_non_json(raw: bytes, start: str) -> None:
    with pytest.raises(InvalidInstructionError) as caught:
        decode_json(raw)
    assert caught.value.detail.startswith(start)


def test_decode_json_reads_utf8() -> None:
    assert decode_json(json.dumps({"zone": "Zürich"}).encode()) == {"zone": "Zürich"}
